"""The web UI: the YASGUI page at ``/``, its files under ``/ui/`` and the named-query examples.

Every script and style is served by this server from where ``scripts/install-ui.sh`` put them,
so the page works offline; without them ``/`` says how to install them.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from serkg.web.responses import error_response
from serkg.web.service_description import rdf_response

if TYPE_CHECKING:
    from serkg.projects import Project

YASGUI_VERSION_FILE = Path("node_modules") / "@zazuko" / "yasgui" / "package.json"
YASGUI_BUILD = Path("node_modules") / "@zazuko" / "yasgui" / "build"
#: the files of YASGUI's build the server hands out, with their media types
UI_FILES = {
    "yasgui.min.js": "text/javascript",
    "yasgui.min.css": "text/css",
    "yasgui.min.js.map": "application/json",
}


def ui_dir() -> Path:
    """Where ``scripts/install-ui.sh`` put YASGUI (``SERKG_UI_DIR`` overrides)."""
    from importlib import resources

    override = os.environ.get("SERKG_UI_DIR")
    return Path(override) if override else Path(str(resources.files("serkg"))) / "_ui"


# ------------------------------------------------------------------------------------ routes
async def index() -> Response:
    """``GET /``: the UI, or how to install it."""
    build = ui_dir() / YASGUI_BUILD
    if not (build / "yasgui.min.js").exists():
        return HTMLResponse(ui_missing_page(ui_dir()), status_code=200)
    return HTMLResponse(ui_page())


async def examples(request: Request) -> Response:
    """``GET /ui/examples.json``: the named queries the page lists."""
    return JSONResponse(ui_examples(request.app.state.config.project))


async def sparql_examples(request: Request) -> Response:
    """``GET /.well-known/sparql-examples``: the named queries as ``sh:SPARQLExecutable`` RDF
    (as the SIB endpoints publish theirs), each targeting this endpoint."""
    from serkg import querylib
    from serkg.prefixes import PREFIX_MAP, QUERY_BASE
    from serkg.query_examples import example_triples

    endpoint = str(request.url_for("sparql_get"))
    project = request.app.state.config.project
    triples = example_triples(querylib.list_queries(project), target=endpoint)
    prefixes = {
        "sh": PREFIX_MAP["sh"],
        "rdfs": PREFIX_MAP["rdfs"],
        "dcterms": PREFIX_MAP["dcterms"],
        "xsd": PREFIX_MAP["xsd"],
        "schema": "https://schema.org/",
        "query": QUERY_BASE,
    }
    return rdf_response(request, triples, prefixes)


async def ui_file(name: str) -> Response:
    """``GET /ui/{name}``: one file of YASGUI's build."""
    path = ui_dir() / YASGUI_BUILD / name
    if name not in UI_FILES or not path.exists():
        return error_response(
            404, f"no UI file {name!r}; install the UI with scripts/install-ui.sh"
        )
    return FileResponse(
        path, media_type=UI_FILES[name], headers={"Cache-Control": "public, max-age=86400"}
    )


# ------------------------------------------------------------------------------------- pages
def ui_examples(project: Project | None = None) -> list[dict[str, str]]:
    """The page's examples, read from the same RDF as ``/.well-known/sparql-examples``: each
    named query's comment and its runnable text (example parameters bound by ``VALUES``)."""
    from serkg import querylib
    from serkg.query_examples import example_triples
    from serkg.vocab import RDFS, SH, SH_EXAMPLES

    texts = {SH.select, SH.construct, SH.ask, SH_EXAMPLES.describe}
    found: dict[str, dict[str, str]] = {}
    for triple in example_triples(querylib.list_queries(project)):
        subject, value = triple.subject, triple.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(value, ox.Literal):
            continue  # types, targets and the parameters' descriptions
        entry = found.setdefault(subject.value, {})
        if triple.predicate.value == RDFS.label:
            entry["name"] = value.value
        elif triple.predicate.value == RDFS.comment:
            entry["summary"] = value.value
        elif triple.predicate.value in texts:
            entry["query"] = value.value
    return [found[iri] for iri in sorted(found)]


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
