"""``python -m benchmarks.ab``: checkouts built in turns on the same data, and its refusals."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.ab import main
from benchmarks.generator import generate
from benchmarks.measure import REPO


@pytest.mark.slow  # four builds of a small catalogue
def test_two_checkouts_are_built_in_turns_and_their_medians_reported(tmp_path: Path) -> None:
    generate(tmp_path / "data", 4000, seed=1)  # smaller ones leave orphans (QC)
    other = tmp_path / "other"
    other.symlink_to(REPO)  # a second checkout of the same code
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.ab",
            str(REPO),
            str(other),
            "--data-dir",
            str(tmp_path / "data"),
            "--rounds",
            "2",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 6, run.stdout  # four builds in turns, then one median line each
    names = [REPO.name, "other"]
    build = r": [0-9.]+ s wall, [0-9.]+ s CPU, [0-9,]+ MB peak; load [0-9.]+, validate [0-9.]+, "
    for name, line in zip(names * 2, lines[:4], strict=True):
        assert re.match(re.escape(name) + build, line), line
    median = r": median wall [0-9.]+ s, CPU [0-9.]+ s, peak [0-9,]+ MB \(2 of 2 builds finished\)$"
    for name, line in zip(names, lines[4:], strict=True):
        assert re.match(re.escape(name) + median, line), line


def test_what_is_not_a_checkout_or_has_no_data_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(SystemExit) as stopped:
        main([str(tmp_path), "--data-dir", str(REPO / "data")])
    assert stopped.value.code == 2
    assert f"{tmp_path} is not a serkg checkout" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(REPO), "--data-dir", str(tmp_path / "data")])
    assert f"--data-dir {tmp_path / 'data'}: no *.trig files in it" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(REPO), str(REPO), "--data-dir", str(REPO / "data")])
    assert "a checkout is given twice" in capsys.readouterr().err
