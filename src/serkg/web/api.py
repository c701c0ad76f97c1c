"""The named-query library over HTTP (grlc-style OpenAPI): ``/api/queries``, ``/openapi.json``
and ``/api/docs``.

Parameters are validated in the server process by the query library (the same checks and
messages as ``serkg query``) and then bound in a worker by SEP-0007 substitution: nothing a
client sends is pasted into SPARQL text.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from serkg.web.answer_cache import run_cached
from serkg.web.jobs import QueryJob
from serkg.web.negotiation import GRAPH_NEGOTIATION, SELECT_NEGOTIATION, wanted_formats
from serkg.web.refusals import QueryRefused
from serkg.web.responses import json_error_response, outcome_response, raw_answer

if TYPE_CHECKING:
    from serkg.projects import Project


# ------------------------------------------------------------------------------------ routes
async def list_named_queries(request: Request) -> Response:
    """``GET /api/queries``."""
    return JSONResponse(query_list(_project(request)))


async def run_named_query(request: Request) -> Response:
    """``GET /api/queries/{name}``: run one named query with the request's parameters."""
    name = request.path_params["name"]
    try:
        job = named_query_job(
            name,
            list(request.query_params.multi_items()),
            request.headers.get("accept"),
            _project(request),
        )
        if request.query_params.get("cite") == "true":
            return await _citation(request, name, job)
        outcome, cached = await run_cached(request, job)
    except QueryRefused as exc:
        return json_error_response(exc.status, exc.message, exc.parameter)
    return outcome_response(outcome, json_errors=True, cache=cached)


async def _citation(request: Request, name: str, job: QueryJob) -> Response:
    """``?cite=true``: the citation record of the answer instead of the answer (docs/releases.md)."""
    from serkg.releases import citation

    run = request.app.state.pools.run
    answer = raw_answer(await run(dataclasses.replace(job, raw=True)))
    version = raw_answer(await run(QueryJob(sparql=citation.RELEASE_QUERY, raw=True)))
    record = citation.cite(
        name,
        job.bindings,
        answer,
        release=citation.release_of(version),
        location=f"endpoint {_server_url(request)}/api/queries/{name}",
    )
    return JSONResponse(record, media_type="application/ld+json")


async def cache_stats(request: Request) -> Response:
    """``GET /api/cache``: the answer cache's bound, size, entries, hits and misses."""
    return JSONResponse(request.app.state.answers.stats())


async def openapi(request: Request) -> Response:
    """``GET /openapi.json``: one path per named query."""
    return JSONResponse(
        openapi_document(_server_url(request), request.app.version, _project(request))
    )


async def api_docs(request: Request) -> Response:
    """``GET /api/docs``: the same document as a page."""
    document = openapi_document(_server_url(request), request.app.version, _project(request))
    return HTMLResponse(api_docs_page(document))


def _server_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _project(request: Request) -> Project | None:
    """The project whose named queries this server offers (None: the packaged ones)."""
    project: Project | None = request.app.state.config.project
    return project


# ------------------------------------------------------------------------------- named queries
def _library() -> Any:
    from serkg import querylib

    return querylib


def _queries(project: Project | None = None) -> dict[str, Any]:
    """Named queries by name (the library re-reads a file only when it changed)."""
    return {query.name: query for query in _library().list_queries(project)}


def _text(query: Any) -> str:
    return str(query.text)


def _form(query: Any) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), as the endpoint negotiates them."""
    from serkg.sparql_text import query_form

    return query_form(query.text)


def _summary(query: Any) -> str:
    return str(query.summary or "")


def query_list(project: Project | None = None) -> list[dict[str, Any]]:
    """What ``GET /api/queries`` answers: each query's name, summary, form, parameters and URL."""
    out = []
    for name, query in sorted(_queries(project).items()):
        out.append(
            {
                "name": name,
                "summary": _summary(query),
                "description": str(getattr(query, "description", "") or ""),
                "form": _form(query),
                "parameters": query.to_openapi_parameters(),
                "url": f"/api/queries/{name}",
            }
        )
    return out


def named_query_job(
    name: str, params: Sequence[tuple[str, str]], accept: str | None, project: Project | None = None
) -> QueryJob:
    """Validate NAME and its parameters; the job binds them (400 names the bad parameter)."""
    library = _library()
    try:
        query = library.load_query(name, project)
    except library.UnknownQueryError as exc:
        raise QueryRefused(404, str(exc)) from None
    raw: dict[str, str] = {}
    for key, value in params:
        if key in ("format", "cite"):  # how to answer, not what to ask
            continue
        if key in raw:
            raise QueryRefused(400, f"parameter {key!r} is given more than once", key)
        raw[key] = value
    try:
        bindings = query.bind(raw)
    except library.QueryParameterError as exc:
        raise QueryRefused(400, str(exc), exc.parameter) from None
    select_format, graph_format = wanted_formats(params, accept)
    return QueryJob(
        sparql=_text(query),
        bindings=dict(bindings),
        select_format=select_format,
        graph_format=graph_format,
        text_search=query.text_search,
    )


# ------------------------------------------------------------------------------------- OpenAPI
def openapi_document(
    server_url: str, version: str, project: Project | None = None
) -> dict[str, Any]:
    """OpenAPI 3.1: one path per named query with its parameters (types, defaults, enums)."""
    paths: dict[str, Any] = {
        "/sparql": {
            "get": {
                "summary": "SPARQL 1.1 Protocol query endpoint (no query: the service description)",
                "operationId": "sparql",
                "parameters": [
                    {
                        "name": "query",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "default-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
                    },
                    {
                        "name": "named-graph-uri",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "array", "items": {"type": "string", "format": "iri"}},
                    },
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "description": "answer format; wins over Accept when it fits the answer "
                        "form (json, xml, csv, tsv; ttl, n3, nt, jsonld, rdfxml; or a media type)",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    **_responses("any"),
                    "413": {"description": "the query is over the server's --max-query-bytes"},
                },
            }
        },
        "/api/queries": {
            "get": {
                "summary": "The named queries: name, summary, form and parameters",
                "operationId": "list_queries",
                "responses": {
                    "200": {
                        "description": "the list",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"type": "object"}}
                            }
                        },
                    }
                },
            }
        },
        "/api/cache": {
            "get": {
                "summary": "The answer cache: its bound and size in bytes, entries, hits, misses",
                "operationId": "cache_stats",
                "responses": {
                    "200": {
                        "description": "the counts since the server started",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    for name, query in sorted(_queries(project).items()):
        form = _form(query)
        paths[f"/api/queries/{name}"] = {
            "get": {
                "summary": _summary(query) or name,
                "description": str(getattr(query, "description", "") or ""),
                "operationId": name.replace("-", "_"),
                "tags": list(getattr(query, "tags", []) or []),
                "parameters": query.to_openapi_parameters(),
                "responses": _responses(form),
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "serkg named-query API",
            "version": version,
            "description": "Each named query of the serkg query library is one path; "
            "its parameters are "
            "bound as RDF terms (never pasted into the query). Answers are negotiated with Accept.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
    }


def _responses(form: str) -> dict[str, Any]:
    if form == "graph":
        media = [types[0] for _, types in GRAPH_NEGOTIATION]
    elif form in {"select", "ask"}:
        media = [types[0] for _, types in SELECT_NEGOTIATION]
    else:
        media = [types[0] for _, types in (*SELECT_NEGOTIATION, *GRAPH_NEGOTIATION)]
    problem = {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}, "parameter": {"type": "string"}},
            }
        }
    }
    return {
        "200": {
            "description": "the answer",
            "content": {m: {"schema": {"type": "string"}} for m in media},
        },
        "400": {
            "description": "a parameter is missing or invalid (the message names it)",
            "content": problem,
        },
        "404": {"description": "no such named query", "content": problem},
        "503": {"description": "the query exceeded the time limit", "content": problem},
    }


# ---------------------------------------------------------------------------------- API docs
def api_docs_page(document: dict[str, Any]) -> str:
    """``/api/docs``: the OpenAPI document as one self-contained HTML page (no script, no CDN).

    Each operation shows its summary, description, parameters (type, default, allowed values)
    and answer media types; each named query has a form that runs it with its example values.
    """
    esc = html.escape
    info = document["info"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(info['title'])}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;"
        "padding:0 1rem}section{border-top:1px solid #ccc;padding:.4rem 0}"
        "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .4rem;"
        "text-align:left;vertical-align:top}code{background:#f4f4f4}</style></head><body>",
        f"<h1>{esc(info['title'])} <small>{esc(info['version'])}</small></h1>",
        f"<p>{esc(info.get('description', ''))}</p>",
        "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a> "
        "(OpenAPI 3.1).</p>",
    ]
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            parts.append(_operation_section(path, method, operation))
    parts.append("</body></html>")
    return "\n".join(parts)


def _operation_section(path: str, method: str, operation: dict[str, Any]) -> str:
    """One operation of the API docs page: summary, parameters, answers and a try-it form."""
    esc = html.escape
    parts = [
        f"<section id='{esc(operation.get('operationId', path))}'>",
        f"<h2><code>{esc(method.upper())} {esc(path)}</code></h2>",
        f"<p>{esc(operation.get('summary', ''))}</p>",
    ]
    if operation.get("description"):
        parts.append(f"<p>{esc(operation['description'])}</p>")
    parameters = operation.get("parameters", [])
    if parameters:
        parts.append(_parameter_table(parameters))
    answers = operation.get("responses", {}).get("200", {}).get("content", {})
    if answers:
        listed = ", ".join(f"<code>{esc(m)}</code>" for m in answers)
        parts.append(f"<p>Answers: {listed}.</p>")
    if path.startswith("/api/queries/"):
        parts.append(_try_form(path, parameters))
    parts.append("</section>")
    return "\n".join(parts)


def _parameter_table(parameters: list[dict[str, Any]]) -> str:
    """The parameters of one operation: name, required, type, default, values, description."""
    esc = html.escape
    rows = [
        "<table><tr><th>parameter</th><th>required</th><th>type</th>"
        "<th>default</th><th>values</th><th>description</th></tr>"
    ]
    for parameter in parameters:
        schema = parameter.get("schema", {})
        kind = schema.get("type", "")
        if schema.get("format"):
            kind += f" ({schema['format']})"
        values = ", ".join(str(v) for v in schema.get("enum", []))
        default = "" if "default" not in schema else str(schema["default"])
        rows.append(
            f"<tr><td><code>{esc(parameter['name'])}</code></td>"
            f"<td>{'yes' if parameter.get('required') else 'no'}</td>"
            f"<td>{esc(kind)}</td><td>{esc(default)}</td><td>{esc(values)}</td>"
            f"<td>{esc(parameter.get('description', ''))}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _try_form(path: str, parameters: list[dict[str, Any]]) -> str:
    """A GET form for one named query, filled in with the example values."""
    esc = html.escape
    fields = []
    for parameter in parameters:
        example = parameter.get("example", parameter.get("schema", {}).get("default", ""))
        fields.append(
            f"<label><code>{esc(parameter['name'])}</code> "
            f"<input name='{esc(parameter['name'])}' value='{esc(str(example))}'></label> "
        )
    return (
        f"<form method='get' action='{esc(path)}'>{''.join(fields)}"
        "<select name='format'><option>json</option><option>csv</option><option>tsv</option>"
        "<option>xml</option><option>ttl</option><option>jsonld</option></select> "
        "<button type='submit'>run</button></form>"
    )
