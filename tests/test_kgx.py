"""The KGX export of the real built graph: kgx validates it against the pinned Biolink Model, its
counts match the graph counted here with SPARQL of our own, ten edges match rows written out by
hand, and bad output paths are refused with nothing written."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from serkg.kgx import (
    EDGE_COLUMNS,
    NODE_COLUMNS,
    KgxError,
    kgx_graph,
    load_biolink_mapping,
)
from serkg.store import EmbeddedStore
from tests.conftest import REPO, services_required

KGX_PYTHON = REPO / ".venv-kgx" / "bin" / "python"
VALIDATE = REPO / "tests" / "kgx_validate.py"
KG = "https://w3id.org/serkg/id/"


def _serkg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def exported(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real CLI's two KGX forms of the built graph, by form."""
    out = tmp_path_factory.mktemp("kgx")
    folders = {}
    for fmt in ("kgx", "kgx-jsonl"):
        folder = out / fmt
        done = _serkg(
            "export", "--format", fmt, "--out", str(folder), "--store", str(built_dist / "store")
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == f"wrote 76 nodes and 12 edges to {folder}\n"
        folders[fmt] = folder
    return folders


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _kgx_validate(fmt: str, files: list[Path], *prefixes: str) -> dict[str, Any]:
    """kgx's errors for FILES (tests/kgx_validate.py, in .venv-kgx, offline)."""
    if not KGX_PYTHON.exists():
        message = f"kgx not found at {KGX_PYTHON} (validates the KGX export); run `make kgx`"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    args = [str(KGX_PYTHON), str(VALIDATE), "--format", fmt]
    args += [f"--prefix={p}" for p in prefixes]
    done = subprocess.run([*args, *map(str, files)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["biolink_model_version"] == load_biolink_mapping().biolink_model_version
    return report


# ---- kgx validate ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "suffix"), [("kgx", "tsv"), ("kgx-jsonl", "jsonl")])
def test_kgx_validate_reports_no_errors(exported: dict[str, Path], fmt: str, suffix: str) -> None:
    files = [exported[fmt] / f"nodes.{suffix}", exported[fmt] / f"edges.{suffix}"]
    assert _kgx_validate(suffix, files, f"kg={KG}")["errors"] == {}


@pytest.mark.slow
def test_without_our_prefix_the_only_errors_are_the_kg_ids(exported: dict[str, Path]) -> None:
    """Biolink's prefix map knows no kg:; the entities with no standard identifier keep theirs."""
    folder = exported["kgx"]
    errors = _kgx_validate("tsv", [folder / "nodes.tsv", folder / "edges.tsv"])["errors"]
    assert set(errors) == {"ERROR"}
    assert set(errors["ERROR"]) == {"INVALID_NODE_PROPERTY_VALUE", "INVALID_EDGE_PROPERTY_VALUE"}
    flagged = {e for msgs in errors["ERROR"].values() for ids in msgs.values() for e in ids}
    own = {row["id"] for row in _tsv(folder / "nodes.tsv") if row["id"].startswith("kg:")}
    assert {e for e in flagged if "->" not in e} == own
    edge_ends = {
        e.split("->")[1] for e in flagged if "->" in e
    }  # every flagged edge points at one of them
    assert edge_ends and edge_ends <= own
    assert all("CURIE prefix 'kg'" in m for msgs in errors["ERROR"].values() for m in msgs)


@pytest.mark.slow
def test_kgx_validate_catches_a_wrong_category_and_predicate(
    exported: dict[str, Path], tmp_path: Path
) -> None:
    """The validator is live: a category and a predicate Biolink does not have are errors."""
    folder = exported["kgx"]
    nodes = (folder / "nodes.tsv").read_text(encoding="utf-8")
    edges = (folder / "edges.tsv").read_text(encoding="utf-8")
    (tmp_path / "nodes.tsv").write_text(nodes.replace("biolink:Gene\t", "biolink:Gen\t"))
    (tmp_path / "edges.tsv").write_text(edges.replace("biolink:affects\t", "biolink:affect\t"))
    errors = _kgx_validate("tsv", [tmp_path / "nodes.tsv", tmp_path / "edges.tsv"], f"kg={KG}")
    assert set(errors["errors"]["ERROR"]) == {"INVALID_CATEGORY", "INVALID_EDGE_PREDICATE"}


# ---- the pinned Biolink Model ------------------------------------------------------------------


def _biolink_schema() -> dict[str, Any]:
    import biolink_model

    root = Path(next(iter(biolink_model.__path__)))
    schema: dict[str, Any] = yaml.safe_load((root / "schema" / "biolink_model.yaml").read_text())
    return schema


def _biolink_name(curie: str) -> str:
    """``biolink:SmallMolecule`` -> ``small molecule``; ``biolink:in_clinical_trials_for`` ->
    ``in clinical trials for`` (the model's YAML names)."""
    local = curie.removeprefix("biolink:")
    if "_" in local or local.islower():
        return local.replace("_", " ")
    words, word = [], ""
    for char in local:
        if char.isupper() and word and not word[-1].isupper():
            words.append(word)
            word = ""
        word += char
    return " ".join([*words, word]).lower()


def _ancestors(schema: dict[str, Any], kind: str, name: str) -> list[str]:
    chain = [name]
    while (parent := schema[kind][chain[-1]].get("is_a")) is not None:
        chain.append(parent)
    return chain


def test_every_biolink_term_we_write_is_in_the_pinned_model(exported: dict[str, Path]) -> None:
    schema = _biolink_schema()
    mapping = load_biolink_mapping()
    assert schema["version"] == mapping.biolink_model_version
    nodes, edges = _tsv(exported["kgx"] / "nodes.tsv"), _tsv(exported["kgx"] / "edges.tsv")
    for category in {row["category"] for row in nodes}:
        assert "named thing" in _ancestors(schema, "classes", _biolink_name(category)), category
    for predicate in {row["predicate"] for row in edges}:
        assert "related to" in _ancestors(schema, "slots", _biolink_name(predicate)), predicate
    enums = schema["enums"]
    values = {
        "knowledge_level": "KnowledgeLevelEnum",
        "agent_type": "AgentTypeEnum",
        "max_research_phase": "ResearchPhaseEnum",
    }
    for column, enum in values.items():
        used = {row[column] for row in edges if row[column]}
        assert used and used <= set(enums[enum]["permissible_values"]), column
    for column, enum in (
        ("clinical_trial_phase", "ResearchPhaseEnum"),
        ("clinical_trial_overall_status", "ClinicalTrialStatusEnum"),
    ):
        used = {row[column] for row in nodes if row[column]}
        assert used and used <= set(enums[enum]["permissible_values"]), column
    # every table entry, not only those the data uses today
    assert set(mapping.research_phases.values()) <= set(
        enums["ResearchPhaseEnum"]["permissible_values"]
    )
    assert set(mapping.trial_statuses.values()) <= set(
        enums["ClinicalTrialStatusEnum"]["permissible_values"]
    )
    slots = set(schema["slots"])
    for column in (*NODE_COLUMNS, *EDGE_COLUMNS):
        if not column.startswith("serkg_") and column not in {"id", "category"}:
            assert column.replace("_", " ") in slots, column


# ---- counts, by SPARQL of our own --------------------------------------------------------------

_PREFIXES = """
PREFIX sk: <https://w3id.org/serkg/vocab/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _count(store: EmbeddedStore, where: str) -> int:
    answer = store.query(
        _PREFIXES
        + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/serkg/graph/asserted> {"
        + where
        + "} }"
    )
    return int(answer.rows[0][0].value)  # type: ignore[union-attr]


def test_every_entity_and_relation_is_a_node_or_an_edge(
    exported: dict[str, Path], built_store: EmbeddedStore
) -> None:
    nodes, edges = _tsv(exported["kgx"] / "nodes.tsv"), _tsv(exported["kgx"] / "edges.tsv")
    by_category: dict[str, int] = {}
    for row in nodes:
        by_category[row["category"]] = by_category.get(row["category"], 0) + 1

    def instances(cls: str) -> int:
        return _count(built_store, f"SELECT DISTINCT ?x WHERE {{ ?x a sk:{cls} }}")

    assert by_category == {
        "biolink:SmallMolecule": instances("ChemicalCompound"),
        "biolink:Disease": instances("Disease"),
        "biolink:Protein": instances("Protein"),  # asserted: a complex is not also a Protein
        "biolink:MacromolecularComplex": instances("ProteinComplex"),
        "biolink:Gene": instances("Gene"),
        "biolink:BiologicalProcess": instances("BiologicalProcess"),
        "biolink:ClinicalTrial": instances("ClinicalTrial"),
        "biolink:PhenotypicFeature": instances("Phenotype"),
    }
    assert len(nodes) == len({row["id"] for row in nodes}) == 76
    by_predicate: dict[str, int] = {}
    for row in edges:
        by_predicate[row["predicate"]] = by_predicate.get(row["predicate"], 0) + 1
    assert by_predicate == {
        "biolink:affects": _count(built_store, "?c sk:hasMechanism ?m . ?m sk:hasTarget ?t"),
        "biolink:in_clinical_trials_for": _count(
            built_store, "?t sk:studiesCondition ?d ; sk:intervention ?c"
        ),
        "biolink:has_adverse_event": _count(
            built_store, "?c sk:hasAdverseEffect ?e . ?e sk:phenotype ?p"
        ),
    }
    assert len(edges) == len({row["id"] for row in edges}) == 12
    ids = {row["id"] for row in nodes}
    assert all(row["subject"] in ids and row["object"] in ids for row in edges)


def test_the_two_forms_hold_the_same_graph(exported: dict[str, Path]) -> None:
    for name, columns in (("nodes", NODE_COLUMNS), ("edges", EDGE_COLUMNS)):
        tsv = _tsv(exported["kgx"] / f"{name}.tsv")
        jsonl = _jsonl(exported["kgx-jsonl"] / f"{name}.jsonl")
        as_tsv = [
            {c: "|".join(v) if isinstance(v, list) else v for c, v in row.items()} for row in jsonl
        ]
        assert as_tsv == [{c: v for c, v in row.items() if v} for row in tsv]
        assert list(tsv[0]) == list(columns)
    metadata = json.loads((exported["kgx"] / "kgx-metadata.json").read_text(encoding="utf-8"))
    assert metadata["biolink_model_version"] == "4.4.6"
    assert (metadata["node_count"], metadata["edge_count"]) == (76, 12)
    assert (exported["kgx-jsonl"] / "kgx-metadata.json").read_bytes() == (
        exported["kgx"] / "kgx-metadata.json"
    ).read_bytes()


# ---- rows by hand ------------------------------------------------------------------------------

_SLOTS = {
    "knowledge_level": "knowledge_assertion",
    "agent_type": "manual_agent",
    "primary_knowledge_source": "infores:serkg",
}
_MONOGRAPH = "kgsrc:l-serine-monograph"
_MECHANISM_LEVELS = "sk:AnimalModelEvidence|sk:CellCultureEvidence"
_SAFETY_LEVELS = "sk:ExpertSummaryEvidence|sk:UncontrolledPhase1Evidence"
_TRIAL_LEVELS = "sk:CuratedDatabaseEvidence|sk:ExpertSummaryEvidence"


def _edge(
    subject: str, predicate: str, obj: str, original: str, context: str, sources: str,
    levels: str, studies: str = "", phase: str = "",
) -> dict[str, str]:  # fmt: skip
    return {
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        **_SLOTS,
        "original_predicate": original,
        "publications": "",
        "has_supporting_studies": studies,
        "max_research_phase": phase,
        "serkg_context": context,
        "serkg_sources": sources,
        "serkg_evidence_level": levels,
    }


TEN_EDGES = [
    _edge("CHEBI:17115", "biolink:affects", "UniProtKB:P07858", "sk:targets",
          "kg:mechanism-l-serine-cathepsin-activation", _MONOGRAPH, _MECHANISM_LEVELS),
    _edge("CHEBI:17115", "biolink:affects", "UniProtKB:P07711", "sk:targets",
          "kg:mechanism-l-serine-cathepsin-activation", _MONOGRAPH, _MECHANISM_LEVELS),
    _edge("CHEBI:17115", "biolink:affects", "kg:nmda-receptor", "sk:targets",
          "kg:mechanism-l-serine-d-serine-precursor", _MONOGRAPH, _MECHANISM_LEVELS),
    _edge("CHEBI:17115", "biolink:affects", "kg:protein-pparg", "sk:targets",
          "kg:mechanism-l-serine-pparg-upregulation", _MONOGRAPH, _MECHANISM_LEVELS),
    _edge("CHEBI:16523", "biolink:affects", "kg:nmda-receptor", "sk:targets",
          "kg:mechanism-d-serine-nmda-coagonism", _MONOGRAPH, "sk:ExpertSummaryEvidence"),
    _edge("CHEBI:17115", "biolink:has_adverse_event", "HP:0002018", "sk:hasAdverseEffect",
          "kg:adverse-effect-l-serine-nausea", _MONOGRAPH, _SAFETY_LEVELS,
          studies="CLINICALTRIALS:NCT01835782"),
    _edge("CHEBI:17115", "biolink:has_adverse_event", "HP:0002014", "sk:hasAdverseEffect",
          "kg:adverse-effect-l-serine-diarrhoea", _MONOGRAPH, _SAFETY_LEVELS,
          studies="CLINICALTRIALS:NCT01835782"),
    _edge("CHEBI:17115", "biolink:in_clinical_trials_for", "MONDO:0004976",
          "sk:studiesCondition", "kg:NCT03580616",
          f"{_MONOGRAPH}|kgsrc:nct03580616-record", _TRIAL_LEVELS,
          studies="CLINICALTRIALS:NCT03580616", phase="clinical_trial_phase_2"),
    _edge("CHEBI:17115", "biolink:in_clinical_trials_for", "MONDO:0004975",
          "sk:studiesCondition", "kg:NCT03062449",
          f"{_MONOGRAPH}|kgsrc:nct03062449-record-2018", _TRIAL_LEVELS,
          studies="CLINICALTRIALS:NCT03062449", phase="clinical_trial_phase_2"),
    _edge("CHEBI:17115", "biolink:in_clinical_trials_for", "kg:grin-related-encephalopathy",
          "sk:studiesCondition", "kg:NCT04646447",
          f"{_MONOGRAPH}|kgsrc:nct04646447-mirror-2020",
          "sk:ExpertSummaryEvidence|sk:SecondaryMappingEvidence",
          studies="CLINICALTRIALS:NCT04646447", phase="clinical_trial_phase"),
]  # fmt: skip


def test_ten_edges_against_the_graph(exported: dict[str, Path]) -> None:
    """Each row as read from the data files by hand: the edge's n-ary node (context), the
    sources and evidence levels of the claim bundles that state it."""
    rows = _tsv(exported["kgx"] / "edges.tsv")
    by_context = {(row["serkg_context"], row["object"]): row for row in rows}
    assert len(by_context) == len(rows)
    for expected in TEN_EDGES:
        row = dict(by_context[(expected["serkg_context"], expected["object"])])
        assert row.pop("id").startswith("urn:uuid:")
        assert row == expected


def test_the_export_is_deterministic(built_store: EmbeddedStore) -> None:
    assert kgx_graph(built_store.oxigraph) == kgx_graph(built_store.oxigraph)


def test_hand_picked_nodes(exported: dict[str, Path]) -> None:
    nodes = {row["id"]: row for row in _tsv(exported["kgx"] / "nodes.tsv")}
    trial = nodes["CLINICALTRIALS:NCT03580616"]
    assert trial["category"] == "biolink:ClinicalTrial"
    assert (trial["clinical_trial_phase"], trial["clinical_trial_overall_status"]) == (
        "clinical_trial_phase_2",
        "TERMINATED",
    )
    assert trial["xref"] == "kg:NCT03580616"
    serine = nodes["CHEBI:17115"]
    assert (serine["category"], serine["name"], serine["provided_by"]) == (
        "biolink:SmallMolecule",
        "L-serine",
        "infores:serkg",
    )
    assert "kg:l-serine" in serine["xref"].split("|")
    assert "PUBCHEM.COMPOUND:5951" in serine["xref"].split("|")
    assert nodes["GO:0006914"]["category"] == "biolink:BiologicalProcess"
    assert nodes["GO:0006914"]["xref"] == ""
    assert nodes["kg:nmda-receptor"]["category"] == "biolink:MacromolecularComplex"
    assert nodes["HP:0002018"]["category"] == "biolink:PhenotypicFeature"


# ---- refusals ----------------------------------------------------------------------------------


def test_bad_out_is_refused_and_nothing_is_written(built_dist: Path, tmp_path: Path) -> None:
    store = str(built_dist / "store")
    existing = tmp_path / "edges.tsv"
    existing.write_text("mine\n")
    done = _serkg("export", "--format", "kgx", "--out", str(existing), "--store", store)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"serkg: error: {existing} exists and is not an empty folder; name a new folder for the "
        "KGX export\n"
    )
    assert existing.read_text() == "mine\n"
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("keep\n")
    done = _serkg("export", "--format", "kgx", "--out", str(full), "--store", store)
    assert done.returncode == 2  # click's --out takes no existing folder: said by click
    assert f"Invalid value for '--out': File '{full}' is a directory." in done.stderr
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    done = _serkg("export", "--format", "kgx-jsonl", "--store", store)
    assert done.returncode == 2
    assert done.stderr == (
        "serkg: error: --format kgx-jsonl writes a nodes file and an edges file: pass --out DIR "
        "(a new folder)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.tsv", "full"]


def test_an_edge_end_without_a_category_is_an_error(built_store: EmbeddedStore) -> None:
    mapping = load_biolink_mapping()
    without_phenotypes = type(mapping)(
        **{
            **mapping.__dict__,
            "categories": [c for c in mapping.categories if not c[0].endswith("/Phenotype")],
        }
    )
    with pytest.raises(KgxError, match=r"HP:0002014 is an end of a biolink:has_adverse_event"):
        kgx_graph(built_store.oxigraph, without_phenotypes)


def test_a_broken_mapping_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "biolink.json"
    broken.write_text('{\n  "categories": [\n')
    with pytest.raises(KgxError, match=rf"^{broken}:3: not JSON"):
        load_biolink_mapping(broken)
    broken.write_text('{"categories": []}')
    with pytest.raises(KgxError, match=r"'edges' \(see docs/exports.md\)"):
        load_biolink_mapping(broken)
