"""Hostile SPARQL against a real ``serkg serve`` and ``serkg validate``: nothing calls out (#21).

A loopback listener counts the connections it accepts. A connection a query made would hold the
query until the listener's thread accepts and closes it, so once the server has answered, every
connection the query made has been counted: the answer is the event, no clock is involved.
"""

from __future__ import annotations

import multiprocessing
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO
from tests.server.conftest import RunningServer, start_server, stop_server

pytestmark = pytest.mark.server

SERVICE_REFUSED = "SERVICE clauses are refused: the server does not call other endpoints"
LOAD_REFUSED = "LOAD is refused: the server does not fetch URLs"
CANNOT_CHECK = "the query is refused because the server cannot check it for SERVICE and LOAD"
CANNOT_CHECK_UPDATE = CANNOT_CHECK.replace("the query", "the update")


class Listener:
    """A loopback TCP listener that accepts, counts and closes connections (at most 1,000)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self._count = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="listener", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        for _ in range(1000):
            connection, _address = self.sock.accept()
            if self._stopping.is_set():
                connection.close()
                return
            with self._lock:
                self._count += 1
            connection.close()  # the caller's HTTP client fails at once

    @property
    def count(self) -> int:
        with self._lock:
            return self._count

    def close(self) -> None:
        self._stopping.set()
        with socket.create_connection(("127.0.0.1", self.port)):  # wakes the accept loop
            pass
        self._thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def servers(
    server_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, RunningServer]]:
    """Three servers, started side by side: default options; --allow-update (on a copy of the
    store, as updates change it) without --allow-service; and --allow-service."""
    update_store = tmp_path_factory.mktemp("update-store") / "store"
    shutil.copytree(server_store, update_store)
    options = {
        "safe": (server_store, ("--workers", "1")),
        "update": (update_store, ("--allow-update",)),
        "service": (server_store, ("--allow-service", "--workers", "1")),
    }
    with ThreadPoolExecutor(len(options)) as pool:
        starting = {
            name: pool.submit(start_server, store, tmp_path_factory.mktemp(name), *flags)
            for name, (store, flags) in options.items()
        }
        running = {name: future.result() for name, future in starting.items()}
    yield running
    for server in running.values():
        stop_server(server)


@pytest.fixture
def safe_server(servers: dict[str, RunningServer]) -> RunningServer:
    return servers["safe"]


@pytest.fixture
def update_server(servers: dict[str, RunningServer]) -> RunningServer:
    return servers["update"]


@pytest.fixture
def service_server(servers: dict[str, RunningServer]) -> RunningServer:
    return servers["service"]


def hostile_queries(url: str) -> list[tuple[str, str, int, str]]:
    """(id, query, status, message) for SERVICE to URL however spelled."""
    prefix, _, local = url.rpartition("/")
    triples = "{ ?s ?p ?o }"
    return [
        (
            "no-spaces",
            f"SELECT * WHERE {{ FILTER(1<2)SERVICE<{url}>{triples} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "escaped-hash",
            "PREFIX ex: <http://e/>\n"
            f"SELECT * WHERE {{ BIND(ex:a\\#b AS ?x) SERVICE <{url}> {triples} }}",
            400,
            CANNOT_CHECK,
        ),
        (
            "both-tricks",
            "PREFIX ex: <http://e/>\n"
            f"SELECT * WHERE {{ BIND(ex:a\\#b AS ?x) FILTER(1<2)SERVICE<{url}>{triples} }}",
            400,
            CANNOT_CHECK,
        ),
        (
            "u-escape",
            f"SELECT * WHERE {{ \\u0053ERVIC\\u0045 <{url}> {triples} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "prefixed-name",
            f"PREFIX l: <{prefix}/>\nSELECT * WHERE {{ SERVICE l:{local} {triples} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "sub-select",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {triples} }} }} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "optional",
            f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {triples} }} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "union",
            f"SELECT * WHERE {{ {{ }} UNION {{ SERVICE <{url}> {triples} }} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "minus",
            f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{url}> {triples} }} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "exists",
            f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {triples} }} }}",
            403,
            SERVICE_REFUSED,
        ),
        ("mixed-case", f"select * where {{ sErViCe <{url}> {triples} }}", 403, SERVICE_REFUSED),
        (
            "comments-newlines",
            f"SELECT * WHERE {{#{{\n?a ?b ?c .#.\nSERVICE#<x>\n\n<{url}>#{{\n{triples}\n}}",
            403,
            SERVICE_REFUSED,
        ),
        ("silent", f"SELECT * WHERE {{ SERVICE SILENT <{url}> {triples} }}", 403, SERVICE_REFUSED),
        (
            "variable",
            f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {triples} }}",
            403,
            SERVICE_REFUSED,
        ),
    ]


QUERIES = hostile_queries("http://127.0.0.1:PORT/sparql")
HOW = ["get", "post-form", "post-query"]


def send_query(server: RunningServer, how: str, query: str) -> httpx.Response:
    if how == "get":
        return httpx.get(server.sparql, params={"query": query}, timeout=30)
    if how == "post-form":
        return httpx.post(server.sparql, data={"query": query}, timeout=30)
    headers = {"Content-Type": "application/sparql-query"}
    return httpx.post(server.sparql, content=query.encode(), headers=headers, timeout=30)


def expect_refusal(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith(message), response.text


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("case", range(len(QUERIES)), ids=[q[0] for q in QUERIES])
def test_service_however_spelled_is_refused_and_nothing_connects(
    safe_server: RunningServer, listener: Listener, case: int, how: str
) -> None:
    _name, query, status, message = hostile_queries(listener.url)[case]
    expect_refusal(send_query(safe_server, how, query), status, message)
    assert listener.count == 0


def test_named_query_parameter_cannot_carry_service(
    safe_server: RunningServer, listener: Listener
) -> None:
    """A named query's parameters are bound as terms: a SERVICE text in one stays a string."""
    response = httpx.get(
        safe_server.url + "/api/queries/compound-identifiers",
        params={"compound": f"{listener.url}> {{ }} }} SERVICE <{listener.url}"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json()["parameter"] == "compound"
    plain = httpx.get(
        safe_server.url + "/api/queries/compound-identifiers",
        params={"compound": listener.url},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert plain.status_code == 200
    assert plain.text.splitlines() == ["compound,matchType,xref"]
    assert listener.count == 0


def hostile_updates(url: str) -> list[tuple[str, str, int, str]]:
    triples = "{ ?s ?p ?o }"
    return [
        ("load", f"LOAD <{url}>", 403, LOAD_REFUSED),
        ("load-silent", f"LOAD SILENT <{url}>", 403, LOAD_REFUSED),
        ("load-into-graph", f"LOAD <{url}> INTO GRAPH <urn:serkg:test:g>", 403, LOAD_REFUSED),
        ("load-lowercase-no-space", f"load silent<{url}>into graph<urn:g>", 403, LOAD_REFUSED),
        (
            "load-after-insert",
            f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ;\nLoAd <{url}>",
            403,
            LOAD_REFUSED,
        ),
        (
            "load-escaped-hash",
            f"PREFIX ex: <http://e/>\nINSERT DATA {{ ex:a\\#b ex:p ex:o }} ; LOAD <{url}>",
            403,
            LOAD_REFUSED,
        ),
        (
            "service-escaped-hash",
            "PREFIX ex: <http://e/>\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ BIND(ex:a\\#b AS ?x) SERVICE <{url}> {triples} }}",
            400,
            CANNOT_CHECK_UPDATE,
        ),
        (
            "service-in-where",
            f"INSERT {{ ?s ?p ?o }} WHERE {{ FILTER(1<2)SERVICE<{url}>{triples} }}",
            403,
            SERVICE_REFUSED,
        ),
        (
            "service-silent-in-delete-where",
            f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o . SERVICE SILENT <{url}> {triples} }}",
            403,
            SERVICE_REFUSED,
        ),
    ]


UPDATES = hostile_updates("http://127.0.0.1:PORT/x")


@pytest.mark.parametrize("how", ["post-form", "post-update"])
@pytest.mark.parametrize("case", range(len(UPDATES)), ids=[u[0] for u in UPDATES])
def test_load_and_service_in_updates_are_refused_and_nothing_connects(
    update_server: RunningServer, listener: Listener, case: int, how: str
) -> None:
    _name, update, status, message = hostile_updates(listener.url)[case]
    if how == "post-form":
        response = httpx.post(update_server.sparql, data={"update": update}, timeout=30)
    else:
        response = httpx.post(
            update_server.sparql,
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        )
    expect_refusal(response, status, message)
    assert listener.count == 0


def test_updates_still_work_without_service(update_server: RunningServer) -> None:
    inserted = httpx.post(
        update_server.sparql, data={"update": "INSERT DATA { <urn:x> <urn:y> <urn:z> }"}
    )
    assert inserted.status_code == 204
    ask = httpx.get(update_server.sparql, params={"query": "ASK { <urn:x> <urn:y> <urn:z> }"})
    assert ask.json()["boolean"] is True


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        ("DROP GRAPH <urn:test:none>", "The graph <urn:test:none> does not exist"),
        (
            "CREATE GRAPH <urn:test:twice> ; CREATE GRAPH <urn:test:twice>",
            "The graph <urn:test:twice> already exists",
        ),
    ],
)
def test_an_update_on_a_graph_in_the_wrong_state_is_the_clients_error(
    update_server: RunningServer, update: str, reason: str
) -> None:
    """Regression: SPARQL 1.1 Update says such an operation fails; it answered 500 as if the
    server were broken."""
    response = httpx.post(update_server.sparql, data={"update": update})
    assert response.status_code == 400
    assert response.text == f"the update failed: {reason} (SILENT ignores this)\n"
    silent = update.replace("GRAPH", "SILENT GRAPH") if update.startswith("DROP") else None
    if silent is not None:
        assert httpx.post(update_server.sparql, data={"update": silent}).status_code == 204


def test_a_store_opened_for_updates_loses_the_builds_checksums(
    servers: dict[str, RunningServer], server_store: Path
) -> None:
    """Updates change the store, so its SHA256SUMS would call it damaged: the worker removes it
    before it opens the store for writing; the store served read-only keeps its checksums."""
    assert not (servers["update"].store / "SHA256SUMS").exists()
    assert servers["safe"].store == server_store
    assert (server_store / "SHA256SUMS").exists()


def test_with_allow_service_service_does_connect(
    service_server: RunningServer, listener: Listener
) -> None:
    """The control: the listener does see a SERVICE call when the server allows them."""
    query = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    response = httpx.post(service_server.sparql, data={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert listener.count >= 1


def test_start_up_log_says_the_workers_have_no_network(safe_server: RunningServer) -> None:
    assert httpx.get(safe_server.sparql, params={"query": "ASK {}"}).status_code == 200
    assert "query workers run without network access" in safe_server.log.read_text()


# ------------------------------------------------------------------------- the second wall alone
def _unguarded_worker(conn: Any, store: str, allow_service: bool) -> None:
    """A query worker whose parse-based guard is switched off (runs in a spawned process)."""
    from serkg import sparql_guard
    from serkg.web import workers

    def nothing_found(sparql: str, *, update: bool) -> frozenset[str]:
        return frozenset()

    sparql_guard.network_operations = nothing_found  # type: ignore[assignment]
    workers.worker_main(conn, store, 100, False, allow_service)


def run_unguarded(store: Path, allow_service: bool, sparql: str) -> tuple[Any, ...]:
    from serkg.web.jobs import QueryJob

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_unguarded_worker, args=(child, str(store), allow_service))
    process.start()
    child.close()
    try:
        assert parent.poll(60), "the worker did not start"
        kind, error, no_wall = parent.recv()
        assert (kind, error) == ("ready", None)
        assert (no_wall is None) is not allow_service
        parent.send(QueryJob(sparql=sparql))
        assert parent.poll(60), "the worker did not answer"
        outcome: tuple[Any, ...] = parent.recv()
        return outcome
    finally:
        parent.close()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def test_worker_without_the_guard_still_cannot_connect(
    server_store: Path, listener: Listener
) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    outcome = run_unguarded(server_store, False, query)
    assert outcome[:2] == ("error", 500)
    assert "Network is unreachable" in outcome[2]
    assert listener.count == 0
    # the same worker with --allow-service (no wall) does reach the listener: the wall stopped it
    allowed = run_unguarded(server_store, True, query)
    assert allowed[:2] == ("error", 500)
    assert listener.count == 1


# -------------------------------------------------------------------------------- deep nesting
def worker_pids(server: RunningServer) -> set[int]:
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


DEEP = [
    ("ASK " + "{" * 10_000 + "}" * 10_000, 10_000),
    ("ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", 10_002),
]


def test_deeply_nested_query_is_refused_before_a_worker_runs_it(
    safe_server: RunningServer,
) -> None:
    before = worker_pids(safe_server)
    for deep, depth in DEEP:
        for how in HOW:
            response = send_query(safe_server, how, deep)
            assert response.status_code == 400
            assert response.text.startswith(
                f"the query nests brackets ((), {{}} or []) {depth} deep; at most 200 levels"
            )
    ask = httpx.get(safe_server.sparql, params={"query": "ASK {}"}, timeout=10)
    assert ask.json()["boolean"] is True
    assert worker_pids(safe_server) == before  # no worker died and none was replaced


LONG_CHAINS = [
    ("ASK { FILTER(" + "||".join(["1=2"] * 10_000) + ") }", 9_999),
    ("ASK { FILTER(" + "&&".join(["true"] * 10_000) + ") }", 9_999),
    ("SELECT (" + "-".join(["1"] * 10_000) + " AS ?x) {}", 9_999),
    ("ASK { FILTER(" + "!" * 10_000 + "true) }", 10_000),
    ("ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }", 9_999),
]


def test_long_operator_chains_are_refused_before_a_worker_runs_them(
    safe_server: RunningServer,
) -> None:
    """A flat chain is as deep as it is long to Oxigraph's parser: 10,000 crash a worker."""
    before = worker_pids(safe_server)
    for chain, operators in LONG_CHAINS:
        response = send_query(safe_server, "post-query", chain)
        assert response.status_code == 400
        assert response.text.startswith(
            f"the query chains {operators:,} operators (||, &&, UNION, + - * / ! | ^); "
            "at most 2,000 are accepted"
        )
    names = (
        "PREFIX kg: <https://w3id.org/serkg/id/> ASK { VALUES ?x { "
        + " ".join(f"kg:trial-{i}-arm-2" for i in range(5_000))
        + " } }"
    )
    # hyphens in names are no minus signs
    assert send_query(safe_server, "post-query", names).status_code == 200
    # exactly 2,000 still run; UNION of empty groups is the chain rdflib's parser (the SERVICE
    # check) reads fastest: 2,000 `||` take it about 6 s of CPU, which a loaded CI machine
    # stretched past the 30 s time limit
    at_the_limit = "ASK { " + " UNION ".join(["{ }"] * 2_001) + " }"
    assert send_query(safe_server, "post-query", at_the_limit).json()["boolean"] is True
    assert worker_pids(safe_server) == before  # no worker died and none was replaced


# ------------------------------------------------------------------------------- serkg validate
HOSTILE_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sk: <https://w3id.org/serkg/vocab/> .

<https://w3id.org/serkg/shapes/CallingOutShape> a sh:NodeShape ;
    sh:targetClass sk:ChemicalCompound ;
    sh:sparql [ sh:select \"\"\"SELECT $this WHERE { $this a ?type . %s }\"\"\" ] .
"""


@pytest.mark.parametrize(
    ("disguise", "message"),
    [
        ("FILTER(1<2)SERVICE<URL>{ ?s ?p ?o }", "its sh:select query uses SERVICE"),
        (
            "BIND(sk:a\\\\#b AS ?y) SERVICE <URL> { ?s ?p ?o }",
            "its sh:select query cannot be checked for SERVICE",
        ),
    ],
    ids=["no-spaces", "escaped-hash"],
)
def test_validate_refuses_a_shape_that_calls_out(
    tmp_path: Path, listener: Listener, disguise: str, message: str
) -> None:
    """`serkg validate` with a shapes file holding a disguised SERVICE: exit 2, no connection."""
    checkout = tmp_path / "checkout"
    shutil.copytree(
        REPO / "src" / "serkg",
        checkout / "src" / "serkg",
        ignore=shutil.ignore_patterns("_ui", "__pycache__"),
    )
    for folder in ("ontology", "data", "queries"):
        (checkout / folder).symlink_to(REPO / folder)
    shutil.copytree(REPO / "shapes", checkout / "shapes")
    with (checkout / "shapes" / "sparql.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write(HOSTILE_SHAPE % disguise.replace("URL", listener.url))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "serkg",
            "validate",
            str(REPO / "data" / "l-serine" / "identity.trig"),
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout / "src")},
        timeout=300,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "serkg: error: shape <https://w3id.org/serkg/shapes/CallingOutShape>: " + message
    ), result.stderr
    assert "Traceback" not in result.stderr
    assert listener.count == 0


# a parser gap, simulated: validation code that opens a connection of its own
CALLING_OUT_DURING_VALIDATION = """
import socket
import sys

import serkg.checks as validation

port, data_file = int(sys.argv[1]), sys.argv[2]
real_validate_files = validation.validate_files


def calling_out(*args, **kwargs):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except OSError as exc:
        print(f"connection refused by the wall: {exc}", file=sys.stderr)
    return real_validate_files(*args, **kwargs)


validation.validate_files = calling_out
from serkg.cli import main

sys.argv = ["serkg", "validate", data_file]
main()
"""


def test_validate_runs_without_network_so_a_parser_gap_cannot_connect(listener: Listener) -> None:
    """The second wall behind the shapes' SERVICE check: `serkg validate` has no network."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CALLING_OUT_DURING_VALIDATION,
            str(listener.port),
            str(REPO / "data" / "l-serine" / "identity.trig"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "connection refused by the wall: [Errno 101] Network is unreachable" in result.stderr
    assert listener.count == 0


def test_a_query_string_or_form_that_is_not_utf8_says_so(safe_server: RunningServer) -> None:
    """Regression: %FF in query= became U+FFFD and was reported as a SPARQL syntax error."""
    got = httpx.get(safe_server.sparql + "?query=ASK%7B%7D%FF")
    assert (got.status_code, got.text) == (
        400,
        "the query string is not UTF-8 once percent-decoded\n",
    )
    posted = httpx.post(
        safe_server.sparql,
        content=b"query=ASK%7B%7D%FF",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (posted.status_code, posted.text) == (
        400,
        "the form-encoded body is not UTF-8 once percent-decoded\n",
    )
    assert httpx.get(safe_server.sparql, params={"query": 'ASK { FILTER("é" = "é") }'}).json() == {
        "head": {},
        "boolean": True,
    }
