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
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import sandbox, sparql_guard
from serkg.results import GRAPH_FORMATS, RowLimitExceeded
from serkg.sparql_guard import LOAD, SERVICE

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 100_000
YASGUI_VERSION_FILE = Path("node_modules") / "@zazuko" / "yasgui" / "package.json"
YASGUI_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"

#: answer format key -> (media types a client may ask for, the Content-Type we answer with)
SELECT_NEGOTIATION: list[tuple[str, list[str]]] = [
    ("json", ["application/sparql-results+json", "application/json"]),
    ("xml", ["application/sparql-results+xml", "application/xml", "text/xml"]),
    ("csv", ["text/csv"]),
    ("tsv", ["text/tab-separated-values"]),
]
GRAPH_NEGOTIATION: list[tuple[str, list[str]]] = [
    ("ttl", ["text/turtle", "application/x-turtle"]),
    ("nt", ["application/n-triples", "text/plain"]),
    ("jsonld", ["application/ld+json", "application/json"]),
    ("rdfxml", ["application/rdf+xml", "application/xml", "text/xml"]),
]
#: short names accepted in a ``format=`` parameter (as Virtuoso and Fuseki do)
FORMAT_ALIASES = {
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "ttl", "turtle": "ttl", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "jsonld": "jsonld", "json-ld": "jsonld", "rdfxml": "rdfxml", "rdf": "rdfxml", "html": "html",
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
    """One query (or update) for a worker: text, bound terms, dataset and wanted answer formats."""

    sparql: str
    update: bool = False
    bindings: dict[str, Any] = field(default_factory=dict)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
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
        options: dict[str, Any] = {}
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        if job.bindings:
            options["substitutions"] = {ox.Variable(k): v for k, v in job.bindings.items()}
        answer = QueryAnswer.from_oxigraph(store.query(job.sparql, **options), row_limit=max_rows)
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
    return ("ok", answer.kind, fmt, answer.serialize(fmt).encode("utf-8"))


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
                elif media.endswith("/*") and media_type.startswith(media[:-1]):
                    candidate = (q, 1, -rank, key, media_type)
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
    """The FastAPI application (the pool starts with the app's lifespan)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

    from serkg import linked_data, webapi

    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        pool = WorkerPool(config)
        await pool.start()
        state["pool"] = pool
        yield
        await pool.close()

    app = FastAPI(
        title="serkg SPARQL endpoint and named-query API",
        version=_version(),
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url=None,  # served below, with one path per named query
    )

    def pool() -> WorkerPool:
        return state["pool"]

    def error(
        status: int, message: str, parameter: str | None = None, json: bool = False
    ) -> Response:
        if json:
            body: dict[str, Any] = {"detail": message}
            if parameter:
                body["parameter"] = parameter
            return JSONResponse(body, status_code=status)
        return Response(message + "\n", status_code=status, media_type="text/plain; charset=utf-8")

    async def answer_sparql(
        request: Request, params: list[tuple[str, str]], query: str | None, update: str | None
    ) -> Response:
        try:
            job = _sparql_job(params, query, update, request.headers.get("accept"), config)
            outcome = await pool().run(job)
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
        params = list(request.query_params.multi_items())
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return error(400, "the request body is not UTF-8")
        if media == "application/x-www-form-urlencoded":
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
        if media == "application/sparql-update":
            return await answer_sparql(request, params, None, text)
        return error(
            415,
            f"unsupported Content-Type {media or '(none)'!r}: POST "
            "application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update",
        )

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
            outcome = await pool().run(job)
        except QueryRefused as exc:
            return error(exc.status, exc.message, exc.parameter, json=True)
        return _outcome_response(outcome, lambda s, m: error(s, m, json=True))

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        return JSONResponse(webapi.openapi_document(str(request.base_url).rstrip("/"), _version()))

    # ---- linked data
    async def linked(request: Request, iri: str) -> Response:
        try:
            return await linked_data.respond(iri, request, pool().run)
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
    return QueryJob(
        sparql=text,
        update=update is not None,
        default_graphs=graphs["default-graph-uri"],
        named_graphs=graphs["named-graph-uri"],
        select_format=select_format,
        graph_format=graph_format,
    )


def _wanted_formats(
    params: Sequence[tuple[str, str]], accept: str | None
) -> tuple[str | None, str | None]:
    """Answer formats for a SELECT/ASK and for a graph answer, from ``format=`` or Accept."""
    requested = [v for k, v in params if k == "format"]
    if requested:
        value = requested[0].strip().lower()
        key = FORMAT_ALIASES.get(value)
        if key is None:  # a media type given as format=
            select = negotiate(value, SELECT_NEGOTIATION)
            graph = negotiate(value, GRAPH_NEGOTIATION)
            if select is None and graph is None:
                known = ", ".join(sorted(k for k in FORMAT_ALIASES if k != "html"))
                raise QueryRefused(
                    400,
                    f"unknown format {requested[0]!r}; use one of {known} or a media type",
                    "format",
                )
            return (select[0] if select else None, graph[0] if graph else None)
        select_keys = {k for k, _ in SELECT_NEGOTIATION}
        return (key if key in select_keys else None, key if key in GRAPH_FORMATS else None)
    select = negotiate(accept, SELECT_NEGOTIATION)
    graph = negotiate(accept, GRAPH_NEGOTIATION)
    return (select[0] if select else None, graph[0] if graph else None)


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

    from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH
    from serkg.results import serialize_triples

    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    endpoint = ox.NamedNode(str(request.url_for("sparql_get")))

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(service, rdf_type, n(sd + "Service")),
        ox.Triple(service, n(sd + "endpoint"), endpoint),
        ox.Triple(service, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(service, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(service, n(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n(sd + "Dataset")),
        ox.Triple(service, n("http://purl.org/dc/terms/description"), ox.Literal(
            f"serkg: read-only={not config.allow_update}, SERVICE allowed={config.allow_service}, "
            f"time limit {config.timeout_s:g} s per query, at most {config.max_rows} result rows; "
            "the default graph is the union of the asserted and inferred graphs")),
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
    ):
        triples.append(ox.Triple(service, n(sd + "resultFormat"), n(formats + name)))
    for index, graph in enumerate((ASSERTED_GRAPH, INFERRED_GRAPH)):
        named = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, n(sd + "namedGraph"), named),
            ox.Triple(named, rdf_type, n(sd + "NamedGraph")),
            ox.Triple(named, n(sd + "name"), n(graph)),
        ]
    chosen = negotiate(_accept(request), GRAPH_NEGOTIATION) or ("ttl", "text/turtle")
    if chosen[0] == "ttl":
        prefixes = {"sd": sd, "formats": formats, "dcterms": "http://purl.org/dc/terms/"}
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        body = data.decode("utf-8") if data else ""
    else:
        body = serialize_triples(triples, chosen[0])
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
def serve(
    store_path: Path,
    host: str,
    port: int,
    timeout_s: float,
    max_rows: int,
    allow_update: bool,
    allow_service: bool,
    *,
    workers: int = 0,
    access_log: bool = False,
) -> None:
    """Run the server until interrupted (uvicorn with the h11 parser: Jena's ``Upgrade: h2c``
    POSTs lose their body under httptools)."""
    import uvicorn

    config = ServerConfig(
        Path(store_path), host, port, timeout_s, max_rows, allow_update, allow_service, workers
    )
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        http="h11",
        log_level="info",
        access_log=access_log,
        timeout_graceful_shutdown=5,
    )


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
    if args.workers < 0:
        parser.error("--workers must be 0 (automatic) or more")
    try:
        EmbeddedStore.open(args.store)
    except StoreError as exc:
        print(f"serkg: error: {exc}", file=sys.stderr)
        return 2
    serve(
        args.store,
        args.host,
        args.port,
        args.timeout,
        args.max_rows,
        args.allow_update,
        args.allow_service,
        workers=args.workers,
        access_log=args.access_log,
    )
    return 0


if __name__ == "__main__":
    # run from the imported module, not from __main__: webapi and linked_data import this module,
    # and two copies would have two different QueryRefused classes
    from serkg.server import main as server_main

    sys.exit(server_main())
