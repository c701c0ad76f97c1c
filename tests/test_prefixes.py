from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg.prefixes import PREFIX_MAP, CurieError, compact_iri, compress, expand
from serkg.vocab import XSD, display_term


@pytest.mark.parametrize(
    ("curie", "iri"),
    [
        ("CHEBI:17115", "http://purl.obolibrary.org/obo/CHEBI_17115"),
        ("chebi:17115", "http://purl.obolibrary.org/obo/CHEBI_17115"),
        ("MONDO:0004976", "http://purl.obolibrary.org/obo/MONDO_0004976"),
        ("GO:0006914", "http://purl.obolibrary.org/obo/GO_0006914"),
        ("HGNC:2527", "http://identifiers.org/hgnc/2527"),
        ("UniProtKB:P07858", "http://purl.uniprot.org/uniprot/P07858"),
        ("PUBCHEM.COMPOUND:5951", "http://identifiers.org/pubchem.compound/5951"),
        ("kg:l-serine", "https://w3id.org/serkg/id/l-serine"),
        ("sk:ChemicalCompound", "https://w3id.org/serkg/vocab/ChemicalCompound"),
        ("<https://example.org/x>", "https://example.org/x"),
        ("https://example.org/x", "https://example.org/x"),
    ],
)
def test_expand(curie: str, iri: str) -> None:
    assert expand(curie) == iri


def test_compress_prefers_the_most_specific_namespace() -> None:
    assert compress("http://purl.obolibrary.org/obo/GO_0006914") == "GO:0006914"
    assert compress("http://purl.obolibrary.org/obo/BFO_0000001") == "obo:BFO_0000001"
    assert compress("https://example.org/unknown") == "https://example.org/unknown"


@pytest.mark.parametrize("bad", ["nosuchprefix:1", "no-colon-at-all"])
def test_expand_rejects_unknown_input_with_a_message(bad: str) -> None:
    with pytest.raises(CurieError, match=bad.split(":")[0]):
        expand(bad)


# --------------------------------------------------------- the prefix map is the source of truth
ROOT = Path(__file__).resolve().parents[1]
PREFIX_DECLARATION = re.compile(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE)
SHAPE_NAMESPACE = re.compile(r'shp:namespace\s+"([^"]*)"')


def context_drift(path: Path) -> list[str]:
    """Prefix entries of a JSON-LD context (term -> namespace IRI) that disagree with PREFIX_MAP."""
    context = json.loads(path.read_text(encoding="utf-8"))["@context"]
    drift = []
    for prefix, value in context.items():
        is_prefix = isinstance(value, str) and value.startswith(("http://", "https://"))
        if is_prefix and PREFIX_MAP.get(prefix) != value:
            drift.append(
                f"{path.name}: {prefix} = {value}, prefix map has {PREFIX_MAP.get(prefix)}"
            )
    return drift


def shapes_drift(path: Path) -> list[str]:
    """Prefixes a shapes file declares, and identifier namespaces it accepts, unknown to PREFIX_MAP."""
    text = path.read_text(encoding="utf-8")
    drift = [
        f"{path.name}: @prefix {prefix}: <{iri}>, prefix map has {PREFIX_MAP.get(prefix)}"
        for prefix, iri in PREFIX_DECLARATION.findall(text)
        if PREFIX_MAP.get(prefix) != iri
    ]
    known = set(PREFIX_MAP.values())
    drift += [
        f"{path.name}: accepts {iri}, a namespace the prefix map lacks"
        for iri in SHAPE_NAMESPACE.findall(text)
        if iri not in known
    ]
    return drift


def test_the_json_ld_context_agrees_with_the_prefix_map() -> None:
    assert context_drift(ROOT / "ontology" / "context.jsonld") == []


@pytest.mark.parametrize("shapes", sorted((ROOT / "shapes").glob("*.ttl")), ids=lambda p: p.name)
def test_the_shapes_agree_with_the_prefix_map(shapes: Path) -> None:
    assert shapes_drift(shapes) == []


def test_a_drifted_context_is_caught(tmp_path: Path) -> None:
    copy = tmp_path / "context.jsonld"
    text = (ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8")
    copy.write_text(
        text.replace('"https://w3id.org/serkg/vocab/"', '"https://w3id.org/serkg/vocab#"')
    )
    assert context_drift(copy) == [
        "context.jsonld: sk = https://w3id.org/serkg/vocab#, prefix map has https://w3id.org/serkg/vocab/"
    ]


def test_drifted_shapes_are_caught(tmp_path: Path) -> None:
    copy = tmp_path / "core.ttl"
    text = (ROOT / "shapes" / "core.ttl").read_text(encoding="utf-8")
    text = text.replace(
        "<http://www.w3.org/2004/02/skos/core#>", "<http://www.w3.org/2008/05/skos#>"
    )
    text = text.replace('"http://identifiers.org/umls/"', '"http://identifiers.org/umls2/"')
    copy.write_text(text)
    assert shapes_drift(copy) == [
        "core.ttl: @prefix skos: <http://www.w3.org/2008/05/skos#>, "
        "prefix map has http://www.w3.org/2004/02/skos/core#",
        "core.ttl: accepts http://identifiers.org/umls2/, a namespace the prefix map lacks",
    ]


@pytest.mark.parametrize(
    "iri",
    [
        "http://purl.obolibrary.org/obo/GO_0006914",
        "http://purl.obolibrary.org/obo/BFO_0000001",
        "https://w3id.org/serkg/vocab/hasTarget",
        "http://www.w3.org/2001/XMLSchema#integer",
        "http://identifiers.org/umls/C3151411",
        "https://doi.org/10.1080/21678421.2016.1221971",
        "https://example.org/unknown",
    ],
)
def test_compact_iri_agrees_with_compress(iri: str) -> None:
    assert compact_iri(iri) == compress(iri)


def test_display_term_shows_curies_and_literals() -> None:
    assert display_term(ox.NamedNode("http://purl.obolibrary.org/obo/CHEBI_17115")) == "CHEBI:17115"
    assert display_term("https://example.org/x") == "https://example.org/x"
    assert display_term(ox.BlankNode("b0")) == "_:b0"
    assert display_term(None) == ""
    number = ox.Literal("1", datatype=ox.NamedNode(XSD.integer))
    assert display_term(number) == "1"
    assert display_term(number, turtle_literals=True) == '"1"^^xsd:integer'
    assert display_term(ox.Literal("sérine", language="fr"), turtle_literals=True) == '"sérine"@fr'
    assert display_term(ox.Literal('say "hi"'), turtle_literals=True) == '"say \\"hi\\""'
