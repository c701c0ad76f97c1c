"""Running a measured step in a child process: wall time, peak memory of its whole process tree,
a time bound, and the JSON lines it printed (kept even when the bound stops it)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of PID and all its descendants, in MB."""
    total_kb = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total_kb += int(handle.read().split()[1]) * PAGE_KB
        except (OSError, IndexError, ValueError):
            continue
        stack.extend(_children(current))
    return total_kb / 1024


@dataclass
class ChildRun:
    """What a bounded child run produced."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    finished: bool
    returncode: int | None
    records: list[dict[str, Any]] = field(default_factory=list)
    stderr_tail: str = ""

    def record(self, stage: str) -> dict[str, Any] | None:
        return next((r for r in self.records if r.get("stage") == stage), None)


def run_child(
    module: str,
    args: list[str],
    bound_s: float,
    interval_s: float = 0.1,
    echo: Callable[[str], None] | None = None,
    repo: Path = REPO,
) -> ChildRun:
    """Run ``python -m MODULE ARGS`` for at most BOUND_S seconds, sampling its tree's RSS.

    ECHO, if given, gets each line the child writes on stderr as it comes (live progress of a
    long build); the lines are kept for the error tail either way. REPO is the checkout whose
    ``src/`` and ``benchmarks/`` the child imports (another one for an A/B, :mod:`benchmarks.ab`).
    """
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(
            [str(repo), str(repo / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    )
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=repo,
        env=env,
        start_new_session=True,
    )
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_mb(process.pid))
            stop.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    errors: list[bytes] = []

    def read_errors() -> None:
        for line in process.stderr or []:
            errors.append(line)
            if echo is not None:
                echo(line.decode(errors="replace").rstrip("\n"))

    err_reader = threading.Thread(target=read_errors, daemon=True)
    err_reader.start()
    finished = True
    try:
        process.wait(timeout=bound_s)
    except subprocess.TimeoutExpired:
        finished = False
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    reader.join(timeout=5)
    err_reader.join(timeout=5)
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    tail = b"".join(errors[-20:]).decode(errors="replace")
    ok = finished and process.returncode == 0
    cpu = _children_cpu() - cpu_before
    return ChildRun(seconds, cpu, peak, ok, process.returncode, records, tail)


def _children_cpu() -> float:
    """User + system CPU seconds of every waited-for child (and their children) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
