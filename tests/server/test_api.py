"""Named queries over HTTP (/api/queries) and their OpenAPI description."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import RunningServer

pytestmark = pytest.mark.server


def library_json(name: str, params: dict[str, str], store: Path) -> Any:
    """The same named query run by the library the CLI uses, as SPARQL JSON."""
    from serkg import querylib

    return json.loads(querylib.run_named_query(name, params, store_path=store).serialize("json"))


def compound_query(server: RunningServer) -> dict[str, Any]:
    """compound-identifiers: a SELECT with an IRI parameter `compound`."""
    listed = {q["name"]: q for q in httpx.get(server.url + "/api/queries").json()}
    query = listed["compound-identifiers"]
    assert query["form"] == "select"
    assert [p["name"] for p in query["parameters"]] == ["compound"]
    return query  # type: ignore[no-any-return]


def test_list_matches_the_library(server: RunningServer) -> None:
    from serkg import querylib

    response = httpx.get(server.url + "/api/queries")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    listed = response.json()
    names = sorted(q if isinstance(q, str) else q.name for q in querylib.list_queries())
    assert [q["name"] for q in listed] == names
    for query in listed:
        assert query["parameters"] == querylib.load_query(query["name"]).to_openapi_parameters()
        assert query["url"] == f"/api/queries/{query['name']}"


def test_named_query_with_parameter(server: RunningServer) -> None:
    query = compound_query(server)
    response = httpx.get(server.url + query["url"], params={"compound": "kg:l-serine"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/sparql-results+json"
    expected = library_json(query["name"], {"compound": "kg:l-serine"}, server.store)
    assert expected["results"]["bindings"], "the library finds rows for kg:l-serine"
    assert response.json() == expected
    as_csv = httpx.get(
        server.url + query["url"],
        params={"compound": "kg:l-serine"},
        headers={"Accept": "text/csv"},
    )
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert len(as_csv.text.splitlines()) == len(expected["results"]["bindings"]) + 1


def test_bad_parameter_is_400_naming_it(server: RunningServer) -> None:
    query = compound_query(server)
    response = httpx.get(server.url + query["url"], params={"compound": "nosuchprefix:x"})
    assert response.status_code == 400
    body = response.json()
    assert "compound" in body["detail"]
    assert body["parameter"] == "compound"


def test_unknown_query_is_404(server: RunningServer) -> None:
    response = httpx.get(server.url + "/api/queries/no-such-query")
    assert response.status_code == 404
    assert "no named query 'no-such-query'" in response.json()["detail"]


def test_openapi_has_one_path_per_named_query(server: RunningServer) -> None:
    from serkg import querylib

    response = httpx.get(server.url + "/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": server.url}]
    listed = httpx.get(server.url + "/api/queries").json()
    for query in listed:
        operation = document["paths"][f"/api/queries/{query['name']}"]["get"]
        assert operation["parameters"] == querylib.load_query(query["name"]).to_openapi_parameters()
        assert set(operation["responses"]) == {"200", "400", "404", "503"}
    compound = compound_query(server)
    parameter = next(
        p
        for p in document["paths"][compound["url"]]["get"]["parameters"]
        if p["name"] == "compound"
    )
    assert parameter["in"] == "query"
    assert "schema" in parameter


class Operations(HTMLParser):
    """The operations an /api/docs page lists (its <h2> headings) and its form targets."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.forms: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in_h2 = True
            self.headings.append("")
        if tag == "form":
            self.forms += [v for k, v in attrs if k == "action" and v]

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.headings[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False


def test_api_docs_lists_every_operation(server: RunningServer) -> None:
    """Regression: /api/docs, promised by docs/server.md, was 404."""
    response = httpx.get(server.url + "/api/docs")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<script" not in response.text  # self-contained: nothing from a CDN
    page = Operations()
    page.feed(response.text)
    document = httpx.get(server.url + "/openapi.json").json()
    assert page.headings == [f"GET {path}" for path in document["paths"]]
    named = [path for path in document["paths"] if path.startswith("/api/queries/")]
    assert page.forms == named
    # the form of a named query runs it: its example values give an answer
    first = document["paths"][named[0]]["get"]
    example = {p["name"]: p["example"] for p in first["parameters"] if "example" in p}
    answer = httpx.get(server.url + named[0], params={**example, "format": "json"})
    assert answer.status_code == 200, answer.text


def test_served_label_search_answers_as_a_scan_of_the_store(
    server: RunningServer, server_store: Path
) -> None:
    """The workers narrow label-search with the store's text index (tests/test_text_index.py);
    the served rows are the rows of a scan without it, texts of every length alike."""
    from serkg import querylib
    from serkg.store import EmbeddedStore

    opened = EmbeddedStore.open(server_store)
    assert opened.text_index is not None
    scanning = EmbeddedStore(opened.oxigraph, opened.location)
    for text in ("serine", "L-Ser", "se", "", '"', "no such label anywhere"):
        served = httpx.get(server.url + "/api/queries/label-search", params={"text": text})
        assert served.status_code == 200, served.text
        scanned = querylib.run_named_query("label-search", {"text": text}, store=scanning)
        assert served.json() == json.loads(scanned.serialize("json")), text
