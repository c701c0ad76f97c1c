"""A throw-away Virtuoso Open Source 7 server on loopback, for tests and benchmarks.

The database, its logs and its ini live in one temporary folder; both ports are free ports chosen
at start, so several runs (and a system Virtuoso on 1111/8890) never collide.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import free_port

USER = "dba"
PASSWORD = "dba"  # the fresh database's default; the server only listens on 127.0.0.1


class VirtuosoStartError(RuntimeError):
    """Virtuoso did not start (the message carries the tail of its log)."""


@dataclass
class Virtuoso:
    """A running server: its HTTP base URL and what is needed to stop it."""

    folder: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return self.base_url + "/sparql"

    def log_tail(self, lines: int = 30) -> str:
        log = self.folder / "virtuoso.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Shut down through isql (clean checkpoint), then make sure the process is gone."""
        if self.process.poll() is None:
            isql = shutil.which("isql-vt") or shutil.which("isql")
            if isql:
                subprocess.run(
                    [isql, f"127.0.0.1:{self.sql_port}", USER, PASSWORD, "-K"],
                    capture_output=True,
                    timeout=30,
                    check=False,
                )
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)


def write_ini(folder: Path, sql_port: int, http_port: int) -> Path:
    """A minimal virtuoso.ini: everything in FOLDER, loopback ports, no row cap below our data."""
    ini = folder / "virtuoso.ini"
    ini.write_text(
        f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
DirsAllowed = ., {folder}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
DefaultGraph =
"""
    )
    return ini


#: Virtuoso's last start-up line: both listeners are open when it is printed
_ONLINE = b"Server online at"
#: how often a start is retried when a chosen port was taken meanwhile
_START_ATTEMPTS = 3


def start_virtuoso(folder: Path, timeout: float = 300.0) -> Virtuoso:
    """Start ``virtuoso-t`` with a fresh database in FOLDER; return once it says it is online.

    Readiness is Virtuoso's own "Server online at" line, read from its output as it is written
    (no polling, no sleeps), then one ``ASK {}`` over SPARQL. TIMEOUT only ends a start that
    hangs. A port another process took between choosing it and Virtuoso binding it makes
    Virtuoso exit; the start is then retried with new ports.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise VirtuosoStartError("virtuoso-t not found")
    folder.mkdir(parents=True, exist_ok=True)
    for _ in range(_START_ATTEMPTS):
        server = _start_once(binary, folder, timeout)
        if server is not None:
            return server
    raise VirtuosoStartError(
        f"virtuoso-t could not bind free ports in {_START_ATTEMPTS} attempts:\n"
        + (folder / "stdout.log").read_text(errors="replace")[-3000:]
    )


def _start_once(binary: str, folder: Path, timeout: float) -> Virtuoso | None:
    """One start; None when Virtuoso exited because a port was taken."""
    for leftover in folder.glob("virtuoso.*"):
        if leftover.suffix != ".ini":
            leftover.unlink()
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = write_ini(folder, sql_port, http_port)
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Virtuoso(folder, sql_port, http_port, process)
    hung = threading.Timer(timeout, process.kill)  # a safety net for a start that never ends
    hung.start()
    output = bytearray()
    try:
        assert process.stdout is not None
        for line in process.stdout:
            output += line
            if _ONLINE in line:
                break
    finally:
        hung.cancel()
    log = folder / "stdout.log"
    log.write_bytes(bytes(output))
    if process.poll() is not None or _ONLINE not in output:
        process.wait(timeout=30)
        text = output.decode(errors="replace")
        if "Failed to start listening" in text or "Address already in use" in text:
            return None
        raise VirtuosoStartError(
            f"virtuoso-t exited with {process.returncode} before it was online:\n{text[-3000:]}"
        )
    threading.Thread(target=_copy_rest, args=(process, log), daemon=True).start()
    response = httpx.get(server.sparql_url, params={"query": "ASK {}"}, timeout=30.0)
    if response.status_code != 200:
        server.stop()
        raise VirtuosoStartError(f"Virtuoso is online but SPARQL answered {response.status_code}")
    return server


def _copy_rest(process: subprocess.Popen[bytes], log: Path) -> None:
    """Keep draining Virtuoso's output into its log, so that a full pipe never blocks it."""
    assert process.stdout is not None
    with log.open("ab") as out:
        for line in process.stdout:
            out.write(line)
            out.flush()
