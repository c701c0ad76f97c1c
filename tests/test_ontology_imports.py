"""Import modules: extraction on fixture ontologies (OBO, RDF/XML, Turtle), the CLI's errors,
and the shipped modules' coverage of the terms our data uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import to_isomorphic
from rdflib.namespace import OWL, RDFS

from serkg.ontology_imports import (
    IMPORTED_ONTOLOGIES,
    OBO,
    curie,
    module_name_of,
    read_source,
    used_terms,
)
from serkg.resources import data_files, import_module_files, ontology_file

FIXTURES = Path(__file__).parent / "ontology_imports"

#: Terms the data uses that no authority file we could obtain holds (ontology/imports/README.md).
NOT_YET_SOURCED = {
    "CHEBI:73169",
    "GO:0006545", "GO:0006730", "GO:0017146", "GO:0070179",
}  # fmt: skip

#: The roots each module's hierarchy must reach (the real top classes of the sources).
ROOTS = {
    "mondo": {"MONDO:0000001"},
    "go": {"GO:0008150", "GO:0003674", "GO:0005575"},
    "hp": {"HP:0000001"},
    "chebi": {"CHEBI:24431", "CHEBI:36342", "CHEBI:50906"},
    "uberon": {"BFO:0000001"},
    "ncbitaxon": {"NCBITaxon:1"},
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("suffix", ["obo", "ttl", "owl"])
def test_extract_fixture_gives_exactly_the_expected_module(suffix: str, tmp_path: Path) -> None:
    out = tmp_path / "fix_import.ttl"
    result = run_cli(
        "imports", "extract", "--from", str(FIXTURES / f"fixture.{suffix}"),
        "--terms", str(FIXTURES / "seeds.txt"), "--out", str(out),
        "--module-iri", "http://example.org/fix_import",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}: 6 terms\n"
    got = rdflib.Graph().parse(out, format="turtle")
    expected = rdflib.Graph().parse(FIXTURES / f"expected_from_{suffix}.ttl", format="turtle")
    assert to_isomorphic(got) == to_isomorphic(expected)
    # not followed: the part_of restriction's filler, and no definition copied
    assert (rdflib.URIRef(OBO + "FIX_0000004"), None, None) not in got
    assert (None, rdflib.URIRef(OBO + "IAO_0000115"), None) not in got


def test_extract_output_is_byte_identical_on_rerun(tmp_path: Path) -> None:
    outs = []
    for name in ("a.ttl", "b.ttl"):
        out = tmp_path / name
        args = ["imports", "extract", "--from", str(FIXTURES / "fixture.obo")]
        args += ["--terms", str(FIXTURES / "seeds.txt"), "--out", str(out)]
        assert run_cli(*args, "--module-iri", "http://example.org/m").returncode == 0
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_extract_missing_seed_exits_1_names_it_and_writes_nothing(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("FIX:0000003\nFIX:0000777\n", encoding="utf-8")
    out = tmp_path / "m.ttl"
    result = run_cli(
        "imports", "extract", "--from", str(FIXTURES / "fixture.obo"),
        "--terms", str(seeds), "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1
    assert "FIX:0000777" in result.stderr and "FIX:0000003" not in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [("missing.obo", "missing.obo: no such file"), ("fixture.ofn", "unknown ontology format")],
)
def test_extract_bad_source_exits_2_naming_the_file(
    source: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / source
    if source.endswith(".ofn"):
        path.write_text("Ontology()\n", encoding="utf-8")
    result = run_cli(
        "imports", "extract", "--from", str(path), "--terms", str(FIXTURES / "seeds.txt"),
        "--out", str(tmp_path / "m.ttl"),
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_obo_stanza_without_id_is_an_input_error_with_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.obo"
    bad.write_text("format-version: 1.2\n\n[Term]\nname: lost\n", encoding="utf-8")
    result = run_cli(
        "imports", "extract", "--from", str(bad), "--terms", str(FIXTURES / "seeds.txt"),
        "--out", str(tmp_path / "m.ttl"),
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{bad}:4: 'name' before the stanza's id" in result.stderr


def test_terms_command_lists_data_terms_grouped_with_our_labels() -> None:
    result = run_cli("imports", "terms", "--ontology", "uberon")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "UBERON (1)\n  UBERON:0001017     central nervous system\n"
    ids = run_cli("imports", "terms", "--ontology", "HP", "--ids-only")
    assert ids.stdout.split() == ["HP:0002014", "HP:0002018", "HP:0003270"]
    assert run_cli("imports", "terms", "--ontology", "nope").returncode == 2


def _shipped() -> dict[str, rdflib.Graph]:
    return {
        path.name.removesuffix("_import.ttl"): rdflib.Graph().parse(path, format="turtle")
        for path in import_module_files()
    }


def test_shipped_modules_are_the_expected_set() -> None:
    assert sorted(_shipped()) == ["chebi", "go", "hp", "mondo", "ncbitaxon", "uberon"]


def test_every_shipped_term_has_a_label_and_a_path_to_its_root() -> None:
    for name, graph in _shipped().items():
        classes = set(graph.subjects(rdflib.RDF.type, OWL.Class))
        assert classes, name
        for cls in classes:
            assert graph.value(cls, RDFS.label) is not None, f"{name}: {cls} has no label"
            ancestors = {curie(str(a)) for a in graph.transitive_objects(cls, RDFS.subClassOf)}
            assert ancestors & ROOTS[name], f"{name}: {cls} reaches no root of {ROOTS[name]}"
        header = next(graph.subjects(rdflib.RDF.type, OWL.Ontology))
        assert graph.value(header, rdflib.DCTERMS.source) is not None


def test_every_term_the_data_uses_is_in_its_module_except_documented_gaps() -> None:
    modules = _shipped()
    missing = set()
    for term in used_terms([ontology_file(), *data_files()]):
        name = module_name_of(term.ontology)
        graph = modules.get(name)
        if graph is None or (rdflib.URIRef(term.iri), RDFS.label, None) not in graph:
            missing.add(curie(term.iri))
    assert missing == NOT_YET_SOURCED


def test_module_names_cover_every_imported_ontology() -> None:
    assert set(ROOTS) == set(IMPORTED_ONTOLOGIES)


def test_rdf_reader_keeps_english_label_and_skips_restrictions() -> None:
    source = read_source(FIXTURES / "fixture.ttl")
    middle = source.terms[OBO + "FIX_0000002"]
    assert middle.label == "middle"
    assert source.terms[OBO + "FIX_0000003"].parents == {OBO + "FIX_0000002"}


def test_extract_merges_a_tsv_edge_table_and_a_label_table(tmp_path: Path) -> None:
    out = tmp_path / "fix_import.ttl"
    result = run_cli(
        "imports", "extract",
        "--from", str(FIXTURES / "fixture_edges.tsv"), "--source-release", "fix 2026-01-01 release",
        "--from", str(FIXTURES / "fixture_labels.tsv"), "--source-release", "-",
        "--terms", str(FIXTURES / "seeds_tsv.txt"), "--out", str(out),
        "--module-iri", "http://example.org/fix_import",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}: 5 terms\n"
    got = rdflib.Graph().parse(out, format="turtle")
    expected = rdflib.Graph().parse(FIXTURES / "expected_from_tsv.ttl", format="turtle")
    assert to_isomorphic(got) == to_isomorphic(expected)
    # the related_to row (a part_of edge) is not a subclass edge
    assert (rdflib.URIRef(OBO + "FIX_0000004"), None, None) not in got


def test_tsv_readers_give_edges_and_unquoted_labels() -> None:
    edges = read_source(FIXTURES / "fixture_edges.tsv")
    assert edges.terms[OBO + "FIX_0000003"].parents == {OBO + "FIX_0000002"}
    assert edges.terms[OBO + "FIX_0000003"].label is None and edges.version is None
    labels = read_source(FIXTURES / "fixture_labels.tsv")
    assert labels.terms[OBO + "FIX_0000003"].label == 'seed "quoted"'
    assert labels.terms[OBO + "FIX_0000003"].parents == set()


def test_tsv_without_known_columns_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("foo\tbar\nFIX:0000003\tx\n", encoding="utf-8")
    result = run_cli(
        "imports", "extract", "--from", str(bad), "--terms", str(FIXTURES / "seeds_tsv.txt"),
        "--out", str(tmp_path / "m.ttl"),
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{bad}:1: a TSV source needs subject/predicate/object columns" in result.stderr
    assert "header has foo, bar" in result.stderr and not (tmp_path / "m.ttl").exists()


def test_source_release_count_must_match_from_count(tmp_path: Path) -> None:
    result = run_cli(
        "imports", "extract", "--from", str(FIXTURES / "fixture_edges.tsv"),
        "--source-release", "a", "--source-release", "b",
        "--terms", str(FIXTURES / "seeds_tsv.txt"), "--out", str(tmp_path / "m.ttl"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "--source-release given 2 times for 1 --from files" in result.stderr


def _data_terms_under(module: str, cls: str) -> list[str]:
    graph = _shipped()[module]
    top = rdflib.URIRef(OBO + cls.replace(":", "_"))
    return sorted(
        curie(t.iri)
        for t in used_terms([ontology_file(), *data_files()])
        if top in set(graph.transitive_objects(rdflib.URIRef(t.iri), RDFS.subClassOf))
    )


@pytest.mark.parametrize(
    ("module", "cls", "members"),
    [
        ("mondo", "MONDO:0005559", ["MONDO:0004975", "MONDO:0004976"]),
        ("go", "GO:0006914", ["GO:0006914"]),
        ("hp", "HP:0025031", ["HP:0002014", "HP:0002018", "HP:0003270"]),
        ("chebi", "CHEBI:33709", ["CHEBI:15428", "CHEBI:16523", "CHEBI:17115"]),
        ("chebi", "CHEBI:33704", ["CHEBI:15428", "CHEBI:16523", "CHEBI:17115"]),
    ],
)
def test_data_terms_under_the_classes_named_queries_use(
    module: str, cls: str, members: list[str]
) -> None:
    """The hierarchy the sources give (README: sources) puts exactly these data terms under
    neurodegenerative disease, autophagy, abnormality of the digestive system, amino acid and
    alpha-amino acid."""
    assert _data_terms_under(module, cls) == members
