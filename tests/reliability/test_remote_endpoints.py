"""`serkg query --endpoint` and `serkg load` against endpoints that misbehave (issue 21).

Each case runs the real CLI in a subprocess against a real HTTP server on 127.0.0.1
(:mod:`tests.reliability.fake_endpoint`) and expects exit 2, a message naming the endpoint, no
traceback, and, for a server that trickles or hangs, an end once the --timeout has passed: the
server sees the client hang up (an event, not a clock).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from serkg.store import EndpointStore, StoreError
from tests.reliability.fake_endpoint import SELECT_JSON, fake_endpoint

#: the client-side limit in these tests; the fake servers trickle or hang for far longer
LIMIT_S = "1"


def serkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, timeout=120
    )


def query_endpoint(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return serkg(
        "query", "compound-profile", "-p", "compound=kg:l-serine", "--endpoint", url, *extra
    )


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("junk", "sent an unreadable application/sparql-results+json answer"),
        ("html", "answered with Content-Type text/html (an HTML page"),
        ("error500", "answered HTTP 500: internal trouble"),
        ("wrong-type", "answered with Content-Type text/csv; expected one of"),
        (
            "truncated",
            "sent an unreadable application/sparql-results+json answer "
            f"({len(SELECT_JSON) // 2} bytes): Parser error",
        ),
    ],
)
def test_query_on_an_endpoint_that_answers_junk_is_a_clean_error(mode: str, says: str) -> None:
    with fake_endpoint(mode) as server:
        result = query_endpoint(server.sparql_url)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"serkg: error: the endpoint {server.sparql_url} ")
    assert says in result.stderr


@pytest.mark.parametrize("mode", ["trickle", "hang"])
def test_query_on_a_trickling_or_hanging_endpoint_ends_at_the_timeout(mode: str) -> None:
    with fake_endpoint(mode) as server:
        result = query_endpoint(server.sparql_url, "--timeout", LIMIT_S)
        assert server.client_gone.wait(30), "the client never hung up"
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        f"the endpoint {server.sparql_url} sent no complete answer within {LIMIT_S} s"
        in result.stderr
    )


def test_the_python_api_gets_a_store_error_for_a_trickling_endpoint() -> None:
    from serkg.querylib import run_named_query

    with fake_endpoint("trickle") as server:
        with pytest.raises(StoreError, match=r"sent no complete answer within 0\.5 s"):
            run_named_query(
                "compound-profile",
                {"compound": "kg:l-serine"},
                store=EndpointStore(server.sparql_url, timeout=0.5),
            )
        assert server.client_gone.wait(30)


def test_a_well_behaved_endpoint_still_answers() -> None:
    with fake_endpoint("ok") as server:
        answer = EndpointStore(server.sparql_url).query("SELECT ?x WHERE { ?x ?p ?o }")
    assert answer.variables == ["x"]
    assert [row[0].value for row in answer.rows] == ["1"]  # type: ignore[union-attr]


# ------------------------------------------------------------------------------- serkg load
@pytest.fixture
def small_dist(tmp_path: Path) -> Path:
    """A three-file 'build': 3 asserted triples (one with a blank node), 1 inferred triple and
    1 triple of the import modules."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "serkg.nt").write_text(
        "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
        '<http://example.org/a> <http://example.org/label> "a" .\n'
        "<http://example.org/a> <http://example.org/q> _:list .\n",
        encoding="utf-8",
    )
    (dist / "serkg-inferred.ttl").write_text(
        "<http://example.org/b> a <http://example.org/Thing> .\n", encoding="utf-8"
    )
    (dist / "serkg-imports.ttl").write_text(
        '<http://example.org/Thing> <http://www.w3.org/2000/01/rdf-schema#label> "thing" .\n',
        encoding="utf-8",
    )
    return dist


def load(server_url: str, dist: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return serkg(
        "load",
        "--endpoint",
        server_url,
        "--graph",
        "http://example.org/g/",
        "--dist",
        str(dist),
        *extra,
    )


def test_load_writes_temporary_graphs_then_moves_them_in_one_update(small_dist: Path) -> None:
    with fake_endpoint("store") as server:
        result = load(server.base_url, small_dist)
    assert result.returncode == 0, result.stderr
    # the blank-node triple travels in a chunk of its own: PUT, POST, then the inferred and the
    # imports PUTs
    (put_asserted, post_asserted, put_inferred, put_imports) = server.writes()
    assert [w[0] for w in (put_asserted, post_asserted, put_inferred, put_imports)] == [
        "PUT", "POST", "PUT", "PUT"
    ]  # fmt: skip
    temp_asserted, temp_inferred, temp_imports = put_asserted[1], put_inferred[1], put_imports[1]
    assert post_asserted[1] == temp_asserted
    assert temp_asserted.startswith("http://example.org/g/asserted-loading-")
    assert temp_inferred == temp_asserted.replace("/asserted-", "/inferred-")
    assert temp_imports == temp_asserted.replace("/asserted-", "/imports-")
    assert server.updates() == [
        f"MOVE GRAPH <{temp_asserted}> TO <http://example.org/g/asserted> ;\n"
        f"MOVE GRAPH <{temp_inferred}> TO <http://example.org/g/inferred> ;\n"
        f"MOVE GRAPH <{temp_imports}> TO <http://example.org/g/imports>\n"
    ]
    assert "loaded 5 triples" in result.stdout
    assert "<http://example.org/g/asserted>: 3 triples" in result.stdout


def test_a_failed_load_never_writes_the_target_graphs_and_drops_the_temporary_ones(
    small_dist: Path,
) -> None:
    with fake_endpoint("store", fail_at=3) as server:  # the inferred graph's PUT fails
        result = load(server.base_url, small_dist)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "answered HTTP 500" in result.stderr and "disk full" in result.stderr
    assert (
        "<http://example.org/g/asserted>, <http://example.org/g/inferred> and "
        "<http://example.org/g/imports> are untouched" in result.stderr
    )
    assert "were dropped" in result.stderr
    temp_asserted, _, temp_inferred = [graph for _, graph in server.writes()]
    assert "-loading-" in temp_asserted and "-loading-" in temp_inferred
    assert server.updates() == [
        f"DROP SILENT GRAPH <{temp_asserted}> ;\nDROP SILENT GRAPH <{temp_inferred}>\n"
    ]


@pytest.mark.parametrize("mode", ["trickle", "hang"])
def test_load_against_a_trickling_or_hanging_store_ends_at_the_timeout(
    mode: str, small_dist: Path
) -> None:
    with fake_endpoint(mode) as server:
        result = load(server.base_url, small_dist, "--timeout", LIMIT_S)
        assert server.client_gone.wait(30), "the client never hung up"
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{server.base_url}/sparql-graph-crud sent no complete answer within {LIMIT_S} s" in (
        result.stderr
    )
    assert "are untouched" in result.stderr


def test_an_empty_graph_drops_its_target_instead_of_moving_a_missing_graph() -> None:
    from serkg.remote import swap_update

    assert swap_update([("http://x/t1", "http://x/a", 5), ("http://x/t2", "http://x/i", 0)]) == (
        "MOVE GRAPH <http://x/t1> TO <http://x/a> ;\nDROP SILENT GRAPH <http://x/i>\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--graph", "https://a/\n"],
            "serkg: error: --graph 'https://a/\\n/' does not make a valid IRI: IRIs cannot "
            "contain U+000A (\\n)",
        ),
        (
            ["--user", "a\udcff", "--password", "x"],
            "serkg: error: --user 'a\\udcff' is not valid UTF-8",
        ),
    ],
)
def test_bad_load_options_are_refused_before_anything_is_sent(
    small_dist: Path, options: list[str], message: str
) -> None:
    """Regression: a --graph with a newline sent all the data, then crashed building the MOVE
    (the temporary graphs stayed on the store); a --user that is not UTF-8 gave a traceback."""
    with fake_endpoint("store") as server:
        result = serkg("load", "--endpoint", server.base_url, "--dist", str(small_dist), *options)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert server.seen == []


def test_an_endpoint_that_is_not_utf8_is_refused(small_dist: Path) -> None:
    result = serkg("load", "--endpoint", "http://127.0.0.1:9/\udcff", "--dist", str(small_dist))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "serkg: error: --endpoint 'http://127.0.0.1:9/\\udcff' is not valid UTF-8"
    )
