"""Server test fixtures: one store per session, `python -m serkg.web` subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

from tests.conftest import free_port

L_SERINE = "https://w3id.org/serkg/id/l-serine"
SK = "https://w3id.org/serkg/vocab/"


@dataclass
class RunningServer:
    """A server subprocess: its base URL, the store it serves and its log file."""

    url: str
    store: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"


@pytest.fixture(scope="session")
def server_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of a real `serkg build` (shared with the rest of the suite when it runs).

    ``SERKG_TEST_STORE=dist/store`` serves an existing build instead (quicker while iterating).
    """
    existing = os.environ.get("SERKG_TEST_STORE")
    if existing:
        return Path(existing).resolve()
    built: Path = request.getfixturevalue("built_dist")
    store = built / "store"
    assert (store / "CURRENT").exists(), f"serkg.build.build did not write {store}"
    return store


def start_server(store: Path, log_dir: Path, *options: str) -> RunningServer:
    """Start `python -m serkg.web` on a free loopback port and wait until it answers."""
    port = free_port()
    log = log_dir / f"server-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "serkg.web",
                "--store",
                str(store),
                "--port",
                str(port),
                *options,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/sparql", timeout=2).status_code == 200:
                return RunningServer(url, store, log, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the server did not answer within 60 s:\n{log.read_text()}")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


@pytest.fixture(scope="session")
def server(server_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The server with its default (safe) options."""
    running = start_server(server_store, tmp_path_factory.mktemp("server-log"))
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def strict_server(
    server_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A server with a 2 s time limit, a 50-row cap and two workers, for the limit tests."""
    running = start_server(
        server_store,
        tmp_path_factory.mktemp("strict-log"),
        "--timeout",
        "2",
        "--max-rows",
        "50",
        "--workers",
        "2",
    )
    yield running
    stop_server(running)


def jsonld_graph(document: object) -> Graph:
    """The RDF graph PyLD reads from a JSON-LD document; any remote context is an error."""
    from pyld import jsonld

    def refuse(url: str, options: object = None) -> object:
        raise AssertionError(f"PyLD was asked to fetch {url}: the context must be inline")

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    return Graph().parse(data=nquads, format="nt")


def assert_compact_jsonld(body: bytes, turtle: bytes) -> None:
    """BODY is JSON-LD compacted with the curated context and says what TURTLE says."""
    import json

    from rdflib.compare import isomorphic

    from serkg.export import jsonld_context

    document = json.loads(body)
    assert document["@context"] == jsonld_context()
    assert "@graph" in document
    expected = Graph().parse(data=turtle, format="turtle")
    assert len(expected) > 0
    assert isomorphic(jsonld_graph(document), expected)
