"""What "the same inferences" means when comparing serkg's reasoner output with owlrl's.

OWL 2 RL engines differ in the noise they add (owlrl: ``x owl:sameAs x`` for every resource,
schema-level triples; others: ``rdf:type owl:Thing``), so the comparison keeps the inferences a
researcher queries: statements about the graph's own entities (``kg:`` subjects), other than
``owl:sameAs`` and membership of the top classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg.prefixes import KG, PREFIX_MAP

OWL = PREFIX_MAP["owl"]
RDFS = PREFIX_MAP["rdfs"]
TRIVIAL_PREDICATES = {OWL + "sameAs"}
TRIVIAL_CLASSES = {OWL + "Thing", RDFS + "Resource", OWL + "NamedIndividual"}


def is_non_trivial(subject: str, predicate: str, obj: str) -> bool:
    """A statement about a ``kg:`` entity that is not identity or top-class noise."""
    if not subject.startswith(KG) or predicate in TRIVIAL_PREDICATES:
        return False
    return obj not in TRIVIAL_CLASSES


def non_trivial_rdflib(triples: Iterable[tuple[Any, Any, Any]]) -> Iterator[tuple[Any, Any, Any]]:
    for s, p, o in triples:
        if is_non_trivial(str(s), str(p), str(o)):
            yield s, p, o


def non_trivial_ox(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    return {
        t
        for t in triples
        if isinstance(t.subject, ox.NamedNode)
        and is_non_trivial(t.subject.value, t.predicate.value, getattr(t.object, "value", ""))
    }


def read_triples(path: Path) -> list[ox.Triple]:
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    return [q.triple for q in ox.parse(path=str(path), format=fmt)]


def compare_inferences(
    serkg_inferred: Path, naive_inferred: Path, asserted: set[ox.Triple]
) -> dict[str, Any]:
    """Counts of non-trivial inferences on each side and a few examples of any difference."""
    ours = non_trivial_ox(read_triples(serkg_inferred)) - asserted
    theirs = non_trivial_ox(read_triples(naive_inferred)) - asserted
    only_ours = sorted(str(t) for t in ours - theirs)
    only_theirs = sorted(str(t) for t in theirs - ours)
    return {
        "serkg": len(ours),
        "naive": len(theirs),
        "same": not only_ours and not only_theirs,
        "only_serkg": len(only_ours),
        "only_naive": len(only_theirs),
        "examples_only_serkg": only_ours[:5],
        "examples_only_naive": only_theirs[:5],
    }
