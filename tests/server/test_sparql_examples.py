"""The named queries as SPARQL examples on a running server: ``/.well-known/sparql-examples``
(read by rdflib in two syntaxes), the metadata graph through the SPARQL protocol (asked with
SPARQLWrapper), and the YASGUI examples, which are read from the same RDF."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from serkg import querylib
from serkg.prefixes import METADATA_GRAPH
from serkg.query_examples import example_triples, query_iri, runnable_text
from serkg.terms import triples_to_rdflib_graph

from .conftest import RunningServer

pytestmark = pytest.mark.server


@pytest.mark.parametrize(
    ("accept", "syntax"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_well_known_sparql_examples_target_this_endpoint(
    server: RunningServer, accept: str, syntax: str
) -> None:
    response = httpx.get(server.url + "/.well-known/sparql-examples", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    served = Graph().parse(data=response.content, format=syntax)
    expected = triples_to_rdflib_graph(
        example_triples(querylib.list_queries(), target=server.sparql)
    )
    assert isomorphic(served, expected)


def test_a_sparql_query_lists_every_named_query(server: RunningServer) -> None:
    """The acceptance query of issue 19, on the metadata graph (the default graph holds facts)."""
    client = SPARQLWrapper(server.sparql)
    client.setQuery(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"SELECT ?q ?comment FROM <{METADATA_GRAPH}> "
        "WHERE { ?q a sh:SPARQLExecutable ; rdfs:comment ?comment }"
    )
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    found = {b["q"]["value"]: b["comment"]["value"] for b in bindings}
    assert found == {query_iri(q.name): q.summary for q in querylib.list_queries()}


def test_yasgui_examples_are_the_published_examples(server: RunningServer) -> None:
    listed = httpx.get(server.url + "/ui/examples.json").json()
    assert listed == [
        {"name": q.name, "summary": q.summary, "query": runnable_text(q)}
        for q in sorted(querylib.list_queries(), key=lambda q: q.name)
    ]
