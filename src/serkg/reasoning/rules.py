"""The OWL 2 RL rules ``reasonable`` 0.4 lacks (prp-spo2, prp-key), applied by serkg itself."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.index import TripleIndex
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.vocabulary import (
    OWL_SAME_AS,
    RDF_TYPE,
)


def feeds_other_rules(predicates: set[Any], ontology: Ontology) -> bool:
    """Whether triples with PREDICATES can be premises of any rule the ontology enables."""
    if OWL_SAME_AS in predicates or RDF_TYPE in predicates:
        return True
    used: set[Any] = set(ontology.inverse) | set(ontology.symmetric) | set(ontology.transitive)
    used |= set(ontology.asymmetric) | set(ontology.irreflexive) | set(ontology.functional)
    used |= set(ontology.inverse_functional) | set(ontology.domain) | set(ontology.range)
    used |= set(ontology.property_disjoint)
    used |= {sub for subs in ontology.subproperties.values() for sub in subs}
    used |= {link for chains in ontology.chains.values() for chain, _ in chains for link in chain}
    used |= {prop for _kind, prop, _target, _axiom in ontology.restrictions.values()}
    used |= {k for keys in ontology.keys.values() for key, _ in keys for k in key}
    return bool(predicates & used)


def supplementary_rules(index: TripleIndex, ontology: Ontology) -> Iterator[ox.Triple]:
    """OWL 2 RL rules ``reasonable`` 0.4 does not implement: prp-spo2 (chains), prp-key (keys)."""
    for super_property, chains in ontology.chains.items():
        for chain, _axiom in chains:
            for start, end in _chain_pairs(index, chain):
                yield ox.Triple(start, super_property, end)
    for cls, keys in ontology.keys.items():
        for key, _axiom in keys:
            groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
            for member in index.subjects(RDF_TYPE, cls):
                value_sets = [sorted(index.objects(member, k), key=str) for k in key]
                for values in itertools.product(*value_sets):
                    groups[values].append(member)
            for members in groups.values():
                for a, b in itertools.permutations(members, 2):
                    yield ox.Triple(a, OWL_SAME_AS, b)


def _chain_pairs(index: TripleIndex, chain: Sequence[Any]) -> set[tuple[Any, Any]]:
    pairs = {(t.subject, t.object) for t in index.with_predicate(chain[0])}
    for link in chain[1:]:
        pairs = {(start, nxt) for start, mid in pairs for nxt in index.objects(mid, link)}
    return {(s, o) for s, o in pairs if not isinstance(s, ox.Literal)}
