"""The answer cache of ``serkg serve`` (serkg.web.answer_cache), through the real application.

Each test runs the FastAPI app in process (Starlette's TestClient runs its lifespan, so the
query workers are real processes on a real store) on a store of a few triples written here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from serkg.prefixes import KG, SK
from serkg.web.app import create_app
from serkg.web.config import DEFAULT_CACHE_MB, ServerConfig
from tests.reliability.test_http_clients import publish, write_store

pytestmark = pytest.mark.server

ASSERTED = ox.NamedNode("https://w3id.org/serkg/graph/asserted")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
FORMULA = ox.NamedNode(SK + "molecularFormula")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABELS = {"urn:x:a": "serine", "urn:x:b": "L-serine", "urn:x:c": "alanine"}
SEARCH = "/api/queries/label-search"
COMPARE = "/api/queries/compound-comparison"
JSON = "application/sparql-results+json"
ASK = "ASK {{ <urn:x:{}> ?p ?o }}"  # ten of these differ in one character, not in length


def write_tiny_store(folder: Path) -> Path:
    """A store with three labels and two compounds with their formulas, in the asserted graph."""
    store = ox.Store(str(folder))
    for entity, label in LABELS.items():
        store.add(ox.Quad(ox.NamedNode(entity), LABEL, ox.Literal(label), ASSERTED))
    for local in ("l-serine", "d-serine"):
        compound = ox.NamedNode(KG + local)
        store.add(ox.Quad(compound, TYPE, ox.NamedNode(SK + "ChemicalCompound"), ASSERTED))
        store.add(ox.Quad(compound, FORMULA, ox.Literal("C3H7NO3"), ASSERTED))
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_store(tmp_path_factory.mktemp("cache") / "store")


@contextmanager
def running(store: Path, **options: Any) -> Iterator[TestClient]:
    """The app on STORE with one query worker and OPTIONS (ServerConfig fields)."""
    config = ServerConfig(store_path=store, workers=1, **options)
    with TestClient(create_app(config)) as client:
        yield client


@pytest.fixture(scope="module")
def client(tiny_store: Path) -> Iterator[TestClient]:
    """The app with the default cache (64 MiB)."""
    with running(tiny_store) as app:
        yield app


def entities(body: bytes) -> list[str]:
    return [row["entity"]["value"] for row in json.loads(body)["results"]["bindings"]]


def cache_state(response: Any) -> str | None:
    value: str | None = response.headers.get("x-serkg-cache")
    return value


# ---- hits and misses
def test_a_repeated_named_query_is_a_hit_with_the_same_bytes(client: TestClient) -> None:
    first = client.get(SEARCH, params={"text": "serine"})
    second = client.get(SEARCH, params={"text": "serine"})
    assert (first.status_code, cache_state(first)) == (200, "miss")
    assert (second.status_code, cache_state(second)) == (200, "hit")
    assert entities(first.content) == ["urn:x:a", "urn:x:b"]
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"] == JSON
    assert second.headers["vary"] == "Accept"


def test_parameters_in_another_order_are_the_same_request(client: TestClient) -> None:
    first = client.get(COMPARE + "?compound=kg:l-serine&other=kg:d-serine&format=csv")
    again = client.get(COMPARE + "?format=csv&other=kg:d-serine&compound=kg:l-serine")
    swapped = client.get(COMPARE + "?compound=kg:d-serine&other=kg:l-serine&format=csv")
    assert [cache_state(r) for r in (first, again, swapped)] == ["miss", "hit", "miss"]
    assert again.content == first.content
    assert first.text.splitlines()[1].startswith(f"{KG}l-serine,{KG}d-serine,1,")
    assert swapped.text.splitlines()[1].startswith(f"{KG}d-serine,{KG}l-serine,1,")


def test_other_parameters_formats_and_accept_are_other_answers(client: TestClient) -> None:
    base = client.get(SEARCH, params={"text": "alanine"})
    other_text = client.get(SEARCH, params={"text": "L-ser"})
    as_csv = client.get(SEARCH, params={"text": "alanine"}, headers={"Accept": "text/csv"})
    as_tsv = client.get(SEARCH, params={"text": "alanine", "format": "tsv"})
    answers = [base, other_text, as_csv, as_tsv]
    assert [cache_state(r) for r in answers] == ["miss"] * 4
    assert len({r.content for r in answers}) == 4
    assert entities(base.content) == ["urn:x:c"]
    assert entities(other_text.content) == ["urn:x:b"]
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.text.splitlines()[0] == "text,exact,entity,matched,labelKind,label"
    assert as_tsv.headers["content-type"] == "text/tab-separated-values; charset=utf-8"


def test_the_key_holds_the_negotiated_format_not_the_accept_text(client: TestClient) -> None:
    """Two Accept headers that choose the same formats share one answer."""
    first = client.get(SEARCH, params={"text": "ala"}, headers={"Accept": "text/csv"})
    second = client.get(
        SEARCH, params={"text": "ala"}, headers={"Accept": "text/csv;q=0.9, image/png;q=0.5"}
    )
    assert [cache_state(first), cache_state(second)] == ["miss", "hit"]
    assert second.content == first.content
    assert second.headers["content-type"] == "text/csv; charset=utf-8"


def test_sparql_get_and_post_share_one_answer(client: TestClient) -> None:
    """GET, a POSTed form and a POSTed query are the same query job, so the same entry."""
    query = f"SELECT ?l WHERE {{ <urn:x:a> <{LABEL.value}> ?l }}"
    got = client.get("/sparql", params={"query": query})
    form = client.post("/sparql", data={"query": query})
    direct = client.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert [cache_state(r) for r in (got, form, direct)] == ["miss", "hit", "hit"]
    assert form.content == direct.content == got.content
    assert json.loads(got.content)["results"]["bindings"] == [
        {"l": {"type": "literal", "value": "serine"}}
    ]


def test_sparql_dataset_parameters_are_part_of_the_key(client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    everything = client.get("/sparql", params={"query": query, "format": "csv"})
    named = client.get(
        "/sparql",
        params={"query": query, "format": "csv", "default-graph-uri": "urn:x:no-such-graph"},
    )
    assert [cache_state(everything), cache_state(named)] == ["miss", "miss"]
    assert everything.text.splitlines() == ["n", "7"]
    assert named.text.splitlines() == ["n", "0"]
    again = client.get(
        "/sparql",
        params={"query": query, "format": "csv", "default-graph-uri": "urn:x:no-such-graph"},
    )
    assert (cache_state(again), again.content) == ("hit", named.content)


# ---- what is not cached
def test_errors_are_not_cached(client: TestClient) -> None:
    bad = "SELECT ?x WHERE { ?x }"
    unacceptable = {"query": "ASK { ?s ?p ?o }"}
    for _ in range(2):
        syntax = client.get("/sparql", params={"query": bad})
        assert (syntax.status_code, cache_state(syntax)) == (400, "miss")
        assert syntax.text.startswith("SPARQL syntax error")
        refused = client.get("/sparql", params=unacceptable, headers={"Accept": "image/png"})
        assert (refused.status_code, cache_state(refused)) == (406, "miss")
        parameter = client.get(SEARCH)
        assert parameter.status_code == 400
        assert cache_state(parameter) is None  # refused before any answer was looked for
        assert parameter.json()["parameter"] == "text"


def test_a_cut_answer_is_refused_and_not_cached(tiny_store: Path) -> None:
    """Over --max-rows the server refuses (403) rather than cut; the refusal is not kept."""
    with running(tiny_store, max_rows=1) as app:
        for _ in range(2):
            response = app.get(SEARCH, params={"text": "serine"})
            assert (response.status_code, cache_state(response)) == (403, "miss")
        assert app.get("/api/cache").json()["entries"] == 0


def test_citation_records_are_not_cached(client: TestClient) -> None:
    cited = client.get(SEARCH, params={"text": "serine", "cite": "true"})
    assert cited.headers["content-type"] == "application/ld+json"
    assert cache_state(cited) is None


# ---- the bound
def test_the_byte_bound_evicts_the_least_recently_used(tiny_store: Path) -> None:
    with running(tiny_store) as app:
        app.get("/sparql", params={"query": ASK.format(0)})
        size = app.get("/api/cache").json()["bytes"]  # every ASK below costs the same
    with running(tiny_store, cache_mb=8 * size / (1 << 20)) as app:
        for i in range(8):
            assert cache_state(app.get("/sparql", params={"query": ASK.format(i)})) == "miss"
        assert cache_state(app.get("/sparql", params={"query": ASK.format(0)})) == "hit"
        assert app.get("/api/cache").json() == {
            "max_bytes": 8 * size,
            "bytes": 8 * size,
            "entries": 8,
            "hits": 1,
            "misses": 8,
        }
        assert cache_state(app.get("/sparql", params={"query": ASK.format(8)})) == "miss"
        # 1 was the least recently used (0 was asked again): it made room for 8
        assert cache_state(app.get("/sparql", params={"query": ASK.format(1)})) == "miss"
        assert cache_state(app.get("/sparql", params={"query": ASK.format(0)})) == "hit"
        assert app.get("/api/cache").json()["entries"] == 8
        # an answer over an eighth of the bound is never kept
        padded = ASK.format(9) + " #" + "x" * size
        statuses = [cache_state(app.get("/sparql", params={"query": padded})) for _ in range(2)]
        assert statuses == ["miss", "miss"]
        assert app.get("/api/cache").json()["bytes"] == 8 * size


def test_cache_mb_0_turns_the_cache_off(tiny_store: Path) -> None:
    with running(tiny_store, cache_mb=0) as app:
        first = app.get(SEARCH, params={"text": "serine"})
        second = app.get(SEARCH, params={"text": "serine"})
        assert [cache_state(first), cache_state(second)] == [None, None]
        assert second.content == first.content
        assert entities(first.content) == ["urn:x:a", "urn:x:b"]
        assert app.get("/api/cache").json() == {
            "max_bytes": 0,
            "bytes": 0,
            "entries": 0,
            "hits": 0,
            "misses": 0,
        }


# ---- a changing store
def test_an_update_empties_the_cache(tmp_path: Path) -> None:
    store = write_tiny_store(tmp_path / "store")
    insert = f'INSERT DATA {{ <urn:x:d> <{LABEL.value}> "serine (d)" }}'
    with running(store, allow_update=True) as app:
        before = [app.get(SEARCH, params={"text": "serine"}) for _ in range(2)]
        assert [cache_state(r) for r in before] == ["miss", "hit"]
        assert entities(before[1].content) == ["urn:x:a", "urn:x:b"]
        assert app.post("/sparql", data={"update": insert}).status_code == 204
        after = [app.get(SEARCH, params={"text": "serine"}) for _ in range(2)]
        assert [cache_state(r) for r in after] == ["miss", "hit"]
        assert entities(after[0].content) == ["urn:x:a", "urn:x:b", "urn:x:d"]
        assert after[1].content == after[0].content


def test_a_rebuilt_store_empties_the_cache(tmp_path: Path) -> None:
    publish(tmp_path, write_store(tmp_path, "store-old", "old"))
    query = {"query": "SELECT ?v WHERE { <urn:test:store> <urn:test:says> ?v }", "format": "csv"}
    with running(tmp_path / "store") as app:
        old = [app.get("/sparql", params=query) for _ in range(2)]
        assert [cache_state(r) for r in old] == ["miss", "hit"]
        assert [r.text for r in old] == ["v\r\nold\r\n"] * 2
        publish(tmp_path, write_store(tmp_path, "store-new", "new"))
        new = [app.get("/sparql", params=query) for _ in range(2)]
        assert [cache_state(r) for r in new] == ["miss", "hit"]
        assert [r.text for r in new] == ["v\r\nnew\r\n"] * 2


# ---- the option
def test_both_command_lines_take_cache_mb_with_one_default(tmp_path: Path) -> None:
    from serkg.cli import app as cli
    from serkg.cli.serving import serve
    from serkg.web.__main__ import main as web_main

    option = next(p for p in serve.params if p.name == "cache_mb")
    assert option.default == DEFAULT_CACHE_MB
    refused = CliRunner().invoke(cli, ["serve", "--cache-mb", "-1", "--store", str(tmp_path)])
    assert refused.exit_code == 2
    assert "Invalid value for '--cache-mb'" in refused.output
    with pytest.raises(SystemExit) as stopped:
        web_main(["--store", str(tmp_path), "--cache-mb", "-1"])
    assert stopped.value.code == 2
