"""A real `serkg build` process stopped at a stage by the SERKG_BUILD_PAUSE_AT test hook.

The build announces the pause on stderr and waits for a byte on stdin (docs/reliability.md), so a
test acts on an event, never on the clock. Each build runs in a session of its own, so the
processes it forked can be found by process group after it was killed.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg.build import ARTEFACTS, PAUSE_AT_ENV, PUBLISHED
from serkg.prefixes import ASSERTED_GRAPH

#: how long a build may take before the test gives up on it (a bound, not a timing assertion)
BUILD_BOUND_SECONDS = 600


def serkg_build(out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "serkg", "build", "--out", str(out), *options]


class PausedBuild:
    """`serkg build --out OUT` started and run until it reported the pause at STAGE."""

    def __init__(self, out: Path, stage: str, *options: str) -> None:
        self.process = subprocess.Popen(
            serkg_build(out, "--quiet", *options),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, PAUSE_AT_ENV: stage},
            start_new_session=True,
        )
        self.pid = self.process.pid
        assert self.process.stderr is not None
        expected = f"serkg-build: paused at {stage} pid={self.pid}\n".encode()
        self.before_pause = b""
        for line in iter(self.process.stderr.readline, b""):  # ends at EOF: the build ended
            if line == expected:
                # nothing forks while the build is paused: these are all the processes it has
                self.processes = ExitWatch(processes_in_group(self.pid))
                return
            self.before_pause += line
        self.process.wait(BUILD_BOUND_SECONDS)
        pytest.fail(
            f"the build ended (exit {self.process.returncode}) without pausing at {stage}: "
            + self.before_pause.decode(errors="replace")[-2000:]
        )

    def resume(self) -> tuple[int, str]:
        """Let the build go on to its end: (exit code, the rest of its stderr)."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"\n")
        self.process.stdin.flush()
        return self.finish()

    def finish(self) -> tuple[int, str]:
        """Wait until the build and every process it had forked have ended."""
        try:
            _, stderr = self.process.communicate(timeout=BUILD_BOUND_SECONDS)
        except subprocess.TimeoutExpired:
            for pid in processes_in_group(self.pid):
                os.kill(pid, 9)
            self.process.kill()
            self.process.communicate()
            pytest.fail("a process of the build still held its stderr pipe")
        survivors = self.processes.wait(BUILD_BOUND_SECONDS)
        assert survivors == [], f"processes of the build outlived it: {survivors}"
        return self.process.returncode, stderr.decode(errors="replace")


class ExitWatch:
    """Processes watched through pidfds, which become readable when a process has exited."""

    def __init__(self, pids: list[int]) -> None:
        self.pidfds: dict[int, int] = {}
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):  # already gone
                self.pidfds[os.pidfd_open(pid)] = pid

    def wait(self, bound_seconds: float) -> list[int]:
        """Wait for all to exit; the pids still running after BOUND_SECONDS."""
        deadline = time.monotonic() + bound_seconds
        pending = dict(self.pidfds)
        while pending and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select(list(pending), [], [], left)
            for fd in ready:
                del pending[fd]
                os.close(fd)
        for fd in pending:
            os.close(fd)
        return sorted(pending.values())


def processes_in_group(group: int) -> list[int]:
    """Live (not zombie) processes in process group GROUP, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(int(entry.name))
    return found


def published_files(out: Path) -> dict[str, bytes]:
    """The artefacts as users open them (through the links)."""
    return {name: (out / name).read_bytes() for name in ARTEFACTS}


def assert_complete_build(out: Path) -> None:
    """Every name links into the published build, the RDF parses, the store answers a query."""
    current = (out / "current").resolve()
    for name in PUBLISHED:
        assert os.readlink(out / name) == f"current/{name}", name
        assert (out / name).resolve() == current / name
    formats = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}
    asserted = list(ox.parse(path=str(out / "serkg.nt"), format=ox.RdfFormat.N_TRIPLES))
    for name in ARTEFACTS:
        suffix = Path(name).suffix
        if suffix in formats:
            assert list(ox.parse(path=str(out / name), format=formats[suffix])), name
    assert list(ox.parse(path=str(out / "serkg.trig"), format=ox.RdfFormat.TRIG))
    store = ox.Store.read_only(str(out / "store"))
    answer = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ASSERTED_GRAPH}> {{ ?s ?p ?o }} }}")
    assert int(next(iter(answer))["n"].value) == len(asserted) > 1000


def leftovers(out: Path) -> list[str]:
    """Everything in OUT that is neither published nor the lock: what a killed build left."""
    current = (out / "current").resolve()
    names = {*PUBLISHED, "current", ".lock", ".builds"}
    found = sorted(p.name for p in out.iterdir() if p.name not in names)
    found += sorted(
        f".builds/{p.name}" for p in (out / ".builds").iterdir() if p.resolve() != current
    )
    return found
