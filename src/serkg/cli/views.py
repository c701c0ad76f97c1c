"""``serkg card``, ``diagram``, ``docs`` and ``explain``: the graph shown to a reader."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from serkg.cli.shared import (
    EXIT_NO,
    EXIT_OK,
    open_query_store,
    project_option,
    rendering_options,
    store_option,
    store_path,
    write_or_print,
)

if TYPE_CHECKING:
    from serkg.projects import Project


@click.command()
@click.argument("compound", metavar="NAME_OR_CURIE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "yaml"]),
    default="html",
    show_default=True,
    help="yaml: the graph's facts as a curation card to edit (docs/curating.md).",
)
@rendering_options
def card(
    compound: str,
    fmt: str,
    out_file: Path | None,
    store: Path | None,
    endpoint: str | None,
    project: Project,
) -> None:
    """Render a compound card (identity, status, mechanisms, trials, doses, safety, sources).

    \b
    Example:  serkg card L-serine --format html --out l-serine.html
              serkg card D-serine --format yaml --out cards/d-serine.yaml
    """
    from serkg.views.card import render_card
    from serkg.views.run import resolve_compound

    query_store = open_query_store(store, endpoint, project)
    iri = resolve_compound(query_store, compound)
    if fmt == "yaml":
        from serkg.views.card_yaml import card_as_yaml

        text = card_as_yaml(query_store, iri)
    else:
        text = render_card(query_store, iri, fmt)
    write_or_print(text.encode("utf-8"), out_file, binary=False)


@click.command(name="card-schema")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file instead of standard output.",
)
def card_schema(out_file: Path | None) -> None:
    """Print the JSON Schema of curation cards, for editors that check YAML as you type.

    \b
    Example:  serkg card-schema --out card.schema.json
    and start a card with:  # yaml-language-server: $schema=card.schema.json
    """
    from serkg.cards import card_schema_text

    write_or_print(card_schema_text().encode("utf-8"), out_file, binary=False)


@click.command()
@click.argument("compound", metavar="NAME_OR_CURIE")
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "png"]), default="svg", show_default=True
)
@rendering_options
def diagram(
    compound: str,
    fmt: str,
    out_file: Path | None,
    store: Path | None,
    endpoint: str | None,
    project: Project,
) -> None:
    """Draw a compound's neighbourhood: mechanisms, targets, processes, diseases, trials.

    \b
    Example:  serkg diagram kg:l-serine --format svg --out l-serine.svg
    """
    from serkg.views.diagram import render_diagram
    from serkg.views.run import resolve_compound

    query_store = open_query_store(store, endpoint, project)
    iri = resolve_compound(query_store, compound)
    write_or_print(render_diagram(query_store, iri, fmt), out_file, binary=fmt == "png")


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write [default: dist/docs of the project].",
)
@project_option
def docs(out_dir: Path | None, project: Project) -> None:
    """Generate the ontology documentation (pyLODE) and the query documentation.

    \b
    Example:  serkg docs --out dist/docs
    """
    from serkg.docs import build_docs

    for path in build_docs(out_dir or project.out_dir / "docs", project):
        click.echo(f"wrote {path}")


@click.command()
@click.argument("subject")
@click.argument("predicate")
@click.argument("obj", metavar="OBJECT")
@store_option
@project_option
def explain(subject: str, predicate: str, obj: str, store: Path | None, project: Project) -> None:
    """Explain why a triple holds: its asserted premises and the OWL axiom used.

    \b
    CURIEs are accepted. Example:
      serkg explain kg:l-serine sk:targets kg:cathepsin-b
    """
    from serkg.explain import explain_from_store
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(store_path(store, project))
    with opened.reading():
        explanation = explain_from_store(opened.oxigraph, subject, predicate, obj)
    click.echo(explanation.to_text())
    sys.exit(EXIT_OK if explanation.status != "not entailed" else EXIT_NO)
