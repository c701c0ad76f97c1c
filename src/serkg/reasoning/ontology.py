"""The ontology's axioms indexed by term: what the rules, checks and explanations look up."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
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
        lists: dict[Any, tuple[Any, Any]] = {}
        firsts: dict[Any, Any] = {}
        rests: dict[Any, Any] = {}
        deferred: list[ox.Triple] = []
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if p == RDF_FIRST:
                firsts[s] = o
            elif p == RDF_REST:
                rests[s] = o
            elif p == RDF_TYPE:
                if o in META_CLASSES:
                    onto.terms.add(s)
                table: dict[Any, ox.Triple] | None = {
                    OWL_SYMMETRIC: onto.symmetric,
                    OWL_TRANSITIVE: onto.transitive,
                    OWL_ASYMMETRIC: onto.asymmetric,
                    OWL_IRREFLEXIVE: onto.irreflexive,
                    OWL_FUNCTIONAL: onto.functional,
                    OWL_INVERSE_FUNCTIONAL: onto.inverse_functional,
                }.get(o)  # type: ignore[arg-type]
                if table is not None:
                    table[s] = t
                if o in (OWL_ALL_DISJOINT_CLASSES, OWL_ALL_DIFFERENT):
                    deferred.append(t)
            elif p in SCHEMA_PREDICATES:
                if isinstance(o, ox.NamedNode | ox.BlankNode):
                    onto.terms.add(o)
                onto.terms.add(s)
                deferred.append(t)
            elif p in (OWL_DISTINCT_MEMBERS,):
                deferred.append(t)
        for s in firsts:
            lists[s] = (firsts[s], rests.get(s, RDF_NIL))

        def items(head: Any) -> list[Any]:
            out: list[Any] = []
            seen: set[Any] = set()
            while head != RDF_NIL and head in lists and head not in seen:
                seen.add(head)
                first, head = lists[head]
                out.append(first)
            return out

        on_property: dict[Any, Any] = {}
        for t in deferred:
            if t.predicate == OWL_ON_PROPERTY:
                on_property[t.subject] = t.object
        for t in deferred:
            s, p, o = t.subject, t.predicate, t.object
            if p == OWL_INVERSE_OF:
                onto.inverse[s][o] = t
                onto.inverse[o][s] = t
            elif p == RDFS_SUBPROPERTY:
                onto.subproperties[o][s] = t
            elif p == OWL_EQUIVALENT_PROPERTY:
                onto.subproperties[o][s] = t
                onto.subproperties[s][o] = t
            elif p == RDFS_SUBCLASS:
                onto.subclasses[o][s] = t
            elif p == OWL_EQUIVALENT_CLASS:
                onto.subclasses[o][s] = t
                onto.subclasses[s][o] = t
            elif p == RDFS_DOMAIN:
                onto.domain[s][o] = t
            elif p == RDFS_RANGE:
                onto.range[s][o] = t
            elif p == OWL_DISJOINT_WITH:
                onto.disjoint[s][o] = t
                onto.disjoint[o][s] = t
            elif p == OWL_PROPERTY_DISJOINT_WITH:
                onto.property_disjoint[s][o] = t
                onto.property_disjoint[o][s] = t
            elif p == OWL_PROPERTY_CHAIN:
                chain = items(o)
                if chain:
                    onto.chains[s].append((chain, t))
            elif p == OWL_HAS_KEY:
                onto.keys[s].append((items(o), t))
            elif p == OWL_INTERSECTION_OF:
                onto.intersections[s] = (items(o), t)
            elif p in (OWL_HAS_VALUE, OWL_SOME_VALUES_FROM) and s in on_property:
                kind = "hasValue" if p == OWL_HAS_VALUE else "someValuesFrom"
                onto.restrictions[s] = (kind, on_property[s], o, t)
            elif p in (OWL_MEMBERS, OWL_DISTINCT_MEMBERS):
                members = items(o)
                if p == OWL_DISTINCT_MEMBERS:
                    onto.all_different.append((members, t))
                else:
                    # owl:members serves both AllDisjointClasses and AllDifferent
                    target = "classes"
                    for d in deferred:
                        if (
                            d.subject == s
                            and d.predicate == RDF_TYPE
                            and d.object == OWL_ALL_DIFFERENT
                        ):
                            target = "individuals"
                    if target == "individuals":
                        onto.all_different.append((members, t))
                    else:
                        for a, b in itertools.permutations(members, 2):
                            onto.disjoint[a].setdefault(b, t)
        return onto

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
