"""Linked data: /id/{local} and /vocab/{term} dereference to HTML for browsers and RDF otherwise."""

from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest

from serkg.prefixes import DEFAULT_GRAPH_PARTS

from .conftest import L_SERINE, SK, RunningServer, assert_compact_jsonld

pytestmark = pytest.mark.server

CAS = ox.Triple(ox.NamedNode(L_SERINE), ox.NamedNode(SK + "casNumber"), ox.Literal("56-45-1"))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.title = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]
        self._in_h1 = tag == "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = False


def store_label(server: RunningServer, iri: str) -> str:
    store = ox.Store.read_only(str(server.store))
    labels = [
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None
        )
    ]
    assert labels, f"{iri} has no rdfs:label in the store"
    return sorted(labels)[0]


def test_html_page(server: RunningServer) -> None:
    response = httpx.get(
        server.url + "/id/l-serine", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = Links()
    page.feed(response.text)
    assert page.title == store_label(server, L_SERINE)
    assert "56-45-1" in response.text
    local = [h for h in page.hrefs if h.startswith("/id/") and "?" not in h]
    assert local, "related entities link to local /id/ pages"
    for href in local[:5]:
        assert httpx.get(server.url + href, headers={"Accept": "text/html"}).status_code == 200, (
            href
        )
    external = [
        h
        for h in page.hrefs
        if h.startswith(
            ("http://purl.obolibrary.org/", "http://identifiers.org/", "http://purl.uniprot.org/")
        )
    ]
    assert external, "cross-links are external links"


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ],
)
def test_rdf_description(
    server: RunningServer, accept: str, content_type: str, fmt: ox.RdfFormat
) -> None:
    response = httpx.get(server.url + "/id/l-serine", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    triples = {q.triple for q in ox.parse(response.content, format=fmt)}
    store = ox.Store.read_only(str(server.store))
    own = {q.triple for q in store.quads_for_pattern(ox.NamedNode(L_SERINE), None, None)}
    assert own <= triples  # every statement about the entity (asserted and inferred)
    assert CAS in triples
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)}
    labelled = {
        t.subject
        for t in triples
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    has_label = {
        q.subject
        for o in linked
        for graph in DEFAULT_GRAPH_PARTS  # our labels: the import modules' stay in their graph
        for q in store.quads_for_pattern(
            o, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, ox.NamedNode(graph)
        )
    }
    assert has_label <= labelled  # labels of the linked entities travel along


def test_format_parameter_and_vocab(server: RunningServer) -> None:
    turtle = httpx.get(
        server.url + "/id/l-serine", params={"format": "ttl"}, headers={"Accept": "text/html"}
    )
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    term = httpx.get(
        server.url + "/vocab/ChemicalCompound", headers={"Accept": "application/n-triples"}
    )
    assert term.status_code == 200
    triples = {q.triple for q in ox.parse(term.content, format=ox.RdfFormat.N_TRIPLES)}
    store = ox.Store.read_only(str(server.store))
    declared = {
        q.triple for q in store.quads_for_pattern(ox.NamedNode(SK + "ChemicalCompound"), None, None)
    }
    owl_class = ox.Triple(
        ox.NamedNode(SK + "ChemicalCompound"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
    )
    assert owl_class in declared
    assert declared <= triples


def test_unknown_entity_is_404(server: RunningServer) -> None:
    for path in ("/id/no-such-entity", "/vocab/NoSuchTerm"):
        response = httpx.get(server.url + path, headers={"Accept": "text/html"})
        assert response.status_code == 404
        assert "nothing is known" in response.text
    assert httpx.get(server.url + "/id/l-serine", params={"format": "pdf"}).status_code == 400


@pytest.mark.parametrize("path", ["/id/l-serine", "/vocab/ChemicalCompound", "/vocab"])
def test_jsonld_is_compact_with_the_curated_context(server: RunningServer, path: str) -> None:
    """Regression: /id/ pages came as expanded JSON-LD without a context."""
    jsonld = httpx.get(server.url + path, headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    turtle = httpx.get(server.url + path, headers={"Accept": "text/turtle"})
    assert_compact_jsonld(jsonld.content, turtle.content)
