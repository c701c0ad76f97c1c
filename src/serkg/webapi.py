"""The named-query library over HTTP (grlc-style OpenAPI) and the web UI pages of ``serkg serve``.

Parameters are validated in the server process by the query library (the same checks and
messages as ``serkg query``) and then bound in a worker by SEP-0007 substitution: nothing a
client sends is pasted into SPARQL text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serkg.server import (
    GRAPH_NEGOTIATION,
    SELECT_NEGOTIATION,
    QueryJob,
    QueryRefused,
    _wanted_formats,
)


def _library() -> Any:
    from serkg import querylib

    return querylib


def _queries() -> dict[str, Any]:
    """Named queries by name (the library re-reads a file only when it changed)."""
    return {query.name: query for query in _library().list_queries()}


def _text(query: Any) -> str:
    return str(query.text)


def _form(query: Any) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), as the endpoint negotiates them."""
    from serkg.sparql_text import query_form

    return query_form(query.text)


def _summary(query: Any) -> str:
    return str(query.summary or "")


def query_list() -> list[dict[str, Any]]:
    """What ``GET /api/queries`` answers: each query's name, summary, form, parameters and URL."""
    out = []
    for name, query in sorted(_queries().items()):
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


def named_query_job(name: str, params: Sequence[tuple[str, str]], accept: str | None) -> QueryJob:
    """Validate NAME and its parameters; the job binds them (400 names the bad parameter)."""
    library = _library()
    try:
        query = library.load_query(name)
    except library.UnknownQueryError as exc:
        raise QueryRefused(404, str(exc)) from None
    raw: dict[str, str] = {}
    for key, value in params:
        if key == "format":
            continue
        if key in raw:
            raise QueryRefused(400, f"parameter {key!r} is given more than once", key)
        raw[key] = value
    try:
        bindings = query.bind(raw)
    except library.QueryParameterError as exc:
        raise QueryRefused(400, str(exc), exc.parameter) from None
    select_format, graph_format = _wanted_formats(params, accept)
    return QueryJob(
        sparql=_text(query),
        bindings=dict(bindings),
        select_format=select_format,
        graph_format=graph_format,
    )


# ------------------------------------------------------------------------------------- OpenAPI
def openapi_document(server_url: str, version: str) -> dict[str, Any]:
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
    }
    for name, query in sorted(_queries().items()):
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
            parts.append(f"<section id='{esc(operation.get('operationId', path))}'>")
            parts.append(f"<h2><code>{esc(method.upper())} {esc(path)}</code></h2>")
            parts.append(f"<p>{esc(operation.get('summary', ''))}</p>")
            if operation.get("description"):
                parts.append(f"<p>{esc(operation['description'])}</p>")
            parameters = operation.get("parameters", [])
            if parameters:
                parts.append(
                    "<table><tr><th>parameter</th><th>required</th><th>type</th>"
                    "<th>default</th><th>values</th><th>description</th></tr>"
                )
                for parameter in parameters:
                    schema = parameter.get("schema", {})
                    kind = schema.get("type", "")
                    if schema.get("format"):
                        kind += f" ({schema['format']})"
                    values = ", ".join(str(v) for v in schema.get("enum", []))
                    default = "" if "default" not in schema else str(schema["default"])
                    parts.append(
                        f"<tr><td><code>{esc(parameter['name'])}</code></td>"
                        f"<td>{'yes' if parameter.get('required') else 'no'}</td>"
                        f"<td>{esc(kind)}</td><td>{esc(default)}</td><td>{esc(values)}</td>"
                        f"<td>{esc(parameter.get('description', ''))}</td></tr>"
                    )
                parts.append("</table>")
            answers = operation.get("responses", {}).get("200", {}).get("content", {})
            if answers:
                listed = ", ".join(f"<code>{esc(m)}</code>" for m in answers)
                parts.append(f"<p>Answers: {listed}.</p>")
            if path.startswith("/api/queries/"):
                parts.append(_try_form(path, parameters))
            parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


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


# ------------------------------------------------------------------------------------------ UI
def ui_examples() -> list[dict[str, str]]:
    """Each named query as ready-to-run text: its example parameters bound by a VALUES block
    of serialised terms (the UI runs plain SPARQL; the API binds by substitution)."""
    from serkg.sparql_text import inject_values

    examples = []
    for name, query in sorted(_queries().items()):
        text = _text(query)
        try:
            bindings = query.bind(query.example)
            if bindings:
                text = inject_values(text, bindings)
        except ValueError:
            pass  # an example the library rejects: show the text with unbound parameters
        examples.append({"name": name, "summary": _summary(query), "query": text})
    return examples


def ui_page() -> str:
    """The YASGUI page, every script and style served by this server (works offline)."""
    return _UI_PAGE


def ui_missing_page(folder: Path) -> str:
    """What ``/`` says when the UI files are not installed (the endpoint works regardless)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>serkg</title>"
        "</head><body>"
        "<h1>serkg SPARQL endpoint</h1>"
        "<p>The endpoint is at <a href='/sparql'>/sparql</a>, the named-query API at "
        "<a href='/api/queries'>/api/queries</a> (<a href='/openapi.json'>OpenAPI</a>).</p>"
        f"<p>The web UI (YASGUI) is not installed in <code>{html.escape(str(folder))}</code>. "
        "Install it from the repository with <code>scripts/install-ui.sh</code> "
        "(or <code>scripts/install-ui.sh DIR</code> and start the server with "
        "<code>SERKG_UI_DIR=DIR</code>), then reload this page.</p></body></html>"
    )


_UI_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>serkg SPARQL</title>
<link rel="stylesheet" href="/ui/yasgui.min.css">
<style>
  body { margin: 0; font-family: system-ui, sans-serif; display: flex; }
  nav { width: 17rem; flex: none; padding: .8rem; border-right: 1px solid #ddd; height: 100vh;
        overflow-y: auto; box-sizing: border-box; }
  nav h1 { font-size: 1.1rem; margin: 0 0 .4rem; }
  nav p { font-size: .8rem; color: #555; margin: .2rem 0 .8rem; }
  nav button { display: block; width: 100%; text-align: left; margin: 0 0 .4rem;
               padding: .35rem .5rem;
               border: 1px solid #ccc; border-radius: 4px; background: #fafafa; cursor: pointer; }
  nav button:hover { background: #eef4ff; }
  nav button span { display: block; font-size: .75rem; color: #555; }
  main { flex: 1; min-width: 0; }
</style>
</head>
<body>
<nav>
  <h1>serkg</h1>
  <p>Named queries: click one to open it in a new tab and run it. API:
     <a href="/api/queries">/api/queries</a>, <a href="/openapi.json">OpenAPI</a>.</p>
  <div id="examples"></div>
</nav>
<main><div id="yasgui"></div></main>
<script src="/ui/yasgui.min.js"></script>
<script>
(function () {
  var endpoint = window.location.origin + "/sparql";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { autocompleters: ["prefixes", "variables"] }
  });
  window.serkgYasgui = yasgui;
  fetch("/ui/examples.json").then(function (r) { return r.json(); }).then(function (examples) {
    var list = document.getElementById("examples");
    examples.forEach(function (example) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "serkg-example";
      button.dataset.query = example.name;
      button.textContent = example.name;
      var summary = document.createElement("span");
      summary.textContent = example.summary;
      button.appendChild(summary);
      button.addEventListener("click", function () {
        var tab = yasgui.addTab(true, { name: example.name, yasqe: { value: example.query } });
        tab.setEndpoint(endpoint);
        tab.query();
      });
      list.appendChild(button);
    });
  });
})();
</script>
</body>
</html>
"""
