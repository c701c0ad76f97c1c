"""Compound cards: a printable page per compound, rendered from the graph (never from free text).

Every section is the answer to one documented view query in ``queries/views/`` run through the
:class:`~serkg.store.QueryStore` interface, so a card reads the same from the embedded store and
from a SPARQL endpoint. Each row cites the sources whose claims state it (numbered like a paper),
and the facts the graph records as disputed or missing are shown, not smoothed over.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from serkg.prefixes import compress
from serkg.store import QueryStore
from serkg.views.card_model import Card, Cell, Citations
from serkg.views.card_sections import (
    conflict_section,
    dose_section,
    identity_section,
    indication_section,
    mechanism_section,
    open_questions_section,
    regulatory_section,
    safety_section,
    source_entries,
)
from serkg.views.card_trials import trial_facts
from serkg.views.run import UnknownCompoundError, compound_rows
from serkg.views.text import CARD_FORMATS, best_text, term_value
from serkg.vocab import DCTERMS, RDFS, SKOS


# ------------------------------------------------------------------------------- building
def build_card(store: QueryStore, compound_iri: str) -> Card:
    """Collect the card's content from the view queries (no rendering)."""
    from serkg import __version__

    claims = compound_rows(store, "compound-claims", compound_iri)
    cite = Citations(claims)
    properties = compound_rows(store, "compound-properties", compound_iri)
    if not properties:
        raise UnknownCompoundError(f"{compress(compound_iri)} has no facts in the graph")
    labels = [r["value"] for r in properties if term_value(r["property"]) == RDFS.label]
    title = best_text(labels) or compress(compound_iri)
    summary = best_text(
        r["value"]
        for r in properties
        if term_value(r["property"]) in {SKOS.definition, DCTERMS.description}
    )

    sections = [
        identity_section(compound_iri, properties, cite),
        regulatory_section(store, compound_iri, cite),
        indication_section(store, compound_iri, cite),
        mechanism_section(store, compound_iri, cite),
    ]
    trials = trial_facts(store, compound_iri, cite)
    sections += [
        trials.section,
        dose_section(store, compound_iri, cite),
        safety_section(store, compound_iri, cite),
        open_questions_section(store, compound_iri, trials, cite),
        conflict_section(store, compound_iri, cite),
    ]
    sources = source_entries(store, compound_iri, cite)
    return Card(
        iri=compound_iri,
        curie=compress(compound_iri),
        title=title,
        summary=summary,
        sections=sections,
        sources=sources,
        origin=store.describe(),
        version=__version__,
    )


# ------------------------------------------------------------------------------- rendering
def render_card(store: QueryStore, compound_iri: str, fmt: str = "html") -> str:
    """The card of COMPOUND_IRI: self-contained HTML (inline CSS, print-ready) or Markdown."""
    if fmt not in CARD_FORMATS:
        raise ValueError(f"unknown card format {fmt!r}; choose one of {', '.join(CARD_FORMATS)}")
    card = build_card(store, compound_iri)
    template = _templates().get_template("card.html.j2" if fmt == "html" else "card.md.j2")
    return str(template.render(card=card, md=_md_cell, md_escape=_md_escape))


@cache
def _templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("serkg", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _md_escape(text: str) -> str:
    return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", text).replace("\n", " ")


def _md_cell(cell: Cell) -> str:
    parts = []
    for part in cell.parts:
        text = _md_escape(part.text)
        if cell.mono:
            text = f"`{part.text}`"
        parts.append(f"[{text}]({part.href})" if part.href else text)
    out = cell.sep.join(parts)
    if cell.cites:
        out += (" " if out else "") + "".join(f"[{n}]" for n in cell.cites)
    return out
