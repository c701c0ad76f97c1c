"""Checks made before a query runs: the SERVICE/LOAD keyword scan and Accept negotiation."""

from __future__ import annotations

import pytest

from serkg.server import (
    GRAPH_NEGOTIATION,
    SELECT_NEGOTIATION,
    QueryRefused,
    negotiate,
    refusals,
    sparql_keywords,
)


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?service WHERE { ?s ex:service ?o }", ["SELECT", "WHERE"]),
        ('SELECT * WHERE { ?s ?p "SERVICE" } # SERVICE', ["SELECT", "WHERE"]),
        ("SELECT * WHERE { ?s service:x <http://e/SERVICE> }", ["SELECT", "WHERE"]),
        ("SELECT * WHERE { ?a ?b ?c .SERVICE <http://x> { } }", ["SELECT", "WHERE", "SERVICE"]),
        ("select * { service silent <http://x> {} }", ["SELECT", "SERVICE", "SILENT"]),
        ("SELECT * WHERE { \\u0053ERVICE <http://x> { } }", ["SELECT", "WHERE", "SERVICE"]),
        ('SELECT * { ?s ?p "x"@service }', ["SELECT"]),
    ],
)
def test_keywords_skip_variables_names_strings_and_decode_escapes(
    sparql: str, expected: list[str]
) -> None:
    assert sparql_keywords(sparql) == expected


def test_service_refused_unless_allowed() -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused) as refused:
        refusals(query, update=False, allow_update=False, allow_service=False)
    assert refused.value.status == 403
    assert "--allow-service" in refused.value.message
    refusals(query, update=False, allow_update=False, allow_service=True)


def test_load_needs_update_and_service() -> None:
    with pytest.raises(QueryRefused, match="--allow-update"):
        refusals(
            "LOAD <http://example.org/x.ttl>", update=True, allow_update=False, allow_service=False
        )
    with pytest.raises(QueryRefused, match="LOAD is refused"):
        refusals(
            "LOAD <http://example.org/x.ttl>", update=True, allow_update=True, allow_service=False
        )
    refusals("LOAD <http://example.org/x.ttl>", update=True, allow_update=True, allow_service=True)


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
