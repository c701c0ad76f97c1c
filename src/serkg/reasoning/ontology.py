"""The ontology's axioms indexed by term: what the rules, checks and explanations look up."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.vocabulary import (
    META_CLASSES,
    OWL_ALL_DIFFERENT,
    OWL_ALL_DISJOINT_CLASSES,
    OWL_ASYMMETRIC,
    OWL_DISJOINT_WITH,
    OWL_DISTINCT_MEMBERS,
    OWL_EQUIVALENT_CLASS,
    OWL_EQUIVALENT_PROPERTY,
    OWL_FUNCTIONAL,
    OWL_HAS_KEY,
    OWL_HAS_VALUE,
    OWL_INTERSECTION_OF,
    OWL_INVERSE_FUNCTIONAL,
    OWL_INVERSE_OF,
    OWL_IRREFLEXIVE,
    OWL_MEMBERS,
    OWL_ON_PROPERTY,
    OWL_PROPERTY_CHAIN,
    OWL_PROPERTY_DISJOINT_WITH,
    OWL_SOME_VALUES_FROM,
    OWL_SYMMETRIC,
    OWL_TRANSITIVE,
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    RDFS_DOMAIN,
    RDFS_RANGE,
    RDFS_SUBCLASS,
    RDFS_SUBPROPERTY,
    SCHEMA_PREDICATES,
)


@dataclass
class Ontology:
    """The axioms rules, explanations and checks use, indexed by term.

    Built from any triples (ontology file, or the asserted graph of a built store): only axiom
    triples are read. Maps go from a property or class to the axiom triple that states it, so
    explanations can quote the asserted axiom.
    """

    inverse: dict[Any, dict[Any, ox.Triple]] = field(default_factory=lambda: defaultdict(dict))
    symmetric: dict[Any, ox.Triple] = field(default_factory=dict)
    transitive: dict[Any, ox.Triple] = field(default_factory=dict)
    asymmetric: dict[Any, ox.Triple] = field(default_factory=dict)
    irreflexive: dict[Any, ox.Triple] = field(default_factory=dict)
    functional: dict[Any, ox.Triple] = field(default_factory=dict)
    inverse_functional: dict[Any, ox.Triple] = field(default_factory=dict)
    #: super-property -> [(chain of properties, axiom triple)]
    chains: dict[Any, list[tuple[list[Any], ox.Triple]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: property -> {sub-property or equivalent property: axiom}
    subproperties: dict[Any, dict[Any, ox.Triple]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: class -> {direct subclass or equivalent class: axiom}
    subclasses: dict[Any, dict[Any, ox.Triple]] = field(default_factory=lambda: defaultdict(dict))
    domain: dict[Any, dict[Any, ox.Triple]] = field(default_factory=lambda: defaultdict(dict))
    range: dict[Any, dict[Any, ox.Triple]] = field(default_factory=lambda: defaultdict(dict))
    #: class -> {disjoint class: axiom}
    disjoint: dict[Any, dict[Any, ox.Triple]] = field(default_factory=lambda: defaultdict(dict))
    property_disjoint: dict[Any, dict[Any, ox.Triple]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    #: class -> [(key properties, axiom)]
    keys: dict[Any, list[tuple[list[Any], ox.Triple]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    #: restriction node -> (kind, property, value-or-class, axiom triple of the kind)
    restrictions: dict[Any, tuple[str, Any, Any, ox.Triple]] = field(default_factory=dict)
    #: class expression -> (member classes, axiom)
    intersections: dict[Any, tuple[list[Any], ox.Triple]] = field(default_factory=dict)
    #: all-different groups: [(members, axiom)]
    all_different: list[tuple[list[Any], ox.Triple]] = field(default_factory=list)
    #: classes, properties and other ontology terms (their closure is schema, not fact)
    terms: set[Any] = field(default_factory=set)

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple]) -> Ontology:
        """Index the axioms among TRIPLES (other triples are ignored)."""
        onto = cls()
        firsts, rests, deferred = onto._first_pass(triples)
        lists = {s: (first, rests.get(s, RDF_NIL)) for s, first in firsts.items()}

        def items(head: Any) -> list[Any]:
            return _list_items(lists, head)

        on_property = {t.subject: t.object for t in deferred if t.predicate == OWL_ON_PROPERTY}
        individuals = {
            t.subject for t in deferred if t.predicate == RDF_TYPE and t.object == OWL_ALL_DIFFERENT
        }  # owl:members serves both AllDisjointClasses and AllDifferent
        for t in deferred:
            onto._index_axiom(t, items, on_property, individuals)
        return onto

    def _first_pass(
        self, triples: Iterable[ox.Triple]
    ) -> tuple[dict[Any, Any], dict[Any, Any], list[ox.Triple]]:
        """rdf:first and rdf:rest links, property characteristics and ontology terms; the
        axioms that need lists or other triples are returned to be indexed afterwards."""
        firsts: dict[Any, Any] = {}
        rests: dict[Any, Any] = {}
        deferred: list[ox.Triple] = []
        characteristics: dict[Any, dict[Any, ox.Triple]] = {
            OWL_SYMMETRIC: self.symmetric,
            OWL_TRANSITIVE: self.transitive,
            OWL_ASYMMETRIC: self.asymmetric,
            OWL_IRREFLEXIVE: self.irreflexive,
            OWL_FUNCTIONAL: self.functional,
            OWL_INVERSE_FUNCTIONAL: self.inverse_functional,
        }
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if p == RDF_FIRST:
                firsts[s] = o
            elif p == RDF_REST:
                rests[s] = o
            elif p == RDF_TYPE:
                if o in META_CLASSES:
                    self.terms.add(s)
                if o in characteristics:
                    characteristics[o][s] = t
                if o in (OWL_ALL_DISJOINT_CLASSES, OWL_ALL_DIFFERENT):
                    deferred.append(t)
            elif p in SCHEMA_PREDICATES:
                if isinstance(o, ox.NamedNode | ox.BlankNode):
                    self.terms.add(o)
                self.terms.add(s)
                deferred.append(t)
            elif p == OWL_DISTINCT_MEMBERS:
                deferred.append(t)
        return firsts, rests, deferred

    def _index_axiom(
        self,
        t: ox.Triple,
        items: Callable[[Any], list[Any]],
        on_property: dict[Any, Any],
        individuals: set[Any],
    ) -> None:
        """Index one schema triple: a pairwise axiom, or one over a list or a restriction."""
        s, p, o = t.subject, t.predicate, t.object
        pairwise = self._pairwise_tables().get(p)
        if pairwise is not None:
            table, subject_first, both_ways = pairwise
            key, value = (s, o) if subject_first else (o, s)
            table[key][value] = t
            if both_ways:
                table[value][key] = t
        elif p == OWL_PROPERTY_CHAIN:
            chain = items(o)
            if chain:
                self.chains[s].append((chain, t))
        elif p == OWL_HAS_KEY:
            self.keys[s].append((items(o), t))
        elif p == OWL_INTERSECTION_OF:
            self.intersections[s] = (items(o), t)
        elif p in (OWL_HAS_VALUE, OWL_SOME_VALUES_FROM) and s in on_property:
            kind = "hasValue" if p == OWL_HAS_VALUE else "someValuesFrom"
            self.restrictions[s] = (kind, on_property[s], o, t)
        elif p == OWL_DISTINCT_MEMBERS or (p == OWL_MEMBERS and s in individuals):
            self.all_different.append((items(o), t))
        elif p == OWL_MEMBERS:
            for a, b in itertools.permutations(items(o), 2):
                self.disjoint[a].setdefault(b, t)

    def _pairwise_tables(self) -> dict[Any, tuple[dict[Any, dict[Any, ox.Triple]], bool, bool]]:
        """predicate -> (table, keyed by the subject?, indexed both ways?)."""
        return {
            OWL_INVERSE_OF: (self.inverse, True, True),
            RDFS_SUBPROPERTY: (self.subproperties, False, False),
            OWL_EQUIVALENT_PROPERTY: (self.subproperties, False, True),
            RDFS_SUBCLASS: (self.subclasses, False, False),
            OWL_EQUIVALENT_CLASS: (self.subclasses, False, True),
            RDFS_DOMAIN: (self.domain, True, False),
            RDFS_RANGE: (self.range, True, False),
            OWL_DISJOINT_WITH: (self.disjoint, True, True),
            OWL_PROPERTY_DISJOINT_WITH: (self.property_disjoint, True, True),
        }

    def kinds_of_axiom_used(self) -> list[str]:
        """Names of the axiom kinds this ontology uses (for docs and tests)."""
        used = {
            "owl:inverseOf": bool(self.inverse),
            "owl:SymmetricProperty": bool(self.symmetric),
            "owl:TransitiveProperty": bool(self.transitive),
            "owl:propertyChainAxiom": bool(self.chains),
            "rdfs:subPropertyOf": bool(self.subproperties),
            "rdfs:subClassOf": bool(self.subclasses),
            "rdfs:domain": bool(self.domain),
            "rdfs:range": bool(self.range),
            "owl:disjointWith": bool(self.disjoint),
            "owl:hasKey": bool(self.keys),
            "owl:FunctionalProperty": bool(self.functional),
            "owl:AsymmetricProperty": bool(self.asymmetric),
            "owl:IrreflexiveProperty": bool(self.irreflexive),
        }
        return [name for name, present in used.items() if present]


def _list_items(lists: dict[Any, tuple[Any, Any]], head: Any) -> list[Any]:
    """The members of the RDF list at HEAD (a cycle or a broken list ends it)."""
    out: list[Any] = []
    seen: set[Any] = set()
    while head != RDF_NIL and head in lists and head not in seen:
        seen.add(head)
        first, head = lists[head]
        out.append(first)
    return out
