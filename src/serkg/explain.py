"""Why does a triple hold? A backward search from the triple to asserted premises.

No reasoner runs per request: the search walks the asserted and inferred graphs with the
ontology's axioms (inverseOf, SymmetricProperty, TransitiveProperty, propertyChainAxiom,
subPropertyOf / equivalentProperty, subClassOf / equivalentClass, domain, range, hasValue /
someValuesFrom / intersectionOf restrictions, Functional / InverseFunctional properties) until every
premise is asserted. Each step quotes the asserted axiom it uses.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox

from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH, CurieError, compress, expand
from serkg.reasoning import Ontology, TripleIndex, trivia_filter
from serkg.reasoning.vocabulary import (
    META_CLASSES,
    OWL_ALL_DIFFERENT,
    OWL_DISTINCT_MEMBERS,
    OWL_SAME_AS,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    SCHEMA_PREDICATES,
)
from serkg.vocab import RDFS, XSD

RDFS_LABEL = RDFS.label.node
XSD_STRING = XSD.string
STATUSES = ("asserted", "inferred", "not entailed")
#: how many derivations the search may try before it gives up (keeps a request bounded)
SEARCH_BUDGET = 20_000
#: how one triple can be derived: the rule's name, the axioms it uses, the premises it needs
Derivation = tuple[str, list[ox.Triple], list[ox.Triple]]
TRIVIA_NOTE = (
    "serkg does not store trivial entailments (owl:sameAs self-links, owl:Thing typing, "
    "schema-level closure); see docs/reasoning.md"
)


class ExplainInputError(ValueError):
    """A term given to ``serkg explain`` cannot be read; the message names the argument."""


@dataclass
class Step:
    """One triple in an explanation: asserted, or inferred by RULE from AXIOM and PREMISES."""

    triple: ox.Triple
    status: str
    rule: str = ""
    axioms: list[ox.Triple] = field(default_factory=list)
    premises: list[Step] = field(default_factory=list)
    #: the property chain of an owl:propertyChainAxiom step (its axiom's object is an rdf:List)
    chain: list[Any] = field(default_factory=list)

    def terms(self) -> Iterator[Any]:
        yield from (self.triple.subject, self.triple.predicate, self.triple.object)
        for axiom in self.axioms:
            yield from (axiom.subject, axiom.object)
        yield from self.chain
        for premise in self.premises:
            yield from premise.terms()


@dataclass
class Explanation:
    """The answer of ``serkg explain``: status, and for an inferred triple its derivation."""

    triple: ox.Triple
    status: str
    steps: list[Step] = field(default_factory=list)
    note: str = ""
    labels: dict[Any, str] = field(default_factory=dict)

    def to_text(self) -> str:
        """A readable, indented derivation with CURIEs and labels."""
        lines = [f"{self._triple(self.triple)}: {self.status}"]
        for step in self.steps:
            lines.extend(self._step(step, 1, top=True))
        if self.note:
            lines.append(f"  ({self.note})")
        return "\n".join(lines) + "\n"

    def _term(self, term: Any, *, label: bool = True) -> str:
        if isinstance(term, ox.NamedNode):
            if term == RDF_TYPE:
                return "rdf:type"
            text = compress(term.value)
            name = self.labels.get(term) if label else None
            return f'{text} "{name}"' if name else text
        if isinstance(term, ox.Literal):
            if term.language:
                return f'"{term.value}"@{term.language}'
            if term.datatype.value == XSD_STRING:
                return f'"{term.value}"'
            return f'"{term.value}"^^{compress(term.datatype.value)}'
        return str(term)

    def _triple(self, triple: ox.Triple, *, label: bool = True) -> str:
        return " ".join(
            (
                self._term(triple.subject, label=label),
                self._term(triple.predicate, label=False),
                self._term(triple.object, label=label),
            )
        )

    def _axiom(self, axiom: ox.Triple, step: Step) -> str:
        if step.chain and isinstance(axiom.object, ox.BlankNode):
            links = " ".join(self._term(link, label=False) for link in step.chain)
            return f"{self._term(axiom.subject, label=False)} owl:propertyChainAxiom ( {links} )"
        return self._triple(axiom, label=False)

    def _step(self, step: Step, depth: int, *, top: bool = False) -> list[str]:
        pad = "  " * depth
        lines: list[str] = []
        if not top:
            lines.append(f"{pad}- {self._triple(step.triple)}: {step.status}")
            pad += "  "
        if step.status == "inferred":
            axioms = "; ".join(self._axiom(a, step) for a in step.axioms)
            lines.append(f"{pad}by {step.rule}" + (f", axiom: {axioms}" if axioms else ""))
            for premise in step.premises:
                lines.extend(self._step(premise, depth + (1 if top else 2)))
        return lines


class GraphView(Protocol):
    """The lookups the search needs, over the union of the asserted and inferred graphs."""

    def status(self, triple: ox.Triple) -> str | None: ...
    def objects(self, s: Any, p: Any) -> set[Any]: ...
    def subjects(self, p: Any, o: Any) -> set[Any]: ...
    def label(self, term: Any) -> str | None: ...


class MemoryView:
    """A :class:`GraphView` over two lists of triples."""

    def __init__(self, asserted: list[ox.Triple], inferred: list[ox.Triple]) -> None:
        self.asserted = TripleIndex(asserted)
        self.inferred = TripleIndex(inferred)

    def status(self, triple: ox.Triple) -> str | None:
        if triple in self.asserted:
            return "asserted"
        return "inferred" if triple in self.inferred else None

    def objects(self, s: Any, p: Any) -> set[Any]:
        return self.asserted.objects(s, p) | self.inferred.objects(s, p)

    def subjects(self, p: Any, o: Any) -> set[Any]:
        return self.asserted.subjects(p, o) | self.inferred.subjects(p, o)

    def label(self, term: Any) -> str | None:
        return _pick_label(self.asserted.objects(term, RDFS_LABEL))


class StoreView:
    """A :class:`GraphView` over the named graphs of a built pyoxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.asserted = ox.NamedNode(ASSERTED_GRAPH)
        self.inferred = ox.NamedNode(INFERRED_GRAPH)

    def _has(self, triple: ox.Triple, graph: ox.NamedNode) -> bool:
        quads = self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object, graph)
        return next(iter(quads), None) is not None

    def status(self, triple: ox.Triple) -> str | None:
        if self._has(triple, self.asserted):
            return "asserted"
        return "inferred" if self._has(triple, self.inferred) else None

    def objects(self, s: Any, p: Any) -> set[Any]:
        return {
            q.object
            for g in (self.asserted, self.inferred)
            for q in self.store.quads_for_pattern(s, p, None, g)
        }

    def subjects(self, p: Any, o: Any) -> set[Any]:
        return {
            q.subject
            for g in (self.asserted, self.inferred)
            for q in self.store.quads_for_pattern(None, p, o, g)
        }

    def label(self, term: Any) -> str | None:
        return _pick_label(
            q.object for q in self.store.quads_for_pattern(term, RDFS_LABEL, None, self.asserted)
        )

    def axiom_triples(self) -> Iterator[ox.Triple]:
        """The asserted triples :meth:`Ontology.from_triples` reads (not the whole graph)."""
        for predicate in (*SCHEMA_PREDICATES, RDF_FIRST, RDF_REST, OWL_DISTINCT_MEMBERS):
            for q in self.store.quads_for_pattern(None, predicate, None, self.asserted):
                yield q.triple
        characteristics = META_CLASSES | {OWL_ALL_DIFFERENT}
        for cls in characteristics:
            for q in self.store.quads_for_pattern(None, RDF_TYPE, cls, self.asserted):
                yield q.triple


def _pick_label(values: Any) -> str | None:
    labels = [v for v in values if isinstance(v, ox.Literal)]
    for lang in ("en", None, ""):
        for v in sorted(labels, key=lambda v: v.value):
            if v.language == lang or (lang is None and not v.language):
                return v.value
    return labels[0].value if labels else None


# ------------------------------------------------------------------------------ parsing
_LITERAL = re.compile(
    r'^"(?P<text>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<dt>\S+))?$',
    re.S,
)


def parse_term(text: str, role: str, *, literal_allowed: bool = False) -> ox.NamedNode | ox.Literal:
    """Read a CURIE, an IRI (``<...>`` or bare) or, for objects, a Turtle-style literal."""
    text = text.strip()
    if role == "PREDICATE" and text == "a":
        return RDF_TYPE
    if text.startswith('"'):
        if not literal_allowed:
            raise ExplainInputError(
                f"{role} {text!r}: a literal can only be the object of a triple"
            )
        match = _LITERAL.match(text)
        if match is None:
            raise ExplainInputError(
                f'{role} {text!r} is not a literal; write "text", "text"@en or "5"^^xsd:integer'
            )
        value = re.sub(r"\\(.)", r"\1", match["text"])
        if match["lang"]:
            return ox.Literal(value, language=match["lang"])
        if match["dt"]:
            return ox.Literal(
                value, datatype=ox.NamedNode(_expand(match["dt"], role + " datatype"))
            )
        return ox.Literal(value)
    return ox.NamedNode(_expand(text, role))


def _expand(text: str, role: str) -> str:
    try:
        iri = expand(text)
    except CurieError as exc:
        raise CurieError(f"{role}: {exc}") from exc
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ExplainInputError(f"{role} {text!r} is not a valid IRI: {exc}") from exc
    return iri


def parse_triple(subject: str, predicate: str, obj: str) -> ox.Triple:
    """The triple a user typed, each part checked and named in any error."""
    s = parse_term(subject, "SUBJECT")
    p = parse_term(predicate, "PREDICATE")
    o = parse_term(obj, "OBJECT", literal_allowed=True)
    return ox.Triple(s, p, o)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ search
def explain(
    subject: str, predicate: str, obj: str, *, asserted: list[ox.Triple], inferred: list[ox.Triple]
) -> Explanation:
    """Explain SUBJECT PREDICATE OBJECT against in-memory asserted and inferred triples."""
    view = MemoryView(asserted, inferred)
    return explain_triple(
        parse_triple(subject, predicate, obj), view, Ontology.from_triples(asserted)
    )


def explain_from_store(store: ox.Store, subject: str, predicate: str, obj: str) -> Explanation:
    """Explain against the asserted and inferred named graphs of a built store."""
    triple = parse_triple(subject, predicate, obj)
    view = StoreView(store)
    return explain_triple(triple, view, Ontology.from_triples(view.axiom_triples()))


def explain_triple(triple: ox.Triple, view: GraphView, ontology: Ontology) -> Explanation:
    """Status and derivation of TRIPLE (see :class:`Explanation`)."""
    status = view.status(triple)
    if status == "asserted":
        explanation = Explanation(triple, "asserted", [Step(triple, "asserted")])
    elif status is None:
        note = TRIVIA_NOTE if _is_trivial(triple, ontology) else "neither asserted nor inferred"
        explanation = Explanation(triple, "not entailed", note=note)
    else:
        search = _Search(view, ontology)
        step = search.prove(triple, frozenset())
        if step is None:
            explanation = Explanation(
                triple,
                "inferred",
                note="inferred by the reasoner, but no derivation was found with the axioms "
                "serkg explains "
                "(e.g. owl:sameAs substitution)",
            )
        else:
            explanation = Explanation(triple, "inferred", [step])
    terms = {t for step in explanation.steps for t in step.terms()} | {
        triple.subject,
        triple.object,
    }
    explanation.labels = {
        t: label for t in terms if isinstance(t, ox.NamedNode) and (label := view.label(t))
    }
    return explanation


def _is_trivial(triple: ox.Triple, ontology: Ontology) -> bool:
    return trivia_filter(triple, ontology, set(), set()) not in (None, "blank_node")


class _Search:
    """Depth-first proof search with a budget; proofs found are cached."""

    def __init__(self, view: GraphView, ontology: Ontology) -> None:
        self.view = view
        self.ontology = ontology
        self.budget = SEARCH_BUDGET
        self.proved: dict[ox.Triple, Step] = {}
        self.chain_of: dict[int, list[Any]] = {
            id(axiom): chain for chains in ontology.chains.values() for chain, axiom in chains
        }

    def prove(self, triple: ox.Triple, stack: frozenset[ox.Triple]) -> Step | None:
        status = self.view.status(triple)
        if status == "asserted":
            return Step(triple, "asserted")
        if status is None or triple in stack or self.budget <= 0:
            return None
        if triple in self.proved:
            return self.proved[triple]
        stack = stack | {triple}
        candidates = list(self.derivations(triple))
        # deterministic order, preferring asserted premises (short proofs), fewer premises and
        # premises between entities over literal values (more telling to a reader)
        candidates.sort(
            key=lambda c: (
                sum(self.view.status(p) != "asserted" for p in c[2]),
                len(c[2]),
                sum(isinstance(p.object, ox.Literal) for p in c[2]),
                [str(a) for a in c[1]],
                [str(p) for p in c[2]],
            )
        )
        for rule, axioms, premises in candidates:
            chain = self.chain_of.get(id(axioms[0]), []) if axioms else []
            self.budget -= 1
            if self.budget <= 0:
                break
            steps: list[Step] = []
            for premise in premises:
                sub = self.prove(premise, stack)
                if sub is None:
                    break
                steps.append(sub)
            else:
                step = Step(triple, "inferred", rule, axioms, steps, chain)
                self.proved[triple] = step
                return step
        return None

    def derivations(self, t: ox.Triple) -> Iterator[Derivation]:
        """Every (rule, axioms, premises) that would yield T; premises are known triples."""
        if t.predicate == RDF_TYPE:
            yield from self._class_derivations(t.subject, t.object)
            yield from self._restriction_derivations(t.subject, t.object)
        elif t.predicate == OWL_SAME_AS:
            yield from self._same_as_derivations(t.subject, t.object)
        else:
            yield from self._property_derivations(t.subject, t.predicate, t.object)

    def _class_derivations(self, s: Any, o: Any) -> Iterator[Derivation]:
        """S a O by a subclass, a domain or a range axiom."""
        onto, view = self.ontology, self.view
        for sub, axiom in onto.subclasses.get(o, {}).items():
            premise = ox.Triple(s, RDF_TYPE, sub)
            if view.status(premise):
                yield "subclass (rdfs:subClassOf / owl:equivalentClass)", [axiom], [premise]
        for prop, classes in onto.domain.items():
            if o in classes:
                for value in sorted(view.objects(s, prop), key=str)[:3]:
                    yield "domain (rdfs:domain)", [classes[o]], [ox.Triple(s, prop, value)]
        for prop, classes in onto.range.items():
            if o in classes and not isinstance(s, ox.Literal):
                for holder in sorted(view.subjects(prop, s), key=str)[:3]:
                    yield "range (rdfs:range)", [classes[o]], [ox.Triple(holder, prop, s)]

    def _restriction_derivations(self, s: Any, o: Any) -> Iterator[Derivation]:
        """S a O where O is an owl:Restriction or an owl:intersectionOf class."""
        onto, view = self.ontology, self.view
        if o in onto.restrictions:
            kind, prop, target, axiom = onto.restrictions[o]
            if kind == "hasValue" and view.status(ox.Triple(s, prop, target)):
                yield "owl:hasValue restriction", [axiom], [ox.Triple(s, prop, target)]
            if kind == "someValuesFrom":
                for value in sorted(view.objects(s, prop), key=str):
                    if view.status(ox.Triple(value, RDF_TYPE, target)):
                        yield (
                            "owl:someValuesFrom restriction",
                            [axiom],
                            [ox.Triple(s, prop, value), ox.Triple(value, RDF_TYPE, target)],
                        )
                        break
        if o in onto.intersections:
            members, axiom = onto.intersections[o]
            premises = [ox.Triple(s, RDF_TYPE, m) for m in members]
            if all(view.status(pr) for pr in premises):
                yield "owl:intersectionOf", [axiom], premises

    def _same_as_derivations(self, s: Any, o: Any) -> Iterator[Derivation]:
        """S owl:sameAs O by symmetry or a (inverse) functional property."""
        onto, view = self.ontology, self.view
        if view.status(ox.Triple(o, OWL_SAME_AS, s)):
            yield "owl:sameAs is symmetric", [], [ox.Triple(o, OWL_SAME_AS, s)]
        for prop, axiom in onto.functional.items():
            for holder in view.subjects(prop, s):
                if view.status(ox.Triple(holder, prop, o)):
                    yield (
                        "functional property",
                        [axiom],
                        [ox.Triple(holder, prop, s), ox.Triple(holder, prop, o)],
                    )
        for prop, axiom in onto.inverse_functional.items():
            for value in view.objects(s, prop):
                if view.status(ox.Triple(o, prop, value)):
                    yield (
                        "inverse functional property",
                        [axiom],
                        [ox.Triple(s, prop, value), ox.Triple(o, prop, value)],
                    )

    def _property_derivations(self, s: Any, p: Any, o: Any) -> Iterator[Derivation]:
        """S P O by an inverse, symmetric, transitive, chain or sub-property axiom."""
        onto, view = self.ontology, self.view
        if not isinstance(o, ox.Literal):
            for q, axiom in onto.inverse.get(p, {}).items():
                premise = ox.Triple(o, q, s)
                if view.status(premise):
                    yield "inverse property (owl:inverseOf)", [axiom], [premise]
            if p in onto.symmetric:
                premise = ox.Triple(o, p, s)
                if view.status(premise):
                    yield "symmetric property", [onto.symmetric[p]], [premise]
        if p in onto.transitive:
            path = self._path(s, o, [p], transitive=True)
            if path:
                yield "transitive property (a chain of premises)", [onto.transitive[p]], path
        for chain, axiom in onto.chains.get(p, []):
            path = self._path(s, o, chain, transitive=False)
            if path:
                yield "property chain (owl:propertyChainAxiom)", [axiom], path
        for sub, axiom in onto.subproperties.get(p, {}).items():
            premise = ox.Triple(s, sub, o)
            if view.status(premise):
                yield (
                    "sub-property (rdfs:subPropertyOf / owl:equivalentProperty)",
                    [axiom],
                    [premise],
                )

    def _path(
        self, start: Any, end: Any, links: list[Any], *, transitive: bool
    ) -> list[ox.Triple] | None:
        """Shortest path of known triples START -links-> END; asserted edges tried first.

        For a transitive property LINKS is [p] repeated any number (at least two) of times; for
        a chain it is followed once, in order.
        """
        for asserted_only in (True, False):
            path = self._bfs(start, end, links, transitive=transitive, asserted_only=asserted_only)
            if path:
                return path
        return None

    def _bfs(
        self, start: Any, end: Any, links: list[Any], *, transitive: bool, asserted_only: bool
    ) -> list[ox.Triple] | None:
        # state: (node, position in LINKS); parents remember the triple that reached a state
        first = (start, 0)
        parents: dict[tuple[Any, int], tuple[tuple[Any, int], ox.Triple] | None] = {first: None}
        queue = deque([first])
        while queue:
            node, position = queue.popleft()
            if isinstance(node, ox.Literal):
                continue
            link = links[0] if transitive else links[position]
            for nxt in sorted(self.view.objects(node, link), key=str):
                edge = ox.Triple(node, link, nxt)
                if asserted_only and self.view.status(edge) != "asserted":
                    continue
                state = (nxt, 0 if transitive else position + 1)
                depth = self._depth(parents, (node, position)) + 1
                done = nxt == end and (depth >= 2 if transitive else position + 1 == len(links))
                if done:
                    path = [edge]
                    back = parents[(node, position)]
                    current = (node, position)
                    while back is not None:
                        current, via = back
                        path.append(via)
                        back = parents[current]
                    return list(reversed(path))
                if state in parents or (not transitive and position + 1 >= len(links)):
                    continue
                parents[state] = ((node, position), edge)
                queue.append(state)
        return None

    @staticmethod
    def _depth(parents: dict[tuple[Any, int], Any], state: tuple[Any, int]) -> int:
        depth = 0
        while parents[state] is not None:
            state = parents[state][0]
            depth += 1
        return depth
