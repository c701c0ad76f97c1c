"""serkg projects: `serkg init`, serkg.toml, discovery, and a project's files added to serkg's."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from serkg import projects, resources
from serkg.checks import shapes_graph
from serkg.checks.shapes import ShapesError
from serkg.projects import Project, ProjectError, current_project, load_project
from serkg.query_checks import query_problems
from serkg.querylib import load_query, load_query_file
from serkg.store import EmbeddedStore
from tests.projects.conftest import (
    FIXTURES,
    THREONINE,
    add_threonine,
    new_project,
    serkg,
    serkg_process,
)

SK = "https://w3id.org/serkg/vocab/"


# ---------------------------------------------------------------------------------- serkg init
def test_init_writes_the_layout(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    result = serkg("init", folder)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {folder}/serkg.toml",
        f"wrote {folder}/README.md",
        *(f"wrote {folder}/{name}/" for name in ("cards", "data", "queries", "shapes", "ontology")),
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        ".gitignore",
        "README.md",
        "cards",
        "data",
        "ontology",
        "queries",
        "serkg.toml",
        "shapes",
    ]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name in ("`data/`", "`cards/`", "`queries/`", "`shapes/`", "`ontology/`", "`serkg.toml`"):
        assert name in readme
    project = load_project(folder)
    packaged = Project.packaged()
    assert (project.name, project.datasets, project.license) == ("cat", ("l-serine",), "CC-BY-4.0")
    assert project.data_files == packaged.data_files
    assert project.query_files == packaged.query_files
    assert project.out_dir == folder / "dist"


def test_init_empty_includes_no_packaged_dataset(tmp_path: Path) -> None:
    project = load_project(new_project(tmp_path / "cat", "--empty"))
    assert project.datasets == ()
    assert project.data_files == ()
    assert project.ontology_files == (resources.ontology_file(),)  # the ontology always comes


def test_init_refuses_a_folder_that_holds_anything(tmp_path: Path) -> None:
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = serkg("init", folder)
    assert result.exit_code == 2
    assert result.output == (
        f"serkg: error: {folder}: not an empty folder; `serkg init` writes only a new project\n"
    )
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


# --------------------------------------------------------------------------------- serkg.toml
GOOD = projects.settings_text("cat", empty=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('name = "cat"', 'name = "cat'),
            ":3: not valid TOML: ",
        ),
        (
            ('license = "CC-BY-4.0"', 'license = "CC-BY-4.0"\nowner = "me"'),
            ":6: project.owner: unknown key (known: name, title, license, base_iri, datasets)",
        ),
        (
            ('title = "cat"', "title = 3"),
            ":4: project.title: expected a string, got 3",
        ),
        (
            ('datasets = ["l-serine"]', 'datasets = "l-serine"'),
            ":9: project.datasets: expected a list of dataset names, got 'l-serine'",
        ),
        (
            ('datasets = ["l-serine"]', 'datasets = ["d-serine"]'),
            ":9: project.datasets: no packaged dataset 'd-serine' (known: l-serine)",
        ),
        (
            ('datasets = ["l-serine"]', 'datasets = [""]'),
            ":9: project.datasets: no packaged dataset '' (known: l-serine)",
        ),
        (
            ('name = "cat"\n', ""),
            ":2: project: the required key 'name' is missing",
        ),
        (
            ('base_iri = "https://w3id.org/serkg/id/"', 'base_iri = "cat:"'),
            ":7: project.base_iri: 'cat:' is not an http(s) IRI ending in / or #",
        ),
        (
            ("qc = []", "qc = [1]"),
            ":14: overrides.qc: expected a list of names (strings)",
        ),
        (
            ("shapes = []", "shapes = []\nviews = []"),
            ":16: overrides.views: unknown key (known: queries, qc, shapes)",
        ),
    ],
)
def test_a_bad_settings_file_names_file_line_and_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    folder = new_project(tmp_path / "cat")
    settings = folder / "serkg.toml"
    assert settings.read_text(encoding="utf-8") == GOOD
    settings.write_text(GOOD.replace(*change), encoding="utf-8")
    result = serkg("queries", "--project", folder)
    assert result.exit_code == 2
    assert result.output.startswith(f"serkg: error: {settings}{message}"), result.output
    assert "Traceback" not in result.output


def test_project_is_found_from_the_current_folder_upward(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "data")
    found = current_project()
    assert found.root == project.resolve()
    result = serkg("queries", "--format", "json")
    names = [q["name"] for q in json.loads(result.output)]
    assert "compounds-by-formula" in names
    assert len(names) == len(Project.packaged().query_files) + 1
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert current_project() == Project.packaged()
    names = [q["name"] for q in json.loads(serkg("queries", "--format", "json").output)]
    assert "compounds-by-formula" not in names


def test_a_missing_project_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = serkg("queries", "--project", tmp_path)
    assert result.exit_code == 2
    assert result.output == (
        f"serkg: error: {tmp_path}: no serkg.toml here (create a project with `serkg init`)\n"
    )


# ------------------------------------------------------------------------- names and overrides
def _set_override(folder: Path, kind: str, names: str) -> None:
    settings = folder / "serkg.toml"
    text = re.sub(
        rf"^{kind} = .*$", f"{kind} = {names}", settings.read_text(encoding="utf-8"), flags=re.M
    )
    settings.write_text(text, encoding="utf-8")


def test_a_project_query_with_a_packaged_name_needs_an_override(project: Path) -> None:
    mine = project / "queries" / "compound-profile.rq"
    text = (resources.queries_dir() / "compound-profile.rq").read_text(encoding="utf-8")
    mine.write_text(text.replace("The identity card", "My identity card"), encoding="utf-8")
    with pytest.raises(ProjectError) as refused:
        load_project(project)
    assert str(refused.value) == (
        f"{mine}: queries 'compound-profile' has the name of a packaged one; rename it, or add "
        'it to [overrides] queries = ["compound-profile"] in serkg.toml to replace it'
    )
    _set_override(project, "queries", '["compound-profile"]')
    replaced = load_query("compound-profile", load_project(project))
    assert replaced.path == mine
    assert replaced.summary.startswith("My identity card")
    assert load_query("compound-profile").summary.startswith("The identity card")


def test_an_override_must_name_a_packaged_file_the_project_replaces(project: Path) -> None:
    _set_override(project, "qc", '["no-such-check"]')
    with pytest.raises(ProjectError) as refused:
        load_project(project)
    settings = project / "serkg.toml"
    assert str(refused.value) == (
        f"{settings}:14: overrides.qc: 'no-such-check' is not a packaged qc name"
    )
    _set_override(project, "qc", '["orphan-node"]')  # a packaged check, but no file replaces it
    with pytest.raises(ProjectError, match="'orphan-node' is overridden but the project has no"):
        load_project(project)


def test_a_project_qc_check_runs_after_the_packaged_ones(project: Path) -> None:
    qc = project / "queries" / "qc" / "threonine-without-formula-violation.rq"
    qc.write_text(
        "# every compound of the fixture has a formula\n"
        "PREFIX sk: <https://w3id.org/serkg/vocab/>\n"
        "SELECT ?entity ?property ?value WHERE {\n"
        f"  BIND(<{THREONINE}> AS ?entity) BIND(sk:molecularFormula AS ?property)\n"
        "  ?entity sk:casNumber ?value . FILTER NOT EXISTS { ?entity sk:molecularFormula ?f }\n"
        "}\n",
        encoding="utf-8",
    )
    loaded = load_project(project)
    names = [name for name, _ in loaded.qc_files]
    assert names == [*resources.ACTIVE_QC_CHECKS, "threonine-without-formula"]
    assert loaded.project_query_files() == [project / "queries" / "compounds-by-formula.rq", qc]


def test_a_project_shape_with_a_packaged_name_needs_an_override(project: Path) -> None:
    mine = project / "shapes" / "crosslinks.ttl"
    mine.write_text(
        "@prefix shp: <https://w3id.org/serkg/shapes/> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "shp:CrossLinkShape a sh:NodeShape ; sh:targetSubjectsOf skos:exactMatch ;\n"
        "    sh:property [ sh:path skos:exactMatch ; sh:nodeKind sh:IRI ] .\n",
        encoding="utf-8",
    )
    with pytest.raises(ShapesError) as refused:
        shapes_graph("all", load_project(project))
    assert str(refused.value) == (
        f"{mine}: shape shp:CrossLinkShape has the name of a packaged shape; rename it, or add "
        'it to [overrides] shapes = ["shp:CrossLinkShape"] in serkg.toml to replace it'
    )
    _set_override(project, "shapes", '["shp:CrossLinkShape"]')
    from rdflib import URIRef

    shape = URIRef("https://w3id.org/serkg/shapes/CrossLinkShape")
    sh = "http://www.w3.org/ns/shacl#"
    packaged = shapes_graph("all")
    replaced = shapes_graph("all", load_project(project))
    assert set(replaced.objects(shape, URIRef(sh + "targetSubjectsOf"))) == {
        URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")
    }
    assert len(list(replaced.objects(shape, URIRef(sh + "property")))) == 1
    assert len(list(packaged.objects(shape, URIRef(sh + "property")))) != 1


# --------------------------------------------------------------------------- query rules
def _write_query(folder: Path, name: str, text: str) -> Path:
    path = folder / "queries" / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_queries_obey_the_rules_of_the_packaged_ones(project: Path) -> None:
    good = load_query_file(project / "queries" / "compounds-by-formula.rq")
    assert query_problems(good) == []
    text = (FIXTURES / "compounds-by-formula.rq").read_text(encoding="utf-8")
    bad = _write_query(
        project,
        "unordered",
        text.replace("ORDER BY STR(?label)\n", "").replace("SELECT ?formula ", "SELECT "),
    )
    assert query_problems(load_query_file(bad)) == [
        f"{bad}: a SELECT needs an ORDER BY (stable answers across engines)",
        f"{bad}: ?formula is a parameter but is not projected by the SELECT",
    ]


def test_validate_holds_project_queries_to_the_rules(project: Path) -> None:
    text = (FIXTURES / "compounds-by-formula.rq").read_text(encoding="utf-8")
    bad = _write_query(project, "unordered", text.replace("ORDER BY STR(?label)\n", ""))
    result = serkg_process("validate", "--project", project)
    assert result.returncode == 1
    rules = [line for line in result.stderr.splitlines() if line.startswith("query rule:")]
    assert rules == [
        f"query rule: {bad}: a SELECT needs an ORDER BY (stable answers across engines)"
    ]
    assert "conforms, no violations" in result.stdout  # the data itself is fine


def test_a_project_query_header_error_is_a_usage_error(project: Path) -> None:
    bad = _write_query(project, "headless", "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n")
    result = serkg_process("validate", "--project", project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"serkg: error: {bad}"), result.stderr
    assert "Traceback" not in result.stderr


def test_validate_runs_the_project_shapes(project: Path) -> None:
    (project / "shapes" / "threonine.ttl").write_text(
        "@prefix catshp: <https://example.org/cat/shapes/> .\n"
        "@prefix kg: <https://w3id.org/serkg/id/> .\n"
        "@prefix sk: <https://w3id.org/serkg/vocab/> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "catshp:ThreonineInchiKey a sh:NodeShape ; sh:targetNode kg:l-threonine ;\n"
        "    sh:property [ sh:path sk:inchiKey ; sh:minCount 1 ;\n"
        '        sh:message "the fixture compound needs an InChIKey"@en ] .\n',
        encoding="utf-8",
    )
    result = serkg_process("validate", "--project", project, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(v["focus"], v["path"], v["message"]) for v in report["violations"]] == [
        (THREONINE, SK + "inchiKey", "the fixture compound needs an InChIKey")
    ]


# ---------------------------------------------------------------------- a built project
def _csv(result: Any) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.rstrip("\r") for line in result.output.splitlines()]


def test_build_writes_into_the_project_dist(built_project: Path) -> None:
    assert (built_project / "dist" / "store" / "CURRENT").exists()
    assert (built_project / "dist" / "serkg.ttl").exists()


def test_compound_profile_answers_for_the_project_compound(built_project: Path) -> None:
    result = serkg(
        "query",
        "compound-profile",
        "--param",
        "compound=kg:l-threonine",
        "--format",
        "csv",
        "--project",
        built_project,
    )
    rdfs, skos = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
    assert _csv(result) == [
        "compound,rank,field,value,valueLabel",
        f"{THREONINE},1,{rdfs}label,L-threonine,",
        f"{THREONINE},2,{skos}altLabel,L-Thr,",
        f"{THREONINE},5,{SK}casNumber,72-19-5,",
        f"{THREONINE},6,{SK}molecularFormula,C4H9NO3,",
        f"{THREONINE},11,{SK}molecularWeight,119.12,",
    ]


def test_the_packaged_compounds_stay_in_a_project_that_includes_them(built_project: Path) -> None:
    result = serkg(
        "query",
        "compounds-by-formula",
        "-p",
        "formula=C3H7NO3",
        "--format",
        "csv",
        "--project",
        built_project,
    )
    assert _csv(result)[1:] == [
        "C3H7NO3,https://w3id.org/serkg/id/d-serine,D-serine",
        "C3H7NO3,https://w3id.org/serkg/id/l-serine,L-serine",
    ]


def test_a_project_query_is_listed_and_answers(built_project: Path) -> None:
    listed = json.loads(serkg("queries", "--format", "json", "--project", built_project).output)
    (mine,) = [q for q in listed if q["name"] == "compounds-by-formula"]
    assert mine["example"] == {"formula": "C4H9NO3"}
    result = serkg(
        "query",
        "compounds-by-formula",
        "-p",
        "formula=C4H9NO3",
        "--format",
        "csv",
        "--project",
        built_project,
    )
    assert _csv(result) == ["formula,compound,label", f"C4H9NO3,{THREONINE},L-threonine"]


def test_the_ontology_module_is_part_of_the_graph(built_project: Path) -> None:
    store = EmbeddedStore.open(built_project / "dist" / "store")
    answer = store.query(
        "ASK { <https://example.org/cat/vocab/EssentialAminoAcid> "
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf> ?c }"
    )
    assert answer.boolean is True


def test_views_read_the_project_store(built_project: Path) -> None:
    card = serkg("card", "kg:l-threonine", "--format", "md", "--project", built_project)
    assert card.exit_code == 0, card.output
    assert "L-threonine" in card.output and "72-19-5" in card.output
    stats = serkg("stats", "--format", "json", "--project", built_project)
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.output)["graphs"]


def test_without_a_project_the_packaged_store_is_read(
    built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a project the default store is ./dist/store, as before projects existed."""
    monkeypatch.chdir(tmp_path)
    result = serkg("stats", "--format", "json")
    assert result.exit_code == 2
    assert "dist/store" in result.output


# --------------------------------------------------------------------------- no network
def test_a_build_follows_no_owl_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ontology module and the shapes name http IRIs in owl:imports and sh:shapesGraph:
    the build reads the files from disk and asks the network for nothing."""
    folder = new_project(tmp_path / "cat", "--empty")
    add_threonine(folder)
    shutil.copy(FIXTURES / "amino-acids.ttl", folder / "ontology")
    shutil.copy(FIXTURES / "threonine-shapes.ttl", folder / "shapes")
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("the test forbids network access")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = serkg("build", "--quiet", "--project", folder)
    assert result.exit_code == 0, result.output
    assert attempts == []
    store = ox.Store.read_only(str(folder / "dist" / "store"))
    imports = "http://www.w3.org/2002/07/owl#imports"
    assert {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(imports), None)} == {
        "http://example.invalid/never-fetched/ontology.ttl"
    }


def test_a_project_query_answer_can_be_cited(built_project: Path, tmp_path: Path) -> None:
    record_file = tmp_path / "answer.cite.json"
    result = serkg(
        "query",
        "compounds-by-formula",
        "-p",
        "formula=C4H9NO3",
        "--format",
        "csv",
        "--cite",
        record_file,
        "--project",
        built_project,
    )
    assert result.exit_code == 0, result.output
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert record["wasGeneratedBy"]["query"]["name"] == "compounds-by-formula"
    assert record["rows"] == 1


def test_docs_include_the_project_queries(project: Path) -> None:
    result = serkg("docs", "--project", project)
    assert result.exit_code == 0, result.output
    markdown = (project / "dist" / "docs" / "queries.md").read_text(encoding="utf-8")
    assert (
        "\n### compounds-by-formula\n\nThe compounds with a given molecular formula.\n" in markdown
    )
    assert "\n### compound-profile\n" in markdown


def test_a_card_in_the_project_is_built_and_answers(tmp_path: Path) -> None:
    """A curator's card in cards/ (the fixture of tests/cards) compiles into the project's graph:
    the new compound's profile answers from the project's store."""
    folder = new_project(tmp_path / "cat")
    card = Path(__file__).resolve().parents[1] / "cards" / "fixtures" / "taurine.yaml"
    shutil.copy(card, folder / "cards" / "taurine.yaml")
    built = serkg("build", "--project", folder, "--quiet")
    assert built.exit_code == 0, built.output
    result = serkg(
        "query",
        "compound-profile",
        "--param",
        "compound=kg:taurine",
        "--format",
        "csv",
        "--project",
        folder,
    )
    rows = _csv(result)
    taurine = "https://w3id.org/serkg/id/taurine"
    assert f"{taurine},1,http://www.w3.org/2000/01/rdf-schema#label,taurine," in rows
    assert f"{taurine},5,{SK}casNumber,107-35-7," in rows
