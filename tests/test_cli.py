"""The CLI as a user meets it: help, exit codes, messages without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from serkg.cli import app

COMMANDS = sorted(app.commands)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, timeout=600
    )


def test_console_script_entry_point_imports() -> None:
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "serkg"]
    assert script.load() is not None


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"serkg {command}" in result.output  # the example shows this very command


def test_unknown_option_is_a_usage_error() -> None:
    result = run("validate", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr


def test_query_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    result = run(
        "query",
        "compound-profile",
        "-p",
        "compound=kg:l-serine",
        "--store",
        str(tmp_path / "missing"),
    )
    assert result.returncode == 2
    assert "serkg build" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_param_is_a_usage_error(built_dist: Path) -> None:
    result = run(
        "query",
        "compound-profile",
        "--param",
        "no-equals-sign",
        "--store",
        str(built_dist / "store"),
    )
    assert result.returncode == 2
    assert "KEY=VALUE" in result.stderr


def test_validate_names_file_and_line_of_a_syntax_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        '@prefix ex: <http://example.org/> .\nex:a ex:b "ok" .\nex:c ex:d "unterminated .\n',
        encoding="utf-8",
    )
    result = run("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_missing_file(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nope.ttl"))
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_validate_packaged_data_conforms() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_query_jsonld_is_compact_with_the_curated_context_and_says_what_turtle_says(
    built_dist: Path,
) -> None:
    """Regression: `serkg query --format jsonld` wrote pyoxigraph's expanded JSON-LD, one node
    object per triple, while the endpoint and the exports wrote compact JSON-LD."""
    from tests.server.conftest import assert_compact_jsonld

    args = ["compound-neighbourhood", "-p", "compound=kg:l-serine", "--store"]
    store = str(built_dist / "store")
    as_jsonld = subprocess.run(
        [sys.executable, "-m", "serkg", "query", *args, store, "--format", "jsonld"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    as_turtle = subprocess.run(
        [sys.executable, "-m", "serkg", "query", *args, store, "--format", "ttl"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    assert_compact_jsonld(as_jsonld.stdout, as_turtle.stdout)
