"""Reasoning over what a change reaches gives what reasoning over everything gives.

Each edit of the packaged graph is reasoned over twice: by :func:`serkg.reasoning.infer` on the
whole new graph, and by :func:`serkg.reasoning.infer_change` from the inferences of the graph
before the edit. The kept triples (in order), the counts by kind and the drops by filter must be
the same, or both must raise the same inconsistency.
"""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from serkg import reasoning, resources
from serkg.loading import KnowledgeBase, load_knowledge
from serkg.prefixes import expand
from serkg.reasoning import Inference, Ontology, ReasoningChange, infer, infer_change
from serkg.reasoning.incremental import (
    linking_properties,
    local_graph,
    local_reasoning_refused,
    reached_terms,
)
from serkg.reasoning.trivia import is_schema_triple

LOCAL = "what the change reaches"


def iri(curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(curie))


def triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(iri(s), iri(p), iri(o))


@pytest.fixture(scope="module")
def real() -> KnowledgeBase:
    return load_knowledge([resources.ontology_file()], resources.data_files())


@pytest.fixture(scope="module")
def before(real: KnowledgeBase) -> Inference:
    return infer(real.asserted)


def edited(
    graph: list[ox.Triple], removed: list[ox.Triple], added: list[ox.Triple]
) -> tuple[list[ox.Triple], ReasoningChange]:
    """GRAPH with the edit applied, and the change as the build would hand it over."""
    gone = set(removed)
    present = set(graph)
    now = [t for t in graph if t not in gone]
    new = [t for t in dict.fromkeys(added) if t not in present or t in gone]
    now += new
    return now, ReasoningChange(new, [t for t in dict.fromkeys(removed) if t in present], None)  # type: ignore[arg-type]


def assert_same_as_everything(
    graph: list[ox.Triple],
    previous: Inference,
    removed: list[ox.Triple],
    added: list[ox.Triple],
) -> str:
    """Reason both ways over GRAPH edited; returns the scope of the local one ("raised" when
    both raised the same inconsistency)."""
    now, change = edited(graph, removed, added)
    change.previous = previous
    try:
        want = infer(now)
    except reasoning.InconsistencyError as expected:
        with pytest.raises(reasoning.InconsistencyError) as raised:
            infer_change(now, change)
        assert (str(raised.value), raised.value.entities) == (str(expected), expected.entities)
        return "raised"
    got = infer_change(now, change)
    assert got.triples == want.triples
    assert got.counts_by_kind == want.counts_by_kind
    assert got.dropped_by_filter == want.dropped_by_filter
    assert got.equalities == want.equalities
    if got.scope == LOCAL:  # what the store is updated by
        before, after = set(previous.triples), set(want.triples)
        assert got.difference == (sorted(after - before, key=str), sorted(before - after, key=str))
    return got.scope


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        pytest.param(
            [triple("kg:l-serine", "sk:precursorOf", "kg:glycine")], [], id="a transitive link out"
        ),
        pytest.param(
            [],
            [triple("kg:glycine", "sk:precursorOf", "kg:3-phospho-d-glycerate")],
            id="a cycle in",
        ),
        pytest.param(
            [triple("kg:l-serine", "sk:precursorOf", "kg:glycine")],
            [triple("kg:d-serine", "sk:precursorOf", "kg:glycine")],
            id="a transitive link moved",
        ),
        pytest.param(
            [],
            [triple("kg:glycine", "sk:enantiomerOf", "kg:d-serine")],
            id="a symmetric link in",
        ),
        pytest.param(
            [],
            [triple("kg:glycine", "rdf:type", "sk:Mechanism")],
            id="a typing that clashes",
        ),
    ],
)
def test_an_edit_is_reasoned_over_locally_to_the_whole_graphs_result(
    real: KnowledgeBase, before: Inference, removed: list[ox.Triple], added: list[ox.Triple]
) -> None:
    for t in removed:
        assert t in set(real.asserted), t
    scope = assert_same_as_everything(real.asserted, before, removed, added)
    assert scope in (LOCAL, "raised")


def test_every_mechanism_link_of_a_compound_out_then_in_again(
    real: KnowledgeBase, before: Inference
) -> None:
    """Property chains (sk:targets) and inverses: a compound's mechanisms taken out, one by one."""
    has_mechanism = iri("sk:hasMechanism")
    links = [t for t in real.asserted if t.predicate == has_mechanism][:6]
    assert links
    for link in links:
        assert assert_same_as_everything(real.asserted, before, [link], []) == LOCAL
    now, _ = edited(real.asserted, links, [])
    without = infer(now)
    assert assert_same_as_everything(now, without, [], links) == LOCAL


@pytest.mark.slow
def test_random_edits_are_reasoned_over_locally_to_the_whole_graphs_result(
    real: KnowledgeBase, before: Inference
) -> None:
    """Differential test: 30 random edits of the packaged graph (facts taken out, facts made by
    recombining the subject of one with the predicate and object of another)."""
    scopes = random_edits(real.asserted, before, seed=20, edits=30, removals=(0, 4), additions=3)
    assert scopes.count(LOCAL) >= 20, scopes  # the others: clashes or equalities, checked too


def random_edits(
    graph: list[ox.Triple],
    previous: Inference,
    *,
    seed: int,
    edits: int,
    removals: tuple[int, int],
    additions: int,
) -> list[str]:
    """EDITS random edits of GRAPH, each reasoned over both ways (assert_same_as_everything):
    a number of facts in REMOVALS taken out, up to ADDITIONS made by recombining the subject of
    one fact with the predicate and object of another. Returns the scopes."""
    ontology = Ontology.from_triples(graph)
    facts = [t for t in graph if not is_schema_triple(t, ontology)]
    rng = random.Random(seed)
    scopes = []
    for _ in range(edits):
        removed = rng.sample(facts, rng.randint(*removals))
        added = []
        for _ in range(rng.randint(0, additions)):
            one, other = rng.sample(facts, 2)
            added.append(ox.Triple(one.subject, other.predicate, other.object))
        scopes.append(assert_same_as_everything(graph, previous, removed, added))
    return scopes


def hub_graph() -> list[ox.Triple]:
    """The real ontology with facts made to reach far: untyped indications and trials that many
    triples point at (their inverses and typings come from every one of them), precursor chains
    (transitive), mechanisms on shared proteins (the sk:targets chain) and enantiomers."""
    schema = load_knowledge([resources.ontology_file()], []).ontology
    facts: list[ox.Triple] = []
    for i in range(30):
        compound = f"kg:syn-{i}"
        facts.append(triple(compound, "rdf:type", "sk:ChemicalCompound"))
        indication = f"kg:indication-{i % 3}"
        if i % 4:
            facts.append(triple(compound, "sk:hasIndication", indication))
        else:
            facts.append(triple(indication, "sk:indicationOf", compound))
        facts.append(triple(compound, "sk:hasMechanism", f"kg:mechanism-{i}"))
        facts.append(triple(f"kg:mechanism-{i}", "sk:hasTarget", f"kg:protein-{i % 4}"))
        if i % 5 != 4:
            facts.append(triple(compound, "sk:precursorOf", f"kg:syn-{i + 1}"))
        if i % 10 == 0:
            facts.append(triple(compound, "sk:enantiomerOf", f"kg:syn-{i + 5}"))
        facts.append(triple(f"kg:outcome-{i}", "sk:outcomeOf", f"kg:trial-{i % 6}"))
    return schema + facts


@pytest.mark.slow
def test_random_edits_of_a_graph_with_hubs_are_reasoned_over_locally_to_the_same_result() -> None:
    graph = hub_graph()
    scopes = random_edits(graph, infer(graph), seed=7, edits=40, removals=(1, 4), additions=2)
    assert scopes.count(LOCAL) >= 25, scopes


def test_a_change_reasoned_over_in_a_forked_process_comes_back_whole(
    real: KnowledgeBase, before: Inference
) -> None:
    now, change = edited(real.asserted, [triple("kg:l-serine", "sk:precursorOf", "kg:glycine")], [])
    change.previous = before
    here = infer_change(now, change)
    there = reasoning.BackgroundInference(now, change=change).result()
    assert here.scope == there.scope == LOCAL
    assert (there.triples, there.difference) == (here.triples, here.difference)
    assert (there.counts_by_kind, there.dropped_by_filter) == (
        here.counts_by_kind,
        here.dropped_by_filter,
    )


def test_a_change_that_states_schema_is_reasoned_over_everything(
    real: KnowledgeBase, before: Inference
) -> None:
    added = [triple("sk:Mechanism", "rdfs:subClassOf", "sk:Protein")]
    assert assert_same_as_everything(real.asserted, before, [], added) in ("everything", "raised")


def test_an_equality_is_reasoned_over_everything(real: KnowledgeBase, before: Inference) -> None:
    stated = [triple("kg:glycine", "owl:sameAs", "kg:d-serine")]
    assert assert_same_as_everything(real.asserted, before, [], stated) in ("everything", "raised")
    # a second value of a functional object property: the reasoner derives owl:sameAs
    outcome = iri("sk:outcomeOf")
    first = next(t for t in real.asserted if t.predicate == outcome)
    second = ox.Triple(first.subject, outcome, iri("kg:glycine"))
    assert assert_same_as_everything(real.asserted, before, [], [second]) in (
        "everything",
        "raised",
    )


def test_after_a_build_that_derived_an_equality_everything_is_reasoned_over(
    real: KnowledgeBase, before: Inference
) -> None:
    previous = Inference(
        before.triples, before.counts_by_kind, before.dropped_by_filter, before.engine, 0.0, 1
    )
    removed = [triple("kg:l-serine", "sk:precursorOf", "kg:glycine")]
    assert assert_same_as_everything(real.asserted, previous, removed, []) == "everything"


def test_only_the_default_engine_reasons_locally(real: KnowledgeBase, before: Inference) -> None:
    _, change = edited(real.asserted, [triple("kg:l-serine", "sk:precursorOf", "kg:glycine")], [])
    change.previous = before
    ontology = Ontology.from_triples(real.asserted)
    assert local_reasoning_refused(ontology, change, "reasonable") is None
    assert local_reasoning_refused(ontology, change, "owlrl") == (
        "only the reasonable engine reasons locally"
    )


def _ontology(text: str) -> Ontology:
    prefixes = "".join(
        f"@prefix {p}: <{expand(p + ':')}> .\n" for p in ("rdf", "rdfs", "owl", "sk")
    )
    return Ontology.from_triples(
        q.triple for q in ox.parse(prefixes + text, format=ox.RdfFormat.TURTLE)
    )


def test_linking_properties_are_transitive_and_chain_links_with_their_sub_and_inverse_properties() -> (
    None
):
    ontology = _ontology(
        """
        sk:p a owl:TransitiveProperty .
        sk:q rdfs:subPropertyOf sk:p .
        sk:r owl:inverseOf sk:q .
        sk:s owl:propertyChainAxiom ( sk:a sk:b ) .
        sk:c owl:equivalentProperty sk:b .
        sk:unrelated rdfs:subPropertyOf sk:s ; rdfs:domain sk:Thing .
        sk:super a owl:SymmetricProperty . sk:p rdfs:subPropertyOf sk:super .
        """
    )
    linking = linking_properties(ontology)
    assert linking == {iri(f"sk:{n}") for n in ("p", "q", "r", "a", "b", "c")}


def test_a_chain_through_typing_leaves_nothing_local() -> None:
    ontology = _ontology("sk:s owl:propertyChainAxiom ( sk:a rdf:type ) .")
    assert linking_properties(ontology) is None


def test_the_local_graph_holds_one_triple_per_term_and_property_from_outside() -> None:
    ontology = _ontology("sk:link a owl:TransitiveProperty .")
    hub = iri("kg:hub")
    pointing = [triple(f"kg:claim-{n}", "sk:evidenceLevel", "kg:hub") for n in range(5)]
    graph = [
        *pointing,
        triple("kg:claim-9", "sk:source", "kg:hub"),
        triple("kg:hub", "rdfs:seeAlso", "kg:elsewhere"),
        triple("kg:a", "sk:link", "kg:b"),
        triple("kg:b", "sk:link", "kg:c"),
        triple("kg:c", "sk:other", "kg:d"),
    ]
    changed = [
        triple("kg:claim-0", "sk:evidenceLevel", "kg:hub"),
        triple("kg:x", "sk:link", "kg:a"),
    ]
    neighbours: dict[object, list[object]] = {}
    for t in graph:
        if t.predicate == iri("sk:link"):
            neighbours.setdefault(t.subject, []).append(t.object)
            neighbours.setdefault(t.object, []).append(t.subject)
    reach = reached_terms(changed, neighbours)
    assert reach == {iri(f"kg:{n}") for n in ("claim-0", "hub", "x", "a", "b", "c")}
    chosen = local_graph(graph, reach, ontology)
    assert hub in reach
    assert chosen == [
        pointing[0],  # stated by a term of the reach
        pointing[1],  # and one triple per property pointing at the hub from outside
        triple("kg:claim-9", "sk:source", "kg:hub"),
        triple("kg:hub", "rdfs:seeAlso", "kg:elsewhere"),
        triple("kg:a", "sk:link", "kg:b"),
        triple("kg:b", "sk:link", "kg:c"),
        triple("kg:c", "sk:other", "kg:d"),
    ]
