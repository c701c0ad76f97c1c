"""``serkg build``, ``validate``, ``export`` and ``stats``: make the graph, check it, hand it out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from serkg.cli.shared import (
    EXIT_NO,
    EXIT_OK,
    fail,
    out_file_option,
    project_option,
    store_option,
    store_path,
)
from serkg.formats import EXPORT_FORMATS, EXPORT_GRAPHS, FOLDER_EXPORT_FORMATS

if TYPE_CHECKING:
    from serkg.build import BuildSummary
    from serkg.projects import Project


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the artefacts and the query store [default: dist/ of the project].",
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
@click.option(
    "--full",
    is_flag=True,
    help="Rebuild everything, even when only data files changed since the last build in --out.",
)
@project_option
def build(
    out_dir: Path | None,
    reasoner: str | None,
    quiet: bool,
    wait: bool,
    full: bool,
    project: Project,
) -> None:
    """Load, validate (SHACL + QC), reason (OWL 2 RL) and export the graph.

    \b
    Writes serkg.ttl (asserted), serkg-inferred.ttl, serkg.jsonld, serkg.nt,
    serkg.trig (both graphs), serkg-imports.ttl (the import modules: external
    terms and their parents), validation-report.ttl/.txt, void.ttl, the SSSOM
    mapping sets serkg.sssom.tsv and serkg-vocab.sssom.tsv, and store/,
    all published at once (links into --out/current/). If the data fails validation,
    its reports are in --out/failed/ and the previous build is left as it was.
    When only data files changed since the last build in --out, the build is
    incremental (SHACL Core on what the change can reach, the store updated);
    the result is the same as a full build's (--full).
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
            summary = run_build(
                out_dir or project.out_dir,
                reasoner=reasoner,
                report=report,
                wait=wait,
                project=project,
                full=full,
            )
        except OutputError as exc:
            fail(str(exc))
        except BuildFailed as exc:
            console.print(f"[red]✗ build failed:[/red] {exc}")
            if exc.summary.validation is not None and not exc.summary.validation.conforms:
                click.echo(exc.summary.validation.to_text(), err=True)
            sys.exit(EXIT_NO)
    _print_build_summary(summary, quiet)


def _print_build_summary(summary: BuildSummary, quiet: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if quiet:
        console.print(
            f"built {summary.out_dir}: {summary.asserted_count} asserted, {summary.inferred_count} inferred triples"
        )
        return
    table = Table(title=f"serkg build → {summary.out_dir}", show_header=False)
    table.add_row("build", f"{summary.kind} ({summary.kind_reason})")
    table.add_row("SHACL checked", summary.validated)
    table.add_row("reasoned over", summary.reasoned)
    table.add_row("triples asserted", str(summary.asserted_count))
    table.add_row("triples inferred", f"{summary.inferred_count} ({summary.reasoner})")
    for kind, count in sorted(summary.inferred_by_kind.items()):
        table.add_row(f"  inferred: {kind}", str(count))
    table.add_row("triples in import modules", str(summary.imports_count))
    table.add_row("SHACL shapes run", str(summary.shapes_count))
    table.add_row("QC checks run", str(summary.qc_checks))
    table.add_row("violations", str(summary.violations + summary.qc_violations))
    for stage, seconds in summary.stage_seconds.items():
        table.add_row(f"seconds: {stage}", f"{seconds:.2f}")
    table.add_row("seconds: total", f"{summary.total_seconds:.2f}")
    for work, seconds in summary.background_seconds.items():
        table.add_row(f"seconds: {work} (in parallel)", f"{seconds:.2f}")
    console.print(table)


@click.command()
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
@project_option
def validate(files: tuple[Path, ...], fmt: str, shapes: str, project: Project) -> None:
    """Check data files against the SHACL shapes and the QC queries.

    \b
    With no FILE, checks the project's data (the packaged data outside a project), and the
    project's own named queries against the query rules. A FILE is checked in the context of
    that data (it takes the place of the file of its name); only what concerns FILE is shown.
    Exit 0: conforms; 1: violations; 2: unusable input.
    Example:  serkg validate data/l-serine/clinical-trials.trig --format json
    """
    from serkg import sandbox
    from serkg.checks import ShapesError, validate_files

    # second wall behind the shapes' SERVICE check: validation never needs the network
    no_wall = sandbox.cut_network()
    if no_wall:
        click.echo(f"serkg: note: validating with network access: {no_wall}", err=True)
    query_problems = _project_query_problems(project)
    try:
        outcome, qc_rows = validate_files(list(files), shapes=shapes, project=project)
    except ShapesError as exc:
        fail(str(exc))
    if files:
        click.echo(
            f"validated {len(files)} file(s) in the context of {len(outcome.context_files)} other "
            f"{'packaged' if project.root is None else 'project'} data file(s); "
            f"{outcome.elsewhere} result(s) about nothing the file(s) state are not shown",
            err=True,
        )
    for problem in query_problems:
        click.echo(f"query rule: {problem}", err=True)
    if fmt == "text":
        click.echo(outcome.to_text())
        if qc_rows:
            click.echo(f"QC: {len(qc_rows)} row(s) in checks that must return nothing:")
            for row in qc_rows:
                click.echo(f"  - {row}")
    elif fmt == "ttl":
        click.echo(outcome.to_turtle())
    else:
        click.echo(outcome.to_json(qc=qc_rows))
    sys.exit(EXIT_OK if outcome.conforms and not qc_rows and not query_problems else EXIT_NO)


def _project_query_problems(project: Project) -> list[str]:
    """The project's own named queries and QC checks, read (a header error exits 2) and held to
    the rules of the packaged ones."""
    from serkg.query_checks import query_problems
    from serkg.querylib import load_query_file

    problems: list[str] = []
    qc_files = {path for _, path in project.qc_files}
    for path in project.project_query_files():
        if path in qc_files:
            continue  # QC checks have no #+ header: they run as they are
        problems += query_problems(load_query_file(path))
    return problems


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*EXPORT_FORMATS, *FOLDER_EXPORT_FORMATS]),
    default="ttl",
    show_default=True,
)
@click.option(
    "--graph",
    type=click.Choice(EXPORT_GRAPHS),
    default="all",
    show_default=True,
    help="all: asserted and inferred; imports: the external ontologies' import modules.",
)
@out_file_option
@store_option
@project_option
def export_cmd(
    fmt: str, graph: str, out_file: Path | None, store: Path | None, project: Project
) -> None:
    """Export the built graph (asserted, inferred, both, or the import modules) in one RDF
    format; the claim bundles as nanopublications (``--format nanopub --out DIR``: one TriG file
    per bundle); or the graph in Biolink terms as KGX (``--format kgx --out DIR``: nodes.tsv and
    edges.tsv; ``kgx-jsonl``: nodes.jsonl and edges.jsonl).

    \b
    Example:  serkg export --format jsonld --graph asserted --out serkg.jsonld
              serkg export --format kgx --out serkg-kgx/
    """
    if fmt == "nanopub":
        _export_nanopublications(out_file, project)
        return
    if fmt in FOLDER_EXPORT_FORMATS:
        _export_kgx(fmt, out_file, store, project)
        return
    from serkg import safe_write
    from serkg.export import export_from_store
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(store_path(store, project))
    with opened.reading():
        data = export_from_store(opened.oxigraph, fmt, graph)
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        safe_write.write_output(out_file, data)
        click.echo(f"wrote {out_file} ({len(data)} bytes)", err=True)


def _export_kgx(fmt: str, out_dir: Path | None, store: Path | None, project: Project) -> None:
    from serkg.kgx import kgx_graph, write_kgx
    from serkg.store import EmbeddedStore

    if out_dir is None:
        fail(f"--format {fmt} writes a nodes file and an edges file: pass --out DIR (a new folder)")
    opened = EmbeddedStore.open(store_path(store, project))
    with opened.reading():
        graph = kgx_graph(opened.oxigraph)
    write_kgx(out_dir, graph, fmt)
    click.echo(
        f"wrote {len(graph.nodes)} nodes and {len(graph.edges)} edges to {out_dir}", err=True
    )


def _export_nanopublications(out_dir: Path | None, project: Project) -> None:
    from serkg.nanopubs import nanopublications, write_nanopublications

    if out_dir is None:
        fail("--format nanopub writes one file per claim bundle: pass --out DIR (a new folder)")
    written = write_nanopublications(out_dir, nanopublications(list(project.data_files)))
    click.echo(f"wrote {len(written)} nanopublications to {out_dir}", err=True)


@click.command()
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@project_option
def stats(store: Path | None, fmt: str, project: Project) -> None:
    """Count triples per graph and entities per class in the built store.

    \b
    Example:  serkg stats --format json
    """
    import json

    from serkg.stats import markdown_summary, store_statistics
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(store_path(store, project))
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
