"""QC: SPARQL queries that must return nothing (``queries/qc/<check>-violation.rq``).

The QC queries run on pyoxigraph: on the built store after reasoning, and on an in-memory store of
the asserted graph at validate time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg import resources
from serkg.checks.core_parallel import (
    default_workers,
)
from serkg.checks.results import QcViolation
from serkg.prefixes import ASSERTED_GRAPH
from serkg.store import default_dataset
from serkg.vocab import XSD

if TYPE_CHECKING:
    from serkg.store import QueryStore


#: The active QC checks, in the order they run. A ``queries/qc`` file not listed here is inactive.
QC_CHECKS: tuple[str, ...] = (
    "literal-subject",
    "sameas-self-link",
    "external-sameas",
    "entity-without-provenance",
    "untyped-entity",
    "orphan-node",
    "duplicate-label",
    "unverified-identifier",
    "obsolete-identifier",
    "ill-typed-literal",
)


def qc_check_names() -> list[str]:
    """The names of the active QC checks (file stems without ``-violation``)."""
    return list(QC_CHECKS)


def qc_query_file(check: str) -> Path:
    """The ``.rq`` file of one QC check."""
    return resources.queries_dir() / "qc" / f"{check}-violation.rq"


@cache
def qc_query(check: str) -> str:
    """The SPARQL text of one QC check."""
    return qc_query_file(check).read_text(encoding="utf-8")


def run_qc(store: QueryStore | ox.Store) -> list[QcViolation]:
    """Run every active QC check; each returned row is a violation (none means clean).

    On an Oxigraph store the checks run in threads (Oxigraph releases the GIL while it works).
    """
    if isinstance(store, ox.Store):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=default_workers()) as pool:
            found = list(pool.map(lambda check: _qc_rows(store, check), QC_CHECKS))
    else:
        found = [_qc_rows(store, check) for check in QC_CHECKS]
    rows = {row for rows in found for row in rows}
    return sorted(rows, key=lambda r: (QC_CHECKS.index(r.check), r.entity, r.property, r.value))


def _qc_rows(store: QueryStore | ox.Store, check: str) -> list[QcViolation]:
    text = qc_query(check)
    if isinstance(store, ox.Store):
        result = store.query(text, **default_dataset(text))
        variables = [v.value for v in result.variables]  # type: ignore[union-attr]
        solutions = [tuple(solution[i] for i in range(len(variables))) for solution in result]  # type: ignore[union-attr]
    else:
        answer = store.query(text)
        variables, solutions = answer.variables, answer.rows
    index = {name: i for i, name in enumerate(variables)}
    rows = []
    for solution in solutions:
        entity, prop, value = (
            solution[index[n]] if n in index else None for n in ("entity", "property", "value")
        )
        rows.append(QcViolation(check, _term_text(entity), _term_text(prop), _term_text(value)))
    return rows


def qc_store(triples: Sequence[ox.Triple]) -> ox.Store:
    """An in-memory store holding TRIPLES in the asserted graph (QC at validate time)."""
    store = ox.Store()
    graph = ox.NamedNode(ASSERTED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return (
            str(term)
            if term.datatype.value != XSD.string
            else json.dumps(term.value, ensure_ascii=False)
        )
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term.value)
