"""Which kind of axiom yields an inferred triple (the counts ``serkg build`` reports)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.index import TripleIndex
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.vocabulary import (
    OWL_SAME_AS,
    RDF_TYPE,
)

KINDS = (
    "inverse",
    "symmetric",
    "transitive",
    "class_typing",
    "property_chain",
    "equality",
    "other",
)


def classify_kind(triple: ox.Triple, ontology: Ontology, known: TripleIndex | None = None) -> str:
    """Which kind of axiom yields TRIPLE: one of :data:`KINDS`.

    With KNOWN (asserted + inferred triples) the kind is the first rule whose premises are
    present, in the order transitive, symmetric, property chain, inverse; without it, the
    property's declared characteristics decide.
    """
    s, p, o = triple.subject, triple.predicate, triple.object
    if p == OWL_SAME_AS:
        return "equality"
    if p == RDF_TYPE:
        return "class_typing"
    if known is None:
        return _declared_kind(p, ontology)
    if p in ontology.transitive and any(
        o in known.objects(m, p) for m in known.objects(s, p) if m != o
    ):
        return "transitive"
    if p in ontology.symmetric and ox.Triple(o, p, s) in known:  # type: ignore[arg-type]
        return "symmetric"
    for chain, _axiom in ontology.chains.get(p, []):
        if (s, o) in _chain_pairs_from(known, chain, s):
            return "property_chain"
    if any(ox.Triple(o, q, s) in known for q in ontology.inverse.get(p, {})):  # type: ignore[arg-type]
        return "inverse"
    return "other"


def _declared_kind(predicate: Any, ontology: Ontology) -> str:
    """The kind a property's declared characteristics give, with no triples to look at."""
    for kind, declared in (
        ("transitive", ontology.transitive),
        ("symmetric", ontology.symmetric),
        ("property_chain", ontology.chains),
        ("inverse", ontology.inverse),
    ):
        if predicate in declared:
            return kind
    return "other"


def _chain_pairs_from(index: TripleIndex, chain: Sequence[Any], start: Any) -> set[tuple[Any, Any]]:
    ends = {start}
    for link in chain:
        ends = {nxt for mid in ends for nxt in index.objects(mid, link)}
    return {(start, end) for end in ends}
