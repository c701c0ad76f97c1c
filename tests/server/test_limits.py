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
    """Other clients are answered while a runaway query runs, and the runaway one is stopped.

    No latency is asserted (the machine may be busy): the small queries must be answered before
    the bomb's 503, which cannot come before its 2 s time limit.
    """
    order: list[str] = []
    outcome: dict[str, object] = {}
    sent = threading.Event()

    def run_bomb() -> None:
        started = time.monotonic()
        with httpx.Client(timeout=60) as client:
            request = client.build_request("POST", strict_server.sparql, data={"query": BOMB})
            sent.set()
            response = client.send(request)
        order.append("bomb")
        outcome["bomb"] = (response.status_code, response.text, time.monotonic() - started)

    bomb = threading.Thread(target=run_bomb)
    bomb.start()
    sent.wait(timeout=30)
    for _ in range(5):
        response = httpx.get(
            strict_server.sparql,
            params={"query": SMALL},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert response.status_code == 200
        assert response.text.splitlines() == ["cas", "56-45-1"]
        order.append("small")
    bomb.join(timeout=60)
    status, text, seconds = outcome["bomb"]  # type: ignore[misc]
    assert status == 503
    assert "time limit of 2 s" in text  # type: ignore[operator]
    assert seconds >= 1.9  # type: ignore[operator]
    assert order == ["small"] * 5 + ["bomb"], order
    # the killed worker was replaced: a second bomb is stopped the same way, then queries still work
    assert httpx.post(strict_server.sparql, data={"query": BOMB}, timeout=60).status_code == 503
    assert httpx.get(strict_server.sparql, params={"query": SMALL}, timeout=30).status_code == 200


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
