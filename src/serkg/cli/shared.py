"""What every ``serkg`` command shares: exit codes, the one-line error, the common options.

It lives apart from the group in ``serkg.cli`` so that the command modules import it and the
package imports them, with no circle between the two.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from serkg.projects import Project
    from serkg.store import QueryStore

EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2
DEFAULT_OUT = Path("dist")

Command = TypeVar("Command", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``serkg: error: MESSAGE`` on stderr and exit with CODE: a user's mistake is one
    line, never a traceback."""
    click.echo(f"serkg: error: {message}", err=True)
    sys.exit(code)


def store_path(store: Path | None, project: Project | None = None) -> Path:
    """The store folder a command reads: --store, or the one ``serkg build`` writes (into the
    project's ``dist/`` when there is a project)."""
    if store is not None:
        return store
    return project.store_dir if project is not None else DEFAULT_OUT / "store"


def _resolve_project(ctx: click.Context, param: click.Parameter, value: Path | None) -> Project:
    from serkg.projects import ProjectError, current_project

    try:
        return current_project(value)
    except ProjectError as exc:
        fail(str(exc))


def project_option(command: Command) -> Command:
    """--project DIR: the project a command reads; the command receives a ``Project``."""
    return click.option(
        "--project",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        callback=_resolve_project,
        help="The serkg project folder [default: the serkg.toml found from here upward, "
        "else the packaged dataset].",
    )(command)


def store_option(command: Command) -> Command:
    """--store, the built store folder a command reads."""
    return click.option(
        "--store",
        type=click.Path(path_type=Path),
        default=None,
        help="The built store folder [default: dist/store].",
    )(command)


def out_file_option(command: Command) -> Command:
    """--out FILE, for the commands that print to stdout unless told otherwise."""
    return click.option(
        "--out",
        "out_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="File to write [default: standard output].",
    )(command)


def rendering_options(command: Command) -> Command:
    """--out, --store and --endpoint, shared by the commands that render from the graph."""
    endpoint = click.option(
        "--endpoint",
        metavar="URL",
        default=None,
        help="Read the graph from a SPARQL endpoint instead.",
    )
    return out_file_option(store_option(endpoint(project_option(command))))


def open_query_store(
    store: Path | None, endpoint: str | None, project: Project | None = None
) -> QueryStore:
    """The store a view reads: the SPARQL endpoint when one is named, else the built store."""
    from serkg.store import EmbeddedStore, EndpointStore

    return EndpointStore(endpoint) if endpoint else EmbeddedStore.open(store_path(store, project))


def write_or_print(data: bytes, out_file: Path | None, binary: bool) -> None:
    """Write DATA to OUT_FILE (atomically) or stdout; binary data is refused on a terminal."""
    from serkg import safe_write

    if out_file is not None:
        safe_write.write_output(out_file, data)
        click.echo(f"wrote {out_file}", err=True)
    elif binary and sys.stdout.isatty():
        fail("this format is binary: pass --out FILE")
    else:
        sys.stdout.buffer.write(data)
