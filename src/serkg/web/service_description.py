"""What ``GET /sparql`` without a query answers: the SPARQL 1.1 Service Description."""

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response

from serkg.formats import media_type_of
from serkg.prefixes import (
    ASSERTED_GRAPH,
    IMPORTS_GRAPH,
    INFERRED_GRAPH,
    METADATA_GRAPH,
    PREFIX_MAP,
)
from serkg.vocab import RDF
from serkg.web.config import ServerConfig
from serkg.web.jobs import serialize_answer
from serkg.web.negotiation import GRAPH_NEGOTIATION, content_type, negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
DCTERMS = PREFIX_MAP["dcterms"]
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N3",
)


def service_description(request: Request, config: ServerConfig) -> Response:
    """The description in the negotiated RDF syntax (Turtle for browsers and by default)."""
    triples = description_triples(str(request.url_for("sparql_get")), config)
    return rdf_response(request, triples, {"sd": SD, "formats": FORMATS, "dcterms": DCTERMS})


def rdf_response(request: Request, triples: list[ox.Triple], prefixes: dict[str, str]) -> Response:
    """TRIPLES in the RDF syntax the request's Accept header asks for (Turtle with PREFIXES for
    browsers and by default), for the documents the server describes itself with."""
    from serkg.results import QueryAnswer

    chosen = negotiate(_accept(request), GRAPH_NEGOTIATION) or ("ttl", "text/turtle")
    body: bytes
    if chosen[0] in {"ttl", "n3"}:
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    else:
        body = serialize_answer(QueryAnswer("graph", triples=triples), chosen[0])
    return Response(
        body, media_type=content_type(media_type_of(chosen[0])), headers={"Vary": "Accept"}
    )


def description_triples(endpoint_url: str, config: ServerConfig) -> list[ox.Triple]:
    """The service, its default dataset and graphs, its features, limits and result formats."""

    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")
    endpoint = ox.NamedNode(endpoint_url)

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(service, RDF.type.node, n(SD + "Service")),
        ox.Triple(service, n(SD + "endpoint"), endpoint),
        ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(service, n(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, RDF.type.node, n(SD + "Dataset")),
        ox.Triple(dataset, n(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF.type.node, n(SD + "Graph")),
        ox.Triple(default_graph, n(DCTERMS + "description"), ox.Literal(
            f"the union of <{ASSERTED_GRAPH}> and <{INFERRED_GRAPH}>; <{IMPORTS_GRAPH}> (the "
            f"external ontologies' import modules) and <{METADATA_GRAPH}> are named graphs "
            "only")),
        ox.Triple(service, n(DCTERMS + "description"), ox.Literal(
            f"serkg: read-only={not config.allow_update}, SERVICE allowed={config.allow_service}, "
            f"time limit {config.timeout_s:g} s per query, at most {config.max_rows} result rows, "
            f"queries up to {config.max_query_bytes} bytes; the default graph is the union of "
            "the asserted and inferred graphs; relative IRIs resolve against this endpoint's URL")),
    ]  # fmt: skip
    if config.allow_service:
        triples.append(ox.Triple(service, n(SD + "feature"), n(SD + "BasicFederatedQuery")))
    if config.allow_update:
        triples.append(ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Update")))
    for name in RESULT_FORMATS:
        triples.append(ox.Triple(service, n(SD + "resultFormat"), n(FORMATS + name)))
    for index, graph in enumerate((ASSERTED_GRAPH, INFERRED_GRAPH, IMPORTS_GRAPH, METADATA_GRAPH)):
        named = ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, n(SD + "namedGraph"), named),
            ox.Triple(named, RDF.type.node, n(SD + "NamedGraph")),
            ox.Triple(named, n(SD + "name"), n(graph)),
        ]
    return triples


def _accept(request: Request) -> str:
    accept = request.headers.get("accept") or "*/*"
    return "text/turtle" if "text/html" in accept else accept
