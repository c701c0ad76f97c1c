"""``serkg init``: start a project of one's own, beside the packaged dataset."""

from __future__ import annotations

from pathlib import Path

import click

from serkg.cli.shared import fail


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--empty",
    is_flag=True,
    help="Include no packaged dataset (default: the L-serine dataset is included).",
)
def init(folder: Path, empty: bool) -> None:
    """Write a new serkg project into FOLDER (new or empty): serkg.toml, cards/, data/,
    queries/, shapes/, ontology/ and a README saying what goes where.

    \b
    Example:  serkg init my-catalogue && cd my-catalogue && serkg build
    """
    from serkg.projects import ProjectError, init_project

    try:
        written = init_project(folder, empty=empty)
    except ProjectError as exc:
        fail(str(exc))
    for path in written:
        click.echo(f"wrote {path}{'/' if path.is_dir() else ''}")
