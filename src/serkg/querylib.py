"""The named SPARQL query library: one documented ``queries/<name>.rq`` file per question.

Each file starts with a ``#+`` comment header (grlc style, YAML read by PyYAML) that names the
query's parameters, their types and defaults. Parameters are validated here and bound as RDF
terms by the store (SEP-0007 substitution, or a ``VALUES`` block for a remote endpoint): nothing a
user types is pasted into SPARQL text.

Importing this module costs only pyoxigraph, PyYAML and the standard library, so that
``serkg query`` starts fast; rich is imported by the table renderers only.

Run ``python -m serkg.querylib --write-docs`` to regenerate ``queries/README.md`` from the headers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from serkg import resources
from serkg.prefixes import compact_iri
from serkg.query_header import parse_query_text
from serkg.query_model import (
    NamedQuery,
    QueryHeaderError,
    QueryParameterError,
    UnknownQueryError,
)
from serkg.store import EmbeddedStore, EndpointStore, QueryStore
from serkg.vocab import display_term

if TYPE_CHECKING:  # pragma: no cover
    from rich.table import Table

    from serkg.projects import Project
    from serkg.results import QueryAnswer

#: the errors the library's functions raise are part of its interface (callers catch them here)
__all__ = [
    "QueryHeaderError",
    "QueryParameterError",
    "UnknownQueryError",
    "compress_iri",
    "display_term",
    "docs_file",
    "list_queries",
    "load_query",
    "load_query_file",
    "queries_json",
    "queries_table",
    "query_names",
    "render_query_docs",
    "render_table",
    "run_named_query",
]

_CACHE: dict[Path, tuple[int, NamedQuery]] = {}


def _query_files(project: Project | None) -> dict[str, Path]:
    """The named query files by name: PROJECT's (packaged plus its own), or the packaged ones."""
    if project is None:
        return {p.stem: p for p in resources.named_query_files()}
    return dict(project.query_files)


def query_names(project: Project | None = None) -> list[str]:
    """The names of all named queries, sorted."""
    return sorted(_query_files(project))


def load_query(name: str, project: Project | None = None) -> NamedQuery:
    """The named query NAME, read from ``queries/NAME.rq`` of PROJECT or of serkg (raises
    :class:`UnknownQueryError`)."""
    files = _query_files(project)
    path = files.get(name)
    if path is None:
        raise UnknownQueryError(name, sorted(files))
    return load_query_file(path)


def load_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file (cached until the file changes)."""
    stamp = path.stat().st_mtime_ns
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    query = parse_query_text(path.read_text(encoding="utf-8"), path)
    _CACHE[path] = (stamp, query)
    return query


def list_queries(project: Project | None = None) -> list[NamedQuery]:
    """Every named query (of PROJECT, by default the packaged ones), sorted by name."""
    return [load_query_file(path) for _, path in sorted(_query_files(project).items())]


def run_named_query(
    name: str,
    params: Mapping[str, object],
    *,
    store_path: str | Path | None = None,
    endpoint: str | None = None,
    store: QueryStore | None = None,
    project: Project | None = None,
) -> QueryAnswer:
    """Run the named query NAME (of PROJECT) with PARAMS on STORE, an ENDPOINT URL, or the built
    store.

    The query and its parameters are checked before any store is opened, so a typo fails fast.
    """
    query = load_query(name, project)
    bindings = query.bind(params)
    if store is None:
        store = EndpointStore(endpoint) if endpoint else EmbeddedStore.open(store_path)
    if isinstance(store, EmbeddedStore):  # its text index may narrow a text search
        return store.query(query.text, bindings, search=query.text_search)
    return store.query(query.text, bindings)


# -------------------------------------------------------------------------------- presentation
#: a CURIE for an IRI without importing ``curies`` (kept under its old name: the library's API)
compress_iri = compact_iri


def render_table(answer: QueryAnswer, hide: Sequence[str] = ()) -> Table:
    """A rich table of a SELECT answer (ASK: one ``answer`` cell; graphs: s/p/o rows).

    HIDE names columns to leave out, e.g. the parameter columns a query echoes back.
    """
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    if answer.kind == "ask":
        table.add_column("answer")
        table.add_row("yes" if answer.boolean else "no")
        return table
    if answer.kind == "graph":
        for column in ("subject", "predicate", "object"):
            table.add_column(column, overflow="fold")
        for triple in answer.triples:
            terms: list[Any] = [triple.subject, triple.predicate, triple.object]
            table.add_row(*(display_term(t) for t in terms))
        table.caption = f"{len(answer.triples)} triple(s)"
        return table
    shown = [i for i, v in enumerate(answer.variables) if v not in hide] or list(
        range(len(answer.variables))
    )
    for i in shown:
        table.add_column(answer.variables[i], overflow="fold")
    for row in answer.rows:
        table.add_row(*(display_term(row[i]) for i in shown))
    table.caption = f"{len(answer.rows)} row(s)"
    return table


def _params_text(query: NamedQuery) -> str:
    parts = []
    for p in query.params:
        kind = "|".join(p.values) if p.type == "enum" else p.type
        default = '""' if p.default == "" else p.default
        parts.append(
            f"{p.name}: {kind}" + (f" = {default}" if p.default is not None else " (required)")
        )
    return "\n".join(parts) or "-"


def queries_table(project: Project | None = None) -> Table:
    """The list of named queries for ``serkg queries``: summary, parameters and an example."""
    from rich.table import Table

    table = Table(show_lines=True, header_style="bold")
    table.add_column("query", no_wrap=True)
    table.add_column("summary")
    table.add_column("parameters (name: type = default)")
    table.add_column("example", overflow="fold")
    for query in list_queries(project):
        table.add_row(query.name, query.summary, _params_text(query), query.example_command())
    return table


def queries_json(project: Project | None = None) -> str:
    """The list of named queries as JSON (``serkg queries --format json``)."""
    listed = [q.to_json_dict() for q in list_queries(project)]
    return json.dumps(listed, indent=2, ensure_ascii=False) + "\n"


DOCS_PREAMBLE = """\
# The named query library

<!-- Generated from the #+ headers of queries/*.rq by
     `python -m serkg.querylib --write-docs`; do not edit by hand. -->

Each `queries/<name>.rq` file is one question, asked by name:

```sh
serkg queries                                   # the list, with parameters and examples
serkg query NAME --param KEY=VALUE --format table|json|csv|tsv|xml   # SELECT / ASK
serkg query NAME --param KEY=VALUE --format ttl|jsonld|nt            # CONSTRUCT
```

From Python: `serkg.run_query("NAME", key=value)` returns rows as dicts
(`serkg.run_query_df` a pandas DataFrame). Over HTTP (`serkg serve`):
`GET /api/queries/NAME?key=value`.
The files are plain SPARQL 1.1 (no engine extensions) and run unchanged on the embedded store or on
any SPARQL 1.1 endpoint holding the asserted and inferred graphs (`--endpoint URL`).

## The header

Each file starts with `#+` comment lines, YAML that grlc-style tools also read (values stay text
as written: `no` is not false, the parameter's type decides):
`summary`, `description`, `params` (each with `name`, `type`, `default`, `description`, and
`values` for an enum), `example` (parameter values), `tags`, and `inference: required` when the
answer needs the OWL 2 RL inferred graph (class membership through the hierarchy, inverse or
transitive properties, property chains) or `not required` when asserted triples suffice.

One optional key, `text_index`, lets the embedded store answer a substring search from the text
index `serkg build` writes into the store (docs/scaling.md) instead of scanning every label:

```yaml
#+ text_index:
#+   param: text                    # a string parameter, searched for ignoring case in
#+   variable: matched              # ?matched, which is the object of
#+   predicate_variable: labelKind  # (optional) the predicate in ?labelKind, one of
#+   predicates: [rdfs:label, skos:altLabel]
```

The query must hold `FILTER(CONTAINS(LCASE(STR(?matched)), LCASE(?text)))` and, with
`predicate_variable`, a triple pattern `?s ?labelKind ?matched` (the header check refuses the key
otherwise), and it must bind `?matched` only as the object of the listed predicates. The
embedded store then binds `?matched` (and `?labelKind`) to the index's candidates with a
`VALUES` block of terms read from the index, and the unchanged FILTER still decides each row: the
same rows as a scan, at a cost that follows the rows found. Remote endpoints and stores built
without the index run the query as written.

## Parameters are bound, never pasted

A parameter `foo` is the SPARQL variable `?foo`. Its value is checked against the declared type and
turned into one RDF term:

| type | accepts | bound as |
|---|---|---|
| `iri` | an IRI or a CURIE with a known prefix (`kg:l-serine`, `CHEBI:17115`) | an IRI; text \
with spaces, quotes or `<>{}\\|^` is refused |
| `string` | any text up to 500 characters | a plain (`xsd:string`) literal |
| `integer` | `20`, `-3` | `xsd:integer` |
| `decimal` | `2.5`, `30` | `xsd:decimal` |
| `date` | `2022-12-31` | `xsd:date` |
| `enum` | one of the listed values (any letter case) | a plain literal with the listed spelling |

The embedded store substitutes the term for the variable (SEP-0007); a remote endpoint receives a
`VALUES` block placed first in the query's top-level group. Neither ever pastes user text into
the query, so quotes, braces, `} UNION {`, newlines or `#` in a value stay inside one literal.

Rules the query files follow so that both ways return the same rows:

- **Every parameter always has a value.** An optional filter is a parameter with a default that
  means "no filter": enums use the value `any` (`FILTER(?status = "any" || ...)`), substring
  filters default to the empty text (`CONTAINS(..., "")` is true), numeric thresholds default to
  a bound that admits every row. A variable left unbound would behave differently under
  substitution (no constraint) and `VALUES` (an `UNDEF` join), so we never leave one unbound.
- Parameter variables are used in the top-level group (triple patterns and `FILTER`s there),
  never only inside `OPTIONAL`, `MINUS` or a sub-query, and a `SELECT` projects every parameter
  variable (SEP-0007 keeps bound variables in the results).
- Every query that returns rows has an `ORDER BY` (strings ordered with `STR()`), so answers are
  stable across engines.
- Queries about one compound start from the compound's IRI; class membership uses the inferred
  `rdf:type` instead of `rdf:type/rdfs:subClassOf*` paths over the whole graph (a
  `rdfs:subClassOf+` path is used only from a fixed ontology class, which touches the ontology).
- The embedded store plans a query before it substitutes the parameters, so its planner takes a
  parameter for an unknown: it starts a group from a pattern with a constant (every
  `sk:ClinicalTrial`, every claim about `sk:hasAdverseEffect`) or from a long chain joined as a
  whole, and the time grows with the catalogue although the answer does not. Such queries test
  the constant with a `FILTER` instead, list the pattern on the bound variable first, or put what
  follows the parameter's pattern in an `OPTIONAL` kept by `FILTER(BOUND(...))` (evaluated once
  per row); a comment in the query says which. The answer is the same on every engine.
- `inference: not required` is checked by a test: the asserted graph alone gives the same answer.

A parameter error (unknown query, unknown or missing parameter, wrong type) is reported with the
query, the parameter and the expected type; `serkg query` then exits with status 2.

## The queries
"""


def _inference(query: NamedQuery) -> str:
    return "required" if query.needs_inference else "not required"


def render_query_docs(project: Project | None = None) -> str:
    """``queries/README.md``: how the library works and one section per query, from the headers."""
    parts = [DOCS_PREAMBLE]
    queries = list_queries(project)
    parts.append("\n| query | form | inference | summary |\n|---|---|---|---|\n")
    parts.extend(
        f"| [`{q.name}`](#{q.name}) | {q.form} | {_inference(q)} | {q.summary} |\n" for q in queries
    )
    for query in queries:
        parts.append(f"\n### {query.name}\n\n{query.summary}\n\n{query.description}\n\n")
        if query.params:
            parts.append("| parameter | type | default | description |\n|---|---|---|---|\n")
            for p in query.params:
                kind = p.type + (
                    " (" + ", ".join(f"`{v}`" for v in p.values) + ")" if p.values else ""
                )
                default = (
                    "required" if p.default is None else f"`{p.default}`" if p.default else '`""`'
                )

                parts.append(f"| `{p.name}` | {kind} | {default} | {p.description} |\n")
            parts.append("\n")
        else:
            parts.append("No parameters.\n\n")
        tags = ", ".join(query.tags)
        parts.append(
            f"Form: {query.form}; inference: {_inference(query)}; "
            f"tags: {tags}. File: `queries/{query.path.name}`.\n\n"
        )
        parts.append(f"```sh\n{query.example_command()}\n```\n")
    return "".join(parts)


def docs_file() -> Path:
    return resources.queries_dir() / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m serkg.querylib --write-docs | --check-docs``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--write-docs"]:
        docs_file().write_text(render_query_docs(), encoding="utf-8")
        print(f"wrote {docs_file()}")
        return 0
    if args == ["--check-docs"]:
        current = docs_file().read_text(encoding="utf-8") if docs_file().exists() else ""
        if current != render_query_docs():
            print(
                f"{docs_file()} is out of date: run `python -m serkg.querylib --write-docs`",
                file=sys.stderr,
            )
            return 1
        return 0
    print("usage: python -m serkg.querylib --write-docs | --check-docs", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
