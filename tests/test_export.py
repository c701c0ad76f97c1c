"""Exports: the compact JSON-LD writer against rdflib's and pyld's reading of it, exact output."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from pyld import jsonld
from rdflib.compare import isomorphic

from serkg import export, resources
from serkg.loading import load_knowledge
from serkg.prefixes import expand
from serkg.terms import triples_to_rdflib_graph

XSD = "http://www.w3.org/2001/XMLSchema#"


def n(curie: str) -> ox.NamedNode:
    return ox.NamedNode(expand(curie))


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def body(document: bytes) -> list[dict[str, Any]]:
    parsed = json.loads(document)
    assert parsed["@context"] == export.jsonld_context()
    assert list(parsed) == ["@context", "@graph"]
    graph: list[dict[str, Any]] = parsed["@graph"]
    return graph


def test_jsonld_document_is_exactly_the_compact_form() -> None:
    blank = ox.BlankNode("dose1")
    triples = [
        ox.Triple(n("kg:l-serine"), n("rdf:type"), n("sk:Compound")),
        ox.Triple(n("kg:l-serine"), n("rdf:type"), n("sk:AminoAcid")),
        ox.Triple(n("kg:l-serine"), n("rdfs:label"), ox.Literal("L-serine", language="en")),
        ox.Triple(n("kg:l-serine"), n("sk:casNumber"), ox.Literal('56-45-1 "CAS"\n')),
        ox.Triple(n("kg:l-serine"), n("sk:molecularWeight"), typed("105.090", "decimal")),
        ox.Triple(n("kg:l-serine"), n("sk:count"), typed("01", "integer")),
        ox.Triple(n("kg:l-serine"), n("sk:big"), typed("90071992547409931", "integer")),
        ox.Triple(n("kg:l-serine"), n("skos:exactMatch"), n("obo:CHEBI_17115")),
        ox.Triple(n("kg:l-serine"), n("skos:exactMatch"), ox.NamedNode("https://example.org/x")),
        ox.Triple(n("kg:glycine"), n("skos:exactMatch"), ox.Literal("not an IRI")),
        ox.Triple(n("kg:glycine"), n("sk:page"), ox.NamedNode("https://w3id.org/serkg/id///x")),
        ox.Triple(n("kg:glycine"), n("sk:dose"), blank),
        ox.Triple(blank, n("sk:amount"), typed("2.5", "double")),
    ]
    assert body(export.serialize_jsonld(triples)) == [
        {"@id": "_:dose1", "sk:amount": {"@value": "2.5", "@type": "xsd:double"}},
        {
            "@id": "kg:glycine",
            "sk:dose": {"@id": "_:dose1"},
            "sk:page": {"@id": "https://w3id.org/serkg/id///x"},
            "skos:exactMatch": "not an IRI",
        },
        {
            "@id": "kg:l-serine",
            "@type": ["sk:AminoAcid", "sk:Compound"],
            "exactMatch": ["https://example.org/x", "obo:CHEBI_17115"],
            "label": {"@value": "L-serine", "@language": "en"},
            "sk:big": {"@value": "90071992547409931", "@type": "xsd:integer"},
            "sk:casNumber": '56-45-1 "CAS"\n',
            "sk:count": {"@value": "01", "@type": "xsd:integer"},
            "sk:molecularWeight": {"@value": "105.090", "@type": "xsd:decimal"},
        },
    ]


def test_jsonld_of_no_triples_is_an_empty_graph() -> None:
    assert body(export.serialize_jsonld([])) == []


def test_iri_whose_scheme_is_a_context_term_is_refused() -> None:
    triple = ox.Triple(ox.NamedNode("label:x"), n("rdfs:label"), ox.Literal("x"))
    with pytest.raises(ValueError, match="'label:x' cannot be written"):
        export.serialize_jsonld([triple])


@pytest.fixture(scope="module")
def real_asserted() -> list[ox.Triple]:
    return load_knowledge([resources.ontology_file()], resources.data_files()).asserted


@pytest.fixture(scope="module")
def real_jsonld(real_asserted: list[ox.Triple]) -> bytes:
    return export.serialize_jsonld(real_asserted)


def test_real_jsonld_parses_back_to_the_same_graph_in_rdflib(
    real_asserted: list[ox.Triple], real_jsonld: bytes
) -> None:
    parsed = rdflib.Graph().parse(data=real_jsonld, format="json-ld")
    assert len(parsed) == len(real_asserted)
    assert isomorphic(parsed, triples_to_rdflib_graph(real_asserted))


def test_real_jsonld_expands_to_the_same_graph_in_pyld(
    real_asserted: list[ox.Triple], real_jsonld: bytes
) -> None:
    nquads = jsonld.to_rdf(json.loads(real_jsonld), {"format": "application/n-quads"})
    parsed = rdflib.Graph().parse(data=nquads, format="nt")
    assert len(parsed) == len(real_asserted)
    assert isomorphic(parsed, triples_to_rdflib_graph(real_asserted))


def test_real_jsonld_uses_the_context(real_jsonld: bytes) -> None:
    nodes = {node["@id"]: node for node in body(real_jsonld)}
    serine = nodes["kg:l-serine"]
    assert serine["@type"] == "sk:ChemicalCompound"
    assert serine["label"] == {"@value": "L-serine", "@language": "en"}
    assert serine["sk:casNumber"] == "56-45-1"
    assert serine["sk:averageMass"] == {"@value": "105.0926", "@type": "xsd:decimal"}
    assert "obo:CHEBI_17115" in serine["exactMatch"]
    aliases = {
        "label",
        "definition",
        "altLabel",
        *{k for k in export.jsonld_context() if ":" not in k},
    }
    keys = {key for node in nodes.values() for key in node}
    assert {key for key in keys if ":" not in key and not key.startswith("@")} <= aliases


def test_jsonld_is_one_node_per_line(real_jsonld: bytes) -> None:
    lines = real_jsonld.decode("utf-8").splitlines()
    graph_start = lines.index(' "@graph": [')
    node_lines = lines[graph_start + 1 : -2]
    assert len(node_lines) == len(body(real_jsonld))
    assert lines[-2:] == [" ]", "}"]
