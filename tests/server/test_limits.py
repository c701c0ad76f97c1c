"""Time limit and row cap: a runaway query is stopped while other clients keep being answered."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from .conftest import L_SERINE, SK, RunningServer

pytestmark = pytest.mark.server

BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = f"SELECT ?cas WHERE {{ <{L_SERINE}> <{SK}casNumber> ?cas }}"


def test_bomb_times_out_while_another_client_is_answered(strict_server: RunningServer) -> None:
    outcome: dict[str, object] = {}

    def run_bomb() -> None:
        started = time.monotonic()
        response = httpx.post(strict_server.sparql, data={"query": BOMB}, timeout=30)
        outcome["bomb"] = (response.status_code, response.text, time.monotonic() - started)

    bomb = threading.Thread(target=run_bomb)
    bomb.start()
    time.sleep(0.5)  # the bomb is running in a worker now
    latencies = []
    for _ in range(5):
        started = time.monotonic()
        response = httpx.get(
            strict_server.sparql,
            params={"query": SMALL},
            headers={"Accept": "text/csv"},
            timeout=10,
        )
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200
        assert response.text.splitlines() == ["cas", "56-45-1"]
    bomb.join(timeout=30)
    status, text, seconds = outcome["bomb"]  # type: ignore[misc]
    assert status == 503
    assert "time limit of 2 s" in text  # type: ignore[operator]
    assert 1.9 <= seconds < 6  # type: ignore[operator]
    assert max(latencies) < 0.5, latencies
    # the killed worker was replaced: a second bomb is stopped the same way, then queries still work
    assert httpx.post(strict_server.sparql, data={"query": BOMB}, timeout=30).status_code == 503
    assert httpx.get(strict_server.sparql, params={"query": SMALL}, timeout=10).status_code == 200


def test_row_cap(strict_server: RunningServer) -> None:
    response = httpx.get(
        strict_server.sparql, params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"}, timeout=30
    )
    assert response.status_code == 403
    assert "more than 50 rows" in response.text
    capped = httpx.get(
        strict_server.sparql,
        params={"query": "SELECT * WHERE { ?a ?b ?c } LIMIT 50"},
        headers={"Accept": "text/csv"},
    )
    assert capped.status_code == 200
    assert len(capped.text.splitlines()) == 51
