"""`serkg serve` in a project folder offers the project's named queries at /api/queries/<name>."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port, start_serving, stop_serving
from tests.projects.conftest import THREONINE


@pytest.fixture(scope="module")
def project_server(built_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`serkg serve` started in the project folder with no --project nor --store: it finds the
    project from the current folder and serves the store of its dist/."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve-log") / "server.log"
    command = [sys.executable, "-m", "serkg", "serve", "--port", str(port)]
    process = start_serving(command, log, cwd=built_project)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_serving(process)


def test_the_project_query_is_listed(project_server: str) -> None:
    listed = httpx.get(project_server + "/api/queries", timeout=30).json()
    mine = [q for q in listed if q["name"] == "compounds-by-formula"]
    assert [q["url"] for q in mine] == ["/api/queries/compounds-by-formula"]
    assert "compound-profile" in {q["name"] for q in listed}


def test_the_project_query_answers(project_server: str) -> None:
    response = httpx.get(
        project_server + "/api/queries/compounds-by-formula",
        params={"formula": "C4H9NO3"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    bindings = response.json()["results"]["bindings"]
    assert [(b["compound"]["value"], b["label"]["value"]) for b in bindings] == [
        (THREONINE, "L-threonine")
    ]


def test_a_packaged_query_answers_for_the_project_compound(project_server: str) -> None:
    response = httpx.get(
        project_server + "/api/queries/compound-profile",
        params={"compound": "kg:l-threonine", "format": "json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    values = [b["value"]["value"] for b in response.json()["results"]["bindings"]]
    assert values == ["L-threonine", "L-Thr", "72-19-5", "C4H9NO3", "119.12"]


def test_openapi_names_the_project_query(project_server: str) -> None:
    document = httpx.get(project_server + "/openapi.json", timeout=30).json()
    assert "/api/queries/compounds-by-formula" in document["paths"]
