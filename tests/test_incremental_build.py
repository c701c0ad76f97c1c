"""Incremental builds give what a full build gives: every artefact byte for byte, the same store.

A small generated catalogue is built once; then each edit (a changed literal, a fact taken out,
a fact added, a shared entity changed, a file dropped and added back, edits that break a shape
near and far from the edited file) is built incrementally into the same folder and in full into
a fresh one, and the two are compared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from benchmarks.generator import generate
from serkg import build_state
from serkg.build import ARTEFACTS, REPORTS, BuildFailed, BuildSummary, build
from serkg.checks.incremental import core_reach
from serkg.checks.shapes import split_shapes
from serkg.projects import Project
from serkg.safe_write import FAILED
from tests.list_view import ListView


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("catalogue") / "data", 4000)


@pytest.fixture
def files(catalogue: list[Path], tmp_path: Path) -> list[Path]:
    """A copy of the catalogue that the test may edit."""
    root = catalogue[0].parents[1]
    shutil.copytree(root, tmp_path / "data")
    return [tmp_path / "data" / p.relative_to(root) for p in catalogue]


def _build(out: Path, files: list[Path], *, full: bool = False) -> BuildSummary | BuildFailed:
    try:
        return build(out, data_files=files, full=full)
    except BuildFailed as failed:
        return failed


def _store_quads(folder: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(folder / "store"))
    try:
        return set(store)
    finally:
        del store


def _assert_same_as_full_build(
    incremental: Path, files: list[Path], fresh: Path, *, reasoned: str = "what the change reaches"
) -> str:
    """Build FILES incrementally into INCREMENTAL and in full into FRESH; compare. Returns the
    kind of build the incremental one was (whose reasoning went over REASONED)."""
    made = _build(incremental, files)
    full = _build(fresh, files, full=True)
    summary = made.summary if isinstance(made, BuildFailed) else made
    kind = summary.kind
    if isinstance(made, BuildSummary) and kind == "incremental":  # else the test proves little
        assert summary.validated == "what the change reaches"
        assert summary.reasoned == reasoned
    assert type(made) is type(full), (made, full)
    if isinstance(made, BuildSummary) and isinstance(full, BuildSummary):
        # the counts the summary shows, kept up to date from the previous build's
        assert (made.inferred_by_kind, made.dropped_by_filter) == (
            full.inferred_by_kind,
            full.dropped_by_filter,
        )
    if isinstance(made, BuildFailed):
        # the report graph's Turtle lists results in blank-node order, which differs from run
        # to run even between two full builds: compared as graphs; the text report is sorted
        graphs = [
            rdflib.Graph().parse(folder / FAILED / "validation-report.ttl")
            for folder in (incremental, fresh)
        ]
        assert isomorphic(*graphs)
        text = "validation-report.txt"
        assert (incremental / FAILED / text).read_bytes() == (fresh / FAILED / text).read_bytes()
        # only the reports: no export file made meanwhile (ahead, in an incremental build)
        assert sorted(p.name for p in (incremental / FAILED).iterdir()) == sorted(REPORTS)
        return kind
    for name in ARTEFACTS:
        assert (incremental / name).read_bytes() == (fresh / name).read_bytes(), name
    assert _store_quads(incremental) == _store_quads(fresh)
    return kind


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_each_edit_builds_incrementally_to_the_full_builds_result(
    files: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    first = _build(out, files)
    assert isinstance(first, BuildSummary)
    assert (first.kind, first.kind_reason) == ("full", "no previous build to start from")
    compound = next(p for p in files if p.parent.name == "syn-compound-00002")
    shared = next(p for p in files if p.parent.name == "shared")
    last = files[-1]
    edits = [
        (
            "a label",
            lambda: _edit(compound, '"synthetic compound 2"@en', '"synthetic compound two"@en'),
        ),
        ("a fact out", lambda: _edit(compound, "\t\tsk:monoisotopicMass 782.212 ;\n", "")),
        (
            "a fact in",
            lambda: _edit(
                compound,
                'skos:altLabel "SYN-00002"@en ;',
                'skos:altLabel "SYN-00002"@en , "SYN-2"@en ;',
            ),
        ),
        (
            "a shared entity",
            lambda: _edit(shared, '"synthetic protein 1"@en', '"synthetic protein one"@en'),
        ),
        ("nothing", lambda: None),
    ]
    for number, (what, edit) in enumerate(edits):
        edit()
        kind = _assert_same_as_full_build(out, files, tmp_path / f"full-{number}")
        assert kind == "incremental", what

    # a file dropped, then added back
    kind = _assert_same_as_full_build(out, files[:-1], tmp_path / "full-dropped")
    assert kind == "incremental"
    kind = _assert_same_as_full_build(out, [*files[:-1], last], tmp_path / "full-back")
    assert kind == "incremental"


def test_an_edit_that_breaks_a_shape_fails_as_a_full_build_does(
    files: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    assert isinstance(_build(out, files), BuildSummary)
    published = (out / "serkg.nt").read_bytes()
    compound = next(p for p in files if p.parent.name == "syn-compound-00002")
    shared = next(p for p in files if p.parent.name == "shared")

    # in the edited file: a CAS number with a wrong check digit
    _edit(compound, '"9000000-02-3"', '"9000000-02-4"')
    assert _assert_same_as_full_build(out, files, tmp_path / "full-cas") == "incremental"
    assert (out / "serkg.nt").read_bytes() == published  # the failed build published nothing
    _edit(compound, '"9000000-02-4"', '"9000000-02-3"')

    # two steps from the focus node, through SHACL-SPARQL only: a trial's status record now
    # says another status than the trial's overall status (shp:TrialStatusHistoryShape), which
    # the incremental build finds by walking sk:hasStatusRecord back from the record
    record = "kg:status-nct90000202-1 a sk:TrialStatusRecord ;\n\t\tsk:status "
    _edit(compound, record + "sk:EnrollingByInvitation", record + "sk:Recruiting")
    assert _assert_same_as_full_build(out, files, tmp_path / "full-status") == "incremental"
    report = (out / FAILED / "validation-report.txt").read_text(encoding="utf-8")
    assert "TrialStatusHistoryShape" in report and "NCT9000020" in report
    _edit(compound, record + "sk:Recruiting", record + "sk:EnrollingByInvitation")

    # far from the edit: the shared file retypes a publication that mechanisms in other files
    # cite with sk:supportedBy (which must point to a trial, a study or a source document)
    _edit(
        shared, "kg:syn-publication-00003 a sk:Publication", "kg:syn-publication-00003 a sk:Protein"
    )
    assert _assert_same_as_full_build(out, files, tmp_path / "full-far") == "incremental"
    report = (out / FAILED / "validation-report.txt").read_text(encoding="utf-8")
    assert "syn-compound-00002" in report and "sk:supportedBy" in report


def test_full_forces_a_full_build(files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(out, data_files=files)
    summary = build(out, data_files=files, full=True)
    assert (summary.kind, summary.kind_reason) == ("full", "--full asked for a full build")


def _state(
    digest: str = "d",
    files: tuple[tuple[str, str], ...] = (("a", "1"),),
    reasoner: str = "reasonable",
) -> build_state.BuildState:
    return build_state.BuildState(digest, files, reasoner)


def test_the_plan_is_full_unless_only_data_files_changed() -> None:
    now = _state(files=(("a", "1"), ("b", "2"), ("c", "3")))
    assert build_state.plan(None, now, full=False).kind == "full"
    assert build_state.plan(now, now, full=True).reason == "--full asked for a full build"
    assert build_state.plan(_state("other", now.data_files), now, full=False).reason == (
        "the ontology, shapes, queries, import modules or serkg itself changed"
    )
    assert (
        build_state.plan(_state(files=now.data_files, reasoner="owlrl"), now, full=False).kind
        == "full"
    )
    previous = _state(files=(("a", "1"), ("b", "0"), ("d", "4")))
    plan = build_state.plan(previous, now, full=False)
    assert (plan.kind, plan.changed, plan.removed) == ("incremental", ("b", "c"), ("d",))
    assert plan.reason == "3 of 3 data file(s) changed"


def test_a_state_file_of_another_format_or_damaged_means_a_full_build(tmp_path: Path) -> None:
    state = _state()
    assert build_state.BuildState.from_json(state.to_json()) == state
    assert build_state.BuildState.from_json('{"format": 0}') is None
    assert build_state.BuildState.from_json("{not json") is None
    (tmp_path / build_state.STATE_FILE).write_text('{"format": 1, "data_files": 3}')
    assert build_state.read_state(tmp_path) is None


def test_the_fixed_inputs_digest_follows_a_projects_shapes(tmp_path: Path) -> None:
    from serkg.projects import load_project

    (tmp_path / "serkg.toml").write_text('[project]\nname = "p"\ndatasets = []\n')
    (tmp_path / "shapes").mkdir()
    shapes = tmp_path / "shapes" / "extra.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n")
    before = build_state.current_state(load_project(tmp_path), [], "reasonable")
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n# changed\n")
    after = build_state.current_state(load_project(tmp_path), [], "reasonable")
    assert before.fixed_digest != after.fixed_digest
    assert build_state.plan(before, after, full=False).kind == "full"


SHAPES_HEAD = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
"""


@pytest.mark.parametrize(
    ("shapes", "reach"),
    [
        ("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:datatype ex:D .", 0),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
            0,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:class ex:D ] .",
            1,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:class ex:D ] .",
            2,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ] .\n"
            "ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:class ex:D ] .",
            2,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; "
            "sh:or ( [ sh:class ex:D ] [ sh:datatype ex:E ] ) ] .",
            1,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ] .",
            None,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ] .",
            None,
        ),
        (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:S ] .",
            None,
        ),
        (
            'ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select "SELECT $this {}" ] .',
            None,
        ),
    ],
)
def test_how_far_shapes_read_from_their_focus_node(shapes: str, reach: int | None) -> None:
    graph = rdflib.Graph().parse(data=SHAPES_HEAD + shapes, format="turtle")
    assert core_reach(graph) == reach


def test_the_packaged_shapes_read_one_step_from_their_focus_nodes() -> None:
    """sh:class and sh:node on the values of single-predicate paths: a change reaches the focus
    nodes it is about and those pointing at them."""
    from serkg.checks import shapes_graph

    core, _sparql = split_shapes(shapes_graph("all", Project.packaged()))
    assert core_reach(core) == 1


def test_without_the_previous_builds_reasoning_record_everything_is_reasoned_over(
    files: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    assert isinstance(_build(out, files), BuildSummary)
    published = (out / "store").resolve().parent
    assert build_state.read_inference_record(published) is not None
    record = published / build_state.INFERENCE_FILE
    record.chmod(0o644)
    record.write_text('{"format": 1, "engine": "reasonable"}', encoding="utf-8")  # damaged
    assert build_state.read_inference_record(published) is None
    compound = next(p for p in files if p.parent.name == "syn-compound-00002")
    _edit(compound, '"synthetic compound 2"@en', '"synthetic compound two"@en')
    kind = _assert_same_as_full_build(out, files, tmp_path / "full", reasoned="everything")
    assert kind == "incremental"
    # the build just made keeps a record again: the next one reasons locally
    _edit(compound, '"synthetic compound two"@en', '"synthetic compound 2"@en')
    assert _assert_same_as_full_build(out, files, tmp_path / "full-2") == "incremental"


def test_a_damaged_previous_store_means_a_full_build(files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(out, data_files=files)
    table = sorted((out / "store").resolve().glob("*.sst"))[0]
    table.chmod(0o644)
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))
    summary = build(out, data_files=files)
    assert (summary.kind, summary.kind_reason) == (
        "full",
        "the previous build's store or saved inputs are missing or damaged",
    )
    fresh = build(tmp_path / "fresh", data_files=files, full=True)
    assert fresh.asserted_count == summary.asserted_count
    assert _store_quads(out) == _store_quads(tmp_path / "fresh")


def test_a_class_hierarchy_stated_far_from_the_change_is_seen() -> None:
    """sh:not [sh:class ex:C] on a value whose class is a subclass of ex:C by a data triple three
    steps from the focus node: the change must fail, as a full validation does."""
    from serkg.checks.incremental import validate_changes

    ex = "http://example.org/"
    a, v, p = ox.NamedNode(ex + "a"), ox.NamedNode(ex + "v"), ox.NamedNode(ex + "p")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sub_class = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    link = ox.Triple(a, p, v)
    data = [
        ox.Triple(a, rdf_type, ox.NamedNode(ex + "Focus")),
        link,
        ox.Triple(v, rdf_type, ox.NamedNode(ex + "Sub")),
        ox.Triple(ox.NamedNode(ex + "Sub"), sub_class, ox.NamedNode(ex + "C")),
    ]
    shapes = rdflib.Graph().parse(
        data=SHAPES_HEAD
        + "ex:S a sh:NodeShape ; sh:targetClass ex:Focus ;"
        + " sh:property [ sh:path ex:p ; sh:not [ sh:class ex:C ] ] .",
        format="turtle",
    )
    assert validate_changes(ListView(data), None, [link], shapes) is None
    harmless = [*data[:1], ox.Triple(a, p, ox.NamedNode(ex + "w")), *data[2:]]
    outcome = validate_changes(ListView(harmless), None, [harmless[1]], shapes)
    assert outcome is not None and outcome.conforms
