"""The synthetic catalogue behind the benchmarks: deterministic, on size, and valid serkg data."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks import generator
from serkg import resources
from serkg.loading import load_knowledge
from serkg.prefixes import KG, SK

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def ontology_size() -> int:
    return sum(1 for _ in ox.parse(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE))


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = generator.generate(tmp_path / "a", 10_000, seed=7)
    second = generator.generate(tmp_path / "b", 10_000, seed=7)
    other = generator.generate(tmp_path / "c", 10_000, seed=8)
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(first, second, strict=True))
    assert any(p.read_bytes() != q.read_bytes() for p, q in zip(first, other, strict=True))


def digest(root: Path, files: list[Path]) -> str:
    """One hash of the relative paths and bytes of FILES, in order."""
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@pytest.mark.parametrize(
    ("size", "count", "expected"),
    [
        (10_000, 11, "c4dec26ba4300286bbd88a270cdbed24bf9b0248e8cad8a8092ca584ecccdc4c"),
        (100_000, 101, "7946ab4f7ca0c4d2831a58f080d3ec755f4c51901165a0635c6772afeecdf90a"),
    ],
)
def test_catalogue_bytes_are_those_benchmarks_were_measured_on(
    tmp_path: Path, size: int, count: int, expected: str
) -> None:
    """Seed 1 gives the bytes the in-memory generator wrote before it streamed (so results across
    versions compare). A pyoxigraph serialiser change may change them: then re-pin, saying so."""
    files = generator.generate(tmp_path, size, seed=1)
    assert len(files) == count
    assert digest(tmp_path, files) == expected


def test_streamed_files_are_those_generated_all_at_once(tmp_path: Path) -> None:
    """The streaming generator writes what building every file in memory first would."""
    files = generator.generate(tmp_path / "streamed", 10_000, seed=3)
    rng = random.Random(3)
    shared, pools = generator.shared_file(tmp_path / "whole", 10_000 // 800, rng)
    whole = [shared] + [
        generator.compound_file(tmp_path / "whole", i, pools, rng) for i in range(1, len(files))
    ]
    assert [p.relative_to(tmp_path / "streamed") for p in files] == sorted(
        f.path.relative_to(tmp_path / "whole") for f in whole
    )
    by_path = {f.path.relative_to(tmp_path / "whole"): f.serialize() for f in whole}
    assert all(p.read_bytes() == by_path[p.relative_to(tmp_path / "streamed")] for p in files)


def test_compound_folders_are_grouped_by_thousands_only_above_two_million(tmp_path: Path) -> None:
    assert generator.compound_dir(tmp_path, 1500, 1_000_000) == tmp_path
    assert generator.compound_dir(tmp_path, 1500, 2_000_000) == tmp_path
    assert generator.compound_dir(tmp_path, 999, 10_000_000) == tmp_path / "compounds-000"
    assert generator.compound_dir(tmp_path, 1500, 10_000_000) == tmp_path / "compounds-001"
    assert generator.SIZES["10M"] == 10_000_000


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_asserted_triples_within_ten_percent_of_the_size_asked(tmp_path: Path, size: int) -> None:
    files = generator.generate(tmp_path, size, ontology_triples=ontology_size())
    kb = load_knowledge([resources.ontology_file()], files)
    assert abs(len(kb.asserted) - size) <= size * 0.10, len(kb.asserted)


def test_files_follow_the_data_layout_and_every_fact_gets_a_claim(tmp_path: Path) -> None:
    files = generator.generate(tmp_path, 10_000)
    assert files[0] == tmp_path / "shared" / "entities.trig"
    assert all(
        p.suffix == ".trig" and p.parent.name.startswith(("syn-compound-", "shared")) for p in files
    )
    kb = load_knowledge([], files)
    claims = sum(1 for t in kb.claims if t.predicate.value == SK + "claimSubject")
    bundle_triples = sum(
        1
        for p in files
        for q in ox.parse(path=str(p), format=ox.RdfFormat.TRIG)
        if not isinstance(q.graph_name, ox.DefaultGraph)
    )
    assert claims == bundle_triples
    assert ox.Triple(
        ox.NamedNode(KG + "syn-compound-00002"),
        ox.NamedNode(SK + "enantiomerOf"),
        ox.NamedNode(KG + "syn-compound-00001"),
    ) in set(kb.facts)


def test_every_vocabulary_term_used_is_declared_in_the_ontology(tmp_path: Path) -> None:
    files = generator.generate(tmp_path, 10_000)
    kb = load_knowledge([resources.ontology_file()], files)
    declared = {t.subject.value for t in kb.ontology if isinstance(t.subject, ox.NamedNode)}
    used = set()
    for t in kb.facts:
        used.add(t.predicate.value)
        if isinstance(t.object, ox.NamedNode):
            used.add(t.object.value)
    undeclared = sorted(iri for iri in used if iri.startswith(SK) and iri not in declared)
    assert not undeclared


@pytest.mark.slow
def test_generated_catalogue_builds_conforms_and_yields_the_inferences(tmp_path: Path) -> None:
    from serkg.build import build

    files = generator.generate(tmp_path / "data", 10_000, ontology_triples=ontology_size())
    summary = build(tmp_path / "dist", data_files=files)
    assert summary.violations == 0
    assert summary.qc_violations == 0
    inferred = {
        q.triple
        for q in ox.parse(
            path=str(tmp_path / "dist" / "serkg-inferred.ttl"), format=ox.RdfFormat.TURTLE
        )
    }

    def t(s: str, p: str, o: str) -> ox.Triple:
        return ox.Triple(ox.NamedNode(KG + s), ox.NamedNode(SK + p), ox.NamedNode(KG + o))

    # derivedFrom 2->1, 3->2, 4->3: inverse and transitive
    assert t("syn-compound-00001", "precursorOf", "syn-compound-00004") in inferred
    assert t("syn-compound-00001", "enantiomerOf", "syn-compound-00002") in inferred  # symmetric
    assert t("syn-compound-00002", "precursorOf", "syn-compound-00003") in inferred  # inverse
    mechanism = ox.NamedNode(KG + "mechanism-syn-compound-00001-1")
    assert ox.Triple(mechanism, ox.NamedNode(RDF_TYPE), ox.NamedNode(SK + "Mechanism")) in inferred
    assert any(
        x.subject == ox.NamedNode(KG + "syn-compound-00001") and x.predicate.value == SK + "targets"
        for x in inferred
    )  # chain
