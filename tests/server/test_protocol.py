"""The SPARQL 1.1 Protocol at /sparql, checked with real clients (SPARQLWrapper, rdflib, httpx)."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.Wrapper import POSTDIRECTLY, URLENCODED

from .conftest import L_SERINE, SK, RunningServer

pytestmark = pytest.mark.server

CAS_QUERY = (
    f"SELECT ?compound ?cas WHERE {{ BIND(<{L_SERINE}> AS ?compound) "
    f"?compound <{SK}casNumber> ?cas }}"
)
ASK_QUERY = f'ASK {{ <{L_SERINE}> <{SK}casNumber> "56-45-1" }}'
CONSTRUCT_QUERY = (
    f"CONSTRUCT {{ <{L_SERINE}> <{SK}casNumber> ?cas }} "
    f"WHERE {{ <{L_SERINE}> <{SK}casNumber> ?cas }}"
)
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def wrapper(
    server: RunningServer,
    query: str,
    fmt: str,
    method: str = "GET",
    request_method: str = URLENCODED,
) -> SPARQLWrapper:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


def test_select_json_get(server: RunningServer) -> None:
    result = wrapper(server, CAS_QUERY, JSON).queryAndConvert()
    assert result["head"]["vars"] == ["compound", "cas"]
    assert result["results"]["bindings"] == [
        {
            "compound": {"type": "uri", "value": L_SERINE},
            "cas": {"type": "literal", "value": "56-45-1"},
        }
    ]


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_select_json_post_form_and_direct(server: RunningServer, request_method: str) -> None:
    result = wrapper(server, CAS_QUERY, JSON, POST, request_method).queryAndConvert()
    assert [b["cas"]["value"] for b in result["results"]["bindings"]] == ["56-45-1"]


def test_select_xml(server: RunningServer) -> None:
    document = wrapper(server, CAS_QUERY, XML).queryAndConvert()
    values = [node.firstChild.data for node in document.getElementsByTagName("literal")]
    assert values == ["56-45-1"]


def test_select_csv_and_tsv(server: RunningServer) -> None:
    table = wrapper(server, CAS_QUERY, CSV).queryAndConvert().decode()
    assert list(csv.reader(io.StringIO(table))) == [["compound", "cas"], [L_SERINE, "56-45-1"]]
    tsv = wrapper(server, CAS_QUERY, TSV).queryAndConvert().decode()
    assert tsv.splitlines() == ["?compound\t?cas", f'<{L_SERINE}>\t"56-45-1"']


def test_ask(server: RunningServer) -> None:
    assert wrapper(server, ASK_QUERY, JSON).queryAndConvert() == {"head": {}, "boolean": True}
    assert (
        wrapper(server, ASK_QUERY.replace("56-45-1", "00-00-0"), JSON).queryAndConvert()["boolean"]
        is False
    )


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_construct(server: RunningServer, fmt: str) -> None:
    converted = wrapper(server, CONSTRUCT_QUERY, fmt).queryAndConvert()
    graph = (
        converted
        if isinstance(converted, Graph)
        else Graph().parse(data=converted, format="turtle" if fmt == TURTLE else "json-ld")
    )
    assert set(graph) == {(URIRef(L_SERINE), URIRef(SK + "casNumber"), Literal("56-45-1"))}


def test_rdflib_sparqlstore(server: RunningServer) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(server.sparql, returnFormat="json")
    rows = [(str(r[0]), str(r[1])) for r in Graph(store=store).query(CAS_QUERY)]
    assert rows == [(L_SERINE, "56-45-1")]


def test_default_graph_is_union_and_default_graph_uri_selects(server: RunningServer) -> None:
    """Protocol dataset parameters narrow the default graph (EndpointStore sends both graphs)."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = {}
    store = ox.Store.read_only(str(server.store))
    for graph in ("asserted", "inferred"):
        expected[graph] = len(
            list(
                store.quads_for_pattern(
                    None, None, None, ox.NamedNode(f"https://w3id.org/serkg/graph/{graph}")
                )
            )
        )
    answered = {}
    for graph in ("asserted", "inferred"):
        response = httpx.get(
            server.sparql,
            params={"query": count, "default-graph-uri": f"https://w3id.org/serkg/graph/{graph}"},
        )
        answered[graph] = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert answered == expected
    bad = httpx.get(server.sparql, params={"query": count, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400
    assert "default-graph-uri" in bad.text


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_select_content_types(server: RunningServer, accept: str, content_type: str) -> None:
    response = httpx.get(server.sparql, params={"query": CAS_QUERY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


@pytest.mark.parametrize(
    ("accept", "content_type", "fmt"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graph_content_types_parse(
    server: RunningServer, accept: str, content_type: str, fmt: ox.RdfFormat
) -> None:
    for query in (CONSTRUCT_QUERY, f"DESCRIBE <{L_SERINE}>"):
        response = httpx.post(
            server.sparql,
            content=query,
            headers={"Accept": accept, "Content-Type": "application/sparql-query"},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == content_type
        triples = {q.triple for q in ox.parse(response.content, format=fmt)}
        assert (
            ox.Triple(ox.NamedNode(L_SERINE), ox.NamedNode(SK + "casNumber"), ox.Literal("56-45-1"))
            in triples
        )


def test_describe_matches_the_store(server: RunningServer) -> None:
    """DESCRIBE is labelled as a graph (not as SELECT results) and says what pyoxigraph says."""
    query = f"DESCRIBE <{L_SERINE}>"
    response = httpx.get(
        server.sparql, params={"query": query}, headers={"Accept": "application/n-triples"}
    )
    store = ox.Store.read_only(str(server.store))
    expected = set(store.query(query, use_default_graph_as_union=True))
    assert {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)} == expected


def test_ask_formats(server: RunningServer) -> None:
    xml = httpx.get(
        server.sparql,
        params={"query": ASK_QUERY},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert ElementTree.fromstring(xml.content).find(f"{RESULTS_NS}boolean").text == "true"  # type: ignore[union-attr]
    assert httpx.get(server.sparql, params={"query": ASK_QUERY, "format": "csv"}).text == "true\n"


def test_not_acceptable(server: RunningServer) -> None:
    response = httpx.get(
        server.sparql, params={"query": CAS_QUERY}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_service_description(server: RunningServer) -> None:
    response = httpx.get(server.sparql)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = list(
        graph.subjects(
            URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(sd + "Service")
        )
    )
    assert len(services) == 1
    assert set(graph.objects(services[0], URIRef(sd + "endpoint"))) == {URIRef(server.sparql)}
    assert set(graph.objects(services[0], URIRef(sd + "supportedLanguage"))) == {
        URIRef(sd + "SPARQL11Query")
    }
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert names == {
        "https://w3id.org/serkg/graph/asserted",
        "https://w3id.org/serkg/graph/inferred",
    }


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "content": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"data": {"update": "LOAD <http://example.org/data.ttl>"}},
    ],
    ids=["form-update", "direct-update", "load"],
)
def test_updates_refused(server: RunningServer, request_kwargs: dict[str, object]) -> None:
    response = httpx.post(server.sparql, **request_kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert "read-only" in response.text and "--allow-update" in response.text
    assert (
        httpx.get(server.sparql, params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()[
            "boolean"
        ]
        is False
    )


def test_update_in_get_refused(server: RunningServer) -> None:
    response = httpx.get(server.sparql, params={"update": "CLEAR ALL"})
    assert response.status_code == 403


def test_load_as_query_is_a_syntax_error(server: RunningServer) -> None:
    response = httpx.get(server.sparql, params={"query": "LOAD <http://example.org/data.ttl>"})
    assert response.status_code == 400
    assert response.text.startswith("SPARQL syntax error")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?a ?b ?c .SERVICE SILENT <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    ],
)
def test_service_refused(server: RunningServer, query: str) -> None:
    response = httpx.post(server.sparql, data={"query": query})
    assert response.status_code == 403
    assert "SERVICE clauses are refused" in response.text


def test_bad_syntax_gives_the_parser_message(server: RunningServer) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("SPARQL syntax error: error at 1:")


def test_bad_requests(server: RunningServer) -> None:
    assert httpx.get(server.sparql, params={"query": ""}).status_code == 400
    wrong_type = httpx.post(
        server.sparql, content=CAS_QUERY, headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    assert "application/sparql-query" in wrong_type.text
    twice = httpx.get(server.sparql, params=[("query", CAS_QUERY), ("query", ASK_QUERY)])
    assert twice.status_code == 400


def test_listens_on_loopback_only(server: RunningServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    log = server.log.read_text()
    assert "http://127.0.0.1:" in log and "0.0.0.0" not in log


def test_json_body_is_valid_sparql_json(server: RunningServer) -> None:
    body = httpx.get(server.sparql, params={"query": CAS_QUERY}).text
    assert json.loads(body)["results"]["bindings"][0]["cas"]["value"] == "56-45-1"


def test_large_answer_arrives_whole(server: RunningServer) -> None:
    """Regression: answers larger than a pipe buffer broke under uvloop (non-blocking pipe)."""
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert len(response.content) > 256 * 1024
    store = ox.Store.read_only(str(server.store))
    expected = len(list(store.query(query, use_default_graph_as_union=True)))
    assert len(list(csv.reader(io.StringIO(response.text)))) == expected + 1
