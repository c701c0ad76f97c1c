"""serkg.releases.bundle: releases/V/ with a MANIFEST, DCAT checksums, CITATION.cff, changelog."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, XSD

from serkg import build as build_module
from serkg.releases import bundle
from serkg.releases.bundle import ReleaseError

SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3: rdflib knows DCAT 2 only
SK = "https://w3id.org/serkg/vocab/"
TRIAL = ox.NamedNode("https://w3id.org/serkg/id/NCT03062449")
DAY = dt.date(2026, 12, 7)


def test_a_release_copies_every_artefact_of_the_build_but_the_store() -> None:
    assert set(bundle.ARTEFACTS) == set(build_module.ARTEFACTS) - {"void.ttl"}


def test_the_manifest_lists_every_file_with_its_size_and_sha256(
    built_dist: Path, tmp_path: Path
) -> None:
    release = bundle.make_release(built_dist, tmp_path / "releases", "1.0.0", issued=DAY)
    folder = tmp_path / "releases" / "1.0.0"
    assert release.folder == folder
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(
        [*bundle.ARTEFACTS, "void.ttl", "CITATION.cff", "CHANGELOG.md", "MANIFEST"]
    )
    lines = (folder / "MANIFEST").read_text(encoding="utf-8").splitlines()
    expected = ["file\tbytes\tsha256"] + [
        f"{name}\t{(folder / name).stat().st_size}\t{hashlib.sha256((folder / name).read_bytes()).hexdigest()}"
        for name in sorted(files)
        if name != "MANIFEST"
    ]
    assert lines == expected
    for name in bundle.ARTEFACTS:
        assert (folder / name).read_bytes() == (built_dist / name).read_bytes()
    assert not (folder / "store").exists()
    assert bundle.check_release(folder) == []


def test_check_names_the_file_one_flipped_byte_changed(built_dist: Path, tmp_path: Path) -> None:
    bundle.make_release(built_dist, tmp_path, "1.0.0", issued=DAY)
    folder = tmp_path / "1.0.0"
    listed = hashlib.sha256((folder / "serkg.nt").read_bytes()).hexdigest()
    data = bytearray((folder / "serkg.nt").read_bytes())
    data[100] ^= 0x01
    (folder / "serkg.nt").write_bytes(bytes(data))
    now = hashlib.sha256(bytes(data)).hexdigest()
    assert bundle.check_release(folder) == [f"serkg.nt: SHA-256 {now}, MANIFEST says {listed}"]
    (folder / "CITATION.cff").unlink()
    (folder / "notes.txt").write_text("added later\n", encoding="utf-8")
    assert bundle.check_release(folder)[:1] + bundle.check_release(folder)[2:] == [
        "CITATION.cff: missing",
        "notes.txt: not in the MANIFEST",
    ]


def test_void_describes_each_file_as_a_dcat_distribution_with_size_and_checksum(
    built_dist: Path, tmp_path: Path
) -> None:
    bundle.make_release(built_dist, tmp_path, "1.0.0", issued=DAY)
    bundle.make_release(built_dist, tmp_path, "1.1.0", issued=dt.date(2027, 1, 2))
    folder = tmp_path / "1.1.0"
    graph = rdflib.Graph().parse(folder / "void.ttl", format="turtle")
    release = rdflib.URIRef("https://w3id.org/serkg/releases/1.1.0")
    assert (rdflib.URIRef("https://w3id.org/serkg/dataset"), DCAT.hasVersion, release) in graph
    assert graph.value(release, DCTERMS.issued) == rdflib.Literal("2027-01-02", datatype=XSD.date)
    assert graph.value(release, DCAT.version) == rdflib.Literal("1.1.0")
    previous = rdflib.URIRef("https://w3id.org/serkg/releases/1.0.0")
    assert graph.value(release, DCAT.previousVersion) == previous
    described = {}
    for distribution in graph.objects(release, DCAT.distribution):
        checksum = graph.value(distribution, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        described[str(graph.value(distribution, DCAT.downloadURL))] = (
            graph.value(distribution, DCAT.byteSize).toPython(),
            str(graph.value(checksum, SPDX.checksumValue)),
            str(graph.value(distribution, DCAT.mediaType)),
        )
    assert described == {
        f"{release}/{name}": (
            (folder / name).stat().st_size,
            hashlib.sha256((folder / name).read_bytes()).hexdigest(),
            media,
        )
        for name, media in [
            ("serkg.ttl", "text/turtle"),
            ("serkg-inferred.ttl", "text/turtle"),
            ("serkg-imports.ttl", "text/turtle"),
            ("serkg.jsonld", "application/ld+json"),
            ("serkg.nt", "application/n-triples"),
            ("serkg.trig", "application/trig"),
            ("validation-report.ttl", "text/turtle"),
            ("validation-report.txt", "text/plain"),
            ("serkg.sssom.tsv", "text/tab-separated-values"),
            ("serkg-vocab.sssom.tsv", "text/tab-separated-values"),
            ("changes.ttl", "text/turtle"),  # since 1.0.0: empty, the same build
        ]
    }
    assert (folder / "changes.ttl").read_bytes() == b""
    # the build's own file list (names only) is replaced, not kept beside the release's
    assert len(list(graph.subjects(rdflib.RDF.type, DCAT.Distribution))) == 11


def test_citation_cff_names_the_release(built_dist: Path, tmp_path: Path) -> None:
    bundle.make_release(built_dist, tmp_path, "1.0.0", issued=DAY)
    text = (tmp_path / "1.0.0" / "CITATION.cff").read_text(encoding="utf-8")
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load(text)
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "dataset"
    assert cff["version"] == "1.0.0"
    assert cff["date-released"] == "2026-12-07"
    assert cff["url"] == "https://w3id.org/serkg/releases/1.0.0"
    assert cff["title"].startswith("serkg: a knowledge graph of compound facts")
    assert cff["authors"] == [{"name": "serkg contributors"}]
    assert cff["license-url"] == "https://creativecommons.org/licenses/by/4.0/"


def _with_status(build: Path, out: Path, status: str) -> Path:
    """A copy of BUILD whose serkg.ttl says the trial's status (fact and claim) is STATUS."""
    shutil.copytree(build, out, symlinks=False, ignore=shutil.ignore_patterns("store"))
    triples = [q.triple for q in ox.parse(path=str(out / "serkg.ttl"), format=ox.RdfFormat.TURTLE)]
    status_claims = {
        t.subject
        for t in triples
        if t.predicate.value == SK + "claimPredicate" and t.object.value == SK + "overallStatus"
    } & {
        t.subject for t in triples if t.predicate.value == SK + "claimSubject" and t.object == TRIAL
    }
    # the generated claim only: the hand-written ones of the status conflict stay as they are
    status_claims -= {t.object for t in triples if t.predicate.value == SK + "hasClaim"}
    changed = []
    for t in triples:
        if (t.subject == TRIAL and t.predicate.value == SK + "overallStatus") or (
            t.subject in status_claims and t.predicate.value == SK + "claimObject"
        ):
            t = ox.Triple(t.subject, t.predicate, ox.NamedNode(SK + status))
        changed.append(t)
    (out / "serkg.ttl").unlink()
    (out / "serkg.ttl").write_bytes(ox.serialize(changed, format=ox.RdfFormat.TURTLE) or b"")
    return out


def test_the_changelog_entry_compares_with_the_previous_release(
    built_dist: Path, tmp_path: Path
) -> None:
    older = _with_status(built_dist, tmp_path / "older-build", "Suspended")
    releases = tmp_path / "releases"
    first = bundle.make_release(older, releases, "2024.1", issued=dt.date(2024, 1, 31))
    assert first.previous is None
    assert first.changelog.startswith("## 2024.1 (2024-01-31)\n\nThe first release: ")
    second = bundle.make_release(built_dist, releases, "2024.2", issued=dt.date(2024, 2, 29))
    assert second.previous == "2024.1"
    entry = (releases / "2024.2" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert entry.splitlines()[:5] == [
        "## 2024.2 (2024-02-29) (compared with 2024.1)",
        "",
        "1 change(s) about 1 entity: 1 value changed.",
        "",
        "### L-serine phase IIa trial in early Alzheimer disease (NCT03062449) (kg:NCT03062449)",
    ]
    assert entry.splitlines()[6] == (
        "- **value changed**: sk:overallStatus sk:Suspended (suspended) → sk:Terminated (terminated); "
        "sources: kgsrc:nct03062449-mirror-2024, sk:SecondaryMappingEvidence; "
        'kgsrc:nct03062449-mirror-2024, "study record", sk:SecondaryMappingEvidence'
    )
    changed = rdflib.Graph().parse(releases / "2024.2" / "changes.ttl", format="turtle")
    change = changed.value(predicate=rdflib.RDF.type, object=rdflib.URIRef(SK + "ValueChanged"))
    assert changed.value(change, rdflib.URIRef(SK + "oldValue")) == rdflib.URIRef(SK + "Suspended")
    assert len(set(changed.subjects(rdflib.URIRef(SK + "changedEntity")))) == 1
    assert not (releases / "2024.1" / "changes.ttl").exists()
    assert bundle.check_release(releases / "2024.2") == []
    log = (releases / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("## 2024.2") < log.index("## 2024.1")


def test_bad_input_is_refused_naming_what_is_wrong(built_dist: Path, tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match=r"version 'a/b': use letters, digits"):
        bundle.make_release(built_dist, tmp_path, "a/b")
    bundle.make_release(built_dist, tmp_path, "1.0.0", issued=DAY)
    with pytest.raises(ReleaseError, match=r"1.0.0: already exists; a release is never rewritten"):
        bundle.make_release(built_dist, tmp_path, "1.0.0")
    partial = tmp_path / "partial-build"
    partial.mkdir()
    (partial / "serkg.ttl").write_text("", encoding="utf-8")
    with pytest.raises(
        ReleaseError, match=r"partial-build: not a complete build, missing serkg-inferred.ttl, "
    ):
        bundle.make_release(partial, tmp_path, "2.0.0")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.0.0", "CHANGELOG.md", "partial-build"]
    with pytest.raises(ReleaseError, match=r"partial-build/MANIFEST: no MANIFEST"):
        bundle.check_release(partial)
    (tmp_path / "1.0.0" / "MANIFEST").write_text(
        "file\tbytes\tsha256\nserkg.ttl\t12\n", encoding="utf-8"
    )
    with pytest.raises(ReleaseError, match=r"MANIFEST:2: expected file, bytes and sha256"):
        bundle.check_release(tmp_path / "1.0.0")
