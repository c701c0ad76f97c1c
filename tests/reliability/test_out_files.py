"""``--out`` of export, card and diagram: a folder, an empty path, a symlink and a FIFO (issue 21).

The atomic write (a temporary file renamed over the target) must never rename over something
that is not a regular file: as root, ``--out /dev/full`` deleted the device.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

BOUND_SECONDS = 300  # a bound on a hung command, not a timing assertion


def serkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args],
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def store(built_dist: Path) -> str:
    return str(built_dist / "store")


@pytest.mark.parametrize("out", ["", ".", "folder"])
def test_an_out_that_is_a_folder_or_empty_is_a_clear_error(
    store: str, out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    result = serkg("export", "--store", store, "--out", out)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    # click refuses a folder it can see; serkg refuses the empty path (once "." for pathlib)
    assert ("is a directory" in result.stderr) or (
        "it is a folder; give a file name" in result.stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]  # no .part file left


def test_an_out_symlink_stays_a_link_to_the_new_file(store: str, tmp_path: Path) -> None:
    target = tmp_path / "target.ttl"
    target.write_text("old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    result = serkg("export", "--store", store, "--graph", "asserted", "--out", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("@prefix")


def test_an_out_fifo_is_written_into_not_replaced(store: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as stream:  # blocks until serkg opens the FIFO for writing
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = serkg("card", "kg:l-serine", "--store", store, "--format", "md", "--out", str(fifo))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode), "the FIFO was replaced by a file"
    reader.join(BOUND_SECONDS)
    assert received and received[0].startswith(b"# L-serine")


def test_an_out_in_a_folder_that_cannot_be_written_names_the_file(
    store: str, tmp_path: Path
) -> None:
    out = tmp_path / "below-a-file" / "x.ttl"
    (tmp_path / "below-a-file").write_text("a file, not a folder\n")
    result = serkg("export", "--store", store, "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(out) in result.stderr or "below-a-file" in result.stderr
