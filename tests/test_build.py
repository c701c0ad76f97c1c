"""`serkg build` end to end: every artefact written, parseable by two parsers, consistent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from serkg import export
from serkg.build import ARTEFACTS, PUBLISHED, BuildFailed, build
from serkg.build_state import INFERENCE_FILE, STATE_FILE
from serkg.incremental import INPUTS
from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH, METADATA_GRAPH
from tests import jena
from tests.reliability.paused_build import PausedBuild, leftovers

RDF_ARTEFACTS = {
    "serkg.ttl": "turtle",
    "serkg-inferred.ttl": "turtle",
    "serkg.nt": "nt",
    "serkg.jsonld": "json-ld",
    "serkg.trig": "trig",
    "validation-report.ttl": "turtle",
    "void.ttl": "turtle",
}


def _parse(path: Path, fmt: str) -> rdflib.Graph | rdflib.Dataset:
    if fmt == "trig":
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
        return dataset
    return rdflib.Graph().parse(path, format=fmt)


def test_every_artefact_is_written(built_dist: Path) -> None:
    for name in ARTEFACTS:
        assert (built_dist / name).stat().st_size > 0, name
    assert (built_dist / "store" / "CURRENT").exists()
    assert leftovers(built_dist) == []


def test_everything_is_published_by_one_link(built_dist: Path) -> None:
    build_folder = os.readlink(built_dist / "current")
    assert build_folder.startswith(".builds/")
    for name in PUBLISHED:
        assert os.readlink(built_dist / name) == f"current/{name}"
    inside = sorted(p.name for p in (built_dist / build_folder).iterdir())
    # what the next build starts from
    assert inside == sorted([*PUBLISHED, STATE_FILE, INFERENCE_FILE, INPUTS])


@pytest.mark.parametrize(("name", "fmt"), sorted(RDF_ARTEFACTS.items()))
def test_artefact_parses_in_rdflib(built_dist: Path, name: str, fmt: str) -> None:
    assert len(_parse(built_dist / name, fmt)) > 0


@pytest.mark.java
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RDF_ARTEFACTS))
def test_artefact_parses_in_jena_riot(
    built_dist: Path, name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    args = ["--validate", str(built_dist / name)]
    if name.endswith(".jsonld"):
        args = ["--syntax=jsonld10", *args]  # Jena 4.5's JSON-LD 1.1 reader does not work
    result = jena.run("riotcmd.riot", *args, work_dir=tmp_path_factory.getbasetemp() / "jena")
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line or "WARN" in line]
    assert result.returncode == 0 and errors == [], result.stderr[-2000:]


def test_trig_graphs_equal_the_turtle_files(built_dist: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(built_dist / "serkg.trig", format="trig")
    asserted = dataset.graph(rdflib.URIRef(ASSERTED_GRAPH))
    inferred = dataset.graph(rdflib.URIRef(INFERRED_GRAPH))
    assert isomorphic(asserted, rdflib.Graph().parse(built_dist / "serkg.ttl"))
    assert isomorphic(inferred, rdflib.Graph().parse(built_dist / "serkg-inferred.ttl"))
    assert len(inferred) > 0


def test_ntriples_and_jsonld_hold_the_asserted_graph(built_dist: Path) -> None:
    turtle = rdflib.Graph().parse(built_dist / "serkg.ttl")
    assert isomorphic(turtle, rdflib.Graph().parse(built_dist / "serkg.nt", format="nt"))
    assert isomorphic(turtle, rdflib.Graph().parse(built_dist / "serkg.jsonld", format="json-ld"))


def test_jsonld_is_compact_with_the_curated_context(built_dist: Path) -> None:
    document = json.loads((built_dist / "serkg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == export.jsonld_context()
    assert "@graph" in document
    text = (built_dist / "serkg.jsonld").read_text(encoding="utf-8")
    assert '"kg:l-serine"' in text  # IRIs compacted with the context's prefixes


def test_void_counts_match_the_files(built_dist: Path) -> None:
    void = rdflib.Graph().parse(built_dist / "void.ttl")
    dataset = rdflib.URIRef("https://w3id.org/serkg/dataset")
    vo = rdflib.Namespace("http://rdfs.org/ns/void#")
    asserted = len(rdflib.Graph().parse(built_dist / "serkg.ttl"))
    inferred = len(rdflib.Graph().parse(built_dist / "serkg-inferred.ttl"))
    imports = len(rdflib.Graph().parse(built_dist / "serkg-imports.ttl"))
    assert int(void.value(dataset, vo.triples)) == asserted + inferred  # our facts only
    subsets = {
        str(void.value(s, rdflib.RDFS.label)): int(void.value(s, vo.triples))
        for s in void.objects(dataset, vo.subset)
    }
    assert subsets == {
        "asserted triples": asserted,
        "inferred triples": inferred,
        "import modules of external ontologies": imports,
    }
    assert imports > 500
    assert void.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    description = str(void.value(dataset, rdflib.DCTERMS.description))
    assert "not medical advice" in description


def test_store_holds_both_graphs(built_dist: Path) -> None:
    store = ox.Store.read_only(str(built_dist / "store"))
    turtle = rdflib.Graph().parse(built_dist / "serkg.ttl")
    assert len(
        list(store.quads_for_pattern(None, None, None, ox.NamedNode(ASSERTED_GRAPH)))
    ) == len(turtle)


def test_work_done_ahead_in_processes_or_in_the_build_gives_the_same_build(
    built_dist: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above AHEAD_MAX_TRIPLES the mapping sets are made in the build process itself, not forked
    during validation, and the store is filled by the build process after reasoning, not by the
    helper process during validation (serkg.store_fill): the same bytes and the same store,
    blank node labels included."""
    from serkg import build as build_module

    monkeypatch.setattr(build_module, "AHEAD_MAX_TRIPLES", 0)
    out = tmp_path / "dist"
    build(out)
    for name in ARTEFACTS:
        assert (out / name).read_bytes() == (built_dist / name).read_bytes(), name
    stores = [ox.Store.read_only(str(folder / "store")) for folder in (out, built_dist)]
    assert set(stores[0]) == set(stores[1])
    assert len(stores[0]) > 10_000


@pytest.mark.parametrize("ahead_max", [10**9, 0], ids=["forked ahead", "in the build process"])
def test_a_broken_mapping_set_fails_the_build_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead_max: int
) -> None:
    """The SSSOM sets are made in another process (or later, above AHEAD_MAX_TRIPLES); a broken
    mapping-set file still fails the build with its name and line, and publishes nothing."""
    from serkg import build as build_module
    from serkg import resources

    broken = tmp_path / "mapping-set.json"
    broken.write_text('{"mapping_set": {\n  "mapping_set_id": \n}\n', encoding="utf-8")
    monkeypatch.setattr(resources, "mapping_set_metadata_file", lambda: broken)
    monkeypatch.setattr(build_module, "AHEAD_MAX_TRIPLES", ahead_max)
    out = tmp_path / "dist"
    with pytest.raises(BuildFailed) as failed:
        build(out)
    assert str(failed.value).startswith(
        f"the SSSOM mapping set cannot be written: {broken}:3: not JSON: "
    )
    assert not any((out / name).exists() for name in PUBLISHED)
    assert leftovers(out) == []


def test_the_import_modules_are_a_graph_of_their_own(built_dist: Path) -> None:
    """Stored, exported and counted apart: the store's imports graph (as `serkg export --graph
    imports` writes it) and serkg-imports.ttl both hold exactly the modules' triples."""
    from serkg import resources

    modules = rdflib.Graph()
    for path in resources.import_module_files():
        modules.parse(path)
    store = ox.Store.read_only(str(built_dist / "store"))
    stored = rdflib.Graph().parse(
        data=export.export_from_store(store, "nt", "imports"), format="nt"
    )
    assert len(modules) > 500
    assert isomorphic(modules, stored)
    assert isomorphic(modules, rdflib.Graph().parse(built_dist / "serkg-imports.ttl"))
    everything = len(store)
    ours = sum(
        len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(g))))
        for g in (ASSERTED_GRAPH, INFERRED_GRAPH, METADATA_GRAPH)
    )
    assert everything == ours + len(modules)


@pytest.mark.slow
def test_interrupted_export_leaves_previous_artefacts_intact(
    tmp_path: Path, built_dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    build(out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name in ARTEFACTS}
    store_target = (out / "store").resolve()

    calls = {"n": 0}
    real_write = export.write_triples

    def interrupted(path: Path, triples: object, fmt: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # after the first file of the export stage was written
            raise KeyboardInterrupt
        real_write(path, triples, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(export, "write_triples", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name in ARTEFACTS}
    assert after == before
    assert (out / "store").resolve() == store_target
    assert leftovers(out) == []


@pytest.mark.slow
def test_sigint_during_export_leaves_previous_artefacts_intact(tmp_path: Path) -> None:
    """A real Ctrl-C to a real `serkg build` process stopped at its export stage by the
    SERKG_BUILD_PAUSE_AT hook (it used to poll for a staging file and race the build's end)."""
    import signal

    out = tmp_path / "dist"
    build(out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name in ARTEFACTS}
    store_target = (out / "store").resolve()

    paused = PausedBuild(out, "export")
    paused.process.send_signal(signal.SIGINT)
    returncode, stderr = paused.finish()
    assert returncode != 0
    assert "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name in ARTEFACTS}
    assert after == before
    assert (out / "store").resolve() == store_target
    assert leftovers(out) == []
