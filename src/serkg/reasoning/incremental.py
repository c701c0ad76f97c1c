"""Reasoning again over only what a change of the asserted graph reaches, with the full result.

An incremental ``serkg build`` changes a few files of a large catalogue; reasoning over the whole
graph again took most of its time. :func:`infer_change` instead takes the previous build's kept
inferences and counts, reasons over a small graph around the change twice (as it is now and as
it was), and swaps the inferences the change can touch. The result is the one :func:`.infer`
gives on the whole graph: the same triples, counts by kind and drops by filter (tests compare
them after many kinds of edit). When the conditions below do not hold it runs :func:`.infer`.

Why it is exact. Call a derived triple *tainted* when some derivation of it uses a changed
(added or removed) triple, and let ``A`` be the terms of the changed triples closed under the
*linking* properties (:func:`linking_properties`: transitive properties, property chain links,
and their sub- and inverse properties). With the axioms this allows (sub-class and
sub-property, equivalence, domain, range, inverse, symmetric, transitive, chains, functional,
disjointness, irreflexive and asymmetric properties) and no owl:sameAs between different terms,
every rule concludes about terms of its premises, and only a linking triple joins two premises
at a term other than the conclusion's. So a tainted ``x rdf:type C`` has ``x`` in ``A`` and a
tainted ``x p y`` has both in ``A``; every other inference is the same before and after the
change. The graph reasoned over (:func:`local_graph`) holds the schema, every triple stated
about a term of ``A``, and for each term and property one triple pointing at it from outside
``A``: the OWL 2 RL conclusions about a term that such a triple supports do not depend on which
outside term it comes from. Its closure holds every inference *in scope* (:func:`in_scope`)
that the whole graph's holds; the rest of its closure is the same before and after the change,
so the differences of the counts of its two runs are the differences of the whole graph's.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.inference import DEFAULT_ENGINE, infer
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.results import InconsistencyError, Inference
from serkg.reasoning.trivia import is_schema_statement, is_schema_triple
from serkg.reasoning.vocabulary import OWL, OWL_SAME_AS, RDF_TYPE

#: the only engine reasoned with locally: its count of equalities covers literal ones too
LOCAL_ENGINE = DEFAULT_ENGINE

#: OWL terms (as predicates, or as rdf:type objects) whose rules join premises in ways the
#: locality argument does not cover (restrictions, keys, class constructors, negative
#: assertions): with any of them in the graph, reasoning runs on everything. (owl:differentFrom
#: and owl:AllDifferent only ever clash with an owl:sameAs, which is refused on its own.)
_NOT_LOCAL = frozenset(
    ox.NamedNode(OWL + name)
    for name in (
        "onProperty",
        "hasKey",
        "intersectionOf",
        "unionOf",
        "complementOf",
        "oneOf",
        "disjointUnionOf",
        "sourceIndividual",
        "AllDisjointProperties",
        "InverseFunctionalProperty",
        "ReflexiveProperty",
        "NegativePropertyAssertion",
    )
)


@dataclass
class ReasoningChange:
    """What :func:`infer_change` starts from: the asserted triples added and removed since the
    previous build, and that build's :class:`Inference` (its kept triples, counts and drops)."""

    added: Sequence[ox.Triple]
    removed: Sequence[ox.Triple]
    previous: Inference


def infer_change(
    asserted: list[ox.Triple], change: ReasoningChange, *, engine: str = LOCAL_ENGINE
) -> Inference:
    """What :func:`.infer` gives on ASSERTED (the whole graph after CHANGE), reasoned over only
    what the change reaches when that is exact (``scope`` "what the change reaches"), over
    everything otherwise. Raises :class:`InconsistencyError` as :func:`.infer` does."""
    started = time.perf_counter()
    ontology = Ontology.from_triples(asserted)
    linking = linking_properties(ontology)
    refusal = local_reasoning_refused(ontology, change, engine)
    if linking is None or refusal is not None:
        return infer(asserted, engine=engine)
    changed = [*change.added, *change.removed]
    survey = _survey(asserted, linking)
    if survey.refusal is not None:
        return infer(asserted, engine=engine)
    reach = reached_terms(changed, survey.neighbours)
    now = local_graph(asserted, reach, ontology)
    added = set(change.added)
    before = [t for t in now if t not in added]
    before += change.removed
    try:
        local_now = infer(now, engine=engine)
        local_before = infer(before, engine=engine)
    except InconsistencyError:
        return infer(asserted, engine=engine)  # the whole graph's clashes, in its words
    if any(
        run.equalities or run.dropped_by_filter["literal_value_copy"]
        for run in (local_now, local_before)
    ):
        return infer(asserted, engine=engine)
    previous = change.previous
    kept, difference = _swapped(previous.triples, local_now.triples, reach)
    return Inference(
        triples=kept,
        counts_by_kind=_shifted(
            previous.counts_by_kind, local_now.counts_by_kind, local_before.counts_by_kind
        ),
        dropped_by_filter=_shifted(
            previous.dropped_by_filter, local_now.dropped_by_filter, local_before.dropped_by_filter
        ),
        engine=engine,
        seconds=time.perf_counter() - started,
        equalities=0,
        scope="what the change reaches",
        difference=difference,
    )


def local_reasoning_refused(ontology: Ontology, change: ReasoningChange, engine: str) -> str | None:
    """Why reasoning over what CHANGE reaches would not be exact, as far as the ontology, the
    change and the previous build tell (None: it would be; the graph is checked as it is read)."""
    previous = change.previous
    if engine != LOCAL_ENGINE or previous.engine != engine:
        return f"only the {LOCAL_ENGINE} engine reasons locally"
    if previous.equalities or previous.dropped_by_filter.get("literal_value_copy"):
        return "the previous build derived owl:sameAs between different terms"
    if ontology.keys or ontology.restrictions or ontology.intersections:
        return "the ontology has keys, restrictions or intersections"
    if ontology.inverse_functional:
        return "the ontology has inverse-functional properties"
    for t in (*change.added, *change.removed):
        if is_schema_triple(t, ontology):
            return f"the change states schema: {t}"
    return None


def linking_properties(ontology: Ontology) -> frozenset[Any] | None:
    """The properties whose triples join two rule premises at a term other than the
    conclusion's: transitive properties and property chain links, with every sub-, equivalent
    and inverse property of one of them. None when rdf:type is among them (then every typing
    links, and nothing is local)."""
    found = set(ontology.transitive)
    found |= {link for chains in ontology.chains.values() for chain, _ in chains for link in chain}
    while True:
        more = {sub for p in found for sub in ontology.subproperties.get(p, {})}
        more |= {inverse for p in found for inverse in ontology.inverse.get(p, {})}
        if more <= found:
            break
        found |= more
    return None if RDF_TYPE in found else frozenset(found)


@dataclass
class _Survey:
    """One reading of the whole graph: why it cannot be reasoned over locally (or None), and
    each term's neighbours through LINKING properties."""

    refusal: str | None
    neighbours: dict[Any, list[Any]]


def _survey(asserted: Iterable[ox.Triple], linking: frozenset[Any]) -> _Survey:
    neighbours: dict[Any, list[Any]] = {}
    for t in asserted:
        p = t.predicate
        if p in linking:
            s, o = t.subject, t.object
            neighbours.setdefault(s, []).append(o)
            neighbours.setdefault(o, []).append(s)
        elif p in _NOT_LOCAL:
            return _Survey(f"the graph uses {p}", {})
        elif p == RDF_TYPE:
            if t.object in _NOT_LOCAL:
                return _Survey(f"the graph uses {t.object}", {})
        elif p == OWL_SAME_AS and t.subject != t.object:
            return _Survey("the graph states owl:sameAs between different terms", {})
    return _Survey(None, neighbours)


def reached_terms(changed: Iterable[ox.Triple], neighbours: dict[Any, list[Any]]) -> set[Any]:
    """The subjects and objects of CHANGED, with every term joined to one of them by a chain of
    NEIGHBOURS (the terms each is linked to)."""
    reach: set[Any] = set()
    for t in changed:
        reach.add(t.subject)
        reach.add(t.object)
    pending = [term for term in reach if term in neighbours]
    while pending:
        for other in neighbours[pending.pop()]:
            if other not in reach:
                reach.add(other)
                pending.append(other)
    return reach


def local_graph(
    asserted: Iterable[ox.Triple], reach: set[Any], ontology: Ontology
) -> list[ox.Triple]:
    """The triples reasoned over for a change that reaches REACH: every schema triple, every
    triple whose subject is in REACH, and per term of REACH and property one triple that points
    at it from outside (in the order of ASSERTED, so before and after a change pick the same)."""
    chosen: list[ox.Triple] = []
    witnessed: set[tuple[Any, Any]] = set()
    for t in asserted:
        s = t.subject
        if s in reach:
            chosen.append(t)
            continue
        p, o = t.predicate, t.object
        if is_schema_statement(s, p, o, ontology):
            chosen.append(t)
        elif o in reach and (o, p) not in witnessed:
            witnessed.add((o, p))
            chosen.append(t)
    return chosen


def in_scope(t: ox.Triple, reach: set[Any]) -> bool:
    """Whether a change that reaches REACH can make or unmake inferred triple T: a typing of a
    term of REACH, or a triple between two of them."""
    if t.predicate == RDF_TYPE:
        return t.subject in reach
    return t.subject in reach and t.object in reach


def _swapped(
    previous: Sequence[ox.Triple], local: Sequence[ox.Triple], reach: set[Any]
) -> tuple[list[ox.Triple], tuple[list[ox.Triple], list[ox.Triple]]]:
    """PREVIOUS without its triples in scope, with LOCAL's in scope instead, sorted as
    :func:`.infer` sorts; and (added, removed) against PREVIOUS."""
    kept: list[ox.Triple] = []
    old: set[ox.Triple] = set()
    for t in previous:
        if in_scope(t, reach):
            old.add(t)
        else:
            kept.append(t)
    new = {t for t in local if in_scope(t, reach)}
    kept += new
    kept.sort(key=str)
    return kept, (sorted(new - old, key=str), sorted(old - new, key=str))


def _shifted(base: dict[str, int], now: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    """BASE plus what changed from BEFORE to NOW, key by key."""
    return {key: base.get(key, 0) + now.get(key, 0) - before.get(key, 0) for key in base | now}
