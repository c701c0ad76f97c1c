"""Folded sh:or of patterns (serkg.checks.folding): cheaper shapes, the very same reports."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from serkg import resources
from serkg.checks import SH, SHP, shapes_graph, validate_graph
from serkg.checks.core_parallel import run_pyshacl
from serkg.checks.folding import fold_pattern_ors, hoist_property_shapes
from serkg.checks.shapes import TARGETS, nested_shapes

SK = "https://w3id.org/serkg/vocab/"
KG = "https://w3id.org/serkg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OBO = "http://purl.obolibrary.org/obo/"
EX = "http://example.org/"

#: Data that breaks every folded shape of core.ttl in each way a value can (unknown scheme,
#: malformed identifier, blank node, literal, a scheme's pattern only as a substring), beside
#: values that pass.
BROKEN = f"""
@prefix sk: <{SK}> . @prefix kg: <{KG}> . @prefix skos: <{SKOS}> . @prefix obo: <{OBO}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:a a sk:ChemicalCompound ; rdfs:label "a"@en ;
    skos:exactMatch obo:CHEBI_17115 , obo:CHEBI_17115x , <{EX}CHEBI_1> , [ rdfs:label "x" ] ;
    skos:closeMatch "http://purl.obolibrary.org/obo/CHEBI_17115" , <http://schema.org/Drug> ;
    skos:relatedMatch <x:http://purl.obolibrary.org/obo/GO_0006545> ,
        <http://identifiers.org/hgnc/11277> .
kg:b a sk:ChemicalCompound ; rdfs:label "b"@en ; skos:exactMatch obo:CHEBI_15377 .
<{EX}nausea> a sk:Phenotype ; rdfs:label "Nausea"@en .
obo:HP_0002018 a sk:Phenotype ; rdfs:label "Nausea"@en .
obo:HP_00020181 a sk:Phenotype ; rdfs:label "Nausea?"@en .
kg:phenotype-1 a sk:Phenotype ; rdfs:label "a phenotype of ours"@en .
<{EX}GO_0006545> a sk:MolecularFunction ; rdfs:label "mf"@en .
obo:GO_0006545 a sk:BiologicalProcess ; rdfs:label "bp"@en .
obo:GO_1 a sk:BiologicalProcess ; rdfs:label "bp?"@en .
obo:NCBITaxon_0 a sk:Organism ; rdfs:label "no taxon"@en .
obo:NCBITaxon_9606 a sk:Organism ; rdfs:label "human"@en .
"""


def _unprefixed(parsed: rdflib.Graph) -> rdflib.Graph:
    """PARSED as the fast engine sees it: without the prefixes of the text, which pySHACL would
    use in the generic messages of nested results."""
    from serkg.terms import rdflib_graph_to_triples, triples_to_rdflib_graph

    return triples_to_rdflib_graph(list(rdflib_graph_to_triples(parsed)))


@cache
def ontology() -> rdflib.Graph:
    return _unprefixed(rdflib.Graph().parse(resources.ontology_file(), format="turtle"))


def broken() -> rdflib.Graph:
    return _unprefixed(rdflib.Graph().parse(data=BROKEN, format="turtle"))


def test_the_identifier_and_term_shapes_fold_into_one_pattern_each() -> None:
    core = shapes_graph("core")
    folded = fold_pattern_ors(core)
    assert folded is not None
    added = set(folded) - set(core)
    assert sorted(str(s)[len(SHP) :] for s, _p, _o in added) == [
        "BiologicalProcessShape",
        "KnownIdentifier",
        "MolecularFunctionShape",
        "OrganismShape",
        "PhenotypeShape",
    ]
    assert {p for _s, p, _o in added} == {URIRef(SH + "pattern")}
    assert {(s, p) for s, p, _o in set(core) - set(folded)} == {
        (s, URIRef(SH + "or")) for s, _p, _o in added
    }
    known = URIRef(SHP + "KnownIdentifier")
    members = Collection(core, core.value(known, URIRef(SH + "or")))
    expected = "|".join(f"(?:{core.value(m, URIRef(SH + 'pattern'))})" for m in members)
    assert str(folded.value(known, URIRef(SH + "pattern"))) == expected
    assert "SupportedBy" not in " ".join(map(str, set(core) - set(folded)))  # sh:class members


def _shape(graph: rdflib.Graph, members: list[dict[str, object]], **holder: object) -> URIRef:
    """A node shape ex:S with sh:or over MEMBERS (each a dict of sh: predicates to values)."""
    shape = URIRef(EX + "S")
    graph.add((shape, RDF.type, URIRef(SH + "NodeShape")))
    graph.add((shape, URIRef(SH + "targetNode"), URIRef(EX + "n")))
    for name, value in holder.items():
        graph.add((shape, URIRef(SH + name), Literal(value)))
    nodes = []
    for spec in members:
        node = BNode()
        for name, value in spec.items():
            graph.add((node, URIRef(SH + name), Literal(value)))
        nodes.append(node)
    head = BNode()
    Collection(graph, head, nodes)
    graph.add((shape, URIRef(SH + "or"), head))
    return shape


@pytest.mark.parametrize(
    ("members", "holder"),
    [
        ([{"pattern": "^a"}, {"pattern": "^b", "flags": "i"}], {}),  # flags change the match
        ([{"pattern": "^(a)\\1"}, {"pattern": "^b"}], {}),  # back-reference renumbered
        ([{"pattern": "(?i)^a"}, {"pattern": "^b"}], {}),  # inline flag mid-expression
        ([{"pattern": "^a", "minLength": 2}, {"pattern": "^b"}], {}),  # a second constraint
        ([{"pattern": "^a", "deactivated": True}, {"pattern": "^b"}], {}),
        ([{"pattern": "^a", "severity": "x"}, {"pattern": "^b"}], {}),
        ([{"pattern": "^a"}, {"datatype": "x"}], {}),
        ([{"pattern": "^a"}, {"pattern": "^b"}], {"pattern": "c"}),  # holder's own pattern
        ([{"pattern": "^a"}, {"pattern": "^b"}], {"flags": "i"}),  # holder's flags
        ([{"pattern": "^a"}, {"pattern": "^(b"}], {}),  # does not compile
    ],
)
def test_an_or_that_would_change_meaning_is_left_alone(
    members: list[dict[str, object]], holder: dict[str, object]
) -> None:
    graph = rdflib.Graph()
    _shape(graph, members, **holder)
    assert fold_pattern_ors(graph) is None


def test_a_member_that_is_a_parameter_of_a_constraint_component_is_left_alone() -> None:
    graph = rdflib.Graph()
    _shape(graph, [{"pattern": "^a"}, {"pattern": "^b"}])
    assert fold_pattern_ors(graph) is not None
    first = next(iter(Collection(graph, graph.value(URIRef(EX + "S"), URIRef(SH + "or")))))
    graph.add((first, URIRef(EX + "param"), Literal(1)))
    assert fold_pattern_ors(graph) is not None  # an annotation
    component, parameter = URIRef(EX + "Component"), BNode()
    graph.add((component, URIRef(SH + "parameter"), parameter))
    graph.add((parameter, URIRef(SH + "path"), URIRef(EX + "param")))
    assert fold_pattern_ors(graph) is None  # now a constraint


def _focus_nodes(report: rdflib.Graph) -> set[object]:
    head = next(iter(report.subjects(RDF.type, URIRef(SH + "ValidationReport"))))
    results = report.objects(head, URIRef(SH + "result"))
    return {report.value(r, URIRef(SH + "focusNode")) for r in results}


def test_folded_shapes_fail_on_exactly_the_same_focus_nodes() -> None:
    core = shapes_graph("core")
    folded = fold_pattern_ors(core)
    assert folded is not None
    original = run_pyshacl(broken(), ontology(), core, None)
    quick = run_pyshacl(broken(), ontology(), folded, None)
    assert not original[0] and not quick[0]
    expected = {URIRef(KG + "a"), URIRef(EX + "nausea"), URIRef(OBO + "HP_00020181")}
    expected |= {URIRef(EX + "GO_0006545"), URIRef(OBO + "GO_1"), URIRef(OBO + "NCBITaxon_0")}
    assert _focus_nodes(original[1]) == _focus_nodes(quick[1]) == expected
    assert not isomorphic(original[1], quick[1])  # the rerun of the originals is needed


@pytest.mark.parametrize("workers", [1, 2])
def test_the_report_is_plain_pyshacls_to_the_last_detail(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same results, messages and sh:detail as pySHACL alone, in one process and in two."""
    from serkg.checks import core_parallel

    monkeypatch.setattr(core_parallel, "default_workers", lambda: workers)
    monkeypatch.setattr(core_parallel, "PARALLEL_MIN_TRIPLES", 0)
    data = broken()
    reference = validate_graph(data, ontology(), shapes="core", engine="pyshacl")
    fast = validate_graph(data, ontology(), shapes="core")
    assert not fast.conforms and not reference.conforms
    assert isomorphic(fast.report_graph, reference.report_graph)
    assert [v.to_dict() for v in fast.violations] == [v.to_dict() for v in reference.violations]
    assert sorted((v.component, v.focus) for v in fast.violations) == sorted(
        [("NodeConstraintComponent", KG + "a")] * 5
        + [("OrConstraintComponent", f) for f in (EX + "nausea", OBO + "HP_00020181")]
        + [("OrConstraintComponent", f) for f in (EX + "GO_0006545", OBO + "GO_1")]
        + [("OrConstraintComponent", OBO + "NCBITaxon_0")]
    )


# --- property shapes hoisted to shapes with targets

EXAMPLES = Path(__file__).resolve().parent / "shapes"


def every_invalid_example() -> rdflib.Graph:
    """The invalid examples of tests/shapes together: each shape of core.ttl broken at least once."""
    graph = rdflib.Graph()
    for path in sorted((EXAMPLES / "invalid").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return _unprefixed(graph)


def test_every_property_shape_of_the_node_shapes_is_hoisted() -> None:
    core = shapes_graph("core")
    hoisted = hoist_property_shapes(core)
    assert hoisted is not None
    prop = URIRef(SH + "property")
    left = set(hoisted.subjects(prop, None))  # only shapes used inside other shapes keep theirs
    assert len(left) == 1 and left <= nested_shapes(core)
    label = URIRef(SHP + "EnglishLabel")
    holders = set(core.subjects(prop, label))
    assert len(holders) > 10
    assert set(hoisted.objects(label, URIRef(SH + "targetClass"))) == {
        c for h in holders for c in core.objects(h, URIRef(SH + "targetClass"))
    }
    assert {(s, p) for s, p, _o in set(hoisted) - set(core)} <= {
        (s, URIRef(SH + t)) for s in core.objects(None, prop) for t in TARGETS
    }


def test_hoisted_shapes_fail_on_exactly_the_same_focus_nodes() -> None:
    core = shapes_graph("core")
    quick_shapes = hoist_property_shapes(fold_pattern_ors(core) or core)
    assert quick_shapes is not None
    data = every_invalid_example()
    original = run_pyshacl(data, ontology(), core, None)
    quick = run_pyshacl(data, ontology(), quick_shapes, None)
    assert not original[0] and not quick[0]
    assert _focus_nodes(original[1]) == _focus_nodes(quick[1])
    assert len(_focus_nodes(original[1])) > 30


@pytest.mark.parametrize("workers", [1, 2])
def test_every_invalid_example_gets_plain_pyshacls_report(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report after the hoisted run is the original one, sh:detail included."""
    from serkg.checks import core_parallel

    monkeypatch.setattr(core_parallel, "default_workers", lambda: workers)
    monkeypatch.setattr(core_parallel, "PARALLEL_MIN_TRIPLES", 0)
    data = every_invalid_example()
    reference = validate_graph(data, ontology(), shapes="core", engine="pyshacl")
    fast = validate_graph(data, ontology(), shapes="core")
    assert not fast.conforms and not reference.conforms
    assert isomorphic(fast.report_graph, reference.report_graph)
    assert [v.to_dict() for v in fast.violations] == [v.to_dict() for v in reference.violations]


HOLDER = f"""
@prefix sh: <{SH}> . @prefix ex: <{EX}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:N a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
ex:P sh:path ex:p ; sh:minCount 1 .
"""


def _hoisted(extra: str) -> bool:
    graph = rdflib.Graph().parse(data=HOLDER + extra, format="turtle")
    return hoist_property_shapes(graph) is not None


def test_a_plain_property_shape_is_hoisted_with_the_targets_of_its_holder() -> None:
    graph = rdflib.Graph().parse(data=HOLDER + "ex:N sh:targetNode ex:n .", format="turtle")
    hoisted = hoist_property_shapes(graph)
    assert hoisted is not None
    p = URIRef(EX + "P")
    assert sorted(hoisted.predicate_objects(p)) == sorted(
        [
            (URIRef(SH + "path"), URIRef(EX + "p")),
            (URIRef(SH + "minCount"), Literal(1)),
            (URIRef(SH + "targetClass"), URIRef(EX + "C")),
            (URIRef(SH + "targetNode"), URIRef(EX + "n")),
        ]
    )
    assert (URIRef(EX + "N"), URIRef(SH + "property"), p) not in hoisted


@pytest.mark.parametrize(
    "extra",
    [
        "ex:M a sh:NodeShape ; sh:node ex:N .",  # the holder is used elsewhere
        "ex:N sh:closed true .",  # sh:closed reads the holder's property paths
        "ex:N sh:deactivated true .",
        "ex:P sh:deactivated true .",
        "ex:P sh:path ex:q .",  # two paths: not a well-formed property shape
        "ex:P a sh:NodeShape .",
        "ex:P sh:property [ sh:path ex:r ; sh:minCount 1 ] .",  # results about the value nodes
        "ex:P sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ;"
        " sh:qualifiedValueShapesDisjoint true .",  # siblings are found through the holder
        "ex:P sh:node [ sh:property ex:Q ] . ex:Q sh:path ex:q ; sh:node ex:N .",  # recursion
    ],
)
def test_a_property_shape_whose_meaning_depends_on_its_holder_stays_nested(extra: str) -> None:
    assert _hoisted("")
    assert not _hoisted(extra)


def test_a_property_shape_with_targets_keeps_its_property_shapes() -> None:
    """Its property shapes apply to its value nodes, not to its focus nodes."""
    graph = rdflib.Graph().parse(data=HOLDER + "ex:N sh:path ex:q .", format="turtle")
    assert hoist_property_shapes(graph) is None


def test_a_holder_without_targets_keeps_its_property_shapes() -> None:
    graph = rdflib.Graph().parse(data=HOLDER, format="turtle")
    graph.remove((URIRef(EX + "N"), URIRef(SH + "targetClass"), None))
    assert hoist_property_shapes(graph) is None


def test_no_cheaper_run_when_a_property_shape_has_property_shapes() -> None:
    """Their results are about the value nodes: a rerun on the report's focus nodes would find
    nothing (a foldable sh:or below such a property shape once lost its results)."""
    from serkg.checks import validate_triples
    from serkg.terms import rdflib_graph_to_triples

    shapes = rdflib.Graph().parse(
        data=f"""
        @prefix sh: <{SH}> . @prefix ex: <{EX}> .
        ex:S a sh:NodeShape ; sh:targetNode ex:n ;
            sh:property [ sh:path ex:p ; sh:property [ sh:path ex:q ;
                sh:or ( [ sh:pattern "^a" ] [ sh:pattern "^b" ] ) ] ] .
        """,
        format="turtle",
    )
    data = rdflib.Graph().parse(
        data=f'@prefix ex: <{EX}> . ex:n ex:p ex:v . ex:v ex:q "c" .', format="turtle"
    )
    reference = run_pyshacl(data, None, shapes, None)
    fast = validate_triples(list(rdflib_graph_to_triples(data)), custom_shapes=shapes)
    assert not reference[0] and not fast.conforms
    assert _focus_nodes(fast.report_graph) == _focus_nodes(reference[1]) == {URIRef(EX + "v")}
    assert isomorphic(fast.report_graph, reference[1])
