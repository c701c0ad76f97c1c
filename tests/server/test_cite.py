"""GET /api/queries/NAME?cite=true: the citation record of the answer (docs/releases.md)."""

from __future__ import annotations

import hashlib

import httpx
import pytest

import serkg
from serkg import resources
from serkg.querylib import load_query
from serkg.releases import citation
from serkg.store import EmbeddedStore

from .conftest import RunningServer

pytestmark = pytest.mark.server


def test_cite_true_answers_with_the_record_the_cli_would_write(server: RunningServer) -> None:
    url = f"{server.url}/api/queries/trials-by-status"
    response = httpx.get(url, params={"status": "Terminated", "cite": "true"}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    record = response.json()
    query = load_query("trials-by-status")
    store = EmbeddedStore.open(server.store)
    answer = store.query(query.text, query.bind({"status": "Terminated"}))
    assert record["answer"] == citation.canonical_lines(answer)
    assert record["rows"] == len(answer.rows) > 0
    assert record["release"] == f"https://w3id.org/serkg/releases/{serkg.__version__}"
    text = (resources.queries_dir() / "trials-by-status.rq").read_text(encoding="utf-8")
    assert record["wasGeneratedBy"]["query"]["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert record["wasGeneratedBy"]["atLocation"] == f"endpoint {url}"
    # the record the endpoint wrote verifies against the store it serves
    path = server.log.parent / "endpoint.cite.json"
    path.write_text(response.text, encoding="utf-8")
    assert citation.verify(citation.read_record(path), store).verdict == "same answer"


def test_cite_is_not_taken_for_a_query_parameter(server: RunningServer) -> None:
    url = f"{server.url}/api/queries/trials-by-status"
    plain = httpx.get(url, params={"status": "Terminated", "cite": "false"}, timeout=60)
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("application/sparql-results+json")
