"""The SPARQL 1.1 Protocol endpoint, ``/sparql``: query by GET or POST, update by POST.

Size limits and cheap refusals are applied here, on the event loop, before a worker is asked.
"""

import asyncio
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from serkg.web.answer_cache import run_cached
from serkg.web.config import FORM_OVERHEAD_BYTES, ServerConfig
from serkg.web.jobs import QueryJob
from serkg.web.negotiation import wanted_formats
from serkg.web.refusals import UPDATE_REFUSED, QueryRefused, refusals
from serkg.web.responses import error_response, outcome_response
from serkg.web.service_description import service_description

POST_MEDIA_TYPES = (
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
)


NOT_UTF8_QUERY_STRING = "the query string is not UTF-8 once percent-decoded"


def _form_fields(text: str) -> list[tuple[str, str]]:
    """The fields of a form-encoded TEXT; bytes that are not UTF-8 once percent-decoded raise
    UnicodeDecodeError (a lenient decoding would turn them into U+FFFD and a confusing syntax
    error)."""
    return parse_qsl(text, keep_blank_values=True, errors="strict")


def _query_string_params(request: Request) -> list[tuple[str, str]] | None:
    """The URL's parameters, or None when they are not UTF-8 once percent-decoded."""
    try:
        return _form_fields(request.scope.get("query_string", b"").decode("latin-1"))
    except UnicodeDecodeError:
        return None


async def sparql_get(request: Request) -> Response:
    """``GET /sparql``: a query, or the service description when no query is given."""
    config: ServerConfig = request.app.state.config
    params = _query_string_params(request)
    if params is None:
        return error_response(400, NOT_UTF8_QUERY_STRING)
    queries = [v for k, v in params if k == "query"]
    if any(k == "update" for k, _ in params):
        return error_response(*_update_refusal_or_method(config))
    if not queries:
        return service_description(request, config)
    if len(queries) > 1:
        return error_response(400, "give the query parameter exactly once")
    return await answer_sparql(request, params, queries[0], None)


async def sparql_post(request: Request) -> Response:
    """``POST /sparql``: a form-encoded query= or update=, or the bare text of either."""
    config: ServerConfig = request.app.state.config
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in POST_MEDIA_TYPES:
        return error_response(
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
        return error_response(413, _too_large(what, config, limit), close=True)
    params = _query_string_params(request)
    if params is None:
        return error_response(400, NOT_UTF8_QUERY_STRING)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return error_response(400, "the request body is not UTF-8")
    if form:
        try:
            fields = _form_fields(text)
        except UnicodeDecodeError:
            return error_response(400, "the form-encoded body is not UTF-8 once percent-decoded")
        return await _answer_form(request, params + fields)
    if media == "application/sparql-query":
        return await answer_sparql(request, params, text, None)
    return await answer_sparql(request, params, None, text)


async def _answer_form(request: Request, params: list[tuple[str, str]]) -> Response:
    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    if len(queries) + len(updates) != 1:
        return error_response(400, "give exactly one query= or update= parameter")
    return await answer_sparql(
        request, params, queries[0] if queries else None, updates[0] if updates else None
    )


async def answer_sparql(
    request: Request, params: list[tuple[str, str]], query: str | None, update: str | None
) -> Response:
    """Run QUERY (or UPDATE) with the protocol parameters PARAMS and answer with the outcome."""
    config: ServerConfig = request.app.state.config
    text = update if update is not None else query
    if text is not None and len(text.encode("utf-8")) > config.max_query_bytes:
        return error_response(413, _too_large(f"the {'update' if update else 'query'}", config))
    try:
        # the keyword scan is Python over every character: off the event loop
        job = await asyncio.to_thread(
            sparql_job, params, query, update, request.headers.get("accept"), config
        )
        job.base_iri = str(request.url_for("sparql_get"))
        outcome, cached = await run_cached(request, job)
    except QueryRefused as exc:
        return error_response(exc.status, exc.message)
    return outcome_response(outcome, cache=cached)


def sparql_job(
    params: list[tuple[str, str]],
    query: str | None,
    update: str | None,
    accept: str | None,
    config: ServerConfig,
) -> QueryJob:
    """The job for a protocol request, or :class:`QueryRefused` when it may not run."""
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
    select_format, graph_format = wanted_formats(params, accept)
    protocol_dataset = any(key in graphs for key, _ in params)
    return QueryJob(
        sparql=text,
        update=update is not None,
        default_graphs=graphs["default-graph-uri"] if protocol_dataset else None,
        named_graphs=graphs["named-graph-uri"] if protocol_dataset else None,
        select_format=select_format,
        graph_format=graph_format,
    )


def _update_refusal_or_method(config: ServerConfig) -> tuple[int, str]:
    if not config.allow_update:
        return (403, UPDATE_REFUSED)
    return (
        405,
        "send SPARQL Update with POST (form-encoded update= or application/sparql-update), not GET",
    )


def _too_large(what: str, config: ServerConfig, limit: int | None = None) -> str:
    cap = config.max_query_bytes
    extra = "" if limit in (None, cap) else f" (a form body may take {limit} bytes)"
    return (
        f"{what} is over this server's limit of {cap} bytes of SPARQL{extra}; "
        "split it, or ask the operator for a larger --max-query-bytes"
    )


async def _read_body(request: Request, limit: int) -> bytes | None:
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
