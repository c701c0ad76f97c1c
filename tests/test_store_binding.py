"""Binding parameters: substitution on the embedded store, VALUES injection for endpoints."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from serkg.sparql_text import QuerySyntaxError, inject_values, query_form
from serkg.store import EmbeddedStore

EX = "http://example.org/"


@pytest.fixture
def store() -> EmbeddedStore:
    raw = ox.Store()
    graph = ox.NamedNode("https://w3id.org/serkg/graph/asserted")
    for name, n in (("a", 1), ("b", 5), ("c", 9)):
        raw.add(
            ox.Quad(
                ox.NamedNode(EX + name),
                ox.NamedNode(EX + "n"),
                ox.Literal(
                    str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                ),
                graph,
            )
        )
        raw.add(
            ox.Quad(
                ox.NamedNode(EX + name),
                ox.NamedNode(EX + "label"),
                ox.Literal(f"thing {name}"),
                graph,
            )
        )
    return EmbeddedStore(raw)


QUERY = f"""PREFIX ex: <{EX}>
# a comment with a brace {{
SELECT ?s ?min WHERE {{ ?s ex:n ?n ; ex:label ?label . FILTER(?n >= ?min) }} ORDER BY ?s"""


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_substitution_and_values_injection_give_the_same_rows(store: EmbeddedStore) -> None:
    bound = store.query(QUERY, {"min": _integer(5)})
    injected = store.query(inject_values(QUERY, {"min": _integer(5)}))
    assert [r[0].value for r in bound.rows] == [EX + "b", EX + "c"]  # type: ignore[union-attr]
    assert bound.rows == injected.rows


@pytest.mark.parametrize(
    "attack",
    ['thing a" } UNION { ?s ?p ?o } #', "x'\n} UNION {", '"""', "\\", "thing a> } #"],
)
def test_injected_text_stays_one_literal(store: EmbeddedStore, attack: str) -> None:
    query = f"PREFIX ex: <{EX}> SELECT ?s ?label WHERE {{ ?s ex:label ?label }} ORDER BY ?s"
    text = inject_values(query, {"label": ox.Literal(attack)})
    assert store.query(text).rows == []
    assert store.query(query, {"label": ox.Literal(attack)}).rows == []


def test_select_must_project_parameters(store: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError, match="project every parameter"):
        store.query(f"SELECT ?s WHERE {{ ?s <{EX}n> ?n }}", {"n": _integer(1)})


def test_construct_template_is_skipped() -> None:
    text = inject_values(
        f'CONSTRUCT {{ ?s <{EX}p> "}}" }} WHERE {{ ?s ?p ?o }}', {"s": ox.NamedNode(EX + "a")}
    )
    assert text.index("VALUES") > text.index("WHERE")


def test_query_form() -> None:
    assert query_form("PREFIX a: <http://x/select> ASK { ?s ?p ?o }") == "ask"
    assert query_form("# SELECT\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == "graph"
    with pytest.raises(QuerySyntaxError):
        query_form("PREFIX a: <http://x/>")
