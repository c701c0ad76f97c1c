"""serkg.releases.citation: a named-query answer cited, then verified against a store."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import resources
from serkg.prefixes import METADATA_GRAPH
from serkg.querylib import load_query
from serkg.releases import citation
from serkg.releases.citation import CitationError
from serkg.results import QueryAnswer
from serkg.store import EmbeddedStore

SK = "https://w3id.org/serkg/vocab/"
TRIAL = ox.NamedNode("https://w3id.org/serkg/id/NCT03062449")
WHEN = dt.datetime(2026, 12, 7, 1, 2, 3, tzinfo=dt.UTC)


@pytest.fixture
def store(built_dist: Path) -> EmbeddedStore:
    """A writable copy of the built graphs (both named graphs and the metadata) in memory."""
    inner = ox.Store()
    inner.load(path=str(built_dist / "serkg.trig"), format=ox.RdfFormat.TRIG)
    inner.load(
        path=str(built_dist / "void.ttl"),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(METADATA_GRAPH),
    )
    return EmbeddedStore(inner, "memory copy of the build")


def cite_terminated(store: EmbeddedStore, path: Path) -> dict[str, object]:
    query = load_query("trials-by-status")
    bindings = query.bind({"status": "Terminated"})
    answer = store.query(query.text, bindings)
    record = citation.cite_on(store, "trials-by-status", bindings, answer, now=WHEN)
    citation.write_record(path, record)
    return record


def test_the_record_pins_release_query_parameters_and_answer(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    import serkg

    record = cite_terminated(store, tmp_path / "answer.cite.json")
    on_disk = json.loads((tmp_path / "answer.cite.json").read_text(encoding="utf-8"))
    assert on_disk == record
    text = (resources.queries_dir() / "trials-by-status.rq").read_text(encoding="utf-8")
    assert record["release"] == f"https://w3id.org/serkg/releases/{serkg.__version__}"
    assert record["generatedAtTime"] == "2026-12-07T01:02:03Z"
    assert record["wasGeneratedBy"] == {
        "@type": "prov:Activity",
        "atLocation": "embedded store memory copy of the build",
        "query": {
            "@id": "https://w3id.org/serkg/queries/trials-by-status",
            "name": "trials-by-status",
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
        "parameters": [
            {"@type": "schema:PropertyValue", "name": name, "value": value}
            for name, value in [("condition", '""'), ("phase", '"any"'), ("status", '"Terminated"')]
        ],
    }
    lines = record["answer"]
    assert isinstance(lines, list)
    assert lines[0] == (
        "?status\t?phase\t?condition\t?trial\t?registryId\t?trialPhase\t?overallStatus\t?disease"
        "\t?diseaseLabel\t?enrollment\t?startDate"
    )
    assert lines[1:] == sorted(lines[1:])
    assert record["rows"] == len(lines) - 1 > 0
    assert any("<https://w3id.org/serkg/id/NCT03062449>" in line for line in lines)
    assert record["sha256"] == hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()


def test_the_canonical_form_does_not_depend_on_row_order(store: EmbeddedStore) -> None:
    query = load_query("trials-by-status")
    answer = store.query(query.text, query.bind({"status": "Terminated"}))
    reordered = QueryAnswer("select", variables=answer.variables, rows=answer.rows[::-1])
    assert len(set(answer.rows)) > 1
    assert citation.canonical_lines(answer) == citation.canonical_lines(reordered)


def test_verify_says_same_answer_on_the_same_data(store: EmbeddedStore, tmp_path: Path) -> None:
    cite_terminated(store, tmp_path / "c.json")
    cited = citation.read_record(tmp_path / "c.json")
    result = citation.verify(cited, store)
    assert result == citation.Verification("same answer")
    assert citation.describe(result, cited).startswith(
        "same answer: trials-by-status as cited from "
    )


def test_verify_names_the_rows_that_differ_after_one_fact_changes(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    record = cite_terminated(store, tmp_path / "c.json")
    gone = [line for line in record["answer"] if "<https://w3id.org/serkg/id/NCT03062449>" in line]  # type: ignore[attr-defined]
    status = ox.NamedNode(SK + "overallStatus")
    for quad in list(store.oxigraph.quads_for_pattern(TRIAL, status, None, None)):
        store.oxigraph.remove(quad)
        store.oxigraph.add(ox.Quad(TRIAL, status, ox.NamedNode(SK + "Suspended"), quad.graph_name))
    result = citation.verify(citation.read_record(tmp_path / "c.json"), store)
    assert result.verdict == "different answer"
    assert result.cited_only == tuple(sorted(gone)) and gone
    assert result.current_only == ()


def test_verify_says_different_query_text_when_the_query_file_changed(
    store: EmbeddedStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cite_terminated(store, tmp_path / "c.json")
    queries = tmp_path / "queries"
    shutil.copytree(resources.queries_dir(), queries)
    edited = queries / "trials-by-status.rq"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "# a comment added later\n", encoding="utf-8"
    )
    monkeypatch.setattr(resources, "queries_dir", lambda: queries)
    result = citation.verify(citation.read_record(tmp_path / "c.json"), store)
    assert result == citation.Verification("different query text")


def test_a_damaged_record_is_named_with_its_field(store: EmbeddedStore, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    record = cite_terminated(store, path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CitationError, match=r"c.json: not a JSON citation record"):
        citation.read_record(path)
    broken = dict(record, release=None)
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CitationError, match=r"c.json: field 'release' is missing or not a str"):
        citation.read_record(path)
    edited = dict(record, answer=[*record["answer"][:-1]])  # type: ignore[misc]
    path.write_text(json.dumps(edited), encoding="utf-8")
    with pytest.raises(
        CitationError, match=r"field 'answer' does not hash to the record's 'sha256'"
    ):
        citation.read_record(path)
    with pytest.raises(CitationError, match=r"missing.json: cannot read"):
        citation.read_record(tmp_path / "missing.json")
