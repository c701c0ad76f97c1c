"""Exports: the compact JSON-LD writer against rdflib's and pyld's reading of it, exact output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
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


def refuse_remote(url: str, options: object = None) -> Any:
    """A PyLD document loader that never fetches: every context must be inline."""
    raise AssertionError(f"PyLD tried to load {url}")


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
        ox.Triple(n("kg:l-serine"), n("rdfs:label"), ox.Literal("L-Serin", language="de")),
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
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("43", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("043", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("90071992547409931", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("5", "decimal")),
        ox.Triple(n("kg:t"), n("sk:resultsPublished"), typed("true", "boolean")),
        ox.Triple(n("kg:t"), n("sk:selective"), typed("1", "boolean")),
        ox.Triple(n("kg:t"), n("sk:phase"), n("sk:Phase2")),
        ox.Triple(n("kg:t"), n("sk:hasOutcome"), blank),
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
            "casNumber": '56-45-1 "CAS"\n',
            "exactMatch": ["https://example.org/x", "obo:CHEBI_17115"],
            "label": "L-serine",
            "molecularWeight": "105.090",
            "rdfs:label": {"@value": "L-Serin", "@language": "de"},
            "sk:big": {"@value": "90071992547409931", "@type": "xsd:integer"},
            "sk:count": {"@value": "01", "@type": "xsd:integer"},
        },
        {
            "@id": "kg:t",
            "enrollment": ["043", "90071992547409931", 43],
            "hasOutcome": "_:dose1",
            "phase": "sk:Phase2",
            "resultsPublished": True,
            "selective": "1",
            "sk:enrollment": {"@value": "5", "@type": "xsd:decimal"},
        },
    ]


def test_compact_form_expands_to_the_same_triples_in_pyld_rdflib_and_oxigraph() -> None:
    """Native numbers and booleans, typed strings and fall-backs all read back as written."""
    triples = [
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("43", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("043", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("90071992547409931", "integer")),
        ox.Triple(n("kg:t"), n("sk:enrollment"), typed("5", "decimal")),
        ox.Triple(n("kg:t"), n("sk:doseMin"), typed("1.50", "decimal")),
        ox.Triple(n("kg:t"), n("sk:doseMax"), typed("30", "decimal")),
        ox.Triple(n("kg:t"), n("sk:resultsPublished"), typed("false", "boolean")),
        ox.Triple(n("kg:t"), n("sk:selective"), typed("1", "boolean")),
        ox.Triple(n("kg:t"), n("sk:startDate"), typed("2020-07", "gYearMonth")),
        ox.Triple(n("kg:t"), n("rdfs:label"), ox.Literal("trial", language="en")),
        ox.Triple(n("kg:t"), n("rdfs:label"), ox.Literal("plain")),
        ox.Triple(n("kg:t"), n("sk:phase"), n("sk:Phase2")),
        ox.Triple(n("kg:t"), n("sk:phase"), ox.Literal("Phase 2")),
    ]
    document = export.serialize_jsonld(triples)
    expected = {str(t) for t in triples}
    nquads = jsonld.to_rdf(
        json.loads(document), {"format": "application/n-quads", "documentLoader": refuse_remote}
    )
    assert {str(q.triple) for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)} == expected
    parsed = rdflib.Graph().parse(data=document, format="json-ld")
    assert isomorphic(parsed, triples_to_rdflib_graph(triples))
    assert {str(t) for t in ox.parse(document, format=ox.RdfFormat.JSON_LD)} == expected


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
    nquads = jsonld.to_rdf(
        json.loads(real_jsonld),
        {"format": "application/n-quads", "documentLoader": refuse_remote},
    )
    parsed = rdflib.Graph().parse(data=nquads, format="nt")
    assert len(parsed) == len(real_asserted)
    assert isomorphic(parsed, triples_to_rdflib_graph(real_asserted))


def test_real_jsonld_reads_back_in_oxigraph_with_every_lexical_form(
    real_asserted: list[ox.Triple], real_jsonld: bytes
) -> None:
    parsed = [q.triple for q in ox.parse(real_jsonld, format=ox.RdfFormat.JSON_LD)]
    assert len(parsed) == len(real_asserted)
    assert sorted(str(t.object) for t in parsed if isinstance(t.object, ox.Literal)) == sorted(
        str(t.object) for t in real_asserted if isinstance(t.object, ox.Literal)
    )
    assert isomorphic(triples_to_rdflib_graph(parsed), triples_to_rdflib_graph(real_asserted))


def test_real_jsonld_uses_the_context(real_jsonld: bytes) -> None:
    nodes = {node["@id"]: node for node in body(real_jsonld)}
    serine = nodes["kg:l-serine"]
    assert serine["@type"] == "sk:ChemicalCompound"
    assert serine["label"] == "L-serine"
    assert serine["casNumber"] == "56-45-1"
    assert serine["averageMass"] == "105.0926"
    assert serine["proteinogenic"] is True
    assert "obo:CHEBI_17115" in serine["exactMatch"]
    assert nodes["kg:NCT03580616"]["enrollment"] == 43
    assert nodes["kg:NCT03580616"]["overallStatus"] == "sk:Terminated"
    aliases = {
        "label",
        "definition",
        "altLabel",
        *{k for k in export.jsonld_context() if ":" not in k},
    }
    keys = {key for node in nodes.values() for key in node}
    assert {key for key in keys if ":" not in key and not key.startswith("@")} <= aliases


def test_real_jsonld_keys_are_terms_and_values_plain_json(real_jsonld: bytes) -> None:
    """Before, 8,166 of 15,026 keys were prefixed names and every number a value object."""
    nodes = body(real_jsonld)
    keys = [key for node in nodes for key in node]
    assert len(keys) > 15000
    assert [key for key in keys if ":" in key] == []
    value_objects = [
        value
        for node in nodes
        for key, values in node.items()
        if not key.startswith("@")
        for value in (values if isinstance(values, list) else [values])
        if isinstance(value, dict) and "@value" in value
    ]
    # 601 values of sk:claimObject (which takes any value), 36 of date properties whose values
    # mix xsd:date, xsd:gYearMonth and xsd:gYear, and one English dcterms:title beside plain ones
    assert len(value_objects) == 638


def test_jsonld_is_one_node_per_line(real_jsonld: bytes) -> None:
    lines = real_jsonld.decode("utf-8").splitlines()
    graph_start = lines.index(' "@graph": [')
    node_lines = lines[graph_start + 1 : -2]
    assert len(node_lines) == len(body(real_jsonld))
    assert lines[-2:] == [" ]", "}"]


def test_export_from_the_built_store_is_the_validated_graph(
    built_dist: Path, tmp_path: Path
) -> None:
    """The store rewrote 98 literals, so an export from it failed the shapes (exit 1)."""
    exported = tmp_path / "asserted.nt"
    serkg = [sys.executable, "-m", "serkg"]
    options = ["--format", "nt", "--graph", "asserted", "--store", str(built_dist / "store")]
    result = subprocess.run(
        [*serkg, "export", *options, "--out", str(exported)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    validated = [q.triple for q in ox.parse(path=str(built_dist / "serkg.ttl"))]
    served = [q.triple for q in ox.parse(path=str(exported))]
    assert len(served) == len(validated)
    assert sorted(str(t.object) for t in served if isinstance(t.object, ox.Literal)) == sorted(
        str(t.object) for t in validated if isinstance(t.object, ox.Literal)
    )
    assert isomorphic(
        rdflib.Graph().parse(exported, format="nt"),
        rdflib.Graph().parse(built_dist / "serkg.ttl", format="turtle"),
    )
    check = subprocess.run(
        [*serkg, "validate", str(exported)], capture_output=True, text=True, timeout=600
    )
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-2000:]
    assert check.stdout.splitlines()[0].endswith("conforms, no violations")


def _writers_trig(asserted: list[ox.Triple], inferred: list[ox.Triple]) -> bytes:
    """pyoxigraph's own TriG of the two graphs, with the export prefixes."""
    from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH

    quads = [ox.Quad(*t, ox.NamedNode(ASSERTED_GRAPH)) for t in asserted]
    quads += [ox.Quad(*t, ox.NamedNode(INFERRED_GRAPH)) for t in inferred]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=export._prefixes()) or b""


def test_trig_made_from_turtle_is_the_trig_writers_byte_for_byte() -> None:
    blank = ox.BlankNode("b1")
    awkward = [
        ox.Triple(
            n("kg:a"),
            n("rdfs:label"),
            ox.Literal("two\nlines, a \"quote\"\tand '''", language="en"),
        ),
        ox.Triple(n("kg:a"), n("sk:p"), blank),
        ox.Triple(blank, n("sk:q"), typed("01", "integer")),
        ox.Triple(n("kg:a"), n("rdfs:comment"), ox.Literal("@prefix x: <y> .\n<z> {")),
        ox.Triple(ox.NamedNode("http://example.org/no/prefix#x"), n("rdf:type"), n("sk:Claim")),
    ]
    for asserted, inferred in [
        (awkward, awkward[:2]),
        (awkward, []),
        ([], awkward[1:]),
        ([], []),
    ]:
        assert export.serialize_dataset(asserted, inferred, "trig") == _writers_trig(
            asserted, inferred
        )


def test_trig_of_the_packaged_graph_is_the_trig_writers_byte_for_byte() -> None:
    from serkg.reasoning import infer

    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    inferred = infer(kb.asserted).triples
    made = export.serialize_dataset(kb.asserted, inferred, "trig")
    assert made == _writers_trig(kb.asserted, inferred)
    assert len(made) > 500_000
