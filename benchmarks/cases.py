"""The named queries as benchmark cases, with parameters bound to entities of the synthetic data.

The packaged defaults point at real entities (``kg:l-serine``) that the synthetic catalogue does
not hold, so each parameter is bound by what its name says it is. A query with an IRI parameter
is "about one entity" (target: median ≤ 50 ms at 1M); the others are catalogue-wide (≤ 250 ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from benchmarks.generator import cas_number

#: raw parameter values (as a user would type them) naming entities of the synthetic catalogue
SYNTHETIC_VALUES: list[tuple[str, str]] = [
    ("compound", "kg:syn-compound-00006"),
    ("other", "kg:syn-compound-00005"),
    ("trial", "kg:NCT90000601"),
    ("subject", "kg:NCT90000601"),
    ("entity", "kg:syn-compound-00006"),
    ("mechanism", "kg:mechanism-syn-compound-00006-1"),
    ("xref", "CHEBI:9000006"),
    ("cas", cas_number(6)),
    ("text", "compound 6"),
    ("status", "Terminated"),
    ("disease", "kg:syn-disease-00001"),
    ("condition", "synthetic disease 1"),
]
ONE_ENTITY_TYPES = {"iri"}


@dataclass
class Case:
    """A named query with its parameters bound, ready to time on any store."""

    name: str
    sparql: str
    bindings: dict[str, Any] = field(default_factory=dict)
    kind: str = "catalogue"
    #: the query's ``text_index`` declaration: the embedded store's text index narrows it, as
    #: for ``serkg query`` and the server (a ``TextSearch``, or None)
    search: Any = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "sparql": self.sparql,
            "bindings": {k: str(v) for k, v in self.bindings.items()},
        }


def synthetic_value(name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in SYNTHETIC_VALUES if key in lowered), None)


def load_cases() -> tuple[list[Case], dict[str, str]]:
    """Every named query, with parameters bound to synthetic entities (else default or example).

    A query with an IRI parameter (compound, trial, cross-reference) is about one entity and
    has the 50 ms target; the others are catalogue-wide (250 ms). Returns the cases and, for
    queries that could not be bound (a required parameter without example), the reason.
    """
    from serkg import querylib

    cases = []
    skipped: dict[str, str] = {}
    for query in querylib.list_queries():
        raw: dict[str, object] = {}
        for param in query.params:
            value = synthetic_value(param.name)
            if value is not None and (param.type != "enum" or value in param.values):
                raw[param.name] = value
            elif param.default is None:
                raw[param.name] = query.example.get(param.name)
        try:
            bindings: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal] = query.bind(raw)
        except querylib.QueryParameterError as exc:
            skipped[query.name] = str(exc)
            continue
        one = any(p.type in ONE_ENTITY_TYPES for p in query.params)
        cases.append(
            Case(
                query.name,
                query.text,
                dict(bindings),
                "one entity" if one else "catalogue",
                search=query.text_search,
            )
        )
    return cases, skipped
