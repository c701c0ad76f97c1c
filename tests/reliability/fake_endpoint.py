"""A misbehaving SPARQL endpoint and Graph Store on 127.0.0.1, for failure tests.

One server, one behaviour (``mode``), chosen by the test. It answers at Virtuoso's paths
(``/sparql``, ``/sparql-graph-crud``), so ``serkg query --endpoint BASE/sparql`` and
``serkg load --endpoint BASE`` both reach it. Every request is recorded. The slow modes are
driven by the client: ``trickle`` sends one byte per step until the client hangs up (or a bounded
number of steps), ``hang`` reads the request and waits until the client hangs up; both set
:attr:`FakeEndpoint.client_gone` when that happens, so a test waits on an event, not a clock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SELECT_JSON = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}'
#: at most this many steps of trickling (x STEP_S seconds: far beyond any client limit in a test)
TRICKLE_STEPS = 3000
STEP_S = 0.02
#: a hanging connection gives up after this long, should a client never hang up
HANG_LIMIT_S = 60.0

MODES = {
    "junk": (200, "application/sparql-results+json", b"\x00\xffnot json at all"),
    "html": (200, "text/html", b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>"),
    "error500": (500, "text/plain", b"internal trouble"),
    "wrong-type": (200, "text/csv", b"x\r\n1\r\n"),
    "truncated": (200, "application/sparql-results+json", SELECT_JSON[: len(SELECT_JSON) // 2]),
    "ok": (200, "application/sparql-results+json", SELECT_JSON),
}


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    params: dict[str, list[str]]
    body: bytes


@dataclass
class FakeEndpoint:
    """The running server: its base URL, what it saw, and the client-gone event."""

    mode: str
    port: int = 0
    seen: list[Seen] = field(default_factory=list)
    client_gone: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    #: in the load modes, the 1-based number of the write request that fails
    fail_at: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql_url(self) -> str:
        return self.base_url + "/sparql"

    def updates(self) -> list[str]:
        """The SPARQL Update texts received, in order."""
        out = []
        for request in self.seen:
            if request.method == "POST" and request.path == "/sparql":
                out.extend(parse_qs(request.body.decode()).get("update", []))
        return out

    def writes(self) -> list[tuple[str, str]]:
        """(method, graph) of each Graph Store request, in order."""
        return [
            (r.method, r.params["graph-uri"][0])
            for r in self.seen
            if r.path == "/sparql-graph-crud"
        ]


class _Handler(BaseHTTPRequestHandler):
    """Answers as its endpoint's mode says (a subclass per endpoint sets ``endpoint``)."""

    endpoint: FakeEndpoint
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def _record(self) -> Seen:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        seen = Seen(self.command, url.path, parse_qs(url.query), body)
        self.endpoint.seen.append(seen)
        return seen

    def _answer(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(TRICKLE_STEPS * 10))  # never all of it
        self.end_headers()
        for _ in range(TRICKLE_STEPS):
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                self.endpoint.client_gone.set()
                return
            if self.endpoint.stop.wait(STEP_S):
                return

    def _hang(self) -> None:
        self.connection.settimeout(HANG_LIMIT_S)
        try:
            if self.connection.recv(1) == b"":
                self.endpoint.client_gone.set()
        except (TimeoutError, OSError):
            self.endpoint.client_gone.set()
        self.close_connection = True

    def _serve(self) -> None:
        seen = self._record()
        mode = self.endpoint.mode
        if mode == "trickle":
            self._trickle()
        elif mode == "hang":
            self._hang()
        elif mode in MODES:
            self._answer(*MODES[mode])
        elif mode == "store":  # a store that takes writes and updates
            number = len([s for s in self.endpoint.seen if s.method in {"PUT", "POST"}])
            if self.endpoint.fail_at is not None and number == self.endpoint.fail_at:
                self._answer(500, "text/plain", b"disk full")
            elif seen.method in {"PUT", "POST"} and seen.path == "/sparql-graph-crud":
                self._answer(201, "text/plain", b"")
            elif seen.method == "POST" and seen.path == "/sparql":
                self._answer(200, "text/plain", b"done")
            else:
                self._answer(404, "text/plain", b"no such path")
        else:  # pragma: no cover - a test asked for a mode that does not exist
            self._answer(500, "text/plain", f"unknown mode {mode}".encode())

    do_GET = do_POST = do_PUT = _serve


def _handler(endpoint: FakeEndpoint) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"endpoint": endpoint})


@contextmanager
def fake_endpoint(mode: str, fail_at: int | None = None) -> Iterator[FakeEndpoint]:
    """Run a FakeEndpoint in MODE on a free loopback port for the duration of the block."""
    endpoint = FakeEndpoint(mode, fail_at=fail_at)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(endpoint))
    server.daemon_threads = True
    endpoint.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-endpoint", daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        endpoint.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
