"""`serkg load` on Virtuoso 7.2: temporary graphs, then one MOVE; a failed swap leaves the
target graphs as they were (issue 21). Virtuoso runs on loopback, started by the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from serkg import remote
from serkg.store import EndpointStore
from tests.conftest import require_tool
from tests.virtuoso_fixture import PASSWORD, USER, Virtuoso, start_virtuoso

BASE = "http://example.org/move-test/"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    require_tool("virtuoso-t", "the production triple store tests")
    require_tool("isql-vt", "stopping Virtuoso cleanly")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-move"))
    try:
        yield server
    finally:
        server.stop()


def write_dist(folder: Path, n: int) -> Path:
    folder.mkdir()
    (folder / "serkg.nt").write_text(
        "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(n))
    )
    (folder / "serkg-inferred.ttl").write_text(
        "<http://example.org/s0> a <http://example.org/Thing> .\n"
    )
    return folder


def graphs_and_sizes(server: Virtuoso) -> dict[str, int]:
    answer = EndpointStore(server.sparql_url, default_graphs=[], timeout=30).query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{BASE}")) }} GROUP BY ?g'
    )
    return {row[0].value: int(row[1].value) for row in answer.rows}  # type: ignore[union-attr]


def load(server: Virtuoso, dist: Path, update_endpoint: str | None = None) -> remote.LoadSummary:
    return remote.load_to_endpoint(
        server.base_url,
        dist / "serkg.nt",
        dist / "serkg-inferred.ttl",
        graph_base=BASE,
        user=USER,
        password=PASSWORD,
        timeout=60,
        update_endpoint=update_endpoint,
    )


@pytest.mark.virtuoso
def test_load_moves_the_temporary_graphs_into_place(virtuoso: Virtuoso, tmp_path: Path) -> None:
    load(virtuoso, write_dist(tmp_path / "first", 30))
    load(virtuoso, write_dist(tmp_path / "second", 20))  # replaces, leaves no temporary graph
    assert graphs_and_sizes(virtuoso) == {BASE + "asserted": 20, BASE + "inferred": 1}


@pytest.mark.virtuoso
def test_a_failed_swap_leaves_the_target_graphs_as_they_were(
    virtuoso: Virtuoso, tmp_path: Path
) -> None:
    load(virtuoso, write_dist(tmp_path / "first", 30))
    nowhere = virtuoso.base_url + "/no-such-update-endpoint"
    with pytest.raises(remote.RemoteStoreError, match="answered HTTP 404") as caught:
        load(virtuoso, write_dist(tmp_path / "second", 20), update_endpoint=nowhere)
    assert "the new data is in" in str(caught.value)
    sizes = graphs_and_sizes(virtuoso)
    assert (sizes.pop(BASE + "asserted"), sizes.pop(BASE + "inferred")) == (30, 1)
    # what is left is said in the message: the two temporary graphs with the new data
    assert sorted(sizes.values()) == [1, 20]
    assert all(f"<{graph}>" in str(caught.value) for graph in sizes)
