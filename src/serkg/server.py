"""``serkg serve``: the SPARQL 1.1 Protocol endpoint, named-query API, web UI and linked data.

Queries run in a small pool of worker processes, each holding the built store open read-only.
pyoxigraph releases the GIL while it evaluates, but it cannot cancel a running query: a thread
whose query exceeds the time limit would keep a core busy until the query ends (a cross-join
bomb never does). A worker process can be killed; it is then replaced and the client gets 503.
Safe by default: SPARQL Update, LOAD and SERVICE (pyoxigraph would call any URL a query names)
are refused unless enabled; the server listens on 127.0.0.1 unless told otherwise.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import multiprocessing
import os
import pickle
import re
import signal
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import sandbox, sparql_guard, store_checksums
from serkg.http_limits import DEFAULT_HEADER_TIMEOUT_S
from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH, METADATA_GRAPH
from serkg.results import RowLimitExceeded
from serkg.sparql_guard import LOAD, SERVICE
from serkg.store import query_bound

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_QUERY_BYTES = 1 << 20
#: a form-encoded body may percent-encode every byte of a query at the cap, plus other fields
FORM_OVERHEAD_BYTES = 64 * 1024
YASGUI_VERSION_FILE = Path("node_modules") / "@zazuko" / "yasgui" / "package.json"
YASGUI_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"

#: answer format key -> media types a client may ask for; the first is the Content-Type we answer
#: with and the only one a wildcard (``text/*``) matches, so ``text/*`` means CSV, not text/xml
SELECT_NEGOTIATION: list[tuple[str, list[str]]] = [
    ("json", ["application/sparql-results+json", "application/json"]),
    ("xml", ["application/sparql-results+xml", "application/xml", "text/xml"]),
    ("csv", ["text/csv"]),
    ("tsv", ["text/tab-separated-values"]),
]
GRAPH_NEGOTIATION: list[tuple[str, list[str]]] = [
    ("ttl", ["text/turtle", "application/x-turtle", "application/turtle"]),
    ("nt", ["application/n-triples", "text/plain"]),
    ("jsonld", ["application/ld+json", "application/json", "application/x-json+ld"]),
    ("rdfxml", ["application/rdf+xml", "application/xml", "text/xml"]),
    ("n3", ["text/n3", "text/rdf+n3", "application/n3"]),  # answered as Turtle, which is N3
]
#: short names accepted in a ``format=`` parameter, per answer form: the same name may mean a
#: results format for SELECT/ASK and an RDF syntax for CONSTRUCT/DESCRIBE (SPARQLWrapper's XML
#: and JSON do), as Virtuoso and Fuseki read them
SELECT_FORMAT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_FORMAT_NAMES = {
    "ttl": "ttl", "turtle": "ttl", "n3": "n3", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "jsonld": "jsonld", "json-ld": "jsonld", "json": "jsonld",
    "rdfxml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml", "xml": "rdfxml",
}  # fmt: skip


@dataclass(frozen=True)
class ServerConfig:
    """Everything ``serkg serve`` can be told; defaults are the safe ones."""

    store_path: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_ROWS
    allow_update: bool = False
    allow_service: bool = False
    workers: int = 0  # 0: chosen from the number of cores (1 when updates are allowed)
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES
    cors_origins: tuple[str, ...] = ()  # ("*",): any origin, as public read-only endpoints do
    allowed_hosts: tuple[str, ...] = ()  # Host header values accepted (DNS rebinding); (): any
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S

    @property
    def header_limit(self) -> int:
        """Bytes a request line and headers may take: a GET may carry a query at the cap."""
        return self.max_query_bytes + FORM_OVERHEAD_BYTES

    @property
    def worker_count(self) -> int:
        if self.allow_update:
            return 1  # one writer: RocksDB allows a single read-write handle
        return self.workers or max(2, min(4, (os.cpu_count() or 2) + 1))


class QueryRefused(Exception):
    """A request the server will not run; carries the HTTP status and the message for the client."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


# ------------------------------------------------------------------------------ worker processes
@dataclass
class QueryJob:
    """One query (or update) for a worker: text, bound terms, dataset and wanted answer formats.

    ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``; None for both means the request named no dataset (see
    :func:`dataset_options`). ``base_iri`` resolves relative IRIs in the query text.
    """

    sparql: str
    update: bool = False
    bindings: dict[str, Any] = field(default_factory=dict)
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base_iri: str | None = None
    select_format: str | None = "json"
    graph_format: str | None = "ttl"
    raw: bool = False  # answer with the QueryAnswer itself (linked-data pages build on it)


def _worker_main(
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
    except OSError as exc:
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
            conn.send(_run_job(store, job, max_rows, allow_service, walled=no_wall is None))
        except OSError:
            return


def _run_job(
    store: ox.Store, job: QueryJob, max_rows: int, allow_service: bool, *, walled: bool
) -> tuple[Any, ...]:
    from serkg.results import QueryAnswer

    refused = operation_refusal(
        job.sparql, update=job.update, allow_service=allow_service, walled=walled
    )
    if refused is not None:
        return ("error", *refused)
    try:
        if job.update:
            store.update(job.sparql)
            return ("ok", "update", None, b"")
        solutions = query_bound(store, job.sparql, job.bindings, **dataset_options(job))
        answer = QueryAnswer.from_oxigraph(solutions, row_limit=max_rows)
    except SyntaxError as exc:
        return ("error", 400, f"SPARQL syntax error: {exc}")
    except RowLimitExceeded as exc:
        return ("error", 403, str(exc))
    except (RuntimeError, OSError, ValueError) as exc:
        if "projection" in str(exc):
            return ("error", 400, f"{exc}: a SELECT query must project every parameter variable")
        return ("error", 500, f"the store could not answer: {exc}")
    if job.raw:
        return ("ok", answer.kind, "raw", pickle.dumps(answer))
    fmt = job.graph_format if answer.kind == "graph" else job.select_format
    if fmt is None:
        wanted = GRAPH_NEGOTIATION if answer.kind == "graph" else SELECT_NEGOTIATION
        offered = ", ".join(media for _, types in wanted for media in types[:1])
        return (
            "error",
            406,
            f"none of the accepted media types fits a {answer.kind.upper()} answer; "
            f"ask for one of {offered}",
        )
    return ("ok", answer.kind, fmt, serialize_answer(answer, fmt))


#: the default graph of a query that names no dataset: the store's own default graph (empty
#: after a build; where an allowed INSERT DATA writes) and the asserted and inferred graphs; the
#: metadata graph (VoID, provenance) is reachable by FROM, GRAPH or named-graph-uri only
DEFAULT_GRAPH_PARTS = (ASSERTED_GRAPH, INFERRED_GRAPH)


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """pyoxigraph's dataset and base IRI arguments for JOB, as SPARQL 1.1 says.

    Protocol parameters replace the query's FROM/FROM NAMED (Protocol 2.1.4), and like FROM and
    FROM NAMED, giving only one kind leaves the other empty (Query 13.2). A query with its own
    FROM or FROM NAMED gets exactly that dataset; any other gets :data:`DEFAULT_GRAPH_PARTS` as
    its default graph, with every graph available to GRAPH.
    """
    options: dict[str, Any] = {}
    if job.base_iri:
        options["base_iri"] = job.base_iri
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not has_dataset_clause(job.sparql):
        options["default_graph"] = [ox.DefaultGraph()] + [
            ox.NamedNode(g) for g in DEFAULT_GRAPH_PARTS
        ]
    return options


def has_dataset_clause(sparql: str) -> bool:
    """Whether the query says FROM (the keyword only a dataset clause uses)."""
    lowered = sparql.lower()
    if "from" not in lowered and "\\u" not in lowered:
        return False  # the common case, without the scan of strings and comments
    return "FROM" in sparql_keywords(sparql)


def sparql_keywords(sparql: str) -> list[str]:
    """Only for choosing the dataset (is there a FROM?), never for deciding what may run.

    Upper-cased bare words of SPARQL text: not in strings, comments or IRIs, and not part of a
    variable, prefixed name or language tag. ``\\uXXXX`` escapes are decoded first, as in SPARQL.
    """
    from serkg.sparql_text import code_chars as _code_chars

    text = _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    chars = [*_code_chars(text), (" ", True)]
    words: list[str] = []
    start: int | None = None
    lead = previous = " "
    for index, (ch, in_code) in enumerate(chars):
        if in_code and (ch.isalnum() or ch == "_"):
            if start is None:
                start, lead = index, previous
            continue
        if start is not None:
            if lead not in "?$:@-" and not (in_code and ch == ":"):
                words.append("".join(c for c, _ in chars[start:index]).upper())
            start = None
        previous = ch if in_code else " "
    return words


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def serialize_answer(answer: Any, fmt: str) -> bytes:
    """The bytes of an answer in FMT: JSON-LD compacted with the curated context, N3 as Turtle."""
    from serkg import export

    if answer.kind == "graph" and fmt == "jsonld":
        return export.serialize_jsonld(answer.triples)
    text: str = answer.serialize("ttl" if fmt == "n3" else fmt)
    return text.encode("utf-8")


class _Worker:
    def __init__(self, ctx: Any, config: ServerConfig) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main,
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
            message = await loop.run_in_executor(self._readers, worker.conn.recv)
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


# ----------------------------------------------------------------------------- request helpers
def negotiate(
    accept: str | None, offers: Sequence[tuple[str, list[str]]]
) -> tuple[str, str] | None:
    """Pick (format key, media type) from OFFERS for an Accept header (q-values, wildcards)."""
    if not accept or not accept.strip():
        accept = "*/*"
    ranges: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if not media:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((q, position, media))
    best: tuple[float, int, int, str, str] | None = None
    for q, _position, media in ranges:
        if q <= 0:
            continue
        for rank, (key, types) in enumerate(offers):
            for media_type in types:
                if media == media_type:
                    candidate = (q, 2, -rank, key, media_type)
                elif media == "*/*":
                    candidate = (q, 0, -rank, key, types[0])
                elif media.endswith("/*") and types[0].startswith(media[:-1]):
                    candidate = (q, 1, -rank, key, types[0])
                else:
                    continue
                if best is None or candidate[:3] > best[:3]:
                    best = candidate
                break
    return None if best is None else (best[3], best[4])


def content_type(media_type: str) -> str:
    """The Content-Type header for MEDIA_TYPE (text types say their charset)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def media_type_for(fmt: str) -> str:
    for key, types in (*SELECT_NEGOTIATION, *GRAPH_NEGOTIATION):
        if key == fmt:
            return types[0]
    raise KeyError(fmt)


SERVICE_REFUSED = (
    "SERVICE clauses are refused: the server does not call other endpoints "
    "(start it with --allow-service to allow that)"
)
LOAD_REFUSED = (
    "LOAD is refused: the server does not fetch URLs "
    "(start it with --allow-update --allow-service to allow that)"
)


def refusals(sparql: str, *, update: bool, allow_update: bool, allow_service: bool) -> None:
    """Raise :class:`QueryRefused` for what is refused before a worker gets the job.

    Only cheap checks, fit for the event loop: updates on a read-only server, and nesting too
    deep for the parsers (400). SERVICE and LOAD are read from the parse tree in the worker
    (:func:`operation_refusal`), where parsing a big query delays no other client.
    """
    if update and not allow_update:
        raise QueryRefused(
            403,
            "SPARQL Update is not accepted: this endpoint is read-only "
            "(start the server with --allow-update to change that)",
        )
    try:
        sparql_guard.check_nesting(sparql)
    except sparql_guard.TooDeep as exc:
        raise QueryRefused(400, str(exc)) from None


def operation_refusal(
    sparql: str, *, update: bool, allow_service: bool, walled: bool = False
) -> tuple[int, str] | None:
    """(status, message) when SPARQL may not run: SERVICE or LOAD in its parse tree without
    ``--allow-service``, or a text the guard's parser (rdflib) cannot read.

    A text rdflib cannot read is refused with 400: were it run, nothing would say it calls no
    URL. In a worker without network (WALLED) Oxigraph first tries it on an empty store, so that
    a syntax error gets Oxigraph's message, as every other query does.
    """
    if allow_service:
        return None
    try:
        found = sparql_guard.network_operations(sparql, update=update)
    except sparql_guard.TooDeep as exc:
        return (400, str(exc))
    except sparql_guard.UnreadableSparql as exc:
        if walled:
            try:
                if update:
                    ox.Store().update(sparql)
                else:
                    ox.Store().query(sparql)
            except SyntaxError as syntax:
                return (400, f"SPARQL syntax error: {syntax}")
            except (RuntimeError, OSError, ValueError):
                pass  # valid for Oxigraph; it failed without a network, as it must
        return (
            400,
            f"the {'update' if update else 'query'} is refused because the server cannot check "
            f"it for SERVICE and LOAD: its SPARQL parser (rdflib) says: {exc}",
        )
    if SERVICE in found:
        return (403, SERVICE_REFUSED)
    if LOAD in found:
        return (403, LOAD_REFUSED)
    return None


# -------------------------------------------------------------------------------------- the app
def ui_dir() -> Path:
    """Where ``scripts/install-ui.sh`` put YASGUI (``SERKG_UI_DIR`` overrides)."""
    from importlib import resources

    override = os.environ.get("SERKG_UI_DIR")
    return Path(override) if override else Path(str(resources.files("serkg"))) / "_ui"


def create_app(config: ServerConfig) -> Any:
    """The FastAPI application (the pools start with the app's lifespan)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

    from serkg import linked_data, webapi

    pools = StorePools(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        await pools.start()
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, AttributeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(pools.current()))
        yield
        with contextlib.suppress(NotImplementedError, AttributeError, ValueError):
            loop.remove_signal_handler(signal.SIGHUP)
        await pools.close()

    app = FastAPI(
        title="serkg SPARQL endpoint and named-query API",
        version=_version(),
        lifespan=lifespan,
        docs_url=None,  # /api/docs is rendered below from the same OpenAPI document, no CDN
        redoc_url=None,
        openapi_url=None,  # served below, with one path per named query
    )
    app.state.pools = pools
    _add_public_deployment_middleware(app, config)

    def error(
        status: int,
        message: str,
        parameter: str | None = None,
        json: bool = False,
        close: bool = False,
    ) -> Response:
        headers = {"Connection": "close"} if close else None
        if json:
            body: dict[str, Any] = {"detail": message}
            if parameter:
                body["parameter"] = parameter
            return JSONResponse(body, status_code=status, headers=headers)
        return Response(
            message + "\n",
            status_code=status,
            media_type="text/plain; charset=utf-8",
            headers=headers,
        )

    async def answer_sparql(
        request: Request, params: list[tuple[str, str]], query: str | None, update: str | None
    ) -> Response:
        text = update if update is not None else query
        if text is not None and len(text.encode("utf-8")) > config.max_query_bytes:
            return error(413, _too_large(f"the {'update' if update else 'query'}", config))
        try:
            # the keyword scan is Python over every character: off the event loop
            job = await asyncio.to_thread(
                _sparql_job, params, query, update, request.headers.get("accept"), config
            )
            job.base_iri = str(request.url_for("sparql_get"))
            outcome = await pools.run(job)
        except QueryRefused as exc:
            return error(exc.status, exc.message)
        return _outcome_response(outcome, error)

    @app.get("/sparql", include_in_schema=False)
    async def sparql_get(request: Request) -> Response:
        params = list(request.query_params.multi_items())
        queries = [v for k, v in params if k == "query"]
        if any(k == "update" for k, _ in params):
            return error(*_update_refusal_or_method(config))
        if not queries:
            return _service_description(request, config)
        if len(queries) > 1:
            return error(400, "give the query parameter exactly once")
        return await answer_sparql(request, params, queries[0], None)

    @app.post("/sparql", include_in_schema=False)
    async def sparql_post(request: Request) -> Response:
        from urllib.parse import parse_qsl

        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in _POST_MEDIA_TYPES:
            return error(
                415,
                f"unsupported Content-Type {media or '(none)'!r}: POST "
                "application/x-www-form-urlencoded, "
                "application/sparql-query or application/sparql-update",
            )
        form = media == "application/x-www-form-urlencoded"
        limit = config.max_query_bytes * 3 + FORM_OVERHEAD_BYTES if form else config.max_query_bytes
        body = await _read_body(request, limit)
        if body is None:
            what = "the form-encoded body" if form else "the query"
            return error(413, _too_large(what, config, limit), close=True)
        params = list(request.query_params.multi_items())
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return error(400, "the request body is not UTF-8")
        if form:
            params += parse_qsl(text, keep_blank_values=True)
            queries = [v for k, v in params if k == "query"]
            updates = [v for k, v in params if k == "update"]
            if len(queries) + len(updates) != 1:
                return error(400, "give exactly one query= or update= parameter")
            return await answer_sparql(
                request, params, queries[0] if queries else None, updates[0] if updates else None
            )
        if media == "application/sparql-query":
            return await answer_sparql(request, params, text, None)
        return await answer_sparql(request, params, None, text)

    # ---- named queries
    @app.get("/api/queries", include_in_schema=False)
    async def list_named_queries() -> Response:
        return JSONResponse(webapi.query_list())

    @app.get("/api/queries/{name}", include_in_schema=False)
    async def run_named(name: str, request: Request) -> Response:
        try:
            job = webapi.named_query_job(
                name, list(request.query_params.multi_items()), request.headers.get("accept")
            )
            outcome = await pools.run(job)
        except QueryRefused as exc:
            return error(exc.status, exc.message, exc.parameter, json=True)
        return _outcome_response(outcome, lambda s, m: error(s, m, json=True))

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        return JSONResponse(webapi.openapi_document(str(request.base_url).rstrip("/"), _version()))

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs(request: Request) -> Response:
        document = webapi.openapi_document(str(request.base_url).rstrip("/"), _version())
        return HTMLResponse(webapi.api_docs_page(document))

    # ---- linked data
    async def linked(request: Request, iri: str) -> Response:
        try:
            return await linked_data.respond(iri, request, pools.run)
        except QueryRefused as exc:
            return error(exc.status, exc.message)

    @app.get("/id/{local:path}", include_in_schema=False)
    async def entity(local: str, request: Request) -> Response:
        return await linked(request, linked_data.KG + local)

    @app.get("/vocab/{term:path}", include_in_schema=False)
    async def vocab_term(term: str, request: Request) -> Response:
        return await linked(request, linked_data.SK + term)

    @app.get("/vocab", include_in_schema=False)
    async def vocab(request: Request) -> Response:
        return await linked(request, linked_data.ONTOLOGY_IRI)

    @app.get("/source/{local:path}", include_in_schema=False)
    async def source(local: str, request: Request) -> Response:
        return await linked(request, linked_data.KGSRC + local)

    # ---- the UI
    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        build = ui_dir() / YASGUI_BUILD
        if not (build / "yasgui.min.js").exists():
            return HTMLResponse(webapi.ui_missing_page(ui_dir()), status_code=200)
        return HTMLResponse(webapi.ui_page())

    @app.get("/ui/examples.json", include_in_schema=False)
    async def examples() -> Response:
        return JSONResponse(webapi.ui_examples())

    @app.get("/ui/{name}", include_in_schema=False)
    async def ui_file(name: str) -> Response:
        allowed = {
            "yasgui.min.js": "text/javascript",
            "yasgui.min.css": "text/css",
            "yasgui.min.js.map": "application/json",
        }
        path = ui_dir() / YASGUI_BUILD / name
        if name not in allowed or not path.exists():
            return error(404, f"no UI file {name!r}; install the UI with scripts/install-ui.sh")
        return FileResponse(
            path, media_type=allowed[name], headers={"Cache-Control": "public, max-age=86400"}
        )

    return app


_POST_MEDIA_TYPES = (
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
)


def _too_large(what: str, config: ServerConfig, limit: int | None = None) -> str:
    cap = config.max_query_bytes
    extra = "" if limit in (None, cap) else f" (a form body may take {limit} bytes)"
    return (
        f"{what} is over this server's limit of {cap} bytes of SPARQL{extra}; "
        "split it, or ask the operator for a larger --max-query-bytes"
    )


async def _read_body(request: Any, limit: int) -> bytes | None:
    """The request body, or None as soon as it passes LIMIT bytes (the rest is never read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _add_public_deployment_middleware(app: Any, config: ServerConfig) -> None:
    """CORS and the Host check, both off unless ``--cors`` / ``--host-header`` ask for them."""
    if config.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            max_age=86400,
        )


def _update_refusal_or_method(config: ServerConfig) -> tuple[int, str]:
    if not config.allow_update:
        return (
            403,
            "SPARQL Update is not accepted: this endpoint is read-only "
            "(start the server with --allow-update to change that)",
        )
    return (
        405,
        "send SPARQL Update with POST (form-encoded update= or application/sparql-update), not GET",
    )


def _sparql_job(
    params: list[tuple[str, str]],
    query: str | None,
    update: str | None,
    accept: str | None,
    config: ServerConfig,
) -> QueryJob:
    text = update if update is not None else query
    if text is None or not text.strip():
        raise QueryRefused(
            400, f"the {'update' if update is not None else 'query'} parameter is empty"
        )
    refusals(
        text,
        update=update is not None,
        allow_update=config.allow_update,
        allow_service=config.allow_service,
    )
    graphs: dict[str, list[str]] = {"default-graph-uri": [], "named-graph-uri": []}
    for key, value in params:
        if key in graphs:
            try:
                graphs[key].append(ox.NamedNode(value).value)
            except ValueError:
                raise QueryRefused(400, f"{key} {value!r} is not an IRI", key) from None
    select_format, graph_format = _wanted_formats(params, accept)
    protocol_dataset = any(key in graphs for key, _ in params)
    return QueryJob(
        sparql=text,
        update=update is not None,
        default_graphs=graphs["default-graph-uri"] if protocol_dataset else None,
        named_graphs=graphs["named-graph-uri"] if protocol_dataset else None,
        select_format=select_format,
        graph_format=graph_format,
    )


def _wanted_formats(
    params: Sequence[tuple[str, str]], accept: str | None
) -> tuple[str | None, str | None]:
    """Answer formats for a SELECT/ASK and for a graph answer (None: 406 for that form).

    For each form, the first ``format=`` value that names a format of that form wins (a short
    name or media types, read like Accept; SPARQLWrapper sends ``format=xml`` with ``Accept: application/rdf+xml``
    for a CONSTRUCT, and ``format=tsv&format=text/tab-separated-values``); otherwise Accept
    decides. A ``format=`` that names nothing at all is a 400; an empty one is ignored
    (SPARQLWrapper sends ``format=`` empty beside its short name when it accepts ``*/*``).
    """
    given = [v for k, v in params if k == "format" and v.strip()]
    requested = [v.strip().lower() for v in given]
    for original, value in zip(given, requested, strict=True):
        named = value in SELECT_FORMAT_NAMES or value in GRAPH_FORMAT_NAMES
        if not named and not (
            "/" in value
            and (negotiate(value, SELECT_NEGOTIATION) or negotiate(value, GRAPH_NEGOTIATION))
        ):
            known = ", ".join(sorted({*SELECT_FORMAT_NAMES, *GRAPH_FORMAT_NAMES}))
            raise QueryRefused(
                400, f"unknown format {original!r}; use one of {known} or a media type", "format"
            )
    chosen: list[str | None] = []
    for format_names, offers in (
        (SELECT_FORMAT_NAMES, SELECT_NEGOTIATION),
        (GRAPH_FORMAT_NAMES, GRAPH_NEGOTIATION),
    ):
        fmt = None
        for value in requested:
            by_media = negotiate(value, offers) if "/" in value else None
            fmt = format_names.get(value) or (by_media[0] if by_media else None)
            if fmt:
                break
        if fmt is None:
            negotiated = negotiate(accept, offers)
            fmt = negotiated[0] if negotiated else None
        chosen.append(fmt)
    return chosen[0], chosen[1]


def _outcome_response(outcome: tuple[Any, ...], error: Any) -> Any:
    from fastapi.responses import Response

    if outcome[0] == "error":
        return error(outcome[1], outcome[2])
    _, kind, fmt, data = outcome
    if kind == "update":
        return Response(status_code=204)
    return Response(data, media_type=content_type(media_type_for(fmt)), headers={"Vary": "Accept"})


def _service_description(request: Any, config: ServerConfig) -> Any:
    from fastapi.responses import Response

    from serkg.results import QueryAnswer

    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    endpoint = ox.NamedNode(str(request.url_for("sparql_get")))

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(service, rdf_type, n(sd + "Service")),
        ox.Triple(service, n(sd + "endpoint"), endpoint),
        ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(service, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default_graph),
        ox.Triple(default_graph, rdf_type, n(sd + "Graph")),
        ox.Triple(default_graph, n("http://purl.org/dc/terms/description"), ox.Literal(
            f"the union of <{ASSERTED_GRAPH}> and <{INFERRED_GRAPH}>; <{METADATA_GRAPH}> is "
            "a named graph only")),
        ox.Triple(service, n("http://purl.org/dc/terms/description"), ox.Literal(
            f"serkg: read-only={not config.allow_update}, SERVICE allowed={config.allow_service}, "
            f"time limit {config.timeout_s:g} s per query, at most {config.max_rows} result rows, "
            f"queries up to {config.max_query_bytes} bytes; the default graph is the union of "
            "the asserted and inferred graphs; relative IRIs resolve against this endpoint's URL")),
    ]  # fmt: skip
    if config.allow_service:
        triples.append(ox.Triple(service, n(sd + "feature"), n(sd + "BasicFederatedQuery")))
    if config.allow_update:
        triples.append(ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Update")))
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "N3",
    ):
        triples.append(ox.Triple(service, n(sd + "resultFormat"), n(formats + name)))
    for index, graph in enumerate((ASSERTED_GRAPH, INFERRED_GRAPH, METADATA_GRAPH)):
        named = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, n(sd + "namedGraph"), named),
            ox.Triple(named, rdf_type, n(sd + "NamedGraph")),
            ox.Triple(named, n(sd + "name"), n(graph)),
        ]
    chosen = negotiate(_accept(request), GRAPH_NEGOTIATION) or ("ttl", "text/turtle")
    body: bytes
    if chosen[0] in {"ttl", "n3"}:
        prefixes = {"sd": sd, "formats": formats, "dcterms": "http://purl.org/dc/terms/"}
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    else:
        body = serialize_answer(QueryAnswer("graph", triples=triples), chosen[0])
    return Response(
        body, media_type=content_type(media_type_for(chosen[0])), headers={"Vary": "Accept"}
    )


def _accept(request: Any) -> str:
    accept = request.headers.get("accept") or "*/*"
    return "text/turtle" if "text/html" in accept else accept


def _version() -> str:
    from serkg import __version__

    return __version__


# ------------------------------------------------------------------------------------ entry points
def serve(config: ServerConfig, *, access_log: bool = False) -> None:
    """Run the server until interrupted (uvicorn with the h11 parser: Jena's ``Upgrade: h2c``
    POSTs lose their body under httptools), request heads bounded by :mod:`serkg.http_limits`."""
    import uvicorn

    from serkg.http_limits import guarded_protocol

    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        http=guarded_protocol(config.header_timeout_s, config.header_limit),
        h11_max_incomplete_event_size=config.header_limit + 1024,  # ours answers first, with 431
        log_level="info",
        access_log=access_log,
        timeout_graceful_shutdown=5,
    )


def parse_origins(value: str) -> tuple[str, ...]:
    """``--cors``: ``*`` or comma-separated origins (``https://example.org``), checked."""
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port]) or *")
    if not origins:
        raise ValueError("give * or at least one origin")
    return origins


def parse_hosts(value: str) -> tuple[str, ...]:
    """``--host-header``: comma-separated host names (``*.example.org`` allowed), no ports."""
    hosts = tuple(h.strip().lower() for h in value.split(",") if h.strip())
    for host in hosts:
        if not re.fullmatch(r"(\*\.)?[a-z0-9.\-]+|\[[0-9a-f:.]+\]", host):
            raise ValueError(f"{host!r} is not a host name (the Host header without its port)")
    if not hosts:
        raise ValueError("give at least one host name")
    return hosts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m serkg.server --store DIR [--port N]``: the same server as ``serkg serve``."""
    from serkg.store import DEFAULT_STORE_DIR, EmbeddedStore, StoreError

    parser = argparse.ArgumentParser(
        prog="python -m serkg.server",
        description="Serve the SPARQL endpoint, the named-query API, the UI and linked data.",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)"
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE_DIR,
        help="the built store folder (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="per-query time limit in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="result row cap (default: %(default)s)",
    )
    parser.add_argument(
        "--max-query-bytes",
        type=int,
        default=DEFAULT_MAX_QUERY_BYTES,
        help="largest query or update text in bytes; larger ones get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        help="seconds a client may take to send a request's headers (default: %(default)s)",
    )
    parser.add_argument(
        "--cors", metavar="ORIGINS", help="allow cross-origin requests from ORIGINS (or *)"
    )
    parser.add_argument(
        "--host-header", metavar="NAMES", help="answer only requests whose Host is one of NAMES"
    )
    parser.add_argument(
        "--allow-update", action="store_true", help="accept SPARQL Update (refused by default)"
    )
    parser.add_argument(
        "--allow-service", action="store_true", help="accept SERVICE and LOAD (refused by default)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="query worker processes (default: cores + 1, 2 to 4)"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.max_rows < 1:
        parser.error("--max-rows must be at least 1")
    if args.max_query_bytes < 1024:
        parser.error("--max-query-bytes must be at least 1024")
    if args.header_timeout <= 0:
        parser.error("--header-timeout must be positive")
    if args.workers < 0:
        parser.error("--workers must be 0 (automatic) or more")
    try:
        cors = parse_origins(args.cors) if args.cors is not None else ()
    except ValueError as exc:
        parser.error(f"--cors: {exc}")
    try:
        hosts = parse_hosts(args.host_header) if args.host_header is not None else ()
    except ValueError as exc:
        parser.error(f"--host-header: {exc}")
    try:
        EmbeddedStore.open(args.store)
    except StoreError as exc:
        print(f"serkg: error: {exc}", file=sys.stderr)
        return 2
    config = ServerConfig(
        store_path=args.store,
        host=args.host,
        port=args.port,
        timeout_s=args.timeout,
        max_rows=args.max_rows,
        allow_update=args.allow_update,
        allow_service=args.allow_service,
        workers=args.workers,
        max_query_bytes=args.max_query_bytes,
        cors_origins=cors,
        allowed_hosts=hosts,
        header_timeout_s=args.header_timeout,
    )
    serve(config, access_log=args.access_log)
    return 0


if __name__ == "__main__":
    # run from the imported module, not from __main__: webapi and linked_data import this module,
    # and two copies would have two different QueryRefused classes
    from serkg.server import main as server_main

    sys.exit(server_main())
