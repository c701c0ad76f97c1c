"""Awkward input files and parameters: a clear message naming where, or no complaint at all
when the input is fine (issue 21, low-priority points)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from serkg import resources
from serkg.loading import MAX_TOKEN_BYTES, InputError, parse_file
from serkg.query_model import MAX_NUMBER_LENGTH, QueryParameterError


def serkg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.ttl"
    path.write_bytes(b'\xef\xbb\xbf@prefix ex: <http://example.org/> .\nex:a ex:b "c" .\n')
    (quad,) = parse_file(path)
    assert str(quad) == '<http://example.org/a> <http://example.org/b> "c"'


def test_an_iri_with_a_space_says_iris_cannot_contain_spaces(tmp_path: Path) -> None:
    path = tmp_path / "space.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b <http://x/a b> .\n")
    result = serkg("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"serkg: error: {path}:2: syntax error: Parser error at line 2 between columns 11 "
        "and 25: IRIs cannot contain spaces"
    )


@pytest.mark.slow
def test_a_literal_past_the_parser_limit_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    with path.open("w", encoding="utf-8") as out:
        out.write('@prefix ex: <http://example.org/> .\nex:a ex:b "small" .\nex:a ex:c "')
        out.write("x" * (MAX_TOKEN_BYTES + 1024))
        out.write('" .\n')
    result = serkg("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"serkg: error: {path}:3: a literal or IRI is longer than 16 MiB, the parser's limit"
    )


def test_a_literal_under_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fine.nt"
    path.write_text(f'<http://x/a> <http://x/b> "{"y" * 1_000_000}" .\n', encoding="utf-8")
    (quad,) = parse_file(path)
    assert len(quad.object.value) == 1_000_000  # type: ignore[union-attr]


def test_a_big_file_reports_progress_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SERKG_PROGRESS", "1")
    monkeypatch.setattr("serkg.loading.PROGRESS_MIN_BYTES", 1)
    monkeypatch.setattr("serkg.loading.PROGRESS_EVERY_QUADS", 2)
    path = tmp_path / "five.nt"
    path.write_text("".join(f"<http://x/s{i}> <http://x/p> <http://x/o> .\n" for i in range(5)))
    assert len(parse_file(path)) == 5
    assert capsys.readouterr().err.splitlines() == [
        f"serkg: reading {path}: 2 triples",
        f"serkg: reading {path}: 4 triples",
        f"serkg: read {path}: 5 triples",
    ]


def test_no_progress_for_small_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.nt"
    path.write_text("<http://x/s> <http://x/p> <http://x/o> .\n")
    parse_file(path)
    assert capsys.readouterr().err == ""


def test_ill_typed_literals_are_violations_without_rdflib_tracebacks(tmp_path: Path) -> None:
    source = resources.asset_root() / "data" / "l-serine" / "clinical-trials.trig"
    text = source.read_text(encoding="utf-8")
    assert "sk:enrollment 20 ;" in text and '"2013-04-19"^^xsd:date' in text
    bad = tmp_path / "clinical-trials.trig"
    bad.write_text(
        text.replace("sk:enrollment 20 ;", 'sk:enrollment "abc"^^xsd:integer ;').replace(
            '"2013-04-19"^^xsd:date', '"2018-13-45"^^xsd:date'
        ),
        encoding="utf-8",
    )
    result = serkg("validate", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Failed to convert Literal" not in result.stderr
    assert 'value "abc"^^xsd:integer' in result.stdout
    assert 'value "2018-13-45"^^xsd:date' in result.stdout


# ----------------------------------------------------------------------------- parameters
def test_a_mebibyte_decimal_parameter_is_refused_by_length(built_dist: Path) -> None:
    import serkg

    with pytest.raises(QueryParameterError) as caught:
        serkg.run_query(
            "dose-regimens",
            store=str(built_dist / "store"),
            compound="kg:l-serine",
            atLeastGramsPerDay="1" * (1 << 20),
        )
    assert str(caught.value) == (
        "query 'dose-regimens', parameter 'atLeastGramsPerDay': the number is 1048576 "
        f"characters long; at most {MAX_NUMBER_LENGTH}"
    )


@pytest.mark.parametrize(
    ("given", "bound"),
    [("-0.50", "-0.5"), ("+30.0", "30"), ("007", "7"), ("-0", "0"), (".5", "0.5")],
)
def test_decimal_parameters_are_bound_in_canonical_form(given: str, bound: str) -> None:
    from serkg.querylib import load_query

    param = load_query("dose-regimens").parameter("atLeastGramsPerDay")
    assert param.parse(given).value == bound  # type: ignore[union-attr]


def test_an_infinite_float_for_an_integer_parameter_is_a_parameter_error() -> None:
    from serkg.query_model import QueryParameter

    param = QueryParameter("n", "integer", query="q")
    with pytest.raises(QueryParameterError, match="'inf' is not an integer"):
        param.parse(float("inf"))


@pytest.mark.parametrize(
    ("compound", "reason"),
    [
        ("kg:l serine", "IRIs cannot contain spaces"),
        ("<http://example.org/a b>", "IRIs cannot contain spaces"),
        ("http://example.org/%zz", "bad percent-encoding '%zz' in an IRI (% takes two hex digits)"),
    ],
)
@pytest.mark.parametrize("command", ["card", "diagram"])
def test_card_and_diagram_name_what_is_wrong_with_an_iri(
    built_dist: Path, command: str, compound: str, reason: str
) -> None:
    result = serkg(command, compound, "--store", str(built_dist / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"serkg: error: {compound!r} is not a valid IRI: {reason}; ")


def test_an_empty_iri_in_angle_brackets_is_an_unknown_name(built_dist: Path) -> None:
    result = serkg("card", "<>", "--store", str(built_dist / "store"))
    assert result.returncode == 2
    assert result.stderr.startswith("serkg: error: no compound is named '<>'; ")


def test_input_error_carries_path_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text("<http://x/a> <http://x/b> <http://x/c d> .\n")
    with pytest.raises(InputError) as caught:
        parse_file(path)
    assert (caught.value.path, caught.value.line) == (path, 1)


def test_rdf_star_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Regression: a quoted triple reached the SHACL driver and gave a TypeError traceback."""
    path = tmp_path / "star.ttl"
    path.write_text(
        "@prefix ex: <http://example.org/> .\nex:x ex:y << ex:a ex:b ex:c >> .\n", encoding="utf-8"
    )
    result = serkg("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"serkg: error: {path}:2: quoted triples (RDF-star, << ... >>) are not supported"
    )


def test_json_ld_nested_past_the_limit_is_refused_before_the_parser_crashes(
    tmp_path: Path,
) -> None:
    """Regression: objects nested 10,000 deep made pyoxigraph's JSON-LD parser segfault (exit
    139, nothing on stderr)."""
    from serkg.loading import MAX_JSON_NESTING

    path = tmp_path / "deep.jsonld"
    depth = 10_000
    path.write_text(
        '{"@context": {"ex": "http://example.org/"}, "@id": "http://example.org/x", '
        + '"ex:n": {' * depth
        + '"ex:v": "{[ brackets in a string do not count"'
        + "}" * depth
        + "}",
        encoding="utf-8",
    )
    result = serkg("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"serkg: error: {path}: JSON nested deeper than {MAX_JSON_NESTING} levels; serkg "
        "refuses it before parsing (the JSON-LD parser would crash)"
    )


def test_json_ld_nested_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nested.jsonld"
    depth = 50
    path.write_text(
        '{"@context": {"ex": "http://example.org/"}, "@id": "http://example.org/x", '
        + '"ex:n": {' * depth
        + '"ex:v": "]]]}}} brackets in a string do not count"'
        + "}" * depth
        + "}",
        encoding="utf-8",
    )
    assert len(parse_file(path)) == depth + 1  # DEPTH ex:n links and the ex:v value


@pytest.mark.parametrize(
    "context", ['"http://127.0.0.1:9/ctx.jsonld"', '"/etc/passwd"', '{"@import": "ctx.jsonld"}']
)
def test_a_json_ld_context_that_is_not_inline_is_named_as_such(
    tmp_path: Path, context: str
) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(
        f'{{"@context": {context}, "@id": "http://example.org/x", "http://a/b": 1}}',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"not inline .* serkg never fetches contexts"):
        parse_file(path)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "label-search", "-p", "text=\udcff"],
        ["card", "\udcff"],
        ["diagram", "\udcff"],
    ],
)
def test_arguments_that_are_not_utf8_are_refused(built_dist: Path, args: list[str]) -> None:
    """Regression: bytes that are not UTF-8 in a text parameter or a compound name reached
    pyoxigraph and gave a ValueError traceback."""
    result = serkg(*args, "--store", str(built_dist / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "is not valid UTF-8" in result.stderr
