"""serkg's SHACL Core engine (serkg.checks.core_engine) against pySHACL, the reference.

The W3C suite holds it to pySHACL's verdict on every (shape, focus node) pair of every Core test
(tests/test_shacl_w3c.py); here: serkg's own shapes on the shape examples and the packaged data,
the reports of both engines compared, and the cases where it must leave Core to pySHACL.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from serkg import resources
from serkg.checks import ValidationOutcome, shapes_graph, validate_triples
from serkg.checks.core_engine import CoreEngine, DataIndex, failing_focus_nodes
from serkg.checks.shapes import split_shapes
from serkg.checks.sparql_constraints import NotInFastEngine, oxigraph_store
from serkg.literal_forms import stored_forms
from serkg.loading import load_knowledge, parse_file
from serkg.projects import Project
from tests.test_validation import EXAMPLE_NAMES, EXAMPLES, expectations

XSD = "http://www.w3.org/2001/XMLSchema#"


def _core_shapes() -> rdflib.Graph:
    return split_shapes(shapes_graph("all"))[0]


def _ontology() -> list[ox.Triple]:
    return [q.triple for q in parse_file(resources.ontology_file())]


def _example(kind: str, name: str) -> list[ox.Triple]:
    return [q.triple for q in parse_file(EXAMPLES / kind / f"{name}.ttl")]


def _violations(outcome: ValidationOutcome) -> set[tuple[str, str | None, str, str | None, str]]:
    return {(v.focus, v.path, v.component, v.value, v.message) for v in outcome.violations}


def test_the_packaged_shapes_and_data_are_decided_by_serkgs_engine() -> None:
    project = Project.packaged()
    kb = load_knowledge(project.ontology_files, project.data_files)
    failing = failing_focus_nodes(_core_shapes(), oxigraph_store(kb.data, kb.ontology))
    assert len(failing) == 37  # every shape with a target, none left to pySHACL
    assert not any(failing.values())


def _rewritten_by_the_store(name: str) -> bool:
    literals = (t.object for t in _example("invalid", name) if isinstance(t.object, ox.Literal))
    return bool(stored_forms(literals))


#: Examples holding a literal the store keeps in another form: validate_triples leaves their
#: Core to pySHACL (the next test compares their reports all the same)
STORE_REWRITES = {"DoseRegimenShape", "PreclinicalStudyShape"}


def test_the_examples_the_store_would_rewrite_are_known() -> None:
    assert {n for n in EXAMPLE_NAMES if _rewritten_by_the_store(n)} == STORE_REWRITES


@pytest.mark.parametrize("name", sorted(set(EXAMPLE_NAMES) - STORE_REWRITES))
def test_an_invalid_example_fails_on_exactly_the_focus_nodes_it_declares(name: str) -> None:
    data = _example("invalid", name)
    failing = failing_focus_nodes(_core_shapes(), oxigraph_store(data, _ontology()))
    flagged = {n.value for nodes in failing.values() for n in nodes}
    # SHACL-SPARQL results are not Core's: only the expectations of Core components count
    declared = expectations(EXAMPLES / "invalid" / f"{name}.ttl")
    assert flagged == {f for f, _p, c in declared if c != "SPARQLConstraintComponent"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_both_engines_report_the_same_violations_on_an_invalid_example(name: str) -> None:
    data, ontology = _example("invalid", name), _ontology()
    ours = validate_triples(data, ontology)
    reference = validate_triples(data, ontology, core_engine="pyshacl")
    assert not ours.conforms
    assert _violations(ours) == _violations(reference)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_valid_example_has_no_failing_focus_node(name: str) -> None:
    failing = failing_focus_nodes(
        _core_shapes(), oxigraph_store(_example("valid", name), _ontology())
    )
    assert not any(failing.values())


def _shapes(text: str) -> rdflib.Graph:
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .\n"
    prefixes += f"@prefix xsd: <{XSD}> .\n"
    return rdflib.Graph().parse(data=prefixes + text, format="turtle")


def _triples(text: str) -> list[ox.Triple]:
    prefixes = f"@prefix ex: <http://e/> . @prefix xsd: <{XSD}> .\n"
    return [
        q.triple for q in ox.parse(input=(prefixes + text).encode(), format=ox.RdfFormat.TURTLE)
    ]


def test_recursive_shapes_are_left_to_pyshacl() -> None:
    shapes = _shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:next ; sh:node ex:S ] ."
    )
    data = _triples("ex:a a ex:C ; ex:next ex:b . ex:b ex:next ex:a .")
    with pytest.raises(NotInFastEngine, match="recursive"):
        CoreEngine(shapes, DataIndex.of(data))
    from serkg.checks.incremental import _engine_conforms

    assert _engine_conforms(data, None, shapes, {data[0].subject}) is None  # pySHACL decides


@pytest.mark.parametrize(
    "shape",
    [
        'sh:property [ sh:path ex:p ; sh:pattern "a" ; sh:flags "q" ]',  # no Python equivalent
        "sh:minCount 1",  # a property-shape parameter on a node shape
        'sh:class "ex:C"',  # SHACL wants an IRI
        "sh:target [ a ex:SomeTarget ]",  # SHACL-AF
    ],
)
def test_what_the_engine_does_not_implement_is_refused_before_any_work(shape: str) -> None:
    shapes = _shapes(f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; {shape} .")
    with pytest.raises(NotInFastEngine):
        CoreEngine(shapes, DataIndex.of(_triples("ex:a ex:p 'a' .")))


def test_a_literal_the_store_would_rewrite_leaves_core_to_pyshacl() -> None:
    # the store keeps "12"^^xsd:nonNegativeInteger as "12"^^xsd:integer: read from it, the
    # value would fail sh:datatype xsd:nonNegativeInteger
    shapes = _shapes(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; "
        "sh:property [ sh:path ex:size ; sh:datatype xsd:nonNegativeInteger ] ."
    )
    data = _triples('ex:a ex:size "12"^^xsd:nonNegativeInteger .')
    store = oxigraph_store(data)
    assert failing_focus_nodes(shapes, store)[rdflib.URIRef("http://e/S")]  # what it would see
    outcome = validate_triples(data, custom_shapes=shapes)
    assert outcome.conforms, outcome.to_text()
    assert validate_triples(data, custom_shapes=shapes, core_engine="pyshacl").conforms


def _as_pyshacl_reports(data: list[ox.Triple], shapes: rdflib.Graph) -> ValidationOutcome:
    """serkg's outcome on DATA, after checking its violations are those of pySHACL alone."""
    ours = validate_triples(data, custom_shapes=shapes)
    reference = validate_triples(data, custom_shapes=shapes, core_engine="pyshacl")
    assert _violations(ours) == _violations(reference)
    return ours


def test_a_graph_with_an_ill_typed_literal_gets_pyshacls_report() -> None:
    shapes = _shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:minInclusive 0 ] ."
    )
    data = _triples(
        'ex:a a ex:C ; ex:size "x"^^xsd:integer . ex:b a ex:C ; ex:size -1 . ex:c a ex:C ; ex:size 3 .'
    )
    ours = _as_pyshacl_reports(data, shapes)
    assert {v.focus for v in ours.violations} == {"http://e/a", "http://e/b"}


def test_the_report_is_about_the_failing_pairs_only_and_whole() -> None:
    """A focus node failing one shape gets every result of that shape, none of another's."""
    shapes = _shapes(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
        "sh:property [ sh:path ex:p ; sh:minCount 2 ] ; sh:property [ sh:path ex:q ; sh:maxCount 0 ] . "
        "ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:q ; sh:minCount 1 ] ."
    )
    data = _triples(
        "ex:a a ex:C ; ex:q 1 . ex:b a ex:C ; ex:p 1, 2 ; ex:q 1 . ex:c a ex:C ; ex:p 1, 2, 3 ."
    )
    ours = _as_pyshacl_reports(data, shapes)
    assert sorted((v.focus, v.path) for v in ours.violations) == [
        ("http://e/a", "http://e/p"),
        ("http://e/a", "http://e/q"),
        ("http://e/b", "http://e/q"),
        ("http://e/c", "http://e/q"),
    ]


def test_constants_from_the_rdflib_shapes_meet_the_data_terms() -> None:
    """The engine reads pyoxigraph terms; shapes come as rdflib: the constants must meet."""
    shapes = _shapes(
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in ( "x"@en 2 ex:b ) ] .'
    )
    ok = _triples('ex:a ex:p "x"@en, 2, ex:b .')
    bad = _triples('ex:a ex:p "x"@de .')
    shape = rdflib.URIRef("http://e/S")
    assert failing_focus_nodes(shapes, oxigraph_store(ok))[shape] == []
    assert failing_focus_nodes(shapes, oxigraph_store(bad))[shape] == [ox.NamedNode("http://e/a")]


@pytest.mark.parametrize("kind", ["valid", "invalid"])
@pytest.mark.parametrize("name", sorted(set(EXAMPLE_NAMES) - STORE_REWRITES))
def test_after_a_change_the_engine_gives_the_verdict_of_a_full_validation(
    kind: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The incremental build's Core check (serkg.checks.incremental) on an example whose every
    triple is new: serkg's engine decides as pySHACL does, and it is the engine that decides."""
    from serkg.checks import incremental
    from serkg.checks.core_parallel import run_pyshacl
    from tests.list_view import ListView

    data = _example(kind, name)
    ontology = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    core = _core_shapes()
    reach = incremental.core_reach(core)
    assert reach is not None
    verdicts = []
    for engine in ("serkg", "pyshacl"):
        if engine == "pyshacl":  # as if the engine could not decide these shapes
            monkeypatch.setattr(incremental, "_engine_conforms", _refuse)
        else:
            monkeypatch.setattr(incremental, "run_pyshacl", _no_pyshacl)
        verdicts.append(incremental._core_conforms(ListView(data), ontology, data, core, reach))
        monkeypatch.setattr(incremental, "run_pyshacl", run_pyshacl)
    assert verdicts == [kind == "valid" or _passes_core_in_full(name)] * 2


def _refuse(*_args: object) -> None:
    return None  # what the engine answers for shapes it cannot decide


def _no_pyshacl(*_args: object, **_kwargs: object) -> object:
    raise AssertionError("pySHACL ran: serkg's Core engine did not decide")


def _passes_core_in_full(name: str) -> bool:
    declared = expectations(EXAMPLES / "invalid" / f"{name}.ttl")
    return all(c == "SPARQLConstraintComponent" for _f, _p, c in declared)
