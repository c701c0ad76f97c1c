"""The SPARQL 1.1 Protocol at /sparql, checked with real clients (SPARQLWrapper, rdflib, httpx)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from xml.etree import ElementTree

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.Wrapper import POSTDIRECTLY, URLENCODED

from .conftest import L_SERINE, SK, RunningServer, assert_compact_jsonld

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
GRAPH = "https://w3id.org/serkg/graph/"
COUNT = "SELECT (COUNT(*) AS ?n) {dataset} WHERE {{ {pattern} }}"


def graph_size(server: RunningServer, name: str) -> int:
    """Triples in one named graph of the served store, read with pyoxigraph directly."""
    store = ox.Store.read_only(str(server.store))
    return len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH + name))))


def count(
    server: RunningServer, dataset: str = "", pattern: str = "?s ?p ?o", **params: str
) -> int:
    """COUNT(*) of PATTERN over the endpoint, with a FROM clause and protocol parameters."""
    query = COUNT.format(dataset=dataset, pattern=pattern)
    items = [("query", query)] + [
        (key.replace("_", "-"), value)
        for key, values in params.items()
        for value in values.split(" ")
    ]
    response = httpx.get(server.sparql, params=items)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


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


def test_default_graph_is_asserted_plus_inferred_without_metadata(server: RunningServer) -> None:
    """Regression: the default graph held the 296 metadata triples (a union of every graph)."""
    asserted, inferred = graph_size(server, "asserted"), graph_size(server, "inferred")
    assert graph_size(server, "metadata") > 0
    assert count(server) == asserted + inferred
    response = httpx.get(server.url + "/api/queries/label-search", params={"text": "triples"})
    assert response.json()["results"]["bindings"] == []
    metadata = f"GRAPH <{GRAPH}metadata> {{ ?s ?p ?o }}"
    assert count(server, pattern=metadata) == graph_size(server, "metadata")


def test_from_selects_the_default_graph(server: RunningServer) -> None:
    """Regression: FROM was ignored (the endpoint forced the union default graph)."""
    assert count(server, f"FROM <{GRAPH}inferred>") == graph_size(server, "inferred")
    both = f"FROM <{GRAPH}inferred> FROM <{GRAPH}metadata>"
    assert count(server, both) == graph_size(server, "inferred") + graph_size(server, "metadata")
    # FROM alone leaves no named graphs (SPARQL 1.1 Query 13.2)
    assert count(server, f"FROM <{GRAPH}inferred>", "GRAPH ?g { ?s ?p ?o }") == 0


def test_from_named_alone_leaves_an_empty_default_graph(server: RunningServer) -> None:
    dataset = f"FROM NAMED <{GRAPH}asserted>"
    assert count(server, dataset) == 0
    assert count(server, dataset, "GRAPH ?g { ?s ?p ?o }") == graph_size(server, "asserted")


def test_protocol_dataset_parameters(server: RunningServer) -> None:
    """default-graph-uri / named-graph-uri replace the query's dataset (Protocol 2.1.4)."""
    asserted, inferred = graph_size(server, "asserted"), graph_size(server, "inferred")
    for name, size in (("asserted", asserted), ("inferred", inferred)):
        assert count(server, default_graph_uri=GRAPH + name) == size
    both = f"{GRAPH}asserted {GRAPH}inferred"
    assert count(server, default_graph_uri=both) == asserted + inferred
    # the parameter wins over the query's FROM
    assert count(server, f"FROM <{GRAPH}inferred>", default_graph_uri=GRAPH + "asserted") == (
        asserted
    )
    # named-graph-uri without default-graph-uri: an empty default graph, as FROM NAMED alone
    assert count(server, named_graph_uri=GRAPH + "inferred") == 0
    in_graphs = "GRAPH ?g { ?s ?p ?o }"
    assert count(server, pattern=in_graphs, named_graph_uri=GRAPH + "inferred") == inferred
    # default-graph-uri without named-graph-uri: no named graphs
    assert count(server, pattern=in_graphs, default_graph_uri=GRAPH + "asserted") == 0
    bad = httpx.get(
        server.sparql, params={"query": COUNT.format(dataset="", pattern="?s ?p ?o"),
                               "default-graph-uri": "not an iri"}
    )  # fmt: skip
    assert bad.status_code == 400
    assert "default-graph-uri" in bad.text


def test_relative_iris_resolve_against_the_endpoint(server: RunningServer) -> None:
    """Regression: a query with relative IRIs got 400 (no base IRI was set)."""
    response = httpx.post(
        server.sparql,
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert response.status_code == 200, response.text
    triples = {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)}
    base = server.sparql.rsplit("/", 1)[0] + "/"
    one = ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert triples == {ox.Triple(ox.NamedNode(base + "s"), ox.NamedNode(base + "p"), one)}
    own_base = httpx.get(
        server.sparql,
        params={
            "query": "BASE <http://example.org/a/> SELECT ?s WHERE { BIND(<s> AS ?s) }",
            "format": "csv",
        },
    )
    assert own_base.text.splitlines() == ["s", "http://example.org/a/s"]


def test_text_wildcard_picks_csv_for_select(server: RunningServer) -> None:
    """Regression: Accept: text/* on a SELECT answered XML (text/xml was matched)."""
    response = httpx.get(server.sparql, params={"query": CAS_QUERY}, headers={"Accept": "text/*"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["compound", "cas"],
        [L_SERINE, "56-45-1"],
    ]
    turtle = httpx.get(
        server.sparql, params={"query": CONSTRUCT_QUERY}, headers={"Accept": "text/*;q=0.9"}
    )
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"


def test_format_parameter_wins_over_accept(server: RunningServer) -> None:
    response = httpx.get(
        server.sparql,
        params={"query": CAS_QUERY, "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert response.text.splitlines() == ["?compound\t?cas", f'<{L_SERINE}>\t"56-45-1"']
    unknown = httpx.get(server.sparql, params={"query": CAS_QUERY, "format": "yaml"})
    assert unknown.status_code == 400
    assert "unknown format 'yaml'" in unknown.text


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
    assert names == {GRAPH + g for g in ("asserted", "inferred", "imports", "metadata")}
    features = set(graph.objects(services[0], URIRef(sd + "feature")))
    assert URIRef(sd + "UnionDefaultGraph") not in features  # metadata is not in the default


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
    expected = graph_size(server, "asserted") + graph_size(server, "inferred")
    assert len(list(csv.reader(io.StringIO(response.text)))) == expected + 1


# ---- SPARQLWrapper with its defaults, every return format it offers, every query form
CAS_TRIPLE = (URIRef(L_SERINE), URIRef(SK + "casNumber"), Literal("56-45-1"))
DESCRIBE_QUERY = f"DESCRIBE <{L_SERINE}>"
RESULT_FORMATS = [
    (JSON, "application/sparql-results+json"),
    (XML, "application/sparql-results+xml"),
    (CSV, "text/csv; charset=utf-8"),
    (TSV, "text/tab-separated-values; charset=utf-8"),
]
GRAPH_FORMATS = [
    (XML, "application/rdf+xml"),  # SPARQLWrapper's default return format
    (RDFXML, "application/rdf+xml"),
    (RDF, "application/rdf+xml"),
    (TURTLE, "text/turtle; charset=utf-8"),
    (N3, "text/n3; charset=utf-8"),
    (JSONLD, "application/ld+json"),
    (JSON, "application/ld+json"),
]


def sparqlwrapper_answer(
    server: RunningServer, query: str, fmt: str, method: str, accept: str | None = None
) -> tuple[str, object]:
    """(Content-Type, converted answer) of one SPARQLWrapper request; a format mismatch warns."""
    client = wrapper(server, query, fmt, method)
    if accept is not None:
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SPARQLWrapper warns about its own */* for RDF and JSON
        result = client.query()
    with warnings.catch_warnings():
        # convert() warns (RuntimeWarning) when the answer is not in the format asked for
        warnings.simplefilter("error", RuntimeWarning)
        return result.info()["content-type"], result.convert()


def rows_of(fmt: str, converted: object) -> list[list[str]]:
    """The rows of a converted SELECT answer, as text."""
    if fmt == JSON:
        document = converted  # type: ignore[assignment]
        names = document["head"]["vars"]  # type: ignore[index]
        return [
            [b[n]["value"] for n in names]
            for b in document["results"]["bindings"]  # type: ignore[index]
        ]
    if fmt == XML:
        return [
            [node.firstChild.firstChild.data for node in result.getElementsByTagName("binding")]
            for result in converted.getElementsByTagName("result")  # type: ignore[attr-defined]
        ]
    text = converted.decode()  # type: ignore[attr-defined]
    if fmt == CSV:
        return list(csv.reader(io.StringIO(text)))[1:]
    return [[v.strip('<>"') for v in line.split("\t")] for line in text.splitlines()[1:]]


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize(("fmt", "content_type"), RESULT_FORMATS)
def test_sparqlwrapper_select_and_ask(
    server: RunningServer, fmt: str, content_type: str, method: str
) -> None:
    answered, converted = sparqlwrapper_answer(server, CAS_QUERY, fmt, method)
    assert answered == content_type
    assert rows_of(fmt, converted) == [[L_SERINE, "56-45-1"]]
    answered, converted = sparqlwrapper_answer(server, ASK_QUERY, fmt, method)
    assert answered == content_type
    if fmt == JSON:
        assert converted == {"head": {}, "boolean": True}
    elif fmt == XML:
        booleans = converted.getElementsByTagName("boolean")  # type: ignore[attr-defined]
        assert [b.firstChild.data for b in booleans] == ["true"]
    elif fmt == CSV:
        assert converted == b"true\n"
    else:
        assert converted == b"?answer\ntrue\n"


def graph_of(converted: object, content_type: str) -> Graph:
    if isinstance(converted, Graph):
        return converted
    syntax = {"text/turtle": "turtle", "text/n3": "n3", "application/n-triples": "nt"}
    graph = Graph()
    graph.parse(data=converted, format=syntax[content_type.split(";")[0]])  # type: ignore[arg-type]
    return graph


def described(server: RunningServer) -> set[tuple[object, object, object]]:
    store = ox.Store.read_only(str(server.store))
    triples = store.query(DESCRIBE_QUERY, default_graph=[ox.NamedNode(GRAPH + "asserted"),
                                                       ox.NamedNode(GRAPH + "inferred")])  # fmt: skip
    graph = Graph()
    graph.parse(data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES), format="nt")  # type: ignore[arg-type]
    return set(graph)


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize(("fmt", "content_type"), GRAPH_FORMATS)
def test_sparqlwrapper_construct_and_describe(
    server: RunningServer, fmt: str, content_type: str, method: str
) -> None:
    """Regression: format=xml (the default) and format=n3 beside a fitting Accept got 406/400."""
    answered, converted = sparqlwrapper_answer(server, CONSTRUCT_QUERY, fmt, method)
    assert answered == content_type
    assert set(graph_of(converted, answered)) == {CAS_TRIPLE}
    answered, converted = sparqlwrapper_answer(server, DESCRIBE_QUERY, fmt, method)
    assert answered == content_type
    assert set(graph_of(converted, answered)) == described(server)


def test_sparqlwrapper_n_triples_by_accept(server: RunningServer) -> None:
    """N-Triples has no SPARQLWrapper constant: ask by Accept alone (setOnlyConneg)."""
    answered, converted = sparqlwrapper_answer(
        server, CONSTRUCT_QUERY, N3, "GET", accept="application/n-triples"
    )
    assert answered == "application/n-triples"
    assert set(graph_of(converted, answered)) == {CAS_TRIPLE}


@pytest.mark.parametrize("query", [CONSTRUCT_QUERY, DESCRIBE_QUERY])
def test_graph_answers_are_compact_jsonld(server: RunningServer, query: str) -> None:
    """Regression: CONSTRUCT answers came as expanded JSON-LD without a context."""
    answers = {
        accept: httpx.post(
            server.sparql,
            content=query,
            headers={"Accept": accept, "Content-Type": "application/sparql-query"},
        ).content
        for accept in ("application/ld+json", "text/turtle")
    }
    assert_compact_jsonld(answers["application/ld+json"], answers["text/turtle"])
