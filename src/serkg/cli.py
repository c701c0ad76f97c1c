"""The ``serkg`` command line: a thin layer of verbs over typed library functions.

Exit codes: 0 ok; 1 the data or a check says no (violations, inconsistency); 2 usage or input
error (bad option, unreadable file, unknown query or parameter, no store). A user's mistake never
prints a Python traceback. Heavy modules are imported inside the commands that need them, so
that ``serkg query`` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from serkg.formats import EXPORT_FORMATS, GRAPH_FORMATS, RESULT_FORMATS

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2
DEFAULT_OUT = Path("dist")


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"serkg: error: {message}", err=True)
    sys.exit(code)


def _store_path(store: Path | None) -> Path:
    return store if store is not None else DEFAULT_OUT / "store"


class SerkgGroup(click.Group):
    """Turns the library's user-facing errors into messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        from serkg.loading import InputError
        from serkg.prefixes import CurieError
        from serkg.safe_write import OutputError
        from serkg.sparql_text import QuerySyntaxError
        from serkg.store import StoreError

        try:
            return super().invoke(ctx)
        except (
            InputError,
            CurieError,
            StoreError,
            QuerySyntaxError,
            OutputError,
            FileExistsError,
        ) as exc:
            _fail(str(exc))
        except ValueError as exc:  # parameter and query-library errors are ValueErrors
            if type(exc).__module__.startswith("serkg"):
                _fail(str(exc))
            raise
        except KeyboardInterrupt:
            _fail("interrupted; artefacts from the previous build are untouched", 130)


@click.group(
    cls=SerkgGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="serkg", prog_name="serkg")
def app() -> None:
    """serkg: a knowledge graph of compound facts.

    \b
    Typical session:
      serkg build                      # validate, reason, export to dist/
      serkg queries                    # the named questions
      serkg query compound-profile --param compound=kg:l-serine
    """


# --------------------------------------------------------------------------------------- build
@app.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the artefacts and the query store.",
)
@click.option(
    "--reasoner",
    type=click.Choice(["owlrl", "reasonable"]),
    default=None,
    help="OWL 2 RL engine (default: see docs/reasoning.md).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the one-line result.")
@click.option(
    "--wait",
    is_flag=True,
    help="If another build is writing --out, wait for it to end (default: refuse at once).",
)
def build(out_dir: Path, reasoner: str | None, quiet: bool, wait: bool) -> None:
    """Load, validate (SHACL + QC), reason (OWL 2 RL) and export the graph.

    \b
    Writes serkg.ttl (asserted), serkg-inferred.ttl, serkg.jsonld, serkg.nt,
    serkg.trig (both graphs), validation-report.ttl/.txt, void.ttl and store/,
    all published at once (links into --out/current/). If the data fails validation,
    its reports are in --out/failed/ and the previous build is left as it was.
    Example:  serkg build --out dist/
    """
    from rich.console import Console

    from serkg.build import BuildFailed
    from serkg.build import build as run_build
    from serkg.safe_write import OutputError

    console = Console(stderr=True, quiet=quiet)
    status = console.status("building")

    def report(stage: str, message: str) -> None:
        if stage == "lock":
            click.echo(f"serkg: {message}", err=True)
        elif message == "start":
            status.update(f"[bold]{stage}[/bold] …")
        else:
            console.print(f"[green]✓[/green] {stage:<9} {message}")

    with status:
        try:
            summary = run_build(out_dir, reasoner=reasoner, report=report, wait=wait)
        except OutputError as exc:
            _fail(str(exc))
        except BuildFailed as exc:
            console.print(f"[red]✗ build failed:[/red] {exc}")
            if exc.summary.validation is not None and not exc.summary.validation.conforms:
                click.echo(exc.summary.validation.to_text(), err=True)
            sys.exit(EXIT_NO)
    _print_build_summary(summary, quiet)


def _print_build_summary(summary: Any, quiet: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if quiet:
        console.print(
            f"built {summary.out_dir}: {summary.asserted_count} asserted, {summary.inferred_count} inferred triples"
        )
        return
    table = Table(title=f"serkg build → {summary.out_dir}", show_header=False)
    table.add_row("triples asserted", str(summary.asserted_count))
    table.add_row("triples inferred", f"{summary.inferred_count} ({summary.reasoner})")
    for kind, count in sorted(summary.inferred_by_kind.items()):
        table.add_row(f"  inferred: {kind}", str(count))
    table.add_row("SHACL shapes run", str(summary.shapes_count))
    table.add_row("QC checks run", str(summary.qc_checks))
    table.add_row("violations", str(summary.violations + summary.qc_violations))
    for stage, seconds in summary.stage_seconds.items():
        table.add_row(f"seconds: {stage}", f"{seconds:.2f}")
    table.add_row("seconds: total", f"{summary.total_seconds:.2f}")
    for work, seconds in summary.background_seconds.items():
        table.add_row(f"seconds: {work} (in parallel)", f"{seconds:.2f}")
    console.print(table)


# ------------------------------------------------------------------------------------ validate
@app.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "ttl", "json"]), default="text", show_default=True
)
@click.option(
    "--shapes",
    type=click.Choice(["core", "sparql", "all"]),
    default="all",
    show_default=True,
    help="Which shapes file(s) to run.",
)
def validate(files: tuple[Path, ...], fmt: str, shapes: str) -> None:
    """Check data files against the SHACL shapes and the QC queries.

    \b
    With no FILE, checks the packaged data. A FILE is checked in the context of the packaged
    data (it takes the place of the packaged file of its name); only what concerns FILE is shown.
    Exit 0: conforms; 1: violations; 2: unusable input.
    Example:  serkg validate data/l-serine/clinical-trials.trig --format json
    """
    from serkg import sandbox
    from serkg.checks import ShapesError, validate_files

    # second wall behind the shapes' SERVICE check: validation never needs the network
    no_wall = sandbox.cut_network()
    if no_wall:
        click.echo(f"serkg: note: validating with network access: {no_wall}", err=True)
    try:
        outcome, qc_rows = validate_files(list(files), shapes=shapes)
    except ShapesError as exc:
        _fail(str(exc))
    if files:
        click.echo(
            f"validated {len(files)} file(s) in the context of {len(outcome.context_files)} other "
            f"packaged data file(s); {outcome.elsewhere} result(s) about nothing the file(s) "
            "state are not shown",
            err=True,
        )
    if fmt == "text":
        click.echo(outcome.to_text())
        if qc_rows:
            click.echo(f"QC: {len(qc_rows)} row(s) in checks that must return nothing:")
            for row in qc_rows:
                click.echo(f"  - {row}")
    elif fmt == "ttl":
        click.echo(outcome.to_turtle())
    else:
        click.echo(outcome.to_json(qc=qc_rows) if _accepts_qc(outcome) else outcome.to_json())
    sys.exit(EXIT_OK if outcome.conforms and not qc_rows else EXIT_NO)


def _accepts_qc(outcome: Any) -> bool:
    import inspect

    return "qc" in inspect.signature(outcome.to_json).parameters


# ------------------------------------------------------------------------------------- queries
@app.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def queries(fmt: str) -> None:
    """List the named queries with their parameters, types, defaults and an example.

    \b
    Example:  serkg queries --format json
    """
    from serkg import querylib

    if fmt == "json":
        click.echo(querylib.queries_json())
    else:
        from rich.console import Console

        Console().print(querylib.queries_table())


@app.command()
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter; repeat for several.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *RESULT_FORMATS, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run on a SPARQL 1.1 endpoint instead of the embedded store.",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="The built store folder [default: dist/store].",
)
@click.option(
    "--timeout",
    "timeout_s",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="With --endpoint: seconds for the whole answer to arrive.",
)
@click.option(
    "--cite",
    "cite_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the answer's citation record (JSON-LD) to FILE; see `serkg cite`.",
)
def query(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    store: Path | None,
    timeout_s: float,
    cite_file: Path | None,
) -> None:
    """Run the named query NAME and print its answer.

    \b
    Example:  serkg query trials-by-status --param status=Terminated --format csv
    Example:  serkg query trials-by-status -p status=Terminated --cite answer.cite.json
    """
    from serkg import querylib
    from serkg.results import check_format

    raw: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"--param expects KEY=VALUE, got {item!r}")
        raw[key.strip()] = value
    if fmt != "table":
        check_format(querylib.load_query(name).form, fmt, what=f"query {name!r}")
    from serkg.store import EmbeddedStore, EndpointStore

    ran_on: EndpointStore | EmbeddedStore | None = (
        EndpointStore(endpoint, timeout=timeout_s) if endpoint else None
    )
    if cite_file is not None and ran_on is None:
        ran_on = EmbeddedStore.open(_store_path(store))
    answer = querylib.run_named_query(name, raw, store_path=_store_path(store), store=ran_on)
    if cite_file is not None and ran_on is not None:
        from serkg.releases import citation

        bindings = querylib.load_query(name).bind(raw)
        citation.write_record(cite_file, citation.cite_on(ran_on, name, bindings, answer))
    if fmt == "table":
        if answer.kind == "graph":
            click.echo(answer.serialize("ttl"), nl=False)
        elif answer.kind == "ask":
            click.echo("yes" if answer.boolean else "no")
        else:
            from rich.console import Console

            params_shown = [p.name for p in querylib.load_query(name).params]
            # on a terminal rich fits the table to it; in a pipe or a log, 80 columns is too narrow
            console = Console() if sys.stdout.isatty() else Console(width=160)
            console.print(querylib.render_table(answer, hide=params_shown))
    else:
        click.echo(answer.serialize(fmt), nl=False)


# -------------------------------------------------------------------------------------- export
@app.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="ttl",
    show_default=True,
)
@click.option(
    "--graph", type=click.Choice(["asserted", "inferred", "all"]), default="all", show_default=True
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write [default: standard output].",
)
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="The built store folder [default: dist/store].",
)
def export_cmd(fmt: str, graph: str, out_file: Path | None, store: Path | None) -> None:
    """Export the built graph (asserted, inferred or both) in one RDF format.

    \b
    Example:  serkg export --format jsonld --graph asserted --out serkg.jsonld
    """
    from serkg import safe_write
    from serkg.export import export_from_store
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(_store_path(store))
    with opened.reading():
        data = export_from_store(opened.oxigraph, fmt, graph)
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        safe_write.write_output(out_file, data)
        click.echo(f"wrote {out_file} ({len(data)} bytes)", err=True)


# --------------------------------------------------------------------------------------- stats
@app.command()
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="The built store folder [default: dist/store].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
def stats(store: Path | None, fmt: str) -> None:
    """Count triples per graph and entities per class in the built store.

    \b
    Example:  serkg stats --format json
    """
    import json

    from serkg.stats import markdown_summary, store_statistics
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(_store_path(store))
    with opened.reading():
        numbers = store_statistics(opened.oxigraph)
    if fmt == "json":
        click.echo(json.dumps(numbers, indent=2))
        return
    if fmt == "markdown":
        click.echo(markdown_summary(numbers), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="serkg statistics")
    table.add_column("what")
    table.add_column("count", justify="right")
    for graph, count in numbers["graphs"].items():
        table.add_row(f"triples in {graph}", str(count))
    for cls, count in numbers["classes"].items():
        table.add_row(f"instances of {cls}", str(count))
    Console().print(table)


# ------------------------------------------------------------------------------------- explain
@app.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="The built store folder [default: dist/store].",
)
def explain(subject: str, predicate: str, obj: str, store: Path | None) -> None:
    """Explain why a triple holds: its asserted premises and the OWL axiom used.

    \b
    CURIEs are accepted. Example:
      serkg explain kg:l-serine sk:targets kg:cathepsin-b
    """
    from serkg.explain import explain_from_store
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(_store_path(store))
    with opened.reading():
        explanation = explain_from_store(opened.oxigraph, subject, predicate, obj)
    click.echo(explanation.to_text())
    sys.exit(EXIT_OK if explanation.status != "not entailed" else EXIT_NO)


# --------------------------------------------------------------------------------------- serve
@app.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback unless told otherwise).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=None,
    help="The built store folder [default: dist/store].",
)
@click.option(
    "--timeout",
    "timeout_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Per-query time limit in seconds.",
)
@click.option(
    "--max-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(1, None),
    help="Result row cap.",
)
@click.option(
    "--max-query-bytes",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1024, None),
    help="Largest query or update text in bytes (larger ones get HTTP 413).",
)
@click.option(
    "--header-timeout",
    "header_timeout_s",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Seconds a client may take to send a request's headers (slow clients get 408).",
)
@click.option(
    "--cors",
    metavar="ORIGINS",
    default=None,
    help="Allow cross-origin requests from ORIGINS: * or comma-separated (off by default).",
)
@click.option(
    "--host-header",
    metavar="NAMES",
    default=None,
    help="Answer only requests whose Host header is one of NAMES (against DNS rebinding).",
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (refused by default).")
@click.option("--allow-service", is_flag=True, help="Accept SERVICE clauses (refused by default).")
def serve(
    host: str,
    port: int,
    store: Path | None,
    timeout_s: float,
    max_rows: int,
    max_query_bytes: int,
    header_timeout_s: float,
    cors: str | None,
    host_header: str | None,
    allow_update: bool,
    allow_service: bool,
) -> None:
    """Serve the SPARQL 1.1 endpoint, the named-query API, the UI and linked data.

    A rebuilt store (the OUT/store link swapped by `serkg build`) is picked up without a
    restart; send SIGHUP to switch at once. Limits and options: docs/server.md.

    \b
    Example:  serkg serve --port 8000   then open http://127.0.0.1:8000/
    """
    from serkg.store import EmbeddedStore
    from serkg.web.app import serve
    from serkg.web.config import ServerConfig, parse_hosts, parse_origins

    path = _store_path(store)
    EmbeddedStore.open(path)  # fail early, with the usual message, when there is no store
    try:
        origins = parse_origins(cors) if cors is not None else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--cors") from None
    try:
        hosts = parse_hosts(host_header) if host_header is not None else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host-header") from None
    config = ServerConfig(
        store_path=path,
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_rows=max_rows,
        allow_update=allow_update,
        allow_service=allow_service,
        max_query_bytes=max_query_bytes,
        cors_origins=origins,
        allowed_hosts=hosts,
        header_timeout_s=header_timeout_s,
    )
    serve(config)


# ---------------------------------------------------------------------------------------- load
@app.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The triple store's base URL (e.g. http://127.0.0.1:8890).",
)
@click.option(
    "--graph",
    "graph_base",
    default=None,
    metavar="IRI",
    help="Base IRI for the two named graphs [default: https://w3id.org/serkg/graph/].",
)
@click.option("--user", default=None)
@click.option("--password", default=None)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder of a finished build.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    default=None,
    help="SPARQL 1.1 Update URL for the final MOVE [default: Virtuoso's /sparql(-auth)].",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Seconds for each request, start to last byte.",
)
def load(
    endpoint: str,
    graph_base: str | None,
    user: str | None,
    password: str | None,
    dist_dir: Path,
    update_endpoint: str | None,
    timeout: float,
) -> None:
    """Push the asserted and inferred graphs to a triple store (SPARQL Graph Store Protocol).

    \b
    Each graph goes to a temporary graph first, then one SPARQL Update MOVEs both in place:
    a failed load leaves the store's graphs as they were.

    \b
    Example:  serkg load --endpoint http://127.0.0.1:8890 --user dba --password dba
    """
    from serkg.remote import load_to_endpoint

    asserted, inferred = dist_dir / "serkg.nt", dist_dir / "serkg-inferred.ttl"
    for path in (asserted, inferred):
        if not path.exists():
            _fail(f"{path} not found: run `serkg build --out {dist_dir}` first")
    summary = load_to_endpoint(
        endpoint,
        asserted,
        inferred,
        graph_base=graph_base,
        user=user,
        password=password,
        timeout=timeout,
        update_endpoint=update_endpoint,
    )
    click.echo(str(summary))


# ------------------------------------------------------------------------ card, diagram, docs
def _open_query_store(store: Path | None, endpoint: str | None) -> Any:
    from serkg.store import EmbeddedStore, EndpointStore

    return EndpointStore(endpoint) if endpoint else EmbeddedStore.open(_store_path(store))


def _write_or_print(data: bytes, out_file: Path | None, binary: bool) -> None:
    from serkg import safe_write

    if out_file is not None:
        safe_write.write_output(out_file, data)
        click.echo(f"wrote {out_file}", err=True)
    elif binary and sys.stdout.isatty():
        _fail("this format is binary: pass --out FILE")
    else:
        sys.stdout.buffer.write(data)


def _rendering_options(command: Any) -> Any:
    """--out, --store and --endpoint, shared by the commands that render from the graph."""
    options = [
        click.option(
            "--out",
            "out_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="File to write [default: standard output].",
        ),
        click.option(
            "--store",
            type=click.Path(path_type=Path),
            default=None,
            help="The built store folder [default: dist/store].",
        ),
        click.option(
            "--endpoint",
            metavar="URL",
            default=None,
            help="Read the graph from a SPARQL endpoint instead.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@app.command()
@click.argument("compound", metavar="NAME_OR_CURIE")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True
)
@_rendering_options
def card(
    compound: str, fmt: str, out_file: Path | None, store: Path | None, endpoint: str | None
) -> None:
    """Render a compound card (identity, status, mechanisms, trials, doses, safety, sources).

    \b
    Example:  serkg card L-serine --format html --out l-serine.html
    """
    from serkg.views.card import render_card
    from serkg.views.run import resolve_compound

    query_store = _open_query_store(store, endpoint)
    iri = resolve_compound(query_store, compound)
    _write_or_print(render_card(query_store, iri, fmt).encode("utf-8"), out_file, binary=False)


@app.command()
@click.argument("compound", metavar="NAME_OR_CURIE")
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "png"]), default="svg", show_default=True
)
@_rendering_options
def diagram(
    compound: str, fmt: str, out_file: Path | None, store: Path | None, endpoint: str | None
) -> None:
    """Draw a compound's neighbourhood: mechanisms, targets, processes, diseases, trials.

    \b
    Example:  serkg diagram kg:l-serine --format svg --out l-serine.svg
    """
    from serkg.views.diagram import render_diagram
    from serkg.views.run import resolve_compound

    query_store = _open_query_store(store, endpoint)
    iri = resolve_compound(query_store, compound)
    _write_or_print(render_diagram(query_store, iri, fmt), out_file, binary=fmt == "png")


@app.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT / "docs",
    show_default=True,
)
def docs(out_dir: Path) -> None:
    """Generate the ontology documentation (pyLODE) and the query documentation.

    \b
    Example:  serkg docs --out dist/docs
    """
    from serkg.docs import build_docs

    for path in build_docs(out_dir):
        click.echo(f"wrote {path}")


# ------------------------------------------------------------------------------------- imports
@app.group()
def imports() -> None:
    """Import modules (ontology/imports/*_import.ttl): extract them, list the terms we use.

    \b
    Example:  serkg imports terms --ontology go --ids-only > go_terms.txt
    """


@imports.command(name="extract")
@click.option(
    "--from",
    "sources",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="Source release file (.obo, .owl/.rdf/.xml RDF/XML, .ttl); repeat to merge several.",
)
@click.option(
    "--source-iri",
    "source_iris",
    multiple=True,
    help="Where each --from file was published (e.g. a URL pinned to a commit); one per --from.",
)
@click.option(
    "--terms",
    "terms_file",
    required=True,
    type=click.Path(path_type=Path),
    help="Seed terms: one CURIE or IRI a line, '#' comments.",
)
@click.option("--out", "out_file", required=True, type=click.Path(path_type=Path))
@click.option("--module-iri", default=None, help="The module's IRI (default: from --out's name).")
def imports_extract(
    sources: tuple[Path, ...],
    source_iris: tuple[str, ...],
    terms_file: Path,
    out_file: Path,
    module_iri: str | None,
) -> None:
    """Extract a BOT import module: the seed terms and all their named superclasses, labelled.

    Exits 1, writing nothing, when a seed term is not in the sources.

    \b
    Example:  serkg imports extract --from go.obo --terms go_terms.txt --out go_import.ttl
    """
    from serkg.ontology_imports import (
        MissingTermsError,
        extract,
        module_turtle,
        read_seed_terms,
        read_source,
    )
    from serkg.safe_write import write_text

    if source_iris and len(source_iris) != len(sources):
        _fail(f"--source-iri given {len(source_iris)} times for {len(sources)} --from files")
    seeds = read_seed_terms(terms_file)
    parsed = [read_source(path) for path in sources]
    iri = module_iri or f"https://w3id.org/serkg/ontology/imports/{out_file.stem}"
    try:
        module = extract(parsed, seeds, iri, list(source_iris))
    except MissingTermsError as exc:
        _fail(str(exc), EXIT_NO)
    write_text(out_file, module_turtle(module))
    click.echo(f"wrote {out_file}: {len(module.terms)} terms")


@imports.command(name="terms")
@click.option("--ontology", "only", default=None, help="Only this ontology (e.g. GO, mondo).")
@click.option("--ids-only", is_flag=True, help="Print bare CURIEs, one a line (a --terms file).")
def imports_terms(only: str | None, ids_only: bool) -> None:
    """List the external terms (MONDO, GO, HP, ChEBI, UBERON, NCBITaxon) the data uses.

    \b
    Example:  serkg imports terms --ontology hp
    """
    from serkg.ontology_imports import IMPORTED_ONTOLOGIES, curie, used_terms
    from serkg.resources import data_files, ontology_file

    wanted = None
    if only is not None:
        wanted = IMPORTED_ONTOLOGIES.get(only.lower())
        if wanted is None:
            _fail(f"--ontology {only!r}: choose from {', '.join(IMPORTED_ONTOLOGIES.values())}")
    terms = [
        t for t in used_terms([ontology_file(), *data_files()]) if wanted in (None, t.ontology)
    ]
    last = None
    for term in terms:
        if ids_only:
            click.echo(curie(term.iri))
            continue
        if term.ontology != last:
            count = sum(1 for t in terms if t.ontology == term.ontology)
            click.echo(f"{term.ontology} ({count})")
            last = term.ontology
        click.echo(f"  {curie(term.iri):<18} {term.label}")


# ------------------------------------------------------------------------------------ releases
@app.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "ttl"]),
    default="md",
    show_default=True,
    help="Markdown (a changelog) or the RDF change graph (Turtle).",
)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None)
def diff(old: Path, new: Path, fmt: str, out_file: Path | None) -> None:
    """Compare two builds or releases fact by fact: values, claims, conflicts, identifiers.

    \b
    Example:  serkg diff releases/0.3.0 dist --format md
    """
    from serkg.releases import changes

    rows, before, after = changes.diff(old, new)
    before.version, after.version = str(old), str(new)  # the folders as the user named them
    if fmt == "md":
        data = changes.to_markdown(rows, before, after).encode("utf-8")
    else:
        data = changes.to_turtle(rows)
    _write_or_print(data, out_file, binary=False)


@app.command()
@click.option("--version", "version", default=None, help="The release version [default: serkg's].")
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The build folder to release.",
)
@click.option(
    "--releases",
    "releases_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("releases"),
    show_default=True,
)
@click.option(
    "--check",
    "check_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Re-hash the release folder DIR against its MANIFEST instead (exit 1 if one differs).",
)
def release(
    version: str | None, build_dir: Path, releases_dir: Path, check_dir: Path | None
) -> None:
    """Write releases/V/: the build's files, MANIFEST, void.ttl, CITATION.cff, CHANGELOG.md.

    \b
    Example:  serkg release --version 0.3.0
    Example:  serkg release --check releases/0.3.0
    """
    from serkg import __version__
    from serkg.releases import bundle

    if check_dir is not None:
        problems = bundle.check_release(check_dir)
        for problem in problems:
            click.echo(f"{check_dir / problem}")
        if problems:
            _fail(f"{check_dir}: {len(problems)} file(s) differ from the MANIFEST", EXIT_NO)
        click.echo(f"{check_dir}: every file matches the MANIFEST")
        return
    made = bundle.make_release(build_dir, releases_dir, version or __version__)
    click.echo(
        f"wrote {made.folder}: {len(made.entries)} files, previous release {made.previous or 'none'}"
    )


@app.command()
@click.option(
    "--verify",
    "record",
    type=click.Path(path_type=Path),
    required=True,
    help="A citation record written by serkg query --cite.",
)
@click.option("--endpoint", metavar="URL", default=None, help="Re-run on this SPARQL endpoint.")
@click.option(
    "--store", type=click.Path(path_type=Path), default=None, help="[default: dist/store]"
)
def cite(record: Path, endpoint: str | None, store: Path | None) -> None:
    """Re-run a cited answer: same answer, different answer (exit 1, the rows) or query text.

    \b
    Example:  serkg cite --verify answer.cite.json
    """
    from serkg.releases import citation

    cited = citation.read_record(record)
    outcome = citation.verify(cited, _open_query_store(store, endpoint))
    click.echo(citation.describe(outcome, cited), nl=False)
    if not outcome.same:
        sys.exit(EXIT_NO)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="serkg")
