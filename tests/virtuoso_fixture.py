"""A throw-away Virtuoso Open Source 7 server on loopback, for tests and benchmarks.

The database, its logs and its ini live in one temporary folder; both ports are free ports chosen
at start, so several runs (and a system Virtuoso on 1111/8890) never collide.
"""

from __future__ import annotations

import shutil
import subprocess
import time
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


def start_virtuoso(folder: Path, timeout: float = 60.0) -> Virtuoso:
    """Start ``virtuoso-t`` with a fresh database in FOLDER and wait until SPARQL answers."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        raise VirtuosoStartError("virtuoso-t not found")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = write_ini(folder, sql_port, http_port)
    output = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Virtuoso(folder, sql_port, http_port, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise VirtuosoStartError(
                f"virtuoso-t exited with {process.returncode}:\n{server.log_tail()}"
            )
        try:
            response = httpx.get(server.sparql_url, params={"query": "ASK {}"}, timeout=2.0)
            if response.status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    server.stop()
    raise VirtuosoStartError(
        f"Virtuoso did not answer within {timeout:.0f} s:\n{server.log_tail()}"
    )
