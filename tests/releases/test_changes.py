"""serkg.releases.changes: the per-fact changelog between two builds, in Markdown and RDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from serkg import export
from serkg.loading import load_knowledge
from serkg.releases import changes
from serkg.releases.changes import ChangeKind, SnapshotError

from .conftest import FIXTURES, flatten


def change_graph(rows: list[changes.Change]) -> rdflib.Graph:
    text = ox.serialize(changes.to_triples(rows), format=ox.RdfFormat.TURTLE) or b""
    return rdflib.Graph().parse(data=text.decode(), format="turtle")


def test_the_fixture_pair_gives_exactly_the_expected_markdown(
    fixture_pair: tuple[Path, Path],
) -> None:
    rows, old, new = changes.diff(*fixture_pair)
    expected = (FIXTURES / "expected-changes.md").read_text(encoding="utf-8")
    assert changes.to_markdown(rows, old, new) == expected


def test_the_fixture_pair_gives_exactly_the_expected_change_graph(
    fixture_pair: tuple[Path, Path],
) -> None:
    rows, _, _ = changes.diff(*fixture_pair)
    expected = rdflib.Graph().parse(FIXTURES / "expected-changes.ttl", format="turtle")
    got = change_graph(rows)
    assert len(got) == len(expected) == 45
    assert isomorphic(got, expected), sorted(set(to_isomorphic(got)) ^ set(to_isomorphic(expected)))


def test_the_change_graph_names_its_nodes_the_same_on_every_run(
    fixture_pair: tuple[Path, Path],
) -> None:
    first = changes.to_triples(changes.diff(*fixture_pair)[0])
    second = changes.to_triples(changes.diff(*fixture_pair)[0])
    assert sorted(map(str, first)) == sorted(map(str, second))


def test_renamed_bundles_and_a_reordered_file_are_no_change(tmp_path: Path) -> None:
    """Generated claim nodes are named by their bundle: renaming one changes no claim."""
    data = tmp_path / "data"
    data.mkdir()
    text = (FIXTURES / "old" / "facts.trig").read_text(encoding="utf-8")
    renamed = text.replace("kg:bundle-trial-registry", "kg:bundle-renamed-trial")
    (data / "facts.trig").write_text(renamed, encoding="utf-8")
    old = flatten(FIXTURES / "old", tmp_path / "old")
    new = flatten(data, tmp_path / "new")
    assert (old / "serkg.ttl").read_bytes() != (new / "serkg.ttl").read_bytes()
    rows, before, after = changes.diff(old, new)
    assert rows == []
    assert changes.to_markdown(rows, before, after) == "## new (compared with old)\n\nNo changes.\n"


def test_the_reverse_direction_mirrors_every_row(fixture_pair: tuple[Path, Path]) -> None:
    old, new = fixture_pair
    rows, _, _ = changes.diff(new, old)
    assert [(r.kind, str(r.entity), str(r.old), str(r.new)) for r in rows] == [
        (
            ChangeKind.VALUE_CHANGED,
            "<https://w3id.org/serkg/id/NCT03062449>",
            "<https://w3id.org/serkg/vocab/Terminated>",
            "<https://w3id.org/serkg/vocab/Suspended>",
        ),
        (
            ChangeKind.CONFLICT_OPENED,
            "<https://w3id.org/serkg/id/NCT03062449>",
            "None",
            "<https://w3id.org/serkg/id/conflict-nct03062449-phase>",
        ),
        (
            ChangeKind.IDENTIFIER_REPLACED,
            "<https://w3id.org/serkg/id/l-serine>",
            "<http://id.nlm.nih.gov/mesh/D012694>",
            "<http://id.nlm.nih.gov/mesh/C000001>",
        ),
        (ChangeKind.CLAIM_REMOVED, "<https://w3id.org/serkg/id/l-serine>", '"56-45-1"', "None"),
    ]
    # the sources of a changed value are the sources of the value it changed to
    assert [a.source for a in rows[0].attributions] == [
        "https://w3id.org/serkg/source/registry-2023"
    ]


def test_facts_added_and_removed_carry_their_sources(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "old", data)
    text = (data / "facts.trig").read_text(encoding="utf-8")
    # two new designs (a property with two values is not "changed") and no registry id
    text = text.replace('sk:registryId "NCT03062449" ;', "sk:design sk:OpenLabel , sk:SingleArm ;")
    (data / "facts.trig").write_text(text, encoding="utf-8")
    rows, old, new = changes.diff(
        flatten(FIXTURES / "old", tmp_path / "old"), flatten(data, tmp_path / "new")
    )
    lines = changes.to_markdown(rows, old, new).splitlines()
    source = 'sources: kgsrc:registry-2023, "record", sk:RegistryRecordEvidence'
    assert lines[2:] == [
        "3 change(s) about 1 entity: 2 fact added, 1 fact removed.",
        "",
        "### L-serine in ALS (kg:NCT03062449)",
        "",
        f"- **fact added**: sk:design sk:OpenLabel; {source}",
        f"- **fact added**: sk:design sk:SingleArm; {source}",
        f'- **fact removed**: sk:registryId "NCT03062449"; {source}',
    ]


def test_a_trig_build_is_read_by_its_asserted_graph(
    tmp_path: Path, fixture_pair: tuple[Path, Path]
) -> None:
    kb = load_knowledge([], sorted((FIXTURES / "new").glob("*.trig")))
    trig = tmp_path / "trig-build"
    trig.mkdir()
    inferred = [
        ox.Triple(
            ox.NamedNode("https://w3id.org/serkg/id/x"),
            ox.NamedNode("https://w3id.org/serkg/vocab/y"),
            ox.Literal("z"),
        )
    ]
    (trig / "serkg.trig").write_bytes(export.serialize_dataset(kb.asserted, inferred, "trig"))
    rows, _, _ = changes.diff(fixture_pair[1], trig)
    assert rows == []


def test_a_folder_that_is_not_a_build_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SnapshotError, match=r"/empty: holds neither serkg.ttl nor serkg.trig"):
        changes.load_snapshot(tmp_path / "empty")
    with pytest.raises(SnapshotError, match=r"/missing: no such build or release folder"):
        changes.load_snapshot(tmp_path / "missing")


def test_a_broken_serkg_ttl_is_named_with_its_line(tmp_path: Path) -> None:
    build = tmp_path / "broken"
    build.mkdir()
    (build / "serkg.ttl").write_text("<a> <b> <c> .\n<a> <b> .\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"broken/serkg.ttl:2: syntax error"):
        changes.load_snapshot(build)


def test_the_version_comes_from_void_ttl(tmp_path: Path, fixture_pair: tuple[Path, Path]) -> None:
    old, new = fixture_pair
    (new / "void.ttl").write_text(
        '<https://w3id.org/serkg/dataset> <http://purl.org/dc/terms/hasVersion> "0.9.1" .\n',
        encoding="utf-8",
    )
    rows, before, after = changes.diff(old, new)
    assert (
        changes.to_markdown(rows, before, after).splitlines()[0] == "## 0.9.1 (compared with old)"
    )


def test_the_documented_query_answers_what_changed_about_one_entity(
    fixture_pair: tuple[Path, Path],
) -> None:
    """docs/releases.md's query, run on the change graph of the fixture pair."""
    docs = (Path(__file__).parents[2] / "docs" / "releases.md").read_text(encoding="utf-8")
    query = docs.split("```sparql\n", 1)[1].split("```", 1)[0]
    store = ox.Store()
    store.load(changes.to_turtle(changes.diff(*fixture_pair)[0]), format=ox.RdfFormat.TURTLE)
    trial = ox.NamedNode("https://w3id.org/serkg/id/NCT03062449")
    result = store.query(query, substitutions={ox.Variable("entity"): trial})
    # GROUP_CONCAT's order is the engine's: the sources are compared as a sorted list
    rows = [
        [str(row[v]) if row[v] is not None else "" for v in ("kind", "property", "old", "new")]
        + sorted(row["sources"].value.split())  # type: ignore[union-attr]
        for row in result  # type: ignore[union-attr]
    ]
    sk, kg, src = (
        "https://w3id.org/serkg/vocab/",
        "https://w3id.org/serkg/id/",
        "https://w3id.org/serkg/source/",
    )
    assert rows == [
        [
            f"<{sk}ConflictClosed>",
            "",
            f"<{kg}conflict-nct03062449-phase>",
            "",
            f"{src}monograph",
            f"{src}registry-2023",
        ],
        [
            f"<{sk}ValueChanged>",
            f"<{sk}overallStatus>",
            f"<{sk}Suspended>",
            f"<{sk}Terminated>",
            f"{src}registry-2024",
        ],
    ]
