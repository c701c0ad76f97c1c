"""Filling a build's on-disk store in another process while the build validates and reasons.

RocksDB's bulk load is single-threaded and slow next to everything else a build does: 15-17 s
for a million triples here, however they are handed over (benchmarks/RESULTS.md). It needs
nothing from validation, so ``serkg build`` (up to ``serkg.build.AHEAD_MAX_TRIPLES``, where a
core is free while validating) hands each graph to a helper process as soon as it is known: the
asserted graph and the imports right after loading, the inferences and the metadata once
reasoning is done. The helper writes them into the store while the build validates, then closes
the store and records its checksums (:mod:`serkg.store_checksums`).

The helper is a new interpreter (``python -m serkg.store_fill``), not a fork: RocksDB must never
be opened in a forked child. Each graph travels as N-Triples bytes from pyoxigraph's own
serialiser (not through Python objects), and is stored with the same terms, blank node labels
included: RocksDB's ``bulk_load`` would rename blank nodes, so the helper parses with labels kept
and bulk-extends. The helper dies with the build (``PR_SET_PDEATHSIG``: create a :class:`StoreFill` from a thread
that lives as long as it, as for :class:`serkg.forked.Forked`); if the build stops
before it says the store is complete (end of input without the closing message), the helper
leaves the store without checksums, so it can never pass for a finished one.

Each graph is written to a file in a spool folder beside the store (so the build never waits
for the helper to read it), and announced on the helper's stdin by a JSON line
``{"graph": IRI, "file": PATH}``; the helper loads and deletes the file. ``{"end": true}`` closes.
On stdout the helper answers one JSON object: ``{}`` when the store is complete, or the error (an
:class:`OSError` keeps its errno, so a full disk stays recognisable as one).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from serkg.forked import die_with_parent
from serkg.store_checksums import write_checksums


class StoreFillError(RuntimeError):
    """The helper could not fill the store (its message says why)."""


class StoreFill:
    """A helper process filling the store at FOLDER; :meth:`add` graphs, then :meth:`finish`."""

    def __init__(self, folder: Path, *, niceness: int = 0) -> None:
        """NICENESS above 0 lowers the helper's CPU priority (:func:`os.nice`). The graphs wait
        for the helper in a spool folder beside FOLDER (removed when done)."""
        self.folder = Path(folder)
        self.spool = self.folder.parent / f".{self.folder.name}.spool"
        self._handed = 0
        arguments = [str(self.folder), str(os.getpid()), str(niceness)]
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "serkg.store_fill", *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,
            env=_same_serkg_environment(),
        )

    def add(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Hand over TRIPLES, to be stored in the named GRAPH (this returns once they are
        written to the spool folder: the helper loads them in its own time)."""
        self.spool.mkdir(exist_ok=True)
        path = self.spool / f"{self._handed}.nt"
        self._handed += 1
        ox.serialize(triples, output=str(path), format=ox.RdfFormat.N_TRIPLES)
        self._send({"graph": graph, "file": str(path)})

    def finish(self) -> None:
        """Wait until the store is complete, closed and checksummed; raises the helper's error
        (:class:`OSError` with its errno, or :class:`StoreFillError`)."""
        self._send({"end": True})
        process = self._running()
        answer, errors = process.communicate()
        self._process = None
        shutil.rmtree(self.spool, ignore_errors=True)
        _raise_if_failed(answer, errors, process.returncode)

    def close(self) -> None:
        """Stop the helper if it still runs (the store is then incomplete); harmless to repeat."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.communicate()
            self._process = None
        shutil.rmtree(self.spool, ignore_errors=True)

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise StoreFillError("the store is already complete or abandoned")
        return self._process

    def _send(self, message: dict[str, Any]) -> None:
        process = self._running()
        assert process.stdin is not None
        try:
            process.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
            process.stdin.flush()
        except BrokenPipeError:  # the helper stopped: its answer says why
            answer, errors = process.communicate()
            self._process = None
            _raise_if_failed(answer, errors, process.returncode)
            raise StoreFillError("the store helper stopped reading") from None


def _same_serkg_environment() -> dict[str, str]:
    """This environment, with the folder this serkg was imported from first on the helper's
    path: the helper runs the same code whatever put serkg on this process's path."""
    import serkg

    source = str(Path(serkg.__file__).resolve().parent.parent)
    environment = dict(os.environ)
    inherited = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = os.pathsep.join([source, *([inherited] if inherited else [])])
    return environment


def _raise_if_failed(answer: bytes, errors: bytes, returncode: int) -> None:
    try:
        outcome = json.loads(answer or b"null")
    except ValueError:
        outcome = None
    if returncode == 0 and outcome == {}:
        return
    if isinstance(outcome, dict) and "message" in outcome:
        if outcome.get("errno") is None:  # RocksDB's errors carry only a message
            raise OSError(outcome["message"])
        raise OSError(outcome["errno"], outcome["message"], outcome.get("filename"))
    if isinstance(outcome, dict) and "error" in outcome:
        raise StoreFillError(f"the store could not be filled: {outcome['error']}")
    detail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
    raise StoreFillError(f"the store helper died (exit code {returncode}): {detail[0]}")


def _fill(folder: Path, messages: IO[bytes]) -> bool:
    """Store every graph MESSAGES hand over into a new store at FOLDER; True when the closing
    message came (the store is then closed and checksummed), False at an early end of input."""
    store = ox.Store(str(folder))
    for line in messages:
        if not line.endswith(b"\n"):
            break  # cut short: the build stopped while saying it
        message = json.loads(line)
        if message == {"end": True}:
            store.flush()
            store.optimize()
            del store
            write_checksums(folder)
            return True
        spooled = Path(message["file"])
        data = spooled.read_bytes()
        spooled.unlink()
        name = ox.NamedNode(message["graph"])
        # N-Triples lines end with " .\n" and hold no other line break (the grammar escapes them
        # in literals), so this makes each line an N-Quads line in GRAPH
        quads = data.replace(b" .\n", f" {name} .\n".encode())
        del data
        store.bulk_extend(ox.parse(quads, format=ox.RdfFormat.N_QUADS))
        del quads
    return False


def main(argv: list[str]) -> int:
    """The helper: ``python -m serkg.store_fill FOLDER PARENT_PID NICENESS``."""
    folder, parent_pid, niceness = Path(argv[0]), int(argv[1]), int(argv[2])
    # Ctrl-C is the build's to handle: it stops this helper (StoreFill.close) and says so
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)
    if niceness > 0:
        os.nice(niceness)
    outcome: dict[str, Any]
    try:
        if not _fill(folder, sys.stdin.buffer):
            return 2  # the build stopped first: no checksums, nothing to answer
        outcome = {}
    except OSError as exc:
        message = exc.strerror if exc.errno is not None else str(exc)
        outcome = {"errno": exc.errno, "message": message, "filename": exc.filename}
    except Exception as exc:  # the build raises it as StoreFillError
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(outcome) + "\n")
    return 0 if outcome == {} else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
