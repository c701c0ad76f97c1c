"""Damaged stores and mismatched formats: exit 2 with a message, never a traceback (issue 21).

A real build's store is copied and damaged the ways a disk or a careless copy damages it; the
real CLI then runs on the copy in a subprocess.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from serkg.results import AnswerFormatError


def serkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args], capture_output=True, text=True, timeout=300
    )


def biggest_sst(store: Path) -> Path:
    return max(store.glob("*.sst"), key=lambda p: p.stat().st_size)


def garbage_current(store: Path) -> None:
    (store / "CURRENT").write_bytes(b"garbage\x00\xff\n")


def empty_current(store: Path) -> None:
    (store / "CURRENT").write_bytes(b"")


def missing_sst(store: Path) -> None:
    biggest_sst(store).unlink()


def truncated_sst(store: Path) -> None:
    with biggest_sst(store).open("r+b") as sst:
        sst.truncate(100)


def flipped_bytes(store: Path) -> None:
    """Flip bytes near the end of the biggest SST file (its index and properties blocks, whose
    checksums RocksDB verifies when it opens the file)."""
    sst = biggest_sst(store)
    data = bytearray(sst.read_bytes())
    for offset in range(len(data) - 1000, len(data) - 100, 97):
        data[offset] ^= 0xFF
    sst.write_bytes(bytes(data))


def flipped_data_bytes(store: Path) -> None:
    """Flip a few bytes in the middle of the biggest SST file, in a data block: RocksDB sees
    it only when a query reads that block, and pyoxigraph 0.5.13 then spins for ever on
    ``GROUP BY ?g`` over ``GRAPH ?g`` (what ``serkg stats`` asks), as fuzzing found."""
    sst = biggest_sst(store)
    data = bytearray(sst.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + 40, 13):
        data[offset] ^= 0x10
    sst.write_bytes(bytes(data))


def broken_options(store: Path) -> None:
    for options in store.glob("OPTIONS-*"):
        options.write_bytes(b"[Version]\n  rocksdb_version=what\n[[[garbage\n")


#: damage -> (how, the reason named for a store with the build's SHA256SUMS)
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage CURRENT": (garbage_current, "CURRENT has changed since the build"),
    "empty CURRENT": (empty_current, "CURRENT has changed since the build"),
    "missing SST": (missing_sst, ".sst is missing"),
    "truncated SST": (truncated_sst, ".sst has changed since the build"),
    "flipped bytes": (flipped_bytes, ".sst has changed since the build"),
    "flipped data-block bytes": (flipped_data_bytes, ".sst has changed since the build"),
    "broken OPTIONS": (broken_options, "OPTIONS-"),
}
#: damage -> the reason RocksDB gives for a store without SHA256SUMS (built before checksums);
#: data-block damage is left out: without checksums, `stats` on it does not end
UNCHECKED_DAMAGE: dict[str, str] = {
    "garbage CURRENT": "Corruption: CURRENT file corrupted",
    "empty CURRENT": "Corruption: CURRENT file does not end with newline",
    "missing SST": "No such file or directory",
    "truncated SST": "Sst file size mismatch",
    "flipped bytes": "block checksum mismatch",
}
COMMANDS = {
    "query": ["query", "compound-profile", "-p", "compound=kg:l-serine"],
    "stats": ["stats"],
    "export": ["export"],
    "explain": ["explain", "kg:l-serine", "sk:targets", "kg:cathepsin-b"],
    "card": ["card", "kg:l-serine"],
    "serve": ["serve", "--host", "0.0.0.256"],  # refused before it tries to listen
}


@pytest.fixture(scope="module")
def damaged_stores(built_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each damage applied to a copy of the built store (with its SHA256SUMS), and the first
    five also to a copy without SHA256SUMS (keys prefixed 'unchecked ')."""
    root = tmp_path_factory.mktemp("damaged")
    stores = {}
    for name, (damage, _) in DAMAGE.items():
        for checked in (True, False):
            if not checked and name not in UNCHECKED_DAMAGE:
                continue
            copy = root / ("" if checked else "unchecked-") / name.replace(" ", "-")
            shutil.copytree((built_dist / "store").resolve(), copy)
            if not checked:
                (copy / "SHA256SUMS").unlink()
            damage(copy)
            stores[name if checked else f"unchecked {name}"] = copy
    return stores


def assert_damaged_store_message(
    result: subprocess.CompletedProcess[str], store: Path, reason: str
) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith(f"serkg: error: cannot open the store at {store}: ")
    assert reason in message
    assert message.endswith("; rebuild with `serkg build`")


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_damaged_store_is_a_clean_error_naming_the_store(
    damaged_stores: dict[str, Path], damage: str, command: str
) -> None:
    store = damaged_stores[damage]
    result = serkg(*COMMANDS[command], "--store", str(store))
    assert_damaged_store_message(result, store, DAMAGE[damage][1])


@pytest.mark.parametrize("damage", list(UNCHECKED_DAMAGE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_damaged_store_without_checksums_is_a_clean_error_naming_rocksdbs_reason(
    damaged_stores: dict[str, Path], damage: str, command: str
) -> None:
    store = damaged_stores[f"unchecked {damage}"]
    result = serkg(*COMMANDS[command], "--store", str(store))
    assert_damaged_store_message(result, store, UNCHECKED_DAMAGE[damage])


def test_the_build_records_a_checksum_for_every_file_of_the_store(built_dist: Path) -> None:
    """SHA256SUMS is in sha256sum's format and covers every file but RocksDB's LOG and LOCK."""
    store = (built_dist / "store").resolve()
    listed = {}
    for line in (store / "SHA256SUMS").read_text(encoding="ascii").splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    on_disk = {p.name for p in store.iterdir() if p.name not in {"SHA256SUMS", "LOG", "LOCK"}}
    assert set(listed) == on_disk
    assert any(name.endswith(".sst") for name in listed) and "CURRENT" in listed
    for name, digest in listed.items():
        assert hashlib.sha256((store / name).read_bytes()).hexdigest() == digest, name


def test_a_broken_options_file_is_not_read_by_a_read_only_open(
    built_dist: Path, tmp_path: Path
) -> None:
    """Without checksums, RocksDB takes the options from Oxigraph, not from OPTIONS-*: the store
    answers as before (with checksums the changed file is refused, above)."""
    copy = tmp_path / "store"
    shutil.copytree((built_dist / "store").resolve(), copy)
    (copy / "SHA256SUMS").unlink()
    broken_options(copy)
    args = [*COMMANDS["query"], "--format", "csv"]
    intact = serkg(*args, "--store", str(built_dist / "store"))
    damaged = serkg(*args, "--store", str(copy))
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout == intact.stdout != ""


@pytest.mark.parametrize("command", ["stats", "export", "explain", "query"])
def test_a_missing_store_names_the_path_and_how_to_build_it(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = serkg(*COMMANDS[command], "--store", str(missing))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"serkg: error: no built store at {missing}: run `serkg build` first "
        "(or pass --store DIR / --endpoint URL)"
    )


# ------------------------------------------------------------------ formats and query forms
@pytest.mark.parametrize(
    ("query", "params", "fmt", "form", "fitting"),
    [
        (
            "compound-neighbourhood",
            ["compound=kg:l-serine"],
            "json",
            "CONSTRUCT/DESCRIBE",
            "table, ttl, jsonld, nt, rdfxml",
        ),
        (
            "compound-neighbourhood",
            ["compound=kg:l-serine"],
            "csv",
            "CONSTRUCT/DESCRIBE",
            "table, ttl, jsonld, nt, rdfxml",
        ),
        (
            "compound-profile",
            ["compound=kg:l-serine"],
            "ttl",
            "SELECT",
            "table, json, csv, tsv, xml",
        ),
    ],
)
def test_a_format_that_does_not_fit_the_query_form_names_those_that_do(
    built_dist: Path, query: str, params: list[str], fmt: str, form: str, fitting: str
) -> None:
    args = [arg for p in params for arg in ("--param", p)]
    result = serkg("query", query, *args, "--format", fmt, "--store", str(built_dist / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"serkg: error: query {query!r} is a {form} query: its answer cannot be written as "
        f"{fmt!r}; use one of {fitting}"
    )


def test_the_python_api_raises_answer_format_error(built_dist: Path) -> None:
    from serkg.querylib import run_named_query

    answer = run_named_query(
        "compound-neighbourhood", {"compound": "kg:l-serine"}, store_path=built_dist / "store"
    )
    with pytest.raises(AnswerFormatError, match="use one of table, ttl, jsonld, nt, rdfxml"):
        answer.serialize("json")
    assert answer.serialize("nt").count("\n") == len(answer.triples) > 0
