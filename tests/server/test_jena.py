"""Apache Jena's rsparql, an independent SPARQL client, against every query form (GET and POST)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import L_SERINE, SK, RunningServer

pytestmark = [pytest.mark.server, pytest.mark.java]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"SELECT ?cas WHERE {{ <{L_SERINE}> <{SK}casNumber> ?cas }}", '| "56-45-1" |'),
        (f'ASK {{ <{L_SERINE}> <{SK}casNumber> "56-45-1" }}', "Ask => Yes"),
        (
            f"CONSTRUCT {{ <{L_SERINE}> <{SK}casNumber> ?cas }} "
            f"WHERE {{ <{L_SERINE}> <{SK}casNumber> ?cas }}",
            'kg:l-serine  sk:casNumber  "56-45-1" .',
        ),
        (f"DESCRIBE <{L_SERINE}>", '"56-45-1"'),
    ],
    ids=["select", "ask", "construct", "describe"],
)
@pytest.mark.parametrize("post", [False, True], ids=["get", "post"])
def test_rsparql(
    server: RunningServer,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    query: str,
    expected: str,
    post: bool,
) -> None:
    from tests import jena

    query_file = tmp_path / "query.rq"
    query_file.write_text(query)
    args = ["--service", server.sparql, "--query", str(query_file), *(["--post"] if post else [])]
    result = jena.run(
        "arq.rsparql", *args, work_dir=tmp_path_factory.getbasetemp() / "jena", timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert expected in result.stdout, result.stdout
