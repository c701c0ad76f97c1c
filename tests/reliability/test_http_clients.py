"""Clients a public endpoint meets: huge queries, slow or silent clients, many at once, browsers
from other origins, rebinding Host names, and a store rebuilt while the server runs."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from serkg.web.config import parse_hosts, parse_origins
from tests.server.conftest import (
    L_SERINE,
    SK,
    RunningServer,
    server,  # noqa: F401  (fixtures shared with tests/server)
    server_store,  # noqa: F401
    start_server,
    stop_server,
)

pytestmark = pytest.mark.server

CAP = 4096
HEADER_LIMIT = CAP + 64 * 1024
SMALL = f"SELECT ?cas WHERE {{ <{L_SERINE}> <{SK}casNumber> ?cas }}"
ORIGIN = "https://example.org"


@pytest.fixture(scope="module")
def public_server(
    server_store: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[RunningServer]:
    """A server as a public deployment runs it: CORS, a Host check, tight head and size limits."""
    running = start_server(
        server_store,
        tmp_path_factory.mktemp("public-log"),
        "--max-query-bytes",
        str(CAP),
        "--header-timeout",
        "1",
        "--cors",
        ORIGIN,
        "--host-header",
        "127.0.0.1,localhost",
    )
    yield running
    stop_server(running)


def port_of(running: RunningServer) -> int:
    return int(running.url.rsplit(":", 1)[1])


def exchange(running: RunningServer, data: bytes) -> bytes:
    """Send DATA on a fresh connection and read until the server closes it (30 s bound)."""
    with socket.create_connection(("127.0.0.1", port_of(running)), timeout=30) as sock:
        sock.sendall(data)
        return read_to_close(sock)


def read_to_close(sock: socket.socket) -> bytes:
    received = b""
    for _ in range(10_000):  # bounded; each recv waits at most the socket timeout
        chunk = sock.recv(65536)
        if not chunk:
            return received
        received += chunk
    raise AssertionError("the server kept sending")


def padded_query(size: int) -> str:
    """SMALL padded with a comment to exactly SIZE bytes."""
    head = SMALL + "\n#"
    return head + "x" * (size - len(head.encode()))


# ---- query size
def test_query_at_the_cap_is_answered(public_server: RunningServer) -> None:
    query = padded_query(CAP)
    assert len(query.encode()) == CAP
    for response in (
        httpx.post(public_server.sparql, data={"query": query}, headers={"Accept": "text/csv"}),
        httpx.post(
            public_server.sparql,
            content=query,
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        ),
        httpx.get(public_server.sparql, params={"query": query}, headers={"Accept": "text/csv"}),
    ):
        assert response.status_code == 200, response.text
        assert response.text.splitlines() == ["cas", "56-45-1"]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_over_the_cap_is_413_naming_the_limit(public_server: RunningServer, how: str) -> None:
    query = padded_query(CAP + 1)
    if how == "get":
        response = httpx.get(public_server.sparql, params={"query": query})
    elif how == "form":
        response = httpx.post(public_server.sparql, data={"query": query})
    else:
        response = httpx.post(
            public_server.sparql,
            content=query,
            headers={"Content-Type": "application/sparql-query"},
        )
    assert response.status_code == 413
    assert f"limit of {CAP} bytes" in response.text and "--max-query-bytes" in response.text


def test_declared_huge_body_is_refused_before_it_is_sent(public_server: RunningServer) -> None:
    """Regression: a 10 MB query was read whole and scanned on the event loop."""
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {10 * 1024 * 1024}\r\n\r\n"
    )
    answer = exchange(public_server, head.encode())  # not one byte of the body is sent
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert f"limit of {CAP} bytes".encode() in answer


def test_streamed_body_is_cut_at_the_cap(public_server: RunningServer) -> None:
    """A chunked body (no Content-Length) is read only until it passes the cap."""
    chunk = b"x" * (CAP + 1)
    head = (
        "POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    # the body never ends (no last chunk): the answer can only come from the cap
    answer = exchange(public_server, head.encode() + f"{len(chunk):x}\r\n".encode() + chunk)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_request_head_over_the_limit_is_431(public_server: RunningServer) -> None:
    line = f"GET /sparql?query={'x' * HEADER_LIMIT} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    answer = exchange(public_server, line.encode())
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert f"limit of {HEADER_LIMIT} bytes".encode() in answer


# ---- slow and silent clients
def test_half_a_request_line_is_cut_off(public_server: RunningServer) -> None:
    """A client that sends half a request line and waits is answered 408 and disconnected."""
    answer = exchange(public_server, b"GET /sparql?que")
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"within 1 s" in answer


def test_silent_connection_is_closed(public_server: RunningServer) -> None:
    assert exchange(public_server, b"").startswith(b"HTTP/1.1 408 ")


def test_head_timer_starts_again_for_each_request(public_server: RunningServer) -> None:
    """On a kept-alive connection, a complete request is answered; a later half one is cut off."""
    target = httpx.URL(public_server.sparql, params={"query": SMALL}).raw_path.decode()
    request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port_of(public_server)), timeout=30) as sock:
        sock.sendall(request.encode())
        answer = b""
        for _ in range(1000):  # bounded: read until the whole first answer is in
            answer += sock.recv(65536)
            head, _, body = answer.partition(b"\r\n\r\n")
            length = [
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            if length and len(body) >= length[0]:
                break
        assert head.startswith(b"HTTP/1.1 200 ")
        assert body.decode().splitlines() == ["cas", "56-45-1"]
        sock.sendall(b"GET /sparql?que")
        assert read_to_close(sock).startswith(b"HTTP/1.1 408 ")


def test_200_concurrent_connections_are_all_answered(public_server: RunningServer) -> None:
    port = port_of(public_server)
    target = httpx.URL(public_server.sparql, params={"query": SMALL}).raw_path.decode()
    request = (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\nConnection: close\r\n\r\n"
    ).encode()

    async def one(opened: asyncio.Event, waiting: list[int]) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        waiting.append(1)
        if len(waiting) == 200:
            opened.set()
        await opened.wait()  # all 200 connections are open before any request is sent
        writer.write(request)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        return answer

    async def run_all() -> list[bytes]:
        opened, waiting = asyncio.Event(), []
        return await asyncio.wait_for(
            asyncio.gather(*(one(opened, waiting) for _ in range(200))), timeout=120
        )

    answers = asyncio.run(run_all())
    assert len(answers) == 200
    for answer in answers:
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 ")
        assert body.decode().splitlines() == ["cas", "56-45-1"]


# ---- browsers and Host names
def test_cors_allows_the_configured_origin(public_server: RunningServer) -> None:
    preflight = httpx.options(
        public_server.sparql,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    answered = httpx.get(public_server.sparql, params={"query": SMALL}, headers={"Origin": ORIGIN})
    assert answered.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.get(
        public_server.sparql, params={"query": SMALL}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers


def test_cors_is_off_by_default(server: RunningServer) -> None:  # noqa: F811
    response = httpx.get(server.sparql, params={"query": SMALL}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_host_header_check(public_server: RunningServer) -> None:
    rebound = httpx.get(public_server.sparql, headers={"Host": "attacker.example"})
    assert rebound.status_code == 400
    named = httpx.get(
        public_server.sparql,
        params={"query": SMALL},
        headers={"Host": f"localhost:{port_of(public_server)}", "Accept": "text/csv"},
    )
    assert named.text.splitlines() == ["cas", "56-45-1"]


def test_option_values_are_checked() -> None:
    assert parse_origins("*") == ("*",)
    assert parse_origins("https://a.org, http://b.org:8080/") == (
        "https://a.org",
        "http://b.org:8080",
    )
    with pytest.raises(ValueError, match="not an origin"):
        parse_origins("a.org")
    assert parse_hosts("Example.org,*.example.org") == ("example.org", "*.example.org")
    with pytest.raises(ValueError, match="not a host name"):
        parse_hosts("example.org:8000")


# ---- a rebuilt store
def write_store(out_dir: Path, name: str, value: str) -> Path:
    """A tiny store under OUT_DIR/.stores/NAME whose asserted graph says VALUE."""
    folder = out_dir / ".stores" / name
    folder.parent.mkdir(exist_ok=True)
    store = ox.Store(str(folder))
    store.add(
        ox.Quad(
            ox.NamedNode("urn:test:store"),
            ox.NamedNode("urn:test:says"),
            ox.Literal(value),
            ox.NamedNode("https://w3id.org/serkg/graph/asserted"),
        )
    )
    store.flush()
    del store
    return folder


def publish(out_dir: Path, folder: Path) -> None:
    """Swap OUT_DIR/store to FOLDER atomically, as `serkg build` publishes a store."""
    link = out_dir / ".store.link"
    link.symlink_to(folder.relative_to(out_dir), target_is_directory=True)
    os.replace(link, out_dir / "store")


def server_process(store: Path, port: int) -> subprocess.Popen[bytes]:
    """`python -m serkg.web` on STORE with one worker, stdout and stderr on one pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "serkg.web", "--store", str(store),
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


def wait_for_line(process: subprocess.Popen[bytes], text: str) -> str:
    """The first line PROCESS writes that holds TEXT (readline blocks; bounded in lines)."""
    assert process.stdout is not None
    for _ in range(200):
        line = process.stdout.readline().decode()
        assert line, f"the server exited before saying {text!r}"
        if text in line:
            return line
    raise AssertionError(f"the server never said {text!r}")


def what_the_store_says(port: int) -> str:
    """The value of urn:test:says in the store the server on PORT answers from."""
    query = {"query": "SELECT ?v WHERE { ?s <urn:test:says> ?v }", "format": "csv"}
    rows = httpx.get(f"http://127.0.0.1:{port}/sparql", params=query).text.splitlines()
    assert rows[0] == "v" and len(rows) == 2, rows
    return rows[1]


def test_rebuilt_store_is_served_without_a_restart(tmp_path: Path) -> None:
    """Regression: a running server kept serving the store it started with."""
    publish(tmp_path, write_store(tmp_path, "store-old", "old"))
    running = start_server(tmp_path / "store", tmp_path, "--workers", "1")
    query = {"query": "SELECT ?v WHERE { <urn:test:store> <urn:test:says> ?v }", "format": "csv"}
    try:
        assert httpx.get(running.sparql, params=query).text.splitlines() == ["v", "old"]
        publish(tmp_path, write_store(tmp_path, "store-new", "new"))
        assert httpx.get(running.sparql, params=query, timeout=60).text.splitlines() == [
            "v",
            "new",
        ]
        assert httpx.get(running.sparql, params=query).text.splitlines() == ["v", "new"]
    finally:
        stop_server(running)


def test_sighup_switches_to_the_rebuilt_store_before_any_request(tmp_path: Path) -> None:
    """SIGHUP makes the server open the new store at once (it says so on stderr)."""
    import signal

    from tests.conftest import free_port

    publish(tmp_path, write_store(tmp_path, "store-old", "old"))
    port = free_port()
    process = server_process(tmp_path / "store", port)

    try:
        wait_for_line(process, "Uvicorn running on")
        publish(tmp_path, write_store(tmp_path, "store-new", "new"))
        process.send_signal(signal.SIGHUP)
        line = wait_for_line(process, "serving the rebuilt store")
        assert line.strip().endswith(str((tmp_path / ".stores" / "store-new").resolve()))
        assert what_the_store_says(port) == "new"
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_a_rebuilt_store_that_fails_its_checksums_is_not_served(tmp_path: Path) -> None:
    """A store whose files differ from its SHA256SUMS is refused at the switch (one message on
    stderr); the server goes on answering from the store it had."""
    import signal

    from serkg.store_checksums import write_checksums
    from tests.conftest import free_port

    publish(tmp_path, write_store(tmp_path, "store-old", "old"))
    damaged = write_store(tmp_path, "store-new", "new")
    write_checksums(damaged)
    identity = damaged / "IDENTITY"
    identity.write_text(identity.read_text() + "changed")
    port = free_port()
    process = server_process(tmp_path / "store", port)

    try:
        wait_for_line(process, "Uvicorn running on")
        publish(tmp_path, damaged)
        process.send_signal(signal.SIGHUP)
        line = wait_for_line(process, "cannot serve the rebuilt store")
        assert "IDENTITY has changed since the build" in line
        assert what_the_store_says(port) == "old"
    finally:
        process.terminate()
        process.communicate(timeout=30)
