from __future__ import annotations

import pytest

from serkg.prefixes import CurieError, compress, expand


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
