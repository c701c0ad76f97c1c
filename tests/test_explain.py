"""`serkg explain`: the premises and axiom behind each kind of inferred triple."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from serkg import reasoning, resources
from serkg.explain import ExplainInputError, Explanation, Step, explain, explain_from_store
from serkg.loading import load_knowledge
from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH, CurieError, compress

FIXTURES = Path(__file__).resolve().parent / "reasoning"


def _curie(term: Any) -> str:
    return compress(term.value) if isinstance(term, ox.NamedNode) else str(term)


def _triple(t: ox.Triple) -> str:
    return " ".join(_curie(x) for x in (t.subject, t.predicate, t.object))


def shape(step: Step) -> tuple[Any, ...]:
    """A step as nested plain tuples: (triple, status[, rule, axioms, premises])."""
    if step.status == "asserted":
        return (_triple(step.triple), "asserted")
    axioms = tuple(_triple(a) for a in step.axioms)
    if step.chain:
        axioms = tuple(
            a.split(" _:")[0] + " " + " ".join(_curie(c) for c in step.chain) for a in axioms
        )
    return (
        _triple(step.triple),
        step.rule.split(" (")[0],
        axioms,
        tuple(shape(p) for p in step.premises),
    )


@pytest.fixture(scope="module")
def mini() -> tuple[list[ox.Triple], list[ox.Triple]]:
    kb = load_knowledge([FIXTURES / "mini-ontology.ttl"], [FIXTURES / "mini-data.trig"])
    asserted = kb.asserted
    return asserted, reasoning.infer(asserted).triples


def explain_mini(
    mini: tuple[list[ox.Triple], list[ox.Triple]], s: str, p: str, o: str
) -> Explanation:
    asserted, inferred = mini
    return explain(s, p, o, asserted=asserted, inferred=inferred)


M = "kg:mechanism-l-serine-cathepsin-activation"
CASES: dict[str, tuple[tuple[str, str, str], tuple[Any, ...]]] = {
    "inverseOf": (
        ("kg:d-serine", "sk:derivedFrom", "kg:l-serine"),
        (
            "kg:d-serine sk:derivedFrom kg:l-serine",
            "inverse property",
            ("sk:precursorOf owl:inverseOf sk:derivedFrom",),
            (("kg:l-serine sk:precursorOf kg:d-serine", "asserted"),),
        ),
    ),
    "SymmetricProperty": (
        ("kg:l-serine", "sk:enantiomerOf", "kg:d-serine"),
        (
            "kg:l-serine sk:enantiomerOf kg:d-serine",
            "symmetric property",
            ("sk:enantiomerOf rdf:type owl:SymmetricProperty",),
            (("kg:d-serine sk:enantiomerOf kg:l-serine", "asserted"),),
        ),
    ),
    "TransitiveProperty": (
        ("kg:3-phospho-d-glycerate", "sk:precursorOf", "kg:glycine"),
        (
            "kg:3-phospho-d-glycerate sk:precursorOf kg:glycine",
            "transitive property",
            ("sk:precursorOf rdf:type owl:TransitiveProperty",),
            (
                ("kg:3-phospho-d-glycerate sk:precursorOf kg:l-serine", "asserted"),
                ("kg:l-serine sk:precursorOf kg:glycine", "asserted"),
            ),
        ),
    ),
    "propertyChainAxiom": (
        ("kg:l-serine", "sk:targets", "kg:protein-ctsb"),
        (
            "kg:l-serine sk:targets kg:protein-ctsb",
            "property chain",
            ("sk:targets owl:propertyChainAxiom sk:hasMechanism sk:hasTarget",),
            (
                (f"kg:l-serine sk:hasMechanism {M}", "asserted"),
                (f"{M} sk:hasTarget kg:protein-ctsb", "asserted"),
            ),
        ),
    ),
    "subClassOf": (
        (M, "rdf:type", "sk:ProteostasisSupport"),
        (
            f"{M} rdf:type sk:ProteostasisSupport",
            "subclass",
            ("sk:AutophagyEnhancement rdfs:subClassOf sk:ProteostasisSupport",),
            (
                (
                    f"{M} rdf:type sk:AutophagyEnhancement",
                    "subclass",
                    ("sk:CathepsinActivation rdfs:subClassOf sk:AutophagyEnhancement",),
                    ((f"{M} rdf:type sk:CathepsinActivation", "asserted"),),
                ),
            ),
        ),
    ),
    "domain": (
        ("kg:l-serine", "a", "sk:ChemicalCompound"),
        (
            "kg:l-serine rdf:type sk:ChemicalCompound",
            "domain",
            ("sk:hasMechanism rdfs:domain sk:ChemicalCompound",),
            ((f"kg:l-serine sk:hasMechanism {M}", "asserted"),),
        ),
    ),
    "range": (
        ("kg:protein-ctsb", "rdf:type", "sk:Protein"),
        (
            "kg:protein-ctsb rdf:type sk:Protein",
            "range",
            ("sk:hasTarget rdfs:range sk:Protein",),
            ((f"{M} sk:hasTarget kg:protein-ctsb", "asserted"),),
        ),
    ),
    "subPropertyOf": (
        ("kg:d-serine", "sk:relatedCompound", "kg:l-serine"),
        (
            "kg:d-serine sk:relatedCompound kg:l-serine",
            "sub-property",
            ("sk:enantiomerOf rdfs:subPropertyOf sk:relatedCompound",),
            (("kg:d-serine sk:enantiomerOf kg:l-serine", "asserted"),),
        ),
    ),
    "inverse of a transitive consequence": (
        ("kg:d-serine", "sk:derivedFrom", "kg:3-phospho-d-glycerate"),
        (
            "kg:d-serine sk:derivedFrom kg:3-phospho-d-glycerate",
            "inverse property",
            ("sk:precursorOf owl:inverseOf sk:derivedFrom",),
            (
                (
                    "kg:3-phospho-d-glycerate sk:precursorOf kg:d-serine",
                    "transitive property",
                    ("sk:precursorOf rdf:type owl:TransitiveProperty",),
                    (
                        ("kg:3-phospho-d-glycerate sk:precursorOf kg:l-serine", "asserted"),
                        ("kg:l-serine sk:precursorOf kg:d-serine", "asserted"),
                    ),
                ),
            ),
        ),
    ),
}


@pytest.mark.parametrize("axiom", sorted(CASES))
def test_explain_gives_the_premises_and_axiom(mini: Any, axiom: str) -> None:
    query, expected = CASES[axiom]
    explanation = explain_mini(mini, *query)
    assert explanation.status == "inferred"
    assert [shape(step) for step in explanation.steps] == [expected]


def test_explanation_text_is_readable_with_labels(mini: Any) -> None:
    text = explain_mini(mini, "kg:l-serine", "sk:targets", "kg:protein-ctsb").to_text()
    assert text == (
        'kg:l-serine "L-serine" sk:targets kg:protein-ctsb "cathepsin B": inferred\n'
        "  by property chain (owl:propertyChainAxiom), axiom: "
        "sk:targets owl:propertyChainAxiom ( sk:hasMechanism sk:hasTarget )\n"
        '    - kg:l-serine "L-serine" sk:hasMechanism '
        f'{M} "L-serine activates cathepsin B": asserted\n'
        f'    - {M} "L-serine activates cathepsin B" sk:hasTarget '
        'kg:protein-ctsb "cathepsin B": asserted\n'
    )


def test_asserted_triple_says_asserted(mini: Any) -> None:
    explanation = explain_mini(mini, "kg:l-serine", "sk:precursorOf", "kg:d-serine")
    assert explanation.status == "asserted"
    assert (
        explanation.to_text()
        == 'kg:l-serine "L-serine" sk:precursorOf kg:d-serine "D-serine": asserted\n'
    )


@pytest.mark.parametrize(
    "literal",
    ['"56-45-1"', '"56-45-1"^^xsd:string', '"56-45-1"^^<http://www.w3.org/2001/XMLSchema#string>'],
)
def test_literal_objects_are_read_like_turtle(mini: Any, literal: str) -> None:
    assert explain_mini(mini, "kg:l-serine", "sk:casNumber", literal).status == "asserted"


def test_language_tagged_literal(mini: Any) -> None:
    assert explain_mini(mini, "kg:l-serine", "rdfs:label", '"L-serine"@en').status == "asserted"
    assert explain_mini(mini, "kg:l-serine", "rdfs:label", '"L-serine"@fr').status == "not entailed"


def test_false_triple_is_not_entailed(mini: Any) -> None:
    explanation = explain_mini(mini, "kg:d-serine", "sk:precursorOf", "kg:l-serine")
    assert explanation.status == "not entailed"
    assert explanation.steps == []
    assert explanation.to_text().splitlines() == [
        'kg:d-serine "D-serine" sk:precursorOf kg:l-serine "L-serine": not entailed',
        "  (neither asserted nor inferred)",
    ]


def test_trivial_entailment_is_not_stored_and_says_why(mini: Any) -> None:
    explanation = explain_mini(mini, "kg:l-serine", "owl:sameAs", "kg:l-serine")
    assert explanation.status == "not entailed"
    assert "does not store trivial entailments" in explanation.note


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("foo:bar", "sk:targets", "kg:x"), CurieError, "SUBJECT: unknown prefix 'foo'"),
        (("kg:x", "nope", "kg:x"), CurieError, "PREDICATE: 'nope' is neither an IRI nor a CURIE"),
        (
            ('"text"', "sk:targets", "kg:x"),
            ExplainInputError,
            "SUBJECT '\"text\"': a literal can only be the object",
        ),
        (
            ("kg:x", "sk:casNumber", '"unclosed'),
            ExplainInputError,
            "OBJECT '\"unclosed' is not a literal",
        ),
        (
            ("kg:x", "sk:casNumber", '"5"^^bad:type'),
            CurieError,
            "OBJECT datatype: unknown prefix 'bad'",
        ),
    ],
)
def test_bad_terms_name_the_argument(
    mini: Any, args: tuple[str, str, str], error: type, message: str
) -> None:
    with pytest.raises(error) as caught:
        explain_mini(mini, *args)
    assert str(caught.value).startswith(message)


# ------------------------------------------------------------------------- from a built store
def write_store(folder: Path, asserted: list[ox.Triple], inferred: list[ox.Triple]) -> Path:
    store = ox.Store(str(folder))
    for graph, triples in ((ASSERTED_GRAPH, asserted), (INFERRED_GRAPH, inferred)):
        name = ox.NamedNode(graph)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def mini_store(mini: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_store(tmp_path_factory.mktemp("explain") / "store", *mini)


@pytest.mark.parametrize("axiom", sorted(CASES))
def test_store_and_memory_explanations_agree(mini: Any, mini_store: Path, axiom: str) -> None:
    query, expected = CASES[axiom]
    explanation = explain_from_store(ox.Store.read_only(str(mini_store)), *query)
    assert [shape(step) for step in explanation.steps] == [expected]
    assert explanation.to_text() == explain_mini(mini, *query).to_text()


def test_cli_explain_exit_codes(mini_store: Path) -> None:
    from serkg.cli import app

    runner = CliRunner()
    inferred = runner.invoke(
        app, ["explain", "kg:d-serine", "sk:derivedFrom", "kg:l-serine", "--store", str(mini_store)]
    )
    assert inferred.exit_code == 0, inferred.output
    assert (
        inferred.output.splitlines()[0]
        == 'kg:d-serine "D-serine" sk:derivedFrom kg:l-serine "L-serine": inferred'
    )
    false = runner.invoke(
        app, ["explain", "kg:d-serine", "sk:precursorOf", "kg:l-serine", "--store", str(mini_store)]
    )
    assert false.exit_code == 1
    bad = runner.invoke(app, ["explain", "zz:x", "sk:targets", "kg:x", "--store", str(mini_store)])
    assert bad.exit_code == 2
    assert "SUBJECT: unknown prefix 'zz'" in bad.output
    assert "Traceback" not in bad.output


# ------------------------------------------------------------------------- real data
REAL_CASES = {
    "inverse": (
        ("kg:d-serine", "sk:derivedFrom", "kg:l-serine"),
        "inverse property",
        ["kg:l-serine sk:precursorOf kg:d-serine"],
    ),
    "property_chain": (("kg:l-serine", "sk:targets", "kg:protein-ctsb"), "property chain", None),
    "class_typing": (
        (M, "rdf:type", "sk:AutophagyEnhancement"),
        "subclass",
        [f"{M} rdf:type sk:CathepsinActivation"],
    ),
    "transitive": (
        ("kg:3-phospho-d-glycerate", "sk:precursorOf", "kg:d-serine"),
        "transitive property",
        None,
    ),
}


@pytest.fixture(scope="module")
def real() -> tuple[list[ox.Triple], list[ox.Triple]]:
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    return kb.asserted, reasoning.infer(kb.asserted).triples


def _leaves(step: Step) -> list[Step]:
    if not step.premises:
        return [step]
    return [leaf for premise in step.premises for leaf in _leaves(premise)]


@pytest.mark.parametrize("kind", sorted(REAL_CASES))
def test_real_data_explanations_reach_asserted_premises(real: Any, kind: str) -> None:
    query, rule, premises = REAL_CASES[kind]
    asserted, inferred = real
    explanation = explain(*query, asserted=asserted, inferred=inferred)
    assert explanation.status == "inferred"
    (step,) = explanation.steps
    assert step.rule.startswith(rule)
    if premises is not None:
        assert [_triple(p.triple) for p in step.premises] == premises
    assert all(leaf.status == "asserted" for leaf in _leaves(step))


@pytest.mark.slow
def test_explain_on_the_built_store(built_dist: Path) -> None:
    store = ox.Store.read_only(str(built_dist / "store"))
    explanation = explain_from_store(store, "kg:l-serine", "sk:targets", "kg:protein-ctsb")
    assert explanation.status == "inferred"
    assert explanation.steps[0].rule.startswith("property chain")
    assert (
        explain_from_store(store, "kg:l-serine", "sk:targets", "kg:l-serine").status
        == "not entailed"
    )
