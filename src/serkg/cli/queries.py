"""``serkg queries`` and ``serkg query``: the named questions and their answers.

Only click and the format names are imported at the top: ``serkg query`` must start without
rdflib, pySHACL, owlrl or the server (tests/queries/test_cli_api.py checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from serkg.cli.shared import fail, project_option, store_option, store_path
from serkg.formats import GRAPH_FORMATS, RESULT_FORMATS

if TYPE_CHECKING:
    from serkg.projects import Project


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@project_option
def queries(fmt: str, project: Project) -> None:
    """List the named queries with their parameters, types, defaults and an example.

    \b
    Example:  serkg queries --format json
    """
    from serkg import querylib

    if fmt == "json":
        click.echo(querylib.queries_json(project))
    else:
        from rich.console import Console

        Console().print(querylib.queries_table(project))


def parse_params(items: tuple[str, ...]) -> dict[str, str]:
    """The ``--param KEY=VALUE`` options as a mapping; a malformed one is a usage error."""
    raw: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--param expects KEY=VALUE, got {item!r}")
        raw[key.strip()] = value
    return raw


@click.command()
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
@store_option
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
@project_option
def query(
    name: str,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    store: Path | None,
    timeout_s: float,
    cite_file: Path | None,
    project: Project,
) -> None:
    """Run the named query NAME and print its answer.

    \b
    Example:  serkg query trials-by-status --param status=Terminated --format csv
    Example:  serkg query trials-by-status -p status=Terminated --cite answer.cite.json
    """
    from serkg import querylib
    from serkg.results import check_format

    raw = parse_params(params)
    named = querylib.load_query(name, project)
    if fmt != "table":
        check_format(named.form, fmt, what=f"query {name!r}")
    from serkg.store import EmbeddedStore, EndpointStore

    ran_on: EndpointStore | EmbeddedStore | None = (
        EndpointStore(endpoint, timeout=timeout_s) if endpoint else None
    )
    if cite_file is not None and ran_on is None:
        ran_on = EmbeddedStore.open(store_path(store, project))
    answer = querylib.run_named_query(
        name, raw, store_path=store_path(store, project), store=ran_on, project=project
    )
    if cite_file is not None and ran_on is not None:
        from serkg.releases import citation

        bindings = named.bind(raw)
        citation.write_record(
            cite_file, citation.cite_on(ran_on, name, bindings, answer, project=project)
        )
    if fmt == "table":
        if answer.kind == "graph":
            click.echo(answer.serialize("ttl"), nl=False)
        elif answer.kind == "ask":
            click.echo("yes" if answer.boolean else "no")
        else:
            from rich.console import Console

            params_shown = [p.name for p in named.params]
            # on a terminal rich fits the table to it; in a pipe or a log, 80 columns is too narrow
            console = Console() if sys.stdout.isatty() else Console(width=160)
            console.print(querylib.render_table(answer, hide=params_shown))
    else:
        click.echo(answer.serialize(fmt), nl=False)
