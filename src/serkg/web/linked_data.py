"""Linked data: every IRI the graph mints dereferences on the server that serves it.

``/id/{local}`` stands for ``https://w3id.org/serkg/id/{local}`` (and ``/vocab/{term}``,
``/source/{local}`` likewise): the server maps the path onto the IRI, it does not redirect, so
a researcher's browser gets a page and a script gets RDF from the same URL. The description is
CBD-like: the entity's own triples, the triples that point at it (generated claim nodes aside)
and the labels of everything linked, so a client can show names without a second request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from serkg import resources
from serkg.formats import GRAPH_FORMATS, media_type_of
from serkg.prefixes import KG, KGSRC, ONTOLOGY_IRI, SK, compress
from serkg.results import QueryAnswer
from serkg.vocab import DCTERMS, RDFS, SKOS
from serkg.web.jobs import QueryJob, serialize_answer
from serkg.web.negotiation import (
    GRAPH_FORMAT_NAMES,
    GRAPH_NEGOTIATION,
    content_type,
    negotiate,
)
from serkg.web.refusals import QueryRefused
from serkg.web.responses import error_response, raw_answer

DEFINITION_PROPERTIES = (SKOS.definition, DCTERMS.description, RDFS.comment)
CROSS_LINK_PROPERTIES = (
    SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
    RDFS.seeAlso,
)  # fmt: skip
LOCAL_PATHS = ((KG, "/id/"), (SK, "/vocab/"), (KGSRC, "/source/"))
HTML_OFFER = ("html", ["text/html", "application/xhtml+xml"])
#: Turtle first: a client that accepts anything gets data; browsers ask for text/html by name
LINKED_DATA_OFFERS = [GRAPH_NEGOTIATION[0], HTML_OFFER, *GRAPH_NEGOTIATION[1:]]


def describe_query() -> str:
    """The CONSTRUCT that describes ``?entity`` (bound by substitution, never pasted)."""
    return resources.view_query("entity-description")


def local_path(iri: str) -> str | None:
    """The server path an IRI dereferences at, or None when it is not ours."""
    for namespace, path in LOCAL_PATHS:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return path + iri[len(namespace) :]
    if iri == ONTOLOGY_IRI:
        return "/vocab"
    return None


@dataclass
class Value:
    """One value on a page: its text, where it links (local path or external IRI) and a note."""

    text: str
    href: str | None = None
    external: bool = False
    note: str = ""


@dataclass
class EntityPage:
    """What the HTML page of one entity shows."""

    iri: str
    curie: str
    label: str
    definitions: list[str] = field(default_factory=list)
    facts: list[tuple[Value, list[Value]]] = field(default_factory=list)
    cross_links: list[tuple[Value, list[Value]]] = field(default_factory=list)
    referenced_by: list[tuple[Value, Value]] = field(default_factory=list)
    sources: list[tuple[Value, str]] = field(default_factory=list)
    alternates: list[tuple[str, str]] = field(default_factory=list)


# ------------------------------------------------------------------------------------ routes
async def entity(request: Request) -> Response:
    """``GET /id/{local}``."""
    return await _linked(request, KG + request.path_params["local"])


async def vocab_term(request: Request) -> Response:
    """``GET /vocab/{term}``."""
    return await _linked(request, SK + request.path_params["term"])


async def vocab(request: Request) -> Response:
    """``GET /vocab``: the ontology itself."""
    return await _linked(request, ONTOLOGY_IRI)


async def source(request: Request) -> Response:
    """``GET /source/{local}``."""
    return await _linked(request, KGSRC + request.path_params["local"])


async def _linked(request: Request, iri: str) -> Response:
    try:
        return await respond(iri, request, request.app.state.pools.run)
    except QueryRefused as exc:
        return error_response(exc.status, exc.message)


async def respond(
    iri: str, request: Request, run: Callable[[QueryJob], Awaitable[tuple[Any, ...]]]
) -> Response:
    """The response for a dereferenced IRI: HTML for browsers, RDF otherwise, 404 when unknown."""
    requested = request.query_params.get("format")
    if requested is not None:
        fmt = {**GRAPH_FORMAT_NAMES, "html": "html"}.get(requested.strip().lower())
        if fmt is None:
            return Response(
                f"unknown format {requested!r}; use html, ttl, nt, jsonld, rdfxml or n3\n",
                status_code=400,
                media_type="text/plain; charset=utf-8",
            )
    else:
        chosen = negotiate(request.headers.get("accept"), LINKED_DATA_OFFERS)
        if chosen is None:
            return Response(
                "not acceptable: ask for text/html, text/turtle, application/ld+json, "
                "application/n-triples or application/rdf+xml\n",
                status_code=406,
                media_type="text/plain; charset=utf-8",
            )
        fmt = chosen[0]
    try:
        subject = ox.NamedNode(iri)
    except ValueError:
        return Response(
            f"not an IRI: {iri!r}\n", status_code=400, media_type="text/plain; charset=utf-8"
        )
    triples = await _answer(run, resources.view_query("entity-description"), subject)
    if not triples.triples:
        return Response(
            f"nothing is known about <{iri}> in this graph\n",
            status_code=404,
            media_type="text/plain; charset=utf-8",
        )
    headers = {"Vary": "Accept"}
    if fmt != "html":
        body = serialize_answer(QueryAnswer("graph", triples=_sorted(triples.triples)), fmt)
        return Response(body, media_type=content_type(media_type_of(fmt)), headers=headers)
    sources = await _answer(run, resources.view_query("entity-sources"), subject)
    page = build_page(iri, triples.triples, sources, str(request.url.path))
    return HTMLResponse(_template().render(page=page), headers=headers)


async def _answer(
    run: Callable[[QueryJob], Awaitable[tuple[Any, ...]]], sparql: str, subject: ox.NamedNode
) -> QueryAnswer:
    return raw_answer(await run(QueryJob(sparql=sparql, bindings={"entity": subject}, raw=True)))


def _sorted(triples: list[ox.Triple]) -> list[ox.Triple]:
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def build_page(iri: str, triples: list[ox.Triple], sources: QueryAnswer, path: str) -> EntityPage:
    """Arrange a description into what the page shows (labels preferred over IRIs)."""
    labels = _labels(triples)
    page = EntityPage(iri=iri, curie=_curie(iri), label=labels.get(iri, _curie(iri)))
    outgoing: dict[str, list[Any]] = defaultdict(list)
    incoming: list[tuple[str, str]] = []
    for t in _sorted(triples):
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == iri:
            outgoing[t.predicate.value].append(t.object)
        elif (
            isinstance(t.object, ox.NamedNode)
            and t.object.value == iri
            and isinstance(t.subject, ox.NamedNode)
        ):
            incoming.append((t.subject.value, t.predicate.value))
    for prop in DEFINITION_PROPERTIES:
        page.definitions += [o.value for o in outgoing.pop(prop, []) if isinstance(o, ox.Literal)]
    for predicate in sorted(outgoing, key=lambda p: labels.get(p, _curie(p)).lower()):
        values = [_value(o, labels) for o in outgoing[predicate]]
        if predicate in CROSS_LINK_PROPERTIES:
            page.cross_links.append(
                (
                    _value(ox.NamedNode(predicate), labels),
                    [_external(o) for o in outgoing[predicate]],
                )
            )
        else:
            page.facts.append((_value(ox.NamedNode(predicate), labels), values))
    page.referenced_by = [
        (_value(ox.NamedNode(s), labels), _value(ox.NamedNode(p), labels))
        for s, p in sorted(incoming)
    ]
    for row in sources.rows:
        source, label, sections = row[1], row[2], row[3]
        if isinstance(source, ox.NamedNode):
            text = label.value if isinstance(label, ox.Literal) else _curie(source.value)
            page.sources.append(
                (
                    _link(source.value, text),
                    sections.value if isinstance(sections, ox.Literal) else "",
                )
            )
    page.alternates = [(f"{path}?format={fmt}", media_type_of(fmt)) for fmt in GRAPH_FORMATS]
    return page


def _labels(triples: list[ox.Triple]) -> dict[str, str]:
    """A label per IRI, English first."""
    found: dict[str, tuple[int, str]] = {}
    for t in triples:
        if (
            t.predicate.value == RDFS.label
            and isinstance(t.object, ox.Literal)
            and isinstance(t.subject, ox.NamedNode)
        ):
            rank = 0 if t.object.language == "en" else 1 if not t.object.language else 2
            current = found.get(t.subject.value)
            if current is None or (rank, t.object.value) < current:
                found[t.subject.value] = (rank, t.object.value)
    return {iri: text for iri, (_, text) in found.items()}


def _curie(iri: str) -> str:
    try:
        return compress(iri) or iri
    except Exception:
        return iri


def _link(iri: str, text: str) -> Value:
    local = local_path(iri)
    return Value(text, local, False) if local else Value(text, iri, True)


def _value(term: Any, labels: dict[str, str]) -> Value:
    if isinstance(term, ox.NamedNode):
        return _link(term.value, labels.get(term.value, _curie(term.value)))
    if isinstance(term, ox.Literal):
        note = f"@{term.language}" if term.language else ""
        datatype = term.datatype.value
        if not note and not datatype.endswith(("#string", "#langString")):
            note = _curie(datatype)
        return Value(term.value, None, False, note)
    return Value(str(term))


def _external(term: Any) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(_curie(term.value), term.value, True)
    return Value(term.value if isinstance(term, ox.Literal) else str(term))


@cache
def _template() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("serkg", "templates"), autoescape=True
    )
    return environment.get_template("entity.html")
