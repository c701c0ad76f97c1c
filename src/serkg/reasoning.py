"""OWL 2 RL inference: run a reasoner, keep only new meaningful triples, stop on inconsistency.

Two engines sit behind :func:`infer`. ``owlrl`` is the reference (pure Python, complete for the
OWL 2 RL rules we use, but superlinear: minutes at 100k triples). ``reasonable`` (Rust) is about
50x faster but lacks two rules, ``prp-spo2`` (``owl:propertyChainAxiom``) and ``prp-key``
(``owl:hasKey``); we apply those two here and run it again until nothing changes. Both engines go
through the same filters and the same consistency checks, so their outputs can be compared
triple for triple (tests/test_reasoning.py does). See docs/reasoning.md.
"""

from __future__ import annotations

import gc
import itertools
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg.prefixes import compress

if TYPE_CHECKING:
    from serkg.explain import Explanation

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)

RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")
RDFS_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
RDFS_SUBPROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
RDFS_DOMAIN = ox.NamedNode(RDFS + "domain")
RDFS_RANGE = ox.NamedNode(RDFS + "range")
OWL_SAME_AS = ox.NamedNode(OWL + "sameAs")
OWL_DIFFERENT_FROM = ox.NamedNode(OWL + "differentFrom")
OWL_THING = ox.NamedNode(OWL + "Thing")
OWL_NOTHING = ox.NamedNode(OWL + "Nothing")
RDFS_RESOURCE = ox.NamedNode(RDFS + "Resource")
OWL_INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
OWL_EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
OWL_EQUIVALENT_PROPERTY = ox.NamedNode(OWL + "equivalentProperty")
OWL_DISJOINT_WITH = ox.NamedNode(OWL + "disjointWith")
OWL_PROPERTY_DISJOINT_WITH = ox.NamedNode(OWL + "propertyDisjointWith")
OWL_PROPERTY_CHAIN = ox.NamedNode(OWL + "propertyChainAxiom")
OWL_HAS_KEY = ox.NamedNode(OWL + "hasKey")
OWL_MEMBERS = ox.NamedNode(OWL + "members")
OWL_DISTINCT_MEMBERS = ox.NamedNode(OWL + "distinctMembers")
OWL_ON_PROPERTY = ox.NamedNode(OWL + "onProperty")
OWL_HAS_VALUE = ox.NamedNode(OWL + "hasValue")
OWL_SOME_VALUES_FROM = ox.NamedNode(OWL + "someValuesFrom")
OWL_INTERSECTION_OF = ox.NamedNode(OWL + "intersectionOf")
OWL_ALL_DISJOINT_CLASSES = ox.NamedNode(OWL + "AllDisjointClasses")
OWL_ALL_DIFFERENT = ox.NamedNode(OWL + "AllDifferent")
OWL_TRANSITIVE = ox.NamedNode(OWL + "TransitiveProperty")
OWL_SYMMETRIC = ox.NamedNode(OWL + "SymmetricProperty")
OWL_ASYMMETRIC = ox.NamedNode(OWL + "AsymmetricProperty")
OWL_IRREFLEXIVE = ox.NamedNode(OWL + "IrreflexiveProperty")
OWL_FUNCTIONAL = ox.NamedNode(OWL + "FunctionalProperty")
OWL_INVERSE_FUNCTIONAL = ox.NamedNode(OWL + "InverseFunctionalProperty")
RDFS_LITERAL = ox.NamedNode(RDFS + "Literal")
RDFS_DATATYPE = ox.NamedNode(RDFS + "Datatype")

ENGINES = ("owlrl", "reasonable")
#: reasonable (with our prp-spo2 / prp-key supplement) is the default because the agreement
#: tests in tests/test_reasoning.py show it yields exactly owlrl's filtered triples on the real
#: data and on a synthetic benchmark graph, 50-100x faster (docs/reasoning.md).
DEFAULT_ENGINE = "reasonable"

KINDS = (
    "inverse",
    "symmetric",
    "transitive",
    "class_typing",
    "property_chain",
    "equality",
    "other",
)

#: every filter, in the order it is applied, and why its triples are not worth publishing
FILTERS: dict[str, str] = {
    "asserted": "re-derived asserted triples: already in the asserted graph",
    "literal_subject": "a literal in subject position (owlrl's datatype rules): not RDF 1.1",
    "same_as_self": "x owl:sameAs x for every resource: true of everything, says nothing",
    "top_class_typing": "rdf:type owl:Thing / rdfs:Resource: true of every individual",
    "builtin_vocabulary": "triples about rdf:/rdfs:/owl:/xsd: terms (axiomatic triples)",
    "schema": "schema-level closure about ontology terms (reflexive subClassOf, "
    "subPropertyOf, equivalentClass, typing of classes and properties)",
    "datatype_typing": "rdf:type to a datatype (xsd:*, rdfs:Literal): typing of literal values",
    "blank_node": "blank nodes the data does not use (rdf:List cells, anonymous restriction "
    "classes, owlrl's error-message nodes)",
    "literal_value_copy": "a literal swapped for another lexical form of the same value "
    '("105.09" for "105.090"), via owl:sameAs between the values of a functional property',
}

#: predicates that state schema, not facts about entities
SCHEMA_PREDICATES = frozenset(
    ox.NamedNode(OWL + name) if name[0] != "_" else ox.NamedNode(RDFS + name[1:])
    for name in (
        "_subClassOf",
        "_subPropertyOf",
        "_domain",
        "_range",
        "equivalentClass",
        "equivalentProperty",
        "inverseOf",
        "disjointWith",
        "propertyDisjointWith",
        "propertyChainAxiom",
        "onProperty",
        "hasKey",
        "disjointUnionOf",
        "complementOf",
        "unionOf",
        "intersectionOf",
        "oneOf",
        "someValuesFrom",
        "allValuesFrom",
        "hasValue",
        "maxCardinality",
        "maxQualifiedCardinality",
        "onClass",
        "members",
    )
)
#: rdf:type objects that make the subject an ontology term
META_CLASSES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        OWL + "Class",
        RDFS + "Class",
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        RDF + "Property",
        OWL + "TransitiveProperty",
        OWL + "SymmetricProperty",
        OWL + "AsymmetricProperty",
        OWL + "ReflexiveProperty",
        OWL + "IrreflexiveProperty",
        OWL + "FunctionalProperty",
        OWL + "InverseFunctionalProperty",
        OWL + "Ontology",
        OWL + "Restriction",
        RDFS + "Datatype",
        OWL + "AllDisjointClasses",
        OWL + "AllDifferent",
        OWL + "OntologyProperty",
        OWL + "DeprecatedClass",
        OWL + "DeprecatedProperty",
        OWL + "AllDisjointProperties",
    )
)


class InconsistencyError(RuntimeError):
    """The closure contradicts the ontology; ``entities`` are the IRIs involved."""

    def __init__(self, message: str, entities: list[str]) -> None:
        super().__init__(message)
        self.entities = entities


@dataclass
class Inference:
    """What a reasoning run added, after the trivia filters."""

    triples: list[ox.Triple]
    counts_by_kind: dict[str, int]
    dropped_by_filter: dict[str, int]
    engine: str
    seconds: float


def _is_builtin(term: Any) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(BUILTIN_NAMESPACES)


class TripleIndex:
    """A set of triples with per-predicate lookups, built lazily for the predicates asked about.

    Reading ``Triple.subject`` from pyoxigraph creates a Python object each time, so indexing
    every triple three ways cost seconds at 100k triples; rules and checks only ever look up a
    handful of predicates.
    """

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        self.triples: set[ox.Triple] = set(triples)
        self._by_p: dict[Any, list[ox.Triple]] | None = None
        self._sp: dict[Any, dict[Any, set[Any]]] = {}
        self._po: dict[Any, dict[Any, set[Any]]] = {}

    def add_all(self, triples: Iterable[ox.Triple]) -> None:
        self.triples.update(triples)
        self._by_p, self._sp, self._po = None, {}, {}

    def __contains__(self, triple: object) -> bool:
        return triple in self.triples

    def with_predicate(self, p: Any) -> list[ox.Triple]:
        if self._by_p is None:
            self._by_p = defaultdict(list)
            for t in self.triples:
                self._by_p[t.predicate].append(t)
        return self._by_p.get(p, [])

    def objects(self, s: Any, p: Any) -> set[Any]:
        if p not in self._sp:
            table: dict[Any, set[Any]] = defaultdict(set)
            for t in self.with_predicate(p):
                table[t.subject].add(t.object)
            self._sp[p] = table
        return self._sp[p].get(s, set())

    def subjects(self, p: Any, o: Any) -> set[Any]:
        if p not in self._po:
            table: dict[Any, set[Any]] = defaultdict(set)
            for t in self.with_predicate(p):
                table[t.object].add(t.subject)
            self._po[p] = table
        return self._po[p].get(o, set())


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


# ------------------------------------------------------------------------------------ engines
def infer(asserted: list[ox.Triple], *, engine: str = DEFAULT_ENGINE) -> Inference:
    """Compute the OWL 2 RL closure of ASSERTED (ontology + data) and return the new triples.

    Raises :class:`InconsistencyError` naming the entities when the closure has a clash, and
    ``ValueError`` for an unknown engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoner {engine!r}; choose one of: {', '.join(ENGINES)}")
    with _cyclic_gc_paused():
        return _infer(asserted, engine)


class BackgroundInference:
    """:func:`infer` running in a forked process (:mod:`serkg.forked`), overlapping other work.

    ``serkg build`` starts it right after loading and validates meanwhile: reasoning does not
    depend on validation, and a 2-core machine then has both cores busy. :meth:`result` returns
    the same :class:`Inference` (or raises the same errors) as :func:`infer`; :meth:`close`
    stops the process if the result is not wanted.
    """

    def __init__(self, asserted: list[ox.Triple], *, engine: str = DEFAULT_ENGINE) -> None:
        from serkg.forked import Forked

        if engine not in ENGINES:
            raise ValueError(f"unknown reasoner {engine!r}; choose one of: {', '.join(ENGINES)}")
        self._work = Forked(_infer_as_message, asserted, engine)

    def result(self) -> Inference:
        """Wait for the inference (raises :class:`InconsistencyError` as :func:`infer` does)."""
        outcome = self._work.result()
        if outcome[0] == "inconsistent":
            raise InconsistencyError(outcome[1], outcome[2])
        _, ntriples, counts, dropped, engine, seconds = outcome
        triples = [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
        return Inference(triples, counts, dropped, engine, seconds)

    def close(self) -> None:
        """Stop the process if it still runs."""
        self._work.close()

    @property
    def running(self) -> bool:
        return self._work.running


def _infer_as_message(asserted: list[ox.Triple], engine: str) -> tuple[Any, ...]:
    """:func:`infer` with a picklable result: triples as N-Triples, an inconsistency as data."""
    try:
        inference = infer(asserted, engine=engine)
    except InconsistencyError as exc:
        return ("inconsistent", str(exc), exc.entities)
    ntriples = ox.serialize(inference.triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return (
        "ok",
        ntriples,
        inference.counts_by_kind,
        inference.dropped_by_filter,
        inference.engine,
        inference.seconds,
    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector (restored afterwards, also on errors).

    Reasoning allocates millions of small acyclic objects (tuples, strings, pyoxigraph terms);
    each allocation burst triggers a collection that walks the whole heap, which in a build
    still holds the validation graph: at 100k triples that was 3 s of a 5 s reasoning run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _infer(asserted: list[ox.Triple], engine: str, *, claims_once: bool = True) -> Inference:
    started = time.perf_counter()
    ontology = Ontology.from_triples(asserted)
    asserted_set = set(asserted)
    groups: list[list[Any]] = []
    equalities = 0
    if engine == "owlrl":  # the reference reasons over everything
        derived, dropped_at_boundary, engine_errors = _run_owlrl(asserted, ontology)
    else:
        if claims_once:
            groups = claims_reasoned_once(asserted, ontology)
        spare = {claim for members in groups for claim in members[1:]}
        reasoned = [t for t in asserted if t.subject not in spare] if spare else asserted
        weights = {str(members[0]): len(members) for members in groups}
        derived, dropped_at_boundary, engine_errors, equalities = _run_reasonable(
            reasoned, ontology, weights
        )
        derived = _replicate(derived, groups)

    closure = TripleIndex(asserted)
    closure.add_all(derived)
    check_consistency(closure, ontology, engine_errors)

    dropped = dict.fromkeys(FILTERS, 0)
    dropped.update(dropped_at_boundary)
    data_bnodes = {
        term
        for t in asserted
        if not _is_schema_triple(t, ontology)
        for term in (t.subject, t.object)
        if isinstance(term, ox.BlankNode)
    }
    literal_predicates = {t.predicate for t in derived if isinstance(t.object, ox.Literal)}
    asserted_values = {
        (t.subject, t.predicate, _literal_value(t.object))
        for t in asserted
        if isinstance(t.object, ox.Literal) and t.predicate in literal_predicates
    }
    kept: list[ox.Triple] = []
    for t in derived:
        reason = trivia_filter(t, ontology, asserted_set, data_bnodes)
        is_literal = reason is None and isinstance(t.object, ox.Literal)
        if is_literal and (t.subject, t.predicate, _literal_value(t.object)) in asserted_values:
            reason = "literal_value_copy"
        if reason is None:
            kept.append(t)
        else:
            dropped[reason] += 1
    if groups and (equalities or dropped["literal_value_copy"]):
        # two terms (or two spellings of one value) are the same: a claim's parts then matter
        return _infer(asserted, engine, claims_once=False)
    kept.sort(key=str)
    known = closure if len(kept) == len(derived) else TripleIndex([*asserted, *kept])
    counts = dict.fromkeys(KINDS, 0)
    for t in kept:
        counts[classify_kind(t, ontology, known)] += 1
    return Inference(
        triples=kept,
        counts_by_kind=counts,
        dropped_by_filter=dropped,
        engine=engine,
        seconds=time.perf_counter() - started,
    )


#: Predicates that may describe sk:claimSubject/Predicate/Object without giving them semantics.
_DESCRIPTIVE = frozenset(
    ox.NamedNode(iri)
    for iri in (
        RDFS + "label",
        RDFS + "comment",
        RDFS + "isDefinedBy",
        RDFS + "seeAlso",
        "http://www.w3.org/2004/02/skos/core#definition",
        "http://www.w3.org/2004/02/skos/core#example",
        "http://www.w3.org/2004/02/skos/core#scopeNote",
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
    reasoned over and its inferences are copied (:func:`_replicate`). Returns [] when not exact.
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


def _replicate(derived: list[ox.Triple], groups: Sequence[Sequence[Any]]) -> list[ox.Triple]:
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


def _is_schema_triple(t: ox.Triple, ontology: Ontology) -> bool:
    return (
        t.predicate in SCHEMA_PREDICATES
        or t.predicate in (RDF_FIRST, RDF_REST)
        or t.subject in ontology.terms
        or (t.predicate == RDF_TYPE and t.object in META_CLASSES)
    )


def trivia_filter(
    t: ox.Triple, ontology: Ontology, asserted: set[ox.Triple], data_bnodes: set[Any]
) -> str | None:
    """The name of the first filter in :data:`FILTERS` that drops T, or None to keep it."""
    s, p, o = t.subject, t.predicate, t.object
    if t in asserted:
        return "asserted"
    if p == OWL_SAME_AS and s == o:
        return "same_as_self"
    if p == RDF_TYPE and o in (OWL_THING, RDFS_RESOURCE):
        return "top_class_typing"
    if _is_builtin(s):
        return "builtin_vocabulary"
    if _is_schema_triple(t, ontology):
        return "schema"
    if p == RDF_TYPE and (
        o in (RDFS_LITERAL, RDFS_DATATYPE)
        or (isinstance(o, ox.NamedNode) and o.value.startswith(XSD))
    ):
        return "datatype_typing"
    for term in (s, o):
        if isinstance(term, ox.BlankNode) and term not in data_bnodes:
            return "blank_node"
    return None


#: rdflib IRIs of the trivia dropped before conversion back to pyoxigraph (the bulk of the output)
_TOP_CLASSES = (OWL + "Thing", RDFS + "Resource")


class _Boundary:
    """Engine output (rdflib terms) -> new pyoxigraph triples, dropping the cheapest trivia first.

    Literals go to the engines typed ``xsd:string`` explicitly, as ``reasonable`` returns them,
    so that an rdflib-side set difference finds the new triples without converting everything.
    """

    def __init__(self, asserted: Sequence[ox.Triple]) -> None:
        from rdflib import Literal, URIRef

        from serkg.terms import ox_to_rdflib

        self.literal_type = Literal
        self.seen: set[tuple[Any, Any, Any]] = set()
        self.input: list[tuple[Any, Any, Any]] = []
        xsd_string = URIRef(XSD + "string")

        def convert(term: Any) -> Any:
            if isinstance(term, ox.Literal) and not term.language:
                return Literal(term.value, datatype=URIRef(term.datatype.value))
            return ox_to_rdflib(term)

        for t in asserted:
            triple = (convert(t.subject), convert(t.predicate), convert(t.object))
            self.input.append(triple)
            self.seen.add(triple)
            if isinstance(triple[2], Literal) and triple[2].datatype == xsd_string:
                self.seen.add((triple[0], triple[1], Literal(str(triple[2]))))
        self.dropped = {"literal_subject": 0, "same_as_self": 0, "top_class_typing": 0}
        self.type_iri = RDF + "type"
        self.same_as_iri = OWL + "sameAs"

    def new_triples(self, output: Iterable[tuple[Any, Any, Any]]) -> list[ox.Triple]:
        """Triples of OUTPUT not seen before, converted; trivia counted in :attr:`dropped`."""
        from serkg.terms import rdflib_to_ox

        derived: list[ox.Triple] = []
        seen, dropped, literal = self.seen, self.dropped, self.literal_type
        for triple in output:
            if triple in seen:
                continue
            seen.add(triple)
            s, p, o = triple
            if isinstance(s, literal):
                dropped["literal_subject"] += 1
            elif p == self.same_as_iri and s == o:
                dropped["same_as_self"] += 1
            elif p == self.type_iri and str(o) in _TOP_CLASSES:
                dropped["top_class_typing"] += 1
            else:
                derived.append(ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o)))  # type: ignore[arg-type]
        return derived


def _run_owlrl(
    asserted: Sequence[ox.Triple], ontology: Ontology
) -> tuple[list[ox.Triple], dict[str, int], list[str]]:
    """owlrl's OWL-RL semantics (no RDFS closure, no axiomatic triples: both only add trivia)."""
    import owlrl
    from rdflib import Graph

    boundary = _Boundary(asserted)
    graph = Graph()
    for triple in boundary.input:
        graph.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    errors = [str(o) for o in graph.objects(None, owlrl.Namespaces.ERRNS.error)]
    return boundary.new_triples(graph), boundary.dropped, errors


class _Iri(str):
    """An IRI as ``reasonable`` hands it over while :func:`_plain_terms` is active."""

    __slots__ = ()


class _Blank(str):
    """A blank node label, likewise."""

    __slots__ = ()


class _Lit(tuple[str, Any, Any]):
    """A literal as (lexical form, datatype IRI or None, language or None), likewise."""

    __slots__ = ()


def _plain_literal(value: Any, lang: Any = None, datatype: Any = None) -> _Lit:
    return _Lit((str(value), None if datatype is None else str(datatype), lang or None))


@contextmanager
def _plain_terms() -> Iterator[None]:
    """Let ``reasonable`` build plain strings instead of rdflib terms for its output.

    ``reasonable`` 0.4 looks ``URIRef``, ``BNode`` and ``Literal`` up on the ``rdflib`` module
    for every term it returns; rdflib's constructors validate each IRI and made up two thirds
    of a ``reason()`` call at 100k triples. They are swapped for string types only for the
    duration of the call (reasoning runs in the build's one thread) and always put back.
    """
    import rdflib

    saved = (rdflib.URIRef, rdflib.BNode, rdflib.Literal)
    rdflib.URIRef, rdflib.BNode, rdflib.Literal = _Iri, _Blank, _plain_literal  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        rdflib.URIRef, rdflib.BNode, rdflib.Literal = saved  # type: ignore[misc]


class _NTriplesBoundary:
    """Asserted triples -> ``reasonable`` as an N-Triples file; its output -> new pyoxigraph triples.

    Converting 100k triples to rdflib terms and back term by term cost seconds; here every triple
    is keyed by its N-Triples line (pyoxigraph writes the input file, and the same line is built
    from each output triple), so the set difference and the trivia drops run on plain strings
    and only the few new lines are parsed back by pyoxigraph. rdflib rewrites some typed lexical
    forms when it creates a literal ("01" -> "1" for xsd:integer), and the rdflib-based boundary
    (:class:`_Boundary`) saw every literal in that form: the same rewriting is applied to output
    literals and to the keys of asserted ones, so the result is the same, line for line.
    """

    def __init__(
        self, asserted: Sequence[ox.Triple], weights: Mapping[str, int] | None = None
    ) -> None:
        """WEIGHTS: how many claims each reasoned-once claim stands for, by its N-Triples form
        (a dropped triple about it counts that many times)."""
        from rdflib import BNode, Literal, URIRef

        self.rdflib_types = (URIRef, BNode, Literal)
        data = ox.serialize(list(asserted), format=ox.RdfFormat.N_TRIPLES) or b""
        self.ntriples = data
        lines = data.decode("utf-8").splitlines()
        self.seen: set[str] = {line[:-2] for line in lines}
        typed = "".join(line + "\n" for line in lines if '"^^<' in line)  # xsd:string has no ^^
        for quad in ox.parse(typed, format=ox.RdfFormat.N_TRIPLES):
            o = quad.object
            if isinstance(o, ox.Literal):
                lexical = self._rdflib_lexical(o.value, o.datatype.value)
                if lexical != o.value:
                    rewritten = ox.Literal(lexical, datatype=o.datatype)
                    self.seen.add(str(ox.Triple(quad.subject, quad.predicate, rewritten)))
        self.weights = dict(weights or {})
        #: owl:sameAs lines between different terms seen in the output (kept or dropped)
        self.equalities = 0
        self.literals: dict[tuple[str, Any, Any], str] = {}
        self.dropped = {"literal_subject": 0, "same_as_self": 0, "top_class_typing": 0}
        self.type_key = f"<{RDF}type>"
        self.same_as_key = f"<{OWL}sameAs>"
        self.top_keys = frozenset(f"<{iri}>" for iri in _TOP_CLASSES)

    def _rdflib_lexical(self, lexical: str, datatype: str) -> str:
        """LEXICAL as an rdflib literal of DATATYPE spells it."""
        uri_type, _bnode, literal_type = self.rdflib_types
        return str(literal_type(lexical, datatype=uri_type(datatype)))

    def _key(self, term: Any) -> str:
        """TERM (plain or rdflib) in N-Triples, as pyoxigraph writes it."""
        kind = type(term)
        uri_type, bnode_type, _literal_type = self.rdflib_types
        if kind is _Iri or kind is uri_type:
            return f"<{term}>"
        if kind is _Blank or kind is bnode_type:
            return f"_:{term}"
        if kind is _Lit:
            lexical, datatype, language = term
            cache = term
        else:
            lexical, language = str(term), term.language
            datatype = None if term.datatype is None else str(term.datatype)
            cache = (lexical, datatype, language)
        key = self.literals.get(cache)
        if key is None:
            if language:
                literal = ox.Literal(lexical, language=language)
            elif datatype is None or datatype == XSD + "string":
                literal = ox.Literal(lexical)
            else:
                if kind is _Lit:
                    lexical = self._rdflib_lexical(lexical, datatype)
                literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
            key = self.literals[cache] = str(literal)
        return key

    def new_triples(self, output: Iterable[tuple[Any, Any, Any]]) -> list[ox.Triple]:
        """Triples of OUTPUT not seen before, converted; trivia counted in :attr:`dropped`."""
        seen, dropped, key = self.seen, self.dropped, self._key
        type_key, same_as_key, top_keys = self.type_key, self.same_as_key, self.top_keys
        lines: list[str] = []
        for s, p, o in output:
            sk, pk, ok = key(s), key(p), key(o)
            line = f"{sk} {pk} {ok}"
            if line in seen:
                continue
            seen.add(line)
            if pk == same_as_key and sk != ok:
                self.equalities += 1
            if sk[0] == '"':
                dropped["literal_subject"] += 1
            elif pk == same_as_key and sk == ok:
                dropped["same_as_self"] += self.weights.get(sk, 1)
            elif pk == type_key and ok in top_keys:
                dropped["top_class_typing"] += self.weights.get(sk, 1)
            else:
                lines.append(line)
        if not lines:
            return []
        text = " .\n".join(lines) + " .\n"
        return [q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]


def _run_reasonable(
    asserted: Sequence[ox.Triple], ontology: Ontology, weights: Mapping[str, int] | None = None
) -> tuple[list[ox.Triple], dict[str, int], list[str], int]:
    """reasonable's OWL 2 RL, plus prp-spo2 and prp-key, repeated until nothing new appears.

    Returns (new triples, trivia dropped, errors, owl:sameAs derived between different terms).

    The asserted triples reach ``reasonable`` through its own Turtle parser (an N-Triples file
    written by pyoxigraph) and its output comes back as plain strings (:func:`_plain_terms`):
    both much faster than rdflib terms.
    """
    import tempfile

    import reasonable

    from serkg.terms import ox_to_rdflib

    boundary = _NTriplesBoundary(asserted, weights)
    reasoner = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory(prefix="serkg-reason-") as folder:
        path = Path(folder) / "asserted.ttl"
        path.write_bytes(boundary.ntriples)
        boundary.ntriples = b""  # memory: the reasoner has its own copy now
        reasoner.load_file(str(path))
    closure = TripleIndex(asserted)
    derived: list[ox.Triple] = []
    while True:
        with _plain_terms():
            output = reasoner.reason()
        fresh = boundary.new_triples(output)
        derived.extend(fresh)
        closure.add_all(fresh)
        extra = [t for t in set(supplementary_rules(closure, ontology)) if t not in closure]
        if not extra:
            break
        if not _feeds_other_rules({t.predicate for t in extra}, ontology):
            derived.extend(extra)  # another round would only type the new objects owl:Thing
            break
        reasoner.from_graph(
            [
                (ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate), ox_to_rdflib(t.object))
                for t in extra
            ]
        )
    equalities = boundary.equalities + sum(
        1 for t in derived if t.predicate == OWL_SAME_AS and t.subject != t.object
    )
    return derived, boundary.dropped, [], equalities


def _feeds_other_rules(predicates: set[Any], ontology: Ontology) -> bool:
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


# ------------------------------------------------------------------------------ consistency
def check_consistency(
    closure: TripleIndex, ontology: Ontology, engine_errors: Sequence[str] = ()
) -> None:
    """Raise :class:`InconsistencyError` for OWL 2 RL clashes in the closure.

    Checked here for both engines (so they agree): owl:Nothing members (cls-nothing2), disjoint
    classes (cax-dw, cax-adc), sameAs with differentFrom (eq-diff1..3), asymmetric (prp-asyp),
    irreflexive (prp-irp) and disjoint properties (prp-pdw). owlrl's own error messages are
    reported as well when our checks find nothing (e.g. ill-typed literals).
    """
    problems: list[str] = []
    entities: set[str] = set()

    def clash(message: str, *terms: Any) -> None:
        problems.append(message)
        entities.update(term.value for term in terms if isinstance(term, ox.NamedNode))

    nothing = closure.subjects(RDF_TYPE, OWL_NOTHING)
    for member in sorted(nothing, key=str):
        clash(f"{_c(member)} is a member of owl:Nothing", member)
    types_by_subject: dict[Any, set[Any]] = defaultdict(set)
    for t in closure.with_predicate(RDF_TYPE):
        types_by_subject[t.subject].add(t.object)
    for member, types in sorted(types_by_subject.items(), key=lambda kv: str(kv[0])):
        if member in nothing:
            continue  # owlrl types members of owl:Nothing with every class: one clash is enough
        for cls in sorted(types, key=str):
            for other in sorted(set(ontology.disjoint.get(cls, {})) & types, key=str):
                if str(cls) < str(other):
                    clash(
                        f"{_c(member)} is an instance of the disjoint classes "
                        f"{_c(cls)} and {_c(other)}",
                        member,
                        cls,
                        other,
                    )
    different = {(t.subject, t.object) for t in closure.with_predicate(OWL_DIFFERENT_FROM)}
    for members, _axiom in ontology.all_different:
        different.update(itertools.permutations(members, 2))
    for a, b in sorted(different, key=str):
        # x differentFrom x only follows from another clash by sameAs substitution: not reported
        report_pair = str(a) < str(b) or (b, a) not in different
        if a != b and report_pair and ox.Triple(a, OWL_SAME_AS, b) in closure:
            clash(f"{_c(a)} is both owl:sameAs and owl:differentFrom {_c(b)}", a, b)
    for prop in sorted(ontology.asymmetric, key=str):
        for t in closure.with_predicate(prop):
            mirrored = ox.Triple(t.object, prop, t.subject)  # type: ignore[arg-type]
            if mirrored in closure and str(t.subject) <= str(t.object):
                clash(
                    f"{_c(prop)} is asymmetric but {_c(t.subject)} and {_c(t.object)} "
                    "point at each other",
                    t.subject,
                    t.object,
                    prop,
                )
    for prop in sorted(ontology.irreflexive, key=str):
        for t in closure.with_predicate(prop):
            if t.subject == t.object:
                clash(
                    f"{_c(prop)} is irreflexive but {_c(t.subject)} {_c(prop)} itself",
                    t.subject,
                    prop,
                )
    for prop, others in sorted(ontology.property_disjoint.items(), key=lambda kv: str(kv[0])):
        for t in closure.with_predicate(prop):
            for other in others:
                if str(prop) < str(other) and ox.Triple(t.subject, other, t.object) in closure:
                    clash(
                        f"{_c(t.subject)} is linked to {_c(t.object)} by the disjoint properties "
                        f"{_c(prop)} and {_c(other)}",
                        t.subject,
                        t.object,
                    )
    for prop in sorted(ontology.functional, key=str):
        values: dict[Any, dict[Any, ox.Literal]] = defaultdict(dict)
        for t in closure.with_predicate(prop):
            if isinstance(t.object, ox.Literal):
                values[t.subject].setdefault(_literal_value(t.object), t.object)
        for holder, distinct in sorted(values.items(), key=lambda kv: str(kv[0])):
            if len(distinct) > 1:
                shown = ", ".join(sorted(str(v) for v in distinct.values()))
                clash(
                    f"{_c(holder)} has {len(distinct)} values for the functional property "
                    f"{_c(prop)}: {shown}",
                    holder,
                    prop,
                )
    if not problems and engine_errors:
        for message in sorted(set(engine_errors)):
            problems.append(message)
            entities.update(re.findall(r"https?://[^\s,()'\"]+", message))
    if problems:
        shown = "; ".join(problems[:20]) + (
            f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise InconsistencyError(f"{len(problems)} clash(es): {shown}", sorted(entities))


def _literal_value(literal: Any) -> Any:
    """The value a literal denotes ("1.0" and "1.00" as decimals are one value)."""
    from serkg.terms import python_value

    return (literal.datatype.value, literal.language, python_value(literal))


def _c(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    return str(term)


# ------------------------------------------------------------------------------ kinds
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
        if p in ontology.transitive:
            return "transitive"
        if p in ontology.symmetric:
            return "symmetric"
        if p in ontology.chains:
            return "property_chain"
        if p in ontology.inverse:
            return "inverse"
        return "other"
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


def _chain_pairs_from(index: TripleIndex, chain: Sequence[Any], start: Any) -> set[tuple[Any, Any]]:
    ends = {start}
    for link in chain:
        ends = {nxt for mid in ends for nxt in index.objects(mid, link)}
    return {(start, end) for end in ends}


# ------------------------------------------------------------------------------ explanations
def explain(
    subject: str, predicate: str, obj: str, *, asserted: list[ox.Triple], inferred: list[ox.Triple]
) -> Explanation:
    """Why SUBJECT PREDICATE OBJECT holds (CURIEs and Turtle-style literals accepted)."""
    from serkg import explain as explaining

    return explaining.explain(subject, predicate, obj, asserted=asserted, inferred=inferred)


def explain_from_store(store: ox.Store, subject: str, predicate: str, obj: str) -> Explanation:
    """:func:`explain` over the asserted and inferred graphs of a built store."""
    from serkg import explain as explaining

    return explaining.explain_from_store(store, subject, predicate, obj)
