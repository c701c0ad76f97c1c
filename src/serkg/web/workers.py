"""Query worker processes: each holds the store open, a query over the time limit is killed.

A thread cannot stop a running pyoxigraph query; a process can be killed, so each query runs in
a worker process that is replaced when it overruns. :class:`StorePools` follows the store link
``serkg build`` swaps, so a rebuilt store is served without a restart.
"""

import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import sandbox, sparql_guard, store_checksums
from serkg.text_index import TextIndex, TextIndexError
from serkg.web.config import ServerConfig
from serkg.web.jobs import QueryJob, run_job
from serkg.web.refusals import QueryRefused


def worker_main(
    conn: Connection, store_path: str, max_rows: int, writable: bool, allow_service: bool = False
) -> None:
    """A worker process: leave the network (unless SERVICE is allowed), open the store once, then
    answer jobs until the pipe closes. The first message says whether the network is cut."""
    # before the store opens: RocksDB starts threads, and a user namespace needs a lone thread
    no_wall = "--allow-service was given" if allow_service else sandbox.cut_network()
    if writable:  # updates change the store: the build's checksums no longer describe it
        store_checksums.remove_checksums(Path(store_path))
    elif (problem := store_checksums.checksum_problem(Path(store_path))) is not None:
        message = f"cannot open the store at {store_path}: {problem}; rebuild with `serkg build`"
        conn.send(("ready", message, no_wall))
        return
    try:
        store = ox.Store(store_path) if writable else ox.Store.read_only(store_path)
        # a writable store has no checksums any more, so no text index: it could go stale
        index = None if writable else TextIndex.open(store_path)
    except (OSError, TextIndexError) as exc:
        conn.send(("ready", f"cannot open the store at {store_path}: {exc}", no_wall))
        return
    if not allow_service:
        sparql_guard.network_operations("ASK {}", update=False)  # load the parser before jobs
    try:
        conn.send(("ready", None, no_wall))
    except OSError:
        return  # the server closed the pipe while this worker started (shutdown)
    while True:
        try:
            job: QueryJob = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = run_job(
                store, job, max_rows, allow_service, walled=no_wall is None, text_index=index
            )
            conn.send(answer)
        except OSError:
            return


class _Worker:
    def __init__(self, ctx: Any, config: ServerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker_main,
            args=(
                child,
                str(config.store_path),
                config.max_rows,
                config.allow_update,
                config.allow_service,
            ),
            daemon=True,
            name="serkg-query-worker",
        )
        self.process.start()
        child.close()
        self.ready = False
        self.no_wall: str | None = None  # why this worker can still reach the network, if it can

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """Worker processes that each hold the store open; a query over the time limit is killed."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._ctx = multiprocessing.get_context("spawn")  # forking a threaded server is unsafe
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        # one reader thread per worker, plus room for the readers of killed workers to finish
        self._readers = ThreadPoolExecutor(2 * config.worker_count + 2, "serkg-pipe-reader")
        self.replaced = 0

    async def start(self) -> None:
        """Start the workers and wait until each has opened the store (fail fast if none can)."""
        workers = [self._spawn() for _ in range(self.config.worker_count)]
        loop = asyncio.get_running_loop()
        for worker in workers:
            message = await loop.run_in_executor(None, _wait_ready, worker, 60.0)
            if message is not None:
                await self.close()
                raise RuntimeError(message)
            worker.ready = True
            self._idle.put_nowait(worker)
        _log_network_wall(self.config, workers[0].no_wall)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.config)
        self._all.add(worker)
        return worker

    async def close(self) -> None:
        for worker in list(self._all):
            with contextlib.suppress(Exception):
                worker.conn.close()
        for worker in list(self._all):
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.kill()
        self._all.clear()
        self._readers.shutdown(wait=False, cancel_futures=True)

    async def run(self, job: QueryJob) -> tuple[Any, ...]:
        """Run JOB on a free worker within the time limit (waiting for a worker counts)."""
        deadline = time.monotonic() + self.config.timeout_s
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.config.timeout_s)
        except TimeoutError:
            raise QueryRefused(
                503,
                f"all {self.config.worker_count} query workers stayed busy for "
                f"{self.config.timeout_s:g} s; try again later",
            ) from None
        try:
            outcome = await asyncio.wait_for(
                self._exchange(worker, job), max(0.01, deadline - time.monotonic())
            )
        except TimeoutError:
            self._replace(worker)
            raise QueryRefused(
                503,
                f"the query ran longer than the time limit of {self.config.timeout_s:g} s and was "
                "stopped; narrow it (LIMIT, more selective patterns) or ask the operator "
                "for a longer --timeout",
            ) from None
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryRefused(
                500, "the query worker stopped unexpectedly; the query was not answered"
            ) from None
        except BaseException:
            self._replace(worker)  # cancelled (client went away): the worker may still be busy
            raise
        self._idle.put_nowait(worker)
        return outcome

    async def _exchange(self, worker: _Worker, job: QueryJob) -> tuple[Any, ...]:
        # A thread waits on the pipe: add_reader + recv breaks under uvloop, which makes the fd
        # non-blocking, so a large answer arrives in pieces. Killing the worker ends the wait.
        worker.conn.send(job)
        loop = asyncio.get_running_loop()
        while True:
            message: tuple[Any, ...] = await loop.run_in_executor(self._readers, worker.conn.recv)
            if message[0] != "ready":
                return message
            if message[1] is not None:
                raise OSError(message[1])

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self._all.discard(worker)
        self.replaced += 1
        # reap the killed process off the event loop; the new worker opens the store meanwhile
        asyncio.get_running_loop().run_in_executor(None, worker.process.join, 5)
        self._idle.put_nowait(self._spawn())


class StorePools:
    """The worker pool of the store ``--store`` points at now; a rebuilt store gets a new pool.

    ``serkg build`` publishes ``OUT/store`` as a symlink swapped atomically to a fresh folder.
    Each request resolves the link (two or three ``lstat`` calls); when the target changed, the
    request waits while a pool opens the new store, and later requests run there. Queries
    already running finish on the old pool, which is closed when its last one returns. SIGHUP
    makes the same check at once, so no request waits for the new workers.
    """

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.target = self._resolve()
        self.pool = WorkerPool(self._config_for(self.target))
        self.switches = 0
        self._switching: asyncio.Future[None] | None = None
        self._refused_target: Path | None = None
        self._in_flight: dict[WorkerPool, int] = {}
        self._retired: set[WorkerPool] = set()

    def _resolve(self) -> Path:
        return Path(os.path.realpath(self.config.store_path))

    def _config_for(self, target: Path) -> ServerConfig:
        return dataclasses.replace(self.config, store_path=target)

    async def start(self) -> None:
        await self.pool.start()

    async def close(self) -> None:
        for pool in {self.pool, *self._retired}:
            await pool.close()

    async def current(self) -> WorkerPool:
        """The pool to run the next query on (after switching, when the store was rebuilt)."""
        target = self._resolve()
        if target != self.target and target != self._refused_target:
            if self._switching is None:
                self._switching = asyncio.ensure_future(self._switch_to(target))
            await asyncio.shield(self._switching)
        return self.pool

    async def _switch_to(self, target: Path) -> None:
        pool = WorkerPool(self._config_for(target))
        try:
            await pool.start()
        except RuntimeError as exc:  # keep serving the store that works; retry on the next link
            print(f"serkg: cannot serve the rebuilt store {target}: {exc}", file=sys.stderr)
            self._refused_target = target
            self._switching = None
            return
        old, self.pool, self.target = self.pool, pool, target
        self.switches += 1
        self._switching = None
        print(f"serkg: serving the rebuilt store {target}", file=sys.stderr)
        self._retired.add(old)
        await self._close_if_done(old)

    async def run(self, job: QueryJob) -> tuple[Any, ...]:
        pool = await self.current()
        self._in_flight[pool] = self._in_flight.get(pool, 0) + 1
        try:
            return await pool.run(job)
        finally:
            self._in_flight[pool] -= 1
            await self._close_if_done(pool)

    async def _close_if_done(self, pool: WorkerPool) -> None:
        if pool in self._retired and not self._in_flight.get(pool):
            self._retired.discard(pool)
            self._in_flight.pop(pool, None)
            await pool.close()


def _wait_ready(worker: _Worker, timeout: float) -> str | None:
    if not worker.conn.poll(timeout):
        return "a query worker did not start within a minute"
    try:
        kind, message, worker.no_wall = worker.conn.recv()
    except EOFError:
        return "a query worker exited while opening the store"
    return message if kind == "ready" else "a query worker sent an unexpected first message"


def _log_network_wall(config: ServerConfig, no_wall: str | None) -> None:
    """Say once, at start-up, whether the query workers can reach the network."""
    import logging

    log = logging.getLogger("uvicorn.error")
    if config.allow_service:
        log.warning("--allow-service: queries may call any URL a SERVICE (or LOAD) names")
    elif no_wall is None:
        log.info("query workers run without network access (a network namespace of their own)")
    else:
        log.warning(
            "query workers could not be cut off the network: %s; SERVICE and LOAD are refused "
            "from the parsed query alone",
            no_wall,
        )
