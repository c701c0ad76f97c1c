"""The store keeps every literal as written: the round-trip guard and the packaged data.

Oxigraph rewrote 98 literals of the packaged data on the way into the store (34
xsd:nonNegativeInteger became xsd:integer, 64 decimals like "30.0" became "30"), so the store, the
endpoint and every export differed from what SHACL had validated. These tests hold the data to
the store's forms and check that the loader refuses a literal the store would rewrite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import literal_forms, resources
from serkg.checks import validate_files
from serkg.loading import InputError, parse_file

XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_the_store_rewrites_these_literals_and_keeps_those() -> None:
    rewritten = [
        typed("43", "nonNegativeInteger"),
        typed("5", "int"),
        typed("30.0", "decimal"),
        typed("174.20", "decimal"),
        typed("+3", "integer"),
        typed("1", "boolean"),
        typed("4.0E2", "double"),
    ]
    kept = [
        typed("43", "integer"),
        typed("30", "decimal"),
        typed("174.2", "decimal"),
        typed("true", "boolean"),
        typed("2022-12-31", "date"),
        typed("2022-12", "gYearMonth"),
        typed("2026", "gYear"),
        ox.Literal("L-serine"),
        ox.Literal("L-serine", language="en"),
    ]
    assert literal_forms.stored_forms([*rewritten, *kept]) == {
        rewritten[0]: typed("43", "integer"),
        rewritten[1]: typed("5", "integer"),
        rewritten[2]: typed("30", "decimal"),
        rewritten[3]: typed("174.2", "decimal"),
        rewritten[4]: typed("3", "integer"),
        rewritten[5]: typed("true", "boolean"),
        rewritten[6]: typed("400", "double"),
    }


def test_every_literal_of_the_packaged_files_is_stored_as_written() -> None:
    files = [resources.ontology_file(), *resources.data_files()]
    literals = [
        q.object for path in files for q in parse_file(path) if isinstance(q.object, ox.Literal)
    ]
    datatypes = {lit.datatype.value.removeprefix(XSD) for lit in literals if not lit.language}
    assert datatypes == {"string", "boolean", "decimal", "integer", "date", "gYearMonth", "gYear"}
    assert any(lit.language for lit in literals)
    assert literal_forms.stored_forms(literals) == {}


@pytest.fixture
def rewritten_copy(tmp_path: Path) -> tuple[Path, int, int]:
    """A copy of the dosing file with one decimal and one count in forms the store rewrites."""
    source = next(p for p in resources.data_files() if p.name == "dosing.trig")
    text = source.read_text(encoding="utf-8")
    text = text.replace('sk:dailyDoseMaxGrams "30"^^xsd:decimal', "sk:dailyDoseMaxGrams 30.0", 1)
    text = text.replace('sk:doseMin "400"^^xsd:decimal', 'sk:doseMin "4.0E2"^^xsd:double', 1)
    copy = tmp_path / "dosing.trig"
    copy.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    decimal_line = next(i for i, t in enumerate(lines, 1) if "30.0" in t)
    double_line = next(i for i, t in enumerate(lines, 1) if "xsd:double" in t)
    return copy, decimal_line, double_line


def test_a_literal_the_store_would_rewrite_is_refused_at_its_line(
    rewritten_copy: tuple[Path, int, int],
) -> None:
    copy, decimal_line, double_line = rewritten_copy
    with pytest.raises(InputError) as caught:
        validate_files([copy])
    assert caught.value.path == copy and caught.value.line == decimal_line
    assert caught.value.reason == (
        "2 literal(s) the store would rewrite, so what is validated would not be what is stored: "
        f'line {decimal_line}: "30.0"^^xsd:decimal is stored as "30"^^xsd:decimal; '
        f'line {double_line}: "4.0E2"^^xsd:double is stored as "400"^^xsd:double. '
        "Write each in the form the store keeps (docs/DESIGN.md, Datatypes)"
    )


def test_cli_refuses_a_rewritten_literal_with_exit_2_naming_file_and_line(
    rewritten_copy: tuple[Path, int, int],
) -> None:
    copy, decimal_line, _ = rewritten_copy
    result = subprocess.run(
        [sys.executable, "-m", "serkg", "validate", str(copy)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{copy}:{decimal_line}: 2 literal(s) the store would rewrite" in result.stderr
    assert "Traceback" not in result.stderr
