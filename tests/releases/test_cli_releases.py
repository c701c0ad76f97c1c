"""serkg diff, serkg release [--check], serkg query --cite and serkg cite --verify, as run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from serkg.releases import citation

from .conftest import FIXTURES


def serkg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def test_diff_prints_the_changelog_and_the_change_graph(fixture_pair: tuple[Path, Path]) -> None:
    folder = fixture_pair[0].parent
    result = serkg("diff", "old", "new", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FIXTURES / "expected-changes.md").read_text(encoding="utf-8")
    result = serkg("diff", "old", "new", "--format", "ttl", "--out", "changes.ttl", cwd=folder)
    assert result.returncode == 0, result.stderr
    got = rdflib.Graph().parse(folder / "changes.ttl", format="turtle")
    expected = rdflib.Graph().parse(FIXTURES / "expected-changes.ttl", format="turtle")
    assert isomorphic(got, expected)


def test_diff_of_a_folder_that_is_not_a_build_is_one_line(tmp_path: Path) -> None:
    result = serkg("diff", str(tmp_path / "nowhere"), str(tmp_path))
    assert result.returncode == 2
    assert (
        result.stderr == f"serkg: error: {tmp_path / 'nowhere'}: no such build or release folder\n"
    )
    assert result.stdout == ""


def test_release_then_check_then_one_flipped_byte(built_dist: Path, tmp_path: Path) -> None:
    result = serkg(
        "release", "--version", "1.0.0", "--build", str(built_dist), "--releases", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / '1.0.0'}: 13 files, previous release none\n"
    folder = tmp_path / "1.0.0"
    result = serkg("release", "--check", str(folder))
    assert (result.returncode, result.stdout) == (0, f"{folder}: every file matches the MANIFEST\n")
    data = bytearray((folder / "serkg.ttl").read_bytes())
    data[-2] ^= 0x20
    (folder / "serkg.ttl").write_bytes(bytes(data))
    result = serkg("release", "--check", str(folder))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{folder / 'serkg.ttl'}: SHA-256 ")
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == f"serkg: error: {folder}: 1 file(s) differ from the MANIFEST\n"
    again = serkg(
        "release", "--version", "1.0.0", "--build", str(built_dist), "--releases", str(tmp_path)
    )
    assert again.returncode == 2
    assert "already exists; a release is never rewritten" in again.stderr
    assert "Traceback" not in again.stderr


def test_query_cite_then_verify(built_dist: Path, tmp_path: Path) -> None:
    record = tmp_path / "terminated.cite.json"
    store = str(built_dist / "store")
    result = serkg(
        "query",
        "trials-by-status",
        "-p",
        "status=Terminated",
        "--format",
        "csv",
        "--store",
        store,
        "--cite",
        str(record),
    )
    assert result.returncode == 0, result.stderr
    cited = citation.read_record(record)
    assert cited.rows == len(result.stdout.splitlines()) - 1  # the CSV header
    assert cited.location == f"embedded store {store}"
    verified = serkg("cite", "--verify", str(record), "--store", store)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(
        "same answer: trials-by-status as cited from https://w3id.org/serkg/releases/"
    )
    # a record whose answer lacks one row (as if the data had changed since): exit 1, the row
    data = json.loads(record.read_text(encoding="utf-8"))
    dropped = data["answer"].pop(1)
    data["sha256"] = citation.sha256_of_lines(data["answer"])
    data["rows"] -= 1
    record.write_text(json.dumps(data), encoding="utf-8")
    verified = serkg("cite", "--verify", str(record), "--store", store)
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[0].startswith("different answer: trials-by-status")
    assert verified.stdout.splitlines()[1:] == [f"+ {dropped}"]


def test_a_damaged_citation_record_is_one_line(tmp_path: Path) -> None:
    record = tmp_path / "broken.json"
    record.write_text("[]", encoding="utf-8")
    result = serkg("cite", "--verify", str(record))
    assert result.returncode == 2
    assert result.stderr == f"serkg: error: {record}: not a JSON citation record (no object)\n"
