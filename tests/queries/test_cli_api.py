"""The query library through its front doors: ``serkg query``, ``serkg queries``, ``run_query``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import serkg
from serkg.cli import app


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["query", "compound-profil"],
            "no named query 'compound-profil'; did you mean compound-profile,",
        ),
        (["query", "compound-profile"], "query 'compound-profile', parameter 'compound': missing"),
        (
            ["query", "compound-profile", "-p", "compund=kg:l-serine"],
            "parameter 'compund': unknown parameter (this query takes: compound)",
        ),
        (["query", "compound-profile", "-p", "compound=kg:l serine"], "parameter 'compound'"),
        (
            [
                "query",
                "dose-regimens",
                "-p",
                "compound=kg:l-serine",
                "-p",
                "atLeastGramsPerDay=ten",
            ],
            "'ten' is not a decimal number",
        ),
        (
            ["query", "trials-by-status", "-p", "status=Stopped"],
            "'Stopped' is not allowed; expected one of any, NotYetRecruiting",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    code, out, err = _invoke(*args, "--store", str(tmp_path / "no-store"))
    assert code == 2
    assert message in err
    assert "Traceback" not in err and out == ""


def test_query_formats(kg_store_dir: Path) -> None:
    base = ["query", "compound-profile", "-p", "compound=kg:l-serine", "--store", str(kg_store_dir)]
    code, out, _ = _invoke(*base, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["head"]["vars"] == ["compound", "rank", "field", "value", "valueLabel"]
    code, out, _ = _invoke(*base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"field": "https://w3id.org/serkg/vocab/casNumber", "value": "56-45-1"}.items() <= next(
        r for r in rows if r["field"].endswith("casNumber")
    ).items()
    code, out, _ = _invoke(*base, "--format", "tsv")
    assert out.splitlines()[0] == "?compound\t?rank\t?field\t?value\t?valueLabel"
    code, out, _ = _invoke(*base, "--format", "table")
    assert code == 0 and "sk:casNumber" in out and "56-45-1" in out
    header = out.splitlines()[1]
    assert "field" in header and "compound" not in header  # parameter columns are not repeated


def test_construct_formats(kg_store_dir: Path) -> None:
    base = [
        "query",
        "compound-neighbourhood",
        "-p",
        "compound=kg:l-serine",
        "--store",
        str(kg_store_dir),
    ]
    code, turtle, _ = _invoke(*base, "--format", "ttl")
    assert code == 0 and "@prefix kg: <https://w3id.org/serkg/id/>" in turtle
    code, nt, _ = _invoke(*base, "--format", "nt")
    assert code == 0 and "<https://w3id.org/serkg/id/l-serine>" in nt
    code, jsonld, _ = _invoke(*base, "--format", "jsonld")
    assert code == 0 and json.loads(jsonld)


def test_queries_listing() -> None:
    code, out, _ = _invoke("queries", "--format", "json")
    assert code == 0
    names = [q["name"] for q in json.loads(out)]
    assert "compound-profile" in names and names == sorted(names)


def test_python_api(kg_store_dir: Path) -> None:
    rows = serkg.run_query("trials-by-status", store=str(kg_store_dir), status="Terminated")
    assert rows and {r["overallStatus"] for r in rows} == {
        "https://w3id.org/serkg/vocab/Terminated"
    }
    frame = serkg.run_query_df(
        "compound-identifiers", store=str(kg_store_dir), compound="kg:l-serine"
    )
    assert list(frame.columns) == ["compound", "matchType", "xref"]
    assert "http://purl.obolibrary.org/obo/CHEBI_17115" in set(frame["xref"])
    with pytest.raises(ValueError, match="parameter 'status'"):
        serkg.run_query("trials-by-status", store=str(kg_store_dir), status="Phase1")


COLD_QUERY_PROBE = """
import atexit
import sys

HEAVY = ("rdflib", "pyshacl", "owlrl", "reasonable", "uvicorn", "starlette")
atexit.register(lambda: print("loaded:", *[m for m in HEAVY if m in sys.modules], file=sys.stderr))
from serkg.cli import main

sys.argv = ["serkg", *sys.argv[1:]]
main()
"""


def test_a_cli_query_loads_no_validation_reasoning_or_server_library(kg_store_dir: Path) -> None:
    """What keeps ``serkg query NAME`` quick from a cold interpreter: it imports none of the
    heavy libraries (rdflib and pySHACL alone take about a second to import here).

    How quick it is, is measured by ``python -m benchmarks`` (cold_start, target 0.5 s), not here:
    a timed test fails at random on a busy machine.
    """
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            COLD_QUERY_PROBE,
            "query",
            "compound-profile",
            "--param",
            "compound=kg:l-serine",
            "--store",
            str(kg_store_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "L-serine" in done.stdout
    assert done.stderr.splitlines()[-1] == "loaded:"
