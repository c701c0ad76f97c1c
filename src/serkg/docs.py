"""Generated documentation: the ontology (pyLODE) and the query library (from the ``#+`` headers).

One command (``serkg docs``) writes ``ontology.html``, ``queries.html`` (plus the library's own
``queries.md``) and an ``index.html`` linking them. Nothing here is hand-written prose about the
ontology or the queries: it is all read from ``ontology/serkg.ttl`` and ``queries/*.rq``, so the
docs cannot drift from what ships. Every page is self-contained (inline CSS, no scripts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from serkg import resources, safe_write

if TYPE_CHECKING:
    from serkg.projects import Project

ONTOLOGY_PAGE = "ontology.html"
QUERIES_PAGE = "queries.html"
QUERIES_MARKDOWN = "queries.md"
INDEX_PAGE = "index.html"


class DocsError(ValueError):
    """The documentation cannot be generated (missing or unusable source file); says which."""


def build_docs(out_dir: Path, project: Project | None = None) -> list[Path]:
    """Write the ontology and query documentation (PROJECT's named queries included) into
    OUT_DIR; returns the files written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise DocsError(f"{out_dir} exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        write_ontology_docs(out_dir / ONTOLOGY_PAGE),
        write_query_docs(out_dir / QUERIES_PAGE, project),
        write_query_markdown(out_dir / QUERIES_MARKDOWN, project),
    ]
    written.append(write_index(out_dir / INDEX_PAGE))
    return written


def write_ontology_docs(target: Path) -> Path:
    """``ontology.html``: pyLODE's OntPub rendering of ``ontology/serkg.ttl``, CSS inlined."""
    source = resources.ontology_file()
    if not source.exists():
        raise DocsError(f"{source}: the ontology file is missing, so there is nothing to document")
    OntPub = _ontpub()
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(source, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise DocsError(f"{source}: cannot be parsed as Turtle: {exc}") from exc
    try:
        html = OntPub(ontology=graph).make_html()
    except Exception as exc:  # pyLODE signals a missing title etc. with its own error types
        raise DocsError(f"{source}: pyLODE could not document the ontology: {exc}") from exc
    safe_write.write_text(target, str(html))
    return target


def _ontpub() -> Any:
    """pyLODE's OntPub class. pyLODE 3.4.1 reads its version from a ``pyproject.toml`` that its
    wheel does not ship; the package metadata gives the same version, so we supply it."""
    try:
        from pylode import OntPub
    except ImportError as exc:
        raise DocsError(
            "pyLODE is not installed: `pip install 'serkg[docs]'` (or `make setup-dev`)"
        ) from exc
    except FileNotFoundError:
        import importlib.metadata
        import sys
        import types

        shim = types.ModuleType("pylode.version")
        shim.__version__ = importlib.metadata.version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = shim
        from pylode import OntPub
    return OntPub


def write_query_markdown(target: Path, project: Project | None = None) -> Path:
    """``queries.md``: the query library's own Markdown reference (``render_query_docs``)."""
    from serkg.querylib import render_query_docs

    safe_write.write_text(target, render_query_docs(project))
    return target


@dataclass
class QueryDoc:
    """What the query page shows about one ``.rq`` file."""

    name: str
    summary: str
    description: str
    form: str
    inference: str
    tags: list[str]
    params: list[dict[str, Any]]
    example: str
    file: str
    text: str


def query_docs(project: Project | None = None) -> tuple[list[QueryDoc], list[QueryDoc]]:
    """The named queries and the card/diagram view queries, each read through the query library."""
    from serkg.query_model import QueryHeaderError
    from serkg.querylib import list_queries, load_query_file

    named = [_query_doc(q, f"queries/{q.path.name}") for q in list_queries(project)]
    views = []
    for path in sorted((resources.queries_dir() / "views").glob("*.rq")):
        try:
            query = load_query_file(path)
        except QueryHeaderError as exc:
            raise DocsError(str(exc)) from exc
        views.append(_query_doc(query, f"queries/views/{path.name}", runnable=False))
    return named, views


def _query_doc(query: Any, file: str, runnable: bool = True) -> QueryDoc:
    params = [
        {
            "name": p.name,
            "type": p.type + (f" ({', '.join(p.values)})" if p.values else ""),
            "default": "required" if p.default is None else (p.default or '""'),
            "description": p.description,
        }
        for p in query.params
    ]
    return QueryDoc(
        name=query.name,
        summary=query.summary,
        description=query.description,
        form=query.form,
        inference="required" if query.needs_inference else "not required",
        tags=list(query.tags),
        params=params,
        example=query.example_command() if runnable else "",
        file=file,
        text="\n".join(
            line for line in query.text.splitlines() if not line.startswith("#+")
        ).strip(),
    )


def write_query_docs(target: Path, project: Project | None = None) -> Path:
    """``queries.html``: every named query (summary, parameters, example, SPARQL) and every view."""
    from serkg import __version__

    named, views = query_docs(project)
    html = (
        _environment()
        .from_string(QUERIES_TEMPLATE)
        .render(named=named, views=views, version=__version__, css=PAGE_CSS)
    )
    safe_write.write_text(target, html)
    return target


def write_index(target: Path) -> Path:
    """``index.html``: the entry page linking the ontology and query documentation."""
    from serkg import __version__

    html = (
        _environment()
        .from_string(INDEX_TEMPLATE)
        .render(
            version=__version__,
            css=PAGE_CSS,
            ontology=ONTOLOGY_PAGE,
            queries=QUERIES_PAGE,
            markdown=QUERIES_MARKDOWN,
        )
    )
    safe_write.write_text(target, html)
    return target


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )


PAGE_CSS = """
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 2rem 3rem; color: #1b1f24;
       font-family: "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
       line-height: 1.5; }
h1 { border-bottom: 3px solid #0b5394; padding-bottom: .3rem; }
h2 { color: #0b5394; border-bottom: 1px solid #d0d7de; margin-top: 2rem; }
h3 { margin: 1.6rem 0 .3rem; font-family: "DejaVu Sans Mono", Consolas, monospace; }
a { color: #0b5394; }
code, pre { font-family: "DejaVu Sans Mono", Consolas, "Liberation Mono", monospace;
            font-size: .88em; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: .6rem .8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .6rem;
         border-bottom: 1px solid #d0d7de; }
th { background: #f6f8fa; }
.meta { color: #57606a; font-size: .9rem; }
details summary { cursor: pointer; color: #57606a; }
@media print { details { display: block; } pre { white-space: pre-wrap; }
               h3 { break-after: avoid; } }
"""

INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>serkg documentation</title><style>{{ css }}</style></head>
<body>
<h1>serkg documentation</h1>
<p class="meta">Generated by <code>serkg docs</code> (serkg {{ version }}) from the files the
package ships.</p>
<ul>
<li><a href="{{ ontology }}">Ontology</a> — classes, properties and controlled lists of
<code>ontology/serkg.ttl</code> (pyLODE).</li>
<li><a href="{{ queries }}">Query library</a> — every named query of <code>serkg queries</code>
with its parameters, an example command and its SPARQL, and the views behind
<code>serkg card</code> and <code>serkg diagram</code>
(<a href="{{ markdown }}">Markdown version</a>).</li>
</ul>
</body>
</html>
"""

QUERIES_TEMPLATE = """{% macro query(q) %}
<section id="{{ q.name }}">
<h3>{{ q.name }}</h3>
<p><strong>{{ q.summary }}</strong></p>
{% if q.description %}<p>{{ q.description }}</p>{% endif %}
{% if q.params %}
<table>
<tr><th>parameter</th><th>type</th><th>default</th><th>description</th></tr>
{% for p in q.params %}
<tr><td><code>{{ p.name }}</code></td><td>{{ p.type }}</td><td>{{ p.default }}</td>
<td>{{ p.description }}</td></tr>
{% endfor %}
</table>
{% else %}
<p class="meta">No parameters.</p>
{% endif %}
<p class="meta">{{ q.form | upper }} · inference {{ q.inference }}
{%- if q.tags %} · tags: {{ q.tags | join(", ") }}{% endif %} · file <code>{{ q.file }}</code></p>
{% if q.example %}<pre>{{ q.example }}</pre>{% endif %}
<details><summary>SPARQL</summary>
<pre>{{ q.text }}</pre>
</details>
</section>
{% endmacro %}
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>serkg query library</title><style>{{ css }}</style></head>
<body>
<h1>serkg query library</h1>
<p class="meta">Generated from the <code>#+</code> headers of <code>queries/*.rq</code>
(serkg {{ version }}).
Run a named query with <code>serkg query NAME --param KEY=VALUE</code>, from Python with
<code>serkg.run_query("NAME", key=value)</code>, or over HTTP as
<code>GET /api/queries/NAME?key=value</code>.
Parameters are bound as RDF terms, never pasted into the query text.</p>
<h2 id="named">Named queries ({{ named | length }})</h2>
<table>
<tr><th>query</th><th>summary</th><th>inference</th></tr>
{% for q in named %}
<tr><td><a href="#{{ q.name }}"><code>{{ q.name }}</code></a></td><td>{{ q.summary }}</td>
<td>{{ q.inference }}</td></tr>
{% endfor %}
</table>
{% for q in named %}
{{ query(q) }}
{% endfor %}
<h2 id="views">Views behind the card and the diagram ({{ views | length }})</h2>
<p>These are not named queries of <code>serkg queries</code>: <code>serkg card</code> and
<code>serkg diagram</code> run them with the compound bound. They are plain SPARQL 1.1 and can be
run on any endpoint holding the graph.</p>
{% for q in views %}
{{ query(q) }}
{% endfor %}
</body>
</html>
"""
