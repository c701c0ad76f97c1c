"""Fixtures shared by the whole suite: one real build per test session, and service policy."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

import pytest

from serkg.results import QueryAnswer
from serkg.sparql_text import inject_values
from serkg.store import EmbeddedStore

# A shell starts a background job (`make test &`, a CI runner's script) with SIGINT ignored, and
# every process started from it inherits that: the builds the reliability tests interrupt with
# Ctrl-C would then ignore it and run on. A handler of our own is reset to the default in each
# child, so the builds get SIGINT as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
from serkg.terms import OxTerm

REPO = Path(__file__).resolve().parents[1]


def services_required() -> bool:
    """In CI (SERKG_REQUIRE_SERVICES=1) a missing service or tool is a failure, not a skip."""
    return os.environ.get("SERKG_REQUIRE_SERVICES") == "1"


def require_tool(name: str, why: str) -> str:
    """Path of executable NAME, or skip (locally) / fail (CI) saying why it is needed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found ({why}); run `make system-deps`"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    return path


def _loopback_answers() -> bool:
    """Whether this process can still connect to itself on 127.0.0.1."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        try:
            with socket.create_connection(listener.getsockname(), timeout=5):
                return True
        except OSError:
            return False


@pytest.fixture(autouse=True)
def _network_left_as_found() -> Iterator[None]:
    """Fail the test that cuts this process off the network (an in-process `serkg validate`
    does: it runs in an empty network namespace), not the unrelated server tests after it."""
    before = _loopback_answers()
    yield
    if before and not _loopback_answers():
        pytest.fail(
            "this test left the test process without a network (an in-process `serkg validate` "
            "cuts its own process off): run that command in a child process"
        )


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete `serkg build` of the packaged data, shared read-only by the tests."""
    from serkg.build import build

    out = tmp_path_factory.mktemp("dist")
    build(out)
    return out


@pytest.fixture(scope="session")
def built_store(built_dist: Path) -> EmbeddedStore:
    """The built store of :func:`built_dist`, opened read-only."""
    return EmbeddedStore.open(built_dist / "store")


class ValuesStore:
    """The embedded store asked the way a remote endpoint is: parameters arrive as a ``VALUES``
    block in the query text (exactly what EndpointStore sends), not as substitutions."""

    def __init__(self, inner: EmbeddedStore) -> None:
        self.inner = inner

    def describe(self) -> str:
        return self.inner.describe()

    def query(self, sparql: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryAnswer:
        return self.inner.query(inject_values(sparql, bindings) if bindings else sparql)


#: what `serkg serve` prints once its socket listens (uvicorn's start-up line)
SERVING_LINE = "Uvicorn running on "


def start_serving(
    command: list[str], log: Path, *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start COMMAND (a `serkg serve`) and return once it says it listens: an event read from its
    output, not a clock. Its output goes on into LOG; an exit before that line fails with it."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**(env if env is not None else os.environ), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    seen: list[bytes] = []
    for line in iter(process.stdout.readline, b""):
        seen.append(line)
        if SERVING_LINE.encode() in line:
            break
    else:  # end of output: the server exited
        process.wait()
        raise RuntimeError(
            f"{command[0]} exited with {process.returncode}:\n{b''.join(seen).decode()}"
        )
    log.write_bytes(b"".join(seen))
    threading.Thread(target=_drain, args=(process.stdout, log), daemon=True).start()
    return process


def _drain(stream: IO[bytes], log: Path) -> None:
    """Keep reading a server's output into LOG, so a full pipe never blocks it."""
    with log.open("ab") as out:
        for line in iter(stream.readline, b""):
            out.write(line)
            out.flush()


def stop_serving(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
