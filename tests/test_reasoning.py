"""OWL 2 RL inference: exact inferred triples, no trivia, engine agreement, inconsistency."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import reasoning, resources
from serkg.loading import KnowledgeBase, add_data_file, load_knowledge, parse_file
from serkg.prefixes import KG, SK, compress, expand
from serkg.reasoning import owlrl_engine, reasonable_engine, vocabulary

FIXTURES = Path(__file__).resolve().parent / "reasoning"
MINI_ONTOLOGY = FIXTURES / "mini-ontology.ttl"

Curies = tuple[str, str, str]


def curies(triples: list[ox.Triple]) -> set[Curies]:
    """Triples as (s, p, o) CURIE strings; literals in N-Triples form."""

    def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        return compress(t.value) if isinstance(t, ox.NamedNode) else str(t)

    return {(term(t.subject), term(t.predicate), term(t.object)) for t in triples}


def triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(expand(s)), ox.NamedNode(expand(p)), ox.NamedNode(expand(o)))


@pytest.fixture(scope="module")
def mini() -> KnowledgeBase:
    return load_knowledge([MINI_ONTOLOGY], [FIXTURES / "mini-data.trig"])


@pytest.fixture(scope="module")
def real() -> KnowledgeBase:
    return load_knowledge([resources.ontology_file()], resources.data_files())


@pytest.fixture(scope="module")
def real_inferences(real: KnowledgeBase) -> dict[str, reasoning.Inference]:
    return {engine: reasoning.infer(real.asserted, engine=engine) for engine in reasoning.ENGINES}


MINI_EXPECTED: set[Curies] = {
    # owl:inverseOf
    ("kg:mechanism-l-serine-cathepsin-activation", "sk:mechanismOf", "kg:l-serine"),
    ("kg:d-serine", "sk:derivedFrom", "kg:l-serine"),
    ("kg:glycine", "sk:derivedFrom", "kg:l-serine"),
    ("kg:l-serine", "sk:derivedFrom", "kg:3-phospho-d-glycerate"),
    ("kg:d-serine", "sk:derivedFrom", "kg:3-phospho-d-glycerate"),
    ("kg:glycine", "sk:derivedFrom", "kg:3-phospho-d-glycerate"),
    # owl:TransitiveProperty
    ("kg:3-phospho-d-glycerate", "sk:precursorOf", "kg:d-serine"),
    ("kg:3-phospho-d-glycerate", "sk:precursorOf", "kg:glycine"),
    # owl:SymmetricProperty
    ("kg:l-serine", "sk:enantiomerOf", "kg:d-serine"),
    # rdfs:subPropertyOf (of the symmetric property, both directions)
    ("kg:d-serine", "sk:relatedCompound", "kg:l-serine"),
    ("kg:l-serine", "sk:relatedCompound", "kg:d-serine"),
    # owl:propertyChainAxiom
    ("kg:l-serine", "sk:targets", "kg:protein-ctsb"),
    # rdfs:subClassOf, recursively
    ("kg:mechanism-l-serine-cathepsin-activation", "rdf:type", "sk:AutophagyEnhancement"),
    ("kg:mechanism-l-serine-cathepsin-activation", "rdf:type", "sk:ProteostasisSupport"),
    ("kg:mechanism-l-serine-cathepsin-activation", "rdf:type", "sk:Mechanism"),
    # rdfs:domain (hasMechanism, casNumber) and rdfs:range (hasTarget)
    ("kg:l-serine", "rdf:type", "sk:ChemicalCompound"),
    ("kg:protein-ctsb", "rdf:type", "sk:Protein"),
}


@pytest.mark.parametrize("engine", reasoning.ENGINES)
def test_mini_fixture_yields_exactly_the_expected_triples(mini: KnowledgeBase, engine: str) -> None:
    inference = reasoning.infer(mini.asserted, engine=engine)
    assert curies(inference.triples) == MINI_EXPECTED
    assert inference.engine == engine
    assert inference.counts_by_kind == {
        "inverse": 6,
        "symmetric": 1,
        "transitive": 2,
        "class_typing": 5,
        "property_chain": 1,
        "equality": 0,
        "other": 2,
    }


@pytest.mark.parametrize("engine", reasoning.ENGINES)
def test_mini_fixture_trivia_are_dropped_and_counted(mini: KnowledgeBase, engine: str) -> None:
    inference = reasoning.infer(mini.asserted, engine=engine)
    assert set(inference.dropped_by_filter) == set(reasoning.FILTERS)
    # both engines type every individual owl:Thing; owlrl also adds x owl:sameAs x
    assert inference.dropped_by_filter["top_class_typing"] > 0
    if engine == "owlrl":
        assert inference.dropped_by_filter["same_as_self"] > 0
        assert inference.dropped_by_filter["literal_subject"] > 0


def test_unknown_engine_is_refused(mini: KnowledgeBase) -> None:
    with pytest.raises(
        ValueError, match="unknown reasoner 'hermit'; choose one of: owlrl, reasonable"
    ):
        reasoning.infer(mini.asserted, engine="hermit")


def test_plain_and_xsd_string_literals_are_one_value() -> None:
    """reasonable returns xsd:string-typed literals; they must not come back as new triples."""
    s, p = (
        ox.NamedNode("https://w3id.org/serkg/id/x"),
        ox.NamedNode("https://w3id.org/serkg/vocab/casNumber"),
    )
    plain = ox.Triple(s, p, ox.Literal("56-45-1"))
    for engine in reasoning.ENGINES:
        assert reasoning.infer([plain], engine=engine).triples == []


def _literal_copy_graph() -> list[ox.Triple]:
    """A sub-property that copies awkward literals: escapes, non-canonical forms, tags, blanks."""
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    p, q = _sk("note"), _sk("remark")
    x, blank = _kg("x"), ox.BlankNode("b1")
    values = [
        ox.Literal('say "hi"\\n\tthere\n'),
        ox.Literal("\u00e9t\u00e9 \U0001f600"),
        ox.Literal("été", language="fr"),
        ox.Literal("01", datatype=ox.NamedNode(xsd + "integer")),
        ox.Literal("1.0E1", datatype=ox.NamedNode(xsd + "double")),
        ox.Literal("105.090", datatype=ox.NamedNode(xsd + "decimal")),
    ]
    return [
        ox.Triple(p, ox.NamedNode(rdfs + "subPropertyOf"), q),
        *(ox.Triple(x, p, value) for value in values),
        ox.Triple(x, p, blank),
        ox.Triple(blank, p, ox.Literal("inside")),
    ]


LITERAL_COPIES = {
    ("kg:x", "sk:remark", '"say \\"hi\\"\\\\n\\tthere\\n"'),
    ("kg:x", "sk:remark", '"\u00e9t\u00e9 \U0001f600"'),
    ("kg:x", "sk:remark", '"été"@fr'),
    # rdflib writes canonical integers and doubles; the reasonable boundary does the same
    ("kg:x", "sk:remark", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("kg:x", "sk:remark", '"10.0"^^<http://www.w3.org/2001/XMLSchema#double>'),
    ("kg:x", "sk:remark", '"105.090"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    # blank nodes the data uses are kept, with their labels
    ("kg:x", "sk:remark", "_:b1"),
    ("_:b1", "sk:remark", '"inside"'),
}


@pytest.mark.parametrize("engine", reasoning.ENGINES)
def test_awkward_literals_are_copied_exactly(engine: str) -> None:
    result = reasoning.infer(_literal_copy_graph(), engine=engine)
    assert curies(result.triples) == LITERAL_COPIES
    assert result.counts_by_kind["other"] == len(LITERAL_COPIES)


def test_ntriples_boundary_equals_the_rdflib_boundary(tmp_path: Path) -> None:
    """The fast path (N-Triples in, plain strings out) keeps exactly what the rdflib path keeps."""
    import reasonable

    asserted = _literal_copy_graph() + synthetic_facts(30)
    schema = load_knowledge([resources.ontology_file()], []).ontology
    asserted += schema
    slow = owlrl_engine.RdflibBoundary(asserted)
    slow_reasoner = reasonable.PyReasoner()
    slow_reasoner.from_graph(slow.input)
    slow_output = slow_reasoner.reason()
    fast = reasonable_engine.NTriplesBoundary(asserted)
    fast_reasoner = reasonable.PyReasoner()
    (tmp_path / "asserted.ttl").write_bytes(fast.ntriples)
    fast_reasoner.load_file(str(tmp_path / "asserted.ttl"))
    with reasonable_engine.plain_terms():
        fast_output = fast_reasoner.reason()
    assert {type(term) for triple in fast_output for term in triple} <= {
        reasonable_engine.PlainIri,
        reasonable_engine.PlainBlank,
        reasonable_engine.PlainLiteral,
    }
    # the rdflib boundary leaves top-class typing and x sameAs x to the later filters
    top = {vocabulary.OWL_THING, vocabulary.RDFS_RESOURCE}
    everything = slow.new_triples(slow_output)
    typing = [t for t in everything if t.predicate == vocabulary.RDF_TYPE and t.object in top]
    same = [
        t for t in everything if t.predicate == vocabulary.OWL_SAME_AS and t.subject == t.object
    ]
    expected = sorted(str(t) for t in everything if t not in {*typing, *same})
    assert len(expected) > 100 and len(typing) > 100
    assert sorted(map(str, fast.new_triples(fast_output))) == expected
    assert fast.dropped == {
        "literal_subject": slow.dropped["literal_subject"],
        "same_as_self": len(same),
        "top_class_typing": len(typing),
    }
    # rdflib terms through the fast boundary: the same again
    again = reasonable_engine.NTriplesBoundary(asserted)
    assert sorted(map(str, again.new_triples(slow_output))) == expected


def test_plain_terms_are_undone_after_an_error() -> None:
    import rdflib

    before = (rdflib.URIRef, rdflib.BNode, rdflib.Literal)
    with pytest.raises(RuntimeError), reasonable_engine.plain_terms():
        assert rdflib.URIRef is reasonable_engine.PlainIri
        raise RuntimeError("reasoner failed")
    assert (rdflib.URIRef, rdflib.BNode, rdflib.Literal) == before


# ---------------------------------------------------------------------------- no trivia
def assert_no_trivia(triples: list[ox.Triple], ontology_triples: list[ox.Triple]) -> None:
    ontology = reasoning.Ontology.from_triples(ontology_triples)
    builtin = vocabulary.BUILTIN_NAMESPACES
    for t in triples:
        assert not isinstance(t.subject, ox.Literal), t
        assert not (t.predicate == vocabulary.OWL_SAME_AS and t.subject == t.object), t
        assert not (
            t.predicate == vocabulary.RDF_TYPE
            and t.object in (vocabulary.OWL_THING, vocabulary.RDFS_RESOURCE)
        ), t
        assert not (isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(builtin)), t
        assert t.subject not in ontology.terms, t
        assert t.predicate not in vocabulary.SCHEMA_PREDICATES, t


@pytest.mark.parametrize("engine", reasoning.ENGINES)
def test_no_trivial_or_malformed_triple_on_real_data(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference], engine: str
) -> None:
    inference = real_inferences[engine]
    assert_no_trivia(inference.triples, real.ontology)
    assert not set(inference.triples) & set(real.asserted)


# ---------------------------------------------------------------------------- real data
REAL_EXPECTED: dict[str, Curies] = {
    "inverse": ("kg:d-serine", "sk:derivedFrom", "kg:l-serine"),
    "property_chain": ("kg:l-serine", "sk:targets", "kg:protein-ctsb"),
    "class_typing": (
        "kg:mechanism-l-serine-cathepsin-activation",
        "rdf:type",
        "sk:AutophagyEnhancement",
    ),
    "transitive": ("kg:3-phospho-d-glycerate", "sk:precursorOf", "kg:d-serine"),
}


@pytest.mark.parametrize("engine", reasoning.ENGINES)
@pytest.mark.parametrize("kind", sorted(REAL_EXPECTED))
def test_real_data_yields_each_kind(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference], engine: str, kind: str
) -> None:
    expected = triple(*REAL_EXPECTED[kind])
    inference = real_inferences[engine]
    assert expected in inference.triples
    known = reasoning.TripleIndex(real.asserted)
    known.add_all(inference.triples)
    assert (
        reasoning.classify_kind(expected, reasoning.Ontology.from_triples(real.ontology), known)
        == kind
    )


def test_real_data_transitive_precursor_chain(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference]
) -> None:
    """3-phosphoglycerate -> L-serine -> D-serine / glycine: both long edges are inferred."""
    inferred = curies(real_inferences["owlrl"].triples)
    asserted = curies(real.asserted)
    for target in ("kg:d-serine", "kg:glycine"):
        assert ("kg:l-serine", "sk:precursorOf", target) in asserted | inferred
        assert ("kg:3-phospho-d-glycerate", "sk:precursorOf", target) in inferred


def test_real_data_enantiomer_is_symmetric(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference]
) -> None:
    asserted = curies(real.asserted)
    pair = {
        ("kg:l-serine", "sk:enantiomerOf", "kg:d-serine"),
        ("kg:d-serine", "sk:enantiomerOf", "kg:l-serine"),
    }
    stated = pair & asserted
    assert len(stated) == 1, "the data states the enantiomer pair in one direction"
    for engine, inference in real_inferences.items():
        assert pair - stated <= curies(inference.triples), engine
        assert inference.counts_by_kind["symmetric"] >= 1, engine


def test_real_ontology_uses_the_axiom_kinds_the_issue_expects(real: KnowledgeBase) -> None:
    used = reasoning.Ontology.from_triples(real.ontology).kinds_of_axiom_used()
    for kind in (
        "owl:inverseOf",
        "owl:SymmetricProperty",
        "owl:TransitiveProperty",
        "owl:propertyChainAxiom",
        "rdfs:subClassOf",
        "rdfs:domain",
        "rdfs:range",
    ):
        assert kind in used, kind


# ---------------------------------------------------------------------------- synthetic graph
# A benchmark-like graph at a size owlrl handles in seconds: compounds with mechanisms, targets,
# precursor chains of five, enantiomer pairs and literal-heavy identity facts.
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
MECHANISM_CLASSES = (
    "CathepsinActivation",
    "NMDACoagonistSupply",
    "SphingolipidPrecursorSupply",
    "PPARGammaUpregulation",
    "AntiapoptoticSignallingSupport",
)


def _sk(name: str) -> ox.NamedNode:
    return ox.NamedNode(SK + name)


def _kg(name: str) -> ox.NamedNode:
    return ox.NamedNode(KG + name)


def synthetic_facts(compounds: int = 300, *, seed: int = 7) -> list[ox.Triple]:
    """Facts about COMPOUNDS synthetic compounds (deterministic for a given SEED)."""
    rng = random.Random(seed)
    triples: list[ox.Triple] = []
    add = triples.append
    proteins = max(5, compounds // 6)
    for k in range(proteins):
        protein = _kg(f"syn-protein-{k}")
        add(ox.Triple(protein, RDF_TYPE, _sk("Protein")))
        add(ox.Triple(protein, RDFS_LABEL, ox.Literal(f"protein {k}", language="en")))
    for i in range(compounds):
        compound = _kg(f"syn-compound-{i}")
        add(ox.Triple(compound, RDF_TYPE, _sk("ChemicalCompound")))
        add(ox.Triple(compound, RDFS_LABEL, ox.Literal(f"compound {i}", language="en")))
        add(ox.Triple(compound, _sk("casNumber"), ox.Literal(f"{1000 + i}-{i % 90 + 10}-{i % 10}")))
        add(
            ox.Triple(
                compound,
                _sk("averageMass"),
                ox.Literal(
                    f"{100 + i}.5",
                    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"),
                ),
            )
        )
        for j in range(1 + i % 2):
            mechanism = _kg(f"syn-mechanism-{i}-{j}")
            add(ox.Triple(compound, _sk("hasMechanism"), mechanism))
            add(ox.Triple(mechanism, RDF_TYPE, _sk(rng.choice(MECHANISM_CLASSES))))
            add(
                ox.Triple(
                    mechanism, _sk("hasTarget"), _kg(f"syn-protein-{rng.randrange(proteins)}")
                )
            )
        if i % 5 != 4 and i + 1 < compounds:  # precursor chains of five compounds
            add(ox.Triple(compound, _sk("precursorOf"), _kg(f"syn-compound-{i + 1}")))
        if i % 10 == 0 and i + 5 < compounds:
            add(ox.Triple(compound, _sk("enantiomerOf"), _kg(f"syn-compound-{i + 5}")))
    return triples


# ---------------------------------------------------------------------------- agreement
def test_engines_agree_on_real_data(real_inferences: dict[str, reasoning.Inference]) -> None:
    owlrl, fast = real_inferences["owlrl"], real_inferences["reasonable"]
    assert set(owlrl.triples) == set(fast.triples)
    assert owlrl.counts_by_kind == fast.counts_by_kind
    for kind in ("inverse", "symmetric", "transitive", "class_typing", "property_chain"):
        assert owlrl.counts_by_kind[kind] > 0, kind


@pytest.mark.slow
@pytest.mark.parametrize("ontology", ["real", "mini"])
def test_engines_agree_on_synthetic_benchmark_graph(ontology: str) -> None:
    ontology_file = resources.ontology_file() if ontology == "real" else MINI_ONTOLOGY
    schema = load_knowledge([ontology_file], []).ontology
    facts = synthetic_facts(300)
    results = {
        engine: reasoning.infer(schema + facts, engine=engine) for engine in reasoning.ENGINES
    }
    owlrl, fast = results["owlrl"], results["reasonable"]
    assert set(owlrl.triples) == set(fast.triples)
    assert owlrl.counts_by_kind == fast.counts_by_kind
    assert_no_trivia(fast.triples, schema)
    # non-trivial: each kind the generator exercises is present in quantity
    counts = fast.counts_by_kind
    assert (
        counts["inverse"] >= 300 and counts["transitive"] >= 300 and counts["class_typing"] >= 300
    )
    assert counts["symmetric"] >= 25 and counts["property_chain"] >= 300
    # every 5-compound precursor chain closes: 0 -> 4 is inferred
    assert triple("kg:syn-compound-0", "sk:precursorOf", "kg:syn-compound-4") in fast.triples


# ---------------------------------------------------------------------------- inconsistency
INCONSISTENT = {
    "inconsistent-disjoint-classes.trig": [
        "https://w3id.org/serkg/id/l-serine",
        "https://w3id.org/serkg/vocab/ChemicalCompound",
        "https://w3id.org/serkg/vocab/Disease",
    ],
    "inconsistent-same-different.trig": [
        "https://w3id.org/serkg/id/d-serine",
        "https://w3id.org/serkg/id/l-serine",
    ],
    "inconsistent-all-disjoint.trig": [
        "https://w3id.org/serkg/id/sptlc1",
        "https://w3id.org/serkg/vocab/Gene",
        "https://w3id.org/serkg/vocab/Protein",
    ],
    "inconsistent-nothing.trig": ["https://w3id.org/serkg/id/ghost"],
    "inconsistent-functional-value.trig": [
        "https://w3id.org/serkg/id/l-serine",
        "https://w3id.org/serkg/vocab/averageMass",
    ],
}
MESSAGES = {
    "inconsistent-disjoint-classes.trig": "kg:l-serine is an instance of the disjoint classes "
    "sk:ChemicalCompound and sk:Disease",
    "inconsistent-same-different.trig": "kg:d-serine is both owl:sameAs and owl:differentFrom "
    "kg:l-serine",
    "inconsistent-all-disjoint.trig": "kg:sptlc1 is an instance of the disjoint classes "
    "sk:Gene and sk:Protein",
    "inconsistent-nothing.trig": "kg:ghost is a member of owl:Nothing",
    "inconsistent-functional-value.trig": "kg:l-serine has 2 values for the functional property "
    'sk:averageMass: "105.09"^^<http://www.w3.org/2001/XMLSchema#decimal>, '
    '"105.093"^^<http://www.w3.org/2001/XMLSchema#decimal>',
}


@pytest.mark.parametrize("engine", reasoning.ENGINES)
@pytest.mark.parametrize("fixture", sorted(INCONSISTENT))
def test_inconsistent_fixture_is_rejected_naming_the_entities(engine: str, fixture: str) -> None:
    kb = load_knowledge([MINI_ONTOLOGY], [FIXTURES / "mini-data.trig", FIXTURES / fixture])
    with pytest.raises(reasoning.InconsistencyError) as caught:
        reasoning.infer(kb.asserted, engine=engine)
    assert caught.value.entities == INCONSISTENT[fixture]
    assert str(caught.value) == f"1 clash(es): {MESSAGES[fixture]}"


@pytest.mark.parametrize("engine", reasoning.ENGINES)
def test_equal_values_of_a_functional_property_are_consistent_and_add_nothing(
    mini: KnowledgeBase, engine: str
) -> None:
    """105.09 and 105.090 are one decimal: no clash, and no copies of claims with the other form.

    The file loader refuses "105.090" (the store would keep it as "105.09", see
    serkg.literal_forms), so the fixture is added with the plain parser: triples that reach the
    reasoner another way (the Python API) must still count as one value.
    """
    kb = load_knowledge([MINI_ONTOLOGY], [FIXTURES / "mini-data.trig"])
    fixture = FIXTURES / "consistent-functional-value.trig"
    add_data_file(kb, fixture, parse_file(fixture))
    inference = reasoning.infer(kb.asserted, engine=engine)
    assert curies(inference.triples) == MINI_EXPECTED
    assert inference.dropped_by_filter["literal_value_copy"] == 2


def test_disjoint_clash_with_the_real_ontology_is_rejected(real: KnowledgeBase) -> None:
    """The real ontology keeps compounds and diseases apart (needs owl:disjointWith there)."""
    disjoint = reasoning.Ontology.from_triples(real.ontology).disjoint
    assert ox.NamedNode(expand("sk:Disease")) in disjoint.get(
        ox.NamedNode(expand("sk:ChemicalCompound")), {}
    )
    clash = triple("kg:l-serine", "rdf:type", "sk:Disease")
    with pytest.raises(reasoning.InconsistencyError) as caught:
        reasoning.infer([*real.asserted, clash], engine=reasoning.DEFAULT_ENGINE)
    assert "https://w3id.org/serkg/id/l-serine" in caught.value.entities
    assert (
        "kg:l-serine is an instance of the disjoint classes sk:ChemicalCompound and sk:Disease"
        in str(caught.value)
    )


# ------------------------------------------------------------------ generated claims, reasoned once


def test_generated_claims_are_reasoned_once_with_the_same_result(
    real: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    asserted = real.asserted
    groups = reasoning.claims_reasoned_once(asserted, reasoning.Ontology.from_triples(asserted))
    members = sum(len(g) for g in groups)
    assert groups and members > 5 * len(groups)  # most claims are not reasoned over one by one
    once = reasoning.infer(asserted)
    monkeypatch.setattr(reasoning.inference, "claims_reasoned_once", lambda *_: [])
    every = reasoning.infer(asserted)
    assert once.triples == every.triples
    assert once.counts_by_kind == every.counts_by_kind
    assert once.dropped_by_filter == every.dropped_by_filter
    replicated = {t.subject for t in once.triples} & {m for g in groups for m in g[1:]}
    assert replicated  # the copies are really there (each claim is a prov:Entity)


@pytest.mark.parametrize(
    "axiom",
    [
        ("sk:claimSubject", "rdfs:domain", "sk:Claim"),
        ("sk:about", "owl:inverseOf", "sk:claimObject"),
        ("sk:claimPredicate", "rdf:type", "owl:FunctionalProperty"),
    ],
)
def test_claims_are_reasoned_one_by_one_when_their_parts_have_semantics(
    real: KnowledgeBase, axiom: tuple[str, str, str]
) -> None:
    asserted = [*real.asserted, triple(*axiom)]
    assert reasoning.claims_reasoned_once(asserted, reasoning.Ontology.from_triples(asserted)) == []


def test_claims_are_reasoned_one_by_one_when_the_data_says_two_terms_are_the_same(
    real: KnowledgeBase,
) -> None:
    same = triple("kg:l-serine", "owl:sameAs", "kg:serine-somewhere-else")
    asserted = [*real.asserted, same]
    assert reasoning.claims_reasoned_once(asserted, reasoning.Ontology.from_triples(asserted)) == []


# ------------------------------------------------------------------ reasoning in another process


def test_background_inference_gives_what_infer_gives(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference]
) -> None:
    got = reasoning.BackgroundInference(real.asserted).result()
    want = real_inferences["reasonable"]
    assert got.triples == want.triples
    assert (got.counts_by_kind, got.dropped_by_filter, got.engine) == (
        want.counts_by_kind,
        want.dropped_by_filter,
        want.engine,
    )


def test_work_afterwards_runs_on_the_asserted_and_inferred_triples_where_they_are_made(
    real: KnowledgeBase, real_inferences: dict[str, reasoning.Inference]
) -> None:
    """The build counts its VoID statistics in the reasoning process: what comes back is what
    the function gives in this process, blank node labels (the partitions') included."""
    from functools import partial

    from serkg.build import import_module_triples
    from serkg.void import describe_dataset

    imports = import_module_triples()
    describe = partial(describe_dataset, imports=imports)
    background = reasoning.BackgroundInference(real.asserted, afterwards=describe)
    inferred = background.result().triples
    assert background.afterwards_triples() == describe(
        real.asserted, real_inferences["reasonable"].triples
    )
    assert inferred == real_inferences["reasonable"].triples
    assert any(isinstance(t.subject, ox.BlankNode) for t in background.afterwards_triples())
    plain = reasoning.BackgroundInference(real.asserted)
    plain.result()
    assert plain.afterwards_triples() == []


def test_background_inference_raises_the_inconsistency_naming_the_entities() -> None:
    fixture = "inconsistent-all-disjoint.trig"
    kb = load_knowledge([MINI_ONTOLOGY], [FIXTURES / "mini-data.trig", FIXTURES / fixture])
    background = reasoning.BackgroundInference(kb.asserted)
    with pytest.raises(reasoning.InconsistencyError) as caught:
        background.result()
    assert caught.value.entities == INCONSISTENT[fixture]
    assert str(caught.value) == f"1 clash(es): {MESSAGES[fixture]}"


def test_background_inference_that_is_not_wanted_is_stopped(real: KnowledgeBase) -> None:
    background = reasoning.BackgroundInference(real.asserted)
    assert background.running
    background.close()
    assert not background.running
    background.close()  # twice is harmless
