"""``serkg imports extract`` and ``serkg imports terms``: the import modules of ontology/imports/."""

from __future__ import annotations

from pathlib import Path

import click

from serkg.cli.shared import EXIT_NO, fail


@click.group()
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
    help="Source release file (.obo, .owl/.rdf/.xml RDF/XML, .ttl, .tsv edge or label table); "
    "repeat to merge several.",
)
@click.option(
    "--source-iri",
    "source_iris",
    multiple=True,
    help="Where each --from file was published (e.g. a URL pinned to a commit); one per --from.",
)
@click.option(
    "--source-release",
    "source_releases",
    multiple=True,
    help="The release a --from file belongs to, for files that name none (TSV tables); one "
    "per --from, '-' to keep what the file itself says.",
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
    source_releases: tuple[str, ...],
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
        fail(f"--source-iri given {len(source_iris)} times for {len(sources)} --from files")
    if source_releases and len(source_releases) != len(sources):
        fail(f"--source-release given {len(source_releases)} times for {len(sources)} --from files")
    seeds = read_seed_terms(terms_file)
    parsed = [read_source(path) for path in sources]
    for source, release in zip(parsed, source_releases, strict=False):
        if release != "-":
            source.version = release
    iri = module_iri or f"https://w3id.org/serkg/ontology/imports/{out_file.stem}"
    try:
        module = extract(parsed, seeds, iri, list(source_iris))
    except MissingTermsError as exc:
        fail(str(exc), EXIT_NO)
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
            fail(f"--ontology {only!r}: choose from {', '.join(IMPORTED_ONTOLOGIES.values())}")
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
