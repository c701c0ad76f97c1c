"""Checks made before a query runs: SERVICE/LOAD from the parse tree, nesting, negotiation."""

from __future__ import annotations

import pytest

from serkg.sparql_guard import MAX_NESTING, nesting_depth, network_operations
from serkg.web.negotiation import GRAPH_NEGOTIATION, SELECT_NEGOTIATION, negotiate
from serkg.web.refusals import (
    LOAD_REFUSED,
    SERVICE_REFUSED,
    QueryRefused,
    operation_refusal,
    refusals,
)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?service WHERE { ?s <http://e/service> ?o }", set()),
        ('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE', set()),
        ("PREFIX service: <http://e/> SELECT * WHERE { ?s service:x <http://e/SERVICE> }", set()),
        ("SELECT * WHERE { ?a ?b ?c .SERVICE <http://x> { } }", {"SERVICE"}),
        ("select * { service silent <http://x> {} }", {"SERVICE"}),
        ("SELECT * WHERE { \\u0053ERVICE <http://x> { } }", {"SERVICE"}),
        ('SELECT * { ?s ?p "x"@service }', set()),
        # issue 21: the text scanner read `<2)SERVICE<http://x>` as one IRI
        ("SELECT * WHERE { FILTER(1<2)SERVICE<http://x>{ ?s ?p ?o } }", {"SERVICE"}),
        ("ASK { FILTER NOT EXISTS { { SELECT * { SERVICE ?endpoint { } } } } }", {"SERVICE"}),
    ],
)
def test_network_operations_come_from_the_parse_tree(sparql: str, expected: set[str]) -> None:
    assert network_operations(sparql, update=False) == expected


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("LOAD <http://example.org/x.ttl>", {"LOAD"}),
        ("load silent <http://example.org/x.ttl> into graph <http://g>", {"LOAD"}),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x> { ?s ?p ?o } }", {"SERVICE"}),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; CLEAR DEFAULT", set()),
    ],
)
def test_network_operations_of_updates(sparql: str, expected: set[str]) -> None:
    assert network_operations(sparql, update=True) == expected


def test_service_refused_unless_allowed() -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert operation_refusal(query, update=False, allow_service=False) == (403, SERVICE_REFUSED)
    assert "--allow-service" in SERVICE_REFUSED
    assert operation_refusal(query, update=False, allow_service=True) is None


def test_load_needs_update_and_service() -> None:
    load = "LOAD <http://example.org/x.ttl>"
    with pytest.raises(QueryRefused, match="--allow-update"):
        refusals(load, update=True, allow_update=False, allow_service=False)
    refusals(load, update=True, allow_update=True, allow_service=False)  # the worker decides
    assert operation_refusal(load, update=True, allow_service=False) == (403, LOAD_REFUSED)
    assert LOAD_REFUSED.startswith("LOAD is refused")
    assert operation_refusal(load, update=True, allow_service=True) is None


def test_text_rdflib_cannot_read_is_refused() -> None:
    # issue 21: Oxigraph runs this (a `\\#` escape in a prefixed name); rdflib cannot parse it
    query = "PREFIX ex: <http://e/> SELECT * { ?s ex:a\\#b ?o . SERVICE <http://x/> { } }"
    status, message = operation_refusal(query, update=False, allow_service=False) or (0, "")
    assert status == 400
    assert message.startswith("the query is refused because the server cannot check it")
    assert "found 'SERVICE'" in message


@pytest.mark.parametrize(
    ("sparql", "depth"),
    [
        ("ASK {}", 1),
        ('SELECT * { ?s ?p "((((" } # ((((', 1),
        ("SELECT * { FILTER(1<2) FILTER(((3)) > 2) }", 4),
        ("SELECT * { ?s <http://e/a(((b> ?o }", 1),
        ('SELECT * { ?s ?p """{{{""" }', 1),
        ("PREFIX ex: <http://e/> SELECT * { ?s ex:a\\#( ?o }", 2),  # `\\#` starts no comment
        ("ASK { \\u007B\\u007B }", 3),  # escapes count as rdflib decodes them
    ],
)
def test_nesting_depth(sparql: str, depth: int) -> None:
    assert nesting_depth(sparql) == depth


def test_deep_nesting_refused_before_dispatch() -> None:
    deep = "ASK " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1)
    with pytest.raises(QueryRefused) as refused:
        refusals(deep, update=False, allow_update=False, allow_service=False)
    assert refused.value.status == 400
    assert f"{MAX_NESTING + 1} deep; at most {MAX_NESTING} levels" in refused.value.message
    at_limit = "ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING
    refusals(at_limit, update=False, allow_update=False, allow_service=False)
    assert network_operations(at_limit, update=False) == set()  # rdflib parses it: room enough


@pytest.mark.parametrize(
    ("accept", "select", "graph"),
    [
        (None, ("json", "application/sparql-results+json"), ("ttl", "text/turtle")),
        ("text/csv", ("csv", "text/csv"), None),
        ("application/json", ("json", "application/json"), ("jsonld", "application/json")),
        ("text/turtle;q=0.5, application/ld+json", None, ("jsonld", "application/ld+json")),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            ("xml", "application/xml"),
            ("rdfxml", "application/xml"),
        ),
        ("text/*", ("csv", "text/csv"), ("ttl", "text/turtle")),
        ("image/png", None, None),
    ],
)
def test_negotiation(
    accept: str | None, select: tuple[str, str] | None, graph: tuple[str, str] | None
) -> None:
    assert negotiate(accept, SELECT_NEGOTIATION) == select
    assert negotiate(accept, GRAPH_NEGOTIATION) == graph
