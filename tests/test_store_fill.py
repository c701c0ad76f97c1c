"""serkg.store_fill: a helper process fills a store with exactly the triples it is handed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg.store_checksums import CHECKSUM_FILE, checksum_problem
from serkg.store_fill import StoreFill, StoreFillError, _fill, _raise_if_failed

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/"
GRAPH_A, GRAPH_B = f"{EX}graph/a", f"{EX}graph/b"
SHARED = ox.BlankNode("b7n0")  # a label the build chose (serkg.loading.stable_blank_nodes)


def _triples_a() -> list[ox.Triple]:
    s, p = ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p")
    return [
        ox.Triple(s, p, ox.Literal("ends like a line .\nthen more", language="en")),
        ox.Triple(s, p, ox.Literal(' quoted " .\r\n')),
        ox.Triple(s, p, ox.Literal("12", datatype=ox.NamedNode(f"{XSD}integer"))),
        ox.Triple(s, p, ox.Literal("2013-01", datatype=ox.NamedNode(f"{XSD}gYearMonth"))),
        ox.Triple(s, ox.NamedNode(f"{EX}q"), SHARED),
        ox.Triple(SHARED, p, ox.NamedNode(f"{EX}o?x=1&y=%3E#frag")),
    ]


def _triples_b() -> list[ox.Triple]:
    return [ox.Triple(SHARED, ox.NamedNode(f"{EX}r"), ox.Literal("ünïcode ✓"))]


def _quads(triples: list[ox.Triple], graph: str) -> set[ox.Quad]:
    name = ox.NamedNode(graph)
    return {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}


def test_the_store_holds_exactly_the_triples_handed_over_blank_node_labels_included(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    fill = StoreFill(folder)
    fill.add(GRAPH_A, _triples_a())
    fill.add(GRAPH_B, _triples_b())
    fill.add(f"{EX}graph/empty", [])
    fill.finish()

    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # the spool folder is gone
    assert (folder / CHECKSUM_FILE).is_file()
    assert checksum_problem(folder) is None
    store = ox.Store.read_only(str(folder))
    assert set(store) == _quads(_triples_a(), GRAPH_A) | _quads(_triples_b(), GRAPH_B)


def test_a_niceness_runs_the_helper_at_a_lower_priority(tmp_path: Path) -> None:
    fill = StoreFill(tmp_path / "store", niceness=5)
    fill.add(GRAPH_A, _triples_a())
    fill.finish()
    assert set(ox.Store.read_only(str(tmp_path / "store"))) == _quads(_triples_a(), GRAPH_A)


def test_an_input_that_ends_before_the_closing_message_leaves_no_checksums(
    tmp_path: Path,
) -> None:
    def handed_over(name: str) -> bytes:
        spooled = tmp_path / f"{name}.nt"
        ox.serialize(_triples_a(), output=str(spooled), format=ox.RdfFormat.N_TRIPLES)
        return json.dumps({"graph": GRAPH_A, "file": str(spooled)}).encode() + b"\n"

    for name, messages in (
        ("after-a-graph", handed_over("after-a-graph")),
        ("inside-a-message", handed_over("inside-a-message")[:-5]),
    ):
        folder = tmp_path / name
        assert _fill(folder, io.BytesIO(messages)) is False
        assert not (folder / CHECKSUM_FILE).exists()
    folder = tmp_path / "complete"
    assert _fill(folder, io.BytesIO(handed_over("complete") + b'{"end": true}\n')) is True
    assert checksum_problem(folder) is None
    assert set(ox.Store.read_only(str(folder))) == _quads(_triples_a(), GRAPH_A)
    assert not (tmp_path / "complete.nt").exists()  # the helper deletes what it loaded


def test_a_store_that_cannot_be_created_is_an_oserror_with_the_helpers_message(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    fill = StoreFill(blocker / "store")
    with pytest.raises(OSError, match="Not a directory"):
        fill.add(GRAPH_A, _triples_a())
        fill.finish()
    fill.close()  # harmless after the failure


def test_the_helpers_answer_keeps_an_oserrors_errno() -> None:
    answer = b'{"errno": 28, "message": "No space left on device", "filename": "/full/x.sst"}\n'
    with pytest.raises(OSError) as raised:
        _raise_if_failed(answer, b"", 1)
    assert (raised.value.errno, raised.value.strerror) == (28, "No space left on device")
    assert raised.value.filename == "/full/x.sst"


def test_a_helper_that_dies_without_answering_is_named_with_its_last_words() -> None:
    with pytest.raises(StoreFillError) as raised:
        _raise_if_failed(b"", b"Traceback (most recent call last):\nMemoryError\n", 1)
    assert str(raised.value) == "the store helper died (exit code 1): MemoryError"
    with pytest.raises(StoreFillError) as raised:
        _raise_if_failed(b'{"error": "SyntaxError: bad line"}\n', b"", 1)
    assert str(raised.value) == "the store could not be filled: SyntaxError: bad line"


def test_a_closed_helper_takes_nothing_more(tmp_path: Path) -> None:
    fill = StoreFill(tmp_path / "store")
    fill.add(GRAPH_A, _triples_a())
    fill.close()
    assert not (tmp_path / "store" / CHECKSUM_FILE).exists()
    assert not fill.spool.exists()
    with pytest.raises(StoreFillError, match="already complete or abandoned"):
        fill.add(GRAPH_B, _triples_b())
