"""``serkg diff``, ``release`` and ``cite``: compare, publish and cite builds (docs/releases.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from serkg.cli.shared import DEFAULT_OUT, EXIT_NO, fail, open_query_store, write_or_print


@click.command()
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
    write_or_print(data, out_file, binary=False)


@click.command()
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
            fail(f"{check_dir}: {len(problems)} file(s) differ from the MANIFEST", EXIT_NO)
        click.echo(f"{check_dir}: every file matches the MANIFEST")
        return
    made = bundle.make_release(build_dir, releases_dir, version or __version__)
    click.echo(
        f"wrote {made.folder}: {len(made.entries)} files, previous release {made.previous or 'none'}"
    )


@click.command()
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
    outcome = citation.verify(cited, open_query_store(store, endpoint))
    click.echo(citation.describe(outcome, cited), nl=False)
    if not outcome.same:
        sys.exit(EXIT_NO)
