"""Server test fixtures: one store per session, `python -m serkg.server` subprocesses."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

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
    from serkg.build import BuildFailed

    try:
        built: Path = request.getfixturevalue("built_dist")
    except BuildFailed as exc:  # the build's own tests report that; serve the asserted graph
        warnings.warn(f"serving the asserted graph only: {exc}", stacklevel=1)
        return asserted_store(tmp_path_factory.mktemp("asserted") / "store")
    store = built / "store"
    assert (store / "CURRENT").exists(), f"serkg.build.build did not write {store}"
    return store


def asserted_store(folder: Path) -> Path:
    """A store of the packaged ontology and data (claim bundles flattened), without inference."""
    import pyoxigraph as ox

    from serkg import resources
    from serkg.loading import load_knowledge
    from serkg.prefixes import ASSERTED_GRAPH

    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    store = ox.Store(str(folder))
    graph = ox.NamedNode(ASSERTED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in kb.asserted)
    store.flush()
    del store
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store: Path, log_dir: Path, *options: str) -> RunningServer:
    """Start `python -m serkg.server` on a free loopback port and wait until it answers."""
    port = free_port()
    log = log_dir / f"server-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "serkg.server",
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
