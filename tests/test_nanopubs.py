"""The claim bundles as nanopublications: each file is a valid nanopublication for the nanopub
library, and together their assertions are exactly the asserted facts (read by rdflib from the
data files, not by serkg's loader)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from nanopub import Nanopub
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from serkg import __version__, resources
from serkg.loading import parse_file
from serkg.nanopubs import nanopublications, write_nanopublications

SK = Namespace("https://w3id.org/serkg/vocab/")
KG = Namespace("https://w3id.org/serkg/id/")
KGSRC = Namespace("https://w3id.org/serkg/source/")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
NP_BASE = "https://w3id.org/serkg/np/"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_nanopublications(tmp_path_factory.mktemp("np"), nanopublications())


@pytest.fixture(scope="module")
def parsed(written: list[Path]) -> dict[str, Nanopub]:
    """Each written file read back by the nanopub library, by name."""
    return {path.stem: Nanopub(rdf=path) for path in written}


def _data() -> tuple[set[tuple[object, object, object]], set[object], set[object]]:
    """Every stated triple, the bundles and the subjects described outside bundles, by rdflib."""
    facts: set[tuple[object, object, object]] = set()
    bundles: set[object] = set()
    described: set[object] = set()
    for path in resources.data_files():
        dataset = Dataset()
        if path.suffix == ".yaml":  # a curation card: the bundles it compiles to
            nquads = ox.serialize(parse_file(path), format=ox.RdfFormat.N_QUADS)
            dataset.parse(data=nquads, format="nquads")
        else:
            dataset.parse(path, format="trig")
        names = {g.identifier for g in dataset.graphs() if g.identifier != dataset.default_graph.identifier}  # fmt: skip
        named = {g.identifier for g in dataset.graphs() if len(g) and g.identifier in names}
        bundles |= named
        for s, p, o, g in dataset.quads((None, None, None, None)):
            if g in named:
                facts.add((s, p, o))
            elif s not in named:
                facts.add((s, p, o))
                described.add(s)
    return facts, bundles, described


def test_every_file_is_a_valid_nanopublication(parsed: dict[str, Nanopub]) -> None:
    for name, nanopub in parsed.items():
        assert nanopub.is_valid, name
        assert str(nanopub.metadata.np_uri) == NP_BASE + name


def test_one_per_bundle_and_per_described_document(written: list[Path]) -> None:
    _, bundles, described = _data()
    expected = {str(b).removeprefix(str(KG)) for b in bundles} | {
        "source-" + str(d).removeprefix(str(KGSRC)) for d in described
    }
    assert {p.stem for p in written} == expected


def test_assertions_together_are_the_asserted_facts(parsed: dict[str, Nanopub]) -> None:
    facts, _, _ = _data()
    asserted: set[tuple[object, object, object]] = set()
    for nanopub in parsed.values():
        asserted |= set(nanopub.assertion)
    assert asserted == facts


def test_provenance_and_publication_info_of_a_bundle(parsed: dict[str, Nanopub]) -> None:
    nanopub = parsed["bundle-l-serine-trials-monograph"]
    assertion = URIRef(NP_BASE + "bundle-l-serine-trials-monograph/assertion")
    expected_provenance = Graph()
    for p, o in (
        (PROV.wasDerivedFrom, KGSRC["l-serine-monograph"]),
        (SK.sourceSection, Literal("clinical evidence")),
        (SK.evidenceLevel, SK.ExpertSummaryEvidence),
        (RDFS.seeAlso, KG["bundle-l-serine-trials-monograph"]),
    ):
        expected_provenance.add((assertion, p, o))
    assert isomorphic(Graph() + nanopub.provenance, expected_provenance)
    np_iri = URIRef(NP_BASE + "bundle-l-serine-trials-monograph")
    assert set(nanopub.pubinfo) == {
        (np_iri, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
        (np_iri, DCTERMS.creator, Literal("serkg contributors")),
        (np_iri, DCTERMS.isPartOf, URIRef("https://w3id.org/serkg/dataset")),
        (np_iri, DCTERMS.isPartOf, URIRef(f"https://w3id.org/serkg/releases/{__version__}")),
    }


def test_a_source_document_is_described_by_the_curators(parsed: dict[str, Nanopub]) -> None:
    nanopub = parsed["source-l-serine-monograph"]
    assertion = URIRef(NP_BASE + "source-l-serine-monograph/assertion")
    assert set(nanopub.provenance) == {
        (assertion, PROV.wasDerivedFrom, KGSRC["l-serine-monograph"]),
        (assertion, DCTERMS.creator, Literal("serkg contributors")),
    }
    assert {s for s, _, _ in nanopub.assertion} == {KGSRC["l-serine-monograph"]}


def test_serkg_export_writes_the_folder_and_refuses_without_out(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "np"
    done = subprocess.run(
        [sys.executable, "-m", "serkg", "export", "--format", "nanopub", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"wrote {len(nanopublications())} nanopublications to {out}\n"
    assert {p.name for p in out.iterdir()} == {f"{n.name}.trig" for n in nanopublications()}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    refused = subprocess.run(
        [sys.executable, "-m", "serkg", "export", "--format", "nanopub"],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert refused.stderr == (
        "serkg: error: --format nanopub writes one file per claim bundle: pass --out DIR "
        "(a new folder)\n"
    )
