"""Generated claims that are reasoned over once and their inferences copied to the rest.

Most of a large graph is generated claims; when OWL 2 RL cannot tell them apart, reasoning over
one per group and renaming its inferences gives the same result much faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.ontology import Ontology
from serkg.reasoning.vocabulary import (
    OWL,
    OWL_SAME_AS,
    RDF_TYPE,
    RDFS,
)
from serkg.vocab import SKOS

#: Predicates that may describe sk:claimSubject/Predicate/Object without giving them semantics.
_DESCRIPTIVE = frozenset(
    ox.NamedNode(iri)
    for iri in (
        RDFS + "label",
        RDFS + "comment",
        RDFS + "isDefinedBy",
        RDFS + "seeAlso",
        SKOS.definition,
        SKOS.example,
        SKOS.scopeNote,
    )
)
_PROPERTY_KINDS = frozenset(
    ox.NamedNode(OWL + k) for k in ("AnnotationProperty", "ObjectProperty", "DatatypeProperty")
)


def claims_reasoned_once(asserted: Sequence[ox.Triple], ontology: Ontology) -> list[list[Any]]:
    """Groups of generated claims whose inferences differ only by the claim itself.

    Most of a large graph is generated claims (:func:`serkg.loading.interchangeable_claims`). When
    the ontology gives the claim-part properties no semantics (only labels and definitions) and
    has no owl:hasKey, and no two terms are the same (no owl:sameAs asserted; none derived and
    no value written two ways: the caller checks and then reasons over every claim), OWL 2 RL has
    no rule that reads a part's value, so each member entails what the first entails with the
    first renamed. The first is
    reasoned over and its inferences are copied (:func:`replicate_claims`). Returns [] when not exact.
    """
    from serkg.loading import (
        SK_CLAIM_OBJECT,
        SK_CLAIM_PREDICATE,
        SK_CLAIM_SUBJECT,
        interchangeable_claims,
    )

    parts = {SK_CLAIM_SUBJECT, SK_CLAIM_PREDICATE, SK_CLAIM_OBJECT}
    if ontology.keys:
        return []
    for t in asserted:
        if t.object in parts or (t.predicate == OWL_SAME_AS and t.subject != t.object):
            return []
        if t.subject in parts and not (
            t.predicate in _DESCRIPTIVE or (t.predicate == RDF_TYPE and t.object in _PROPERTY_KINDS)
        ):
            return []
    return [members for members in interchangeable_claims(asserted) if len(members) > 1]


def replicate_claims(derived: list[ox.Triple], groups: Sequence[Sequence[Any]]) -> list[ox.Triple]:
    """DERIVED plus, for every triple that mentions a group's first claim, the same triple about
    each other member."""
    if not groups:
        return derived
    others = {members[0]: members[1:] for members in groups}
    out = list(derived)
    for t in derived:
        first = t.subject if t.subject in others else t.object if t.object in others else None
        if first is None:
            continue
        for member in others[first]:
            out.append(
                ox.Triple(
                    member if t.subject == first else t.subject,
                    t.predicate,
                    member if t.object == first else t.object,
                )
            )
    return out
