"""The import contracts in pyproject.toml are real: each one fails when its rule is broken.

Each test copies src/serkg to a temporary folder, runs ``lint-imports`` with the project's own
contracts against the copy (found first on PYTHONPATH), and reads its verdict. A contract that
cannot fail would pass here too, so each is broken once, by one import of the kind it forbids.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"
CONTRACTS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"][
    "contracts"
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_of_the_package(tmp_path: Path) -> Path:
    """src/serkg copied under TMP_PATH/src, with the contracts beside it; returns TMP_PATH/src."""
    src = tmp_path / "src"
    shutil.copytree(
        REPO / "src" / "serkg", src / "serkg", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    return src


def _lint_imports(tmp_path: Path, src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _add_import(module_file: Path, statement: str) -> None:
    with module_file.open("a", encoding="utf-8") as out:
        out.write(f"\n{statement}  # an arrow the contracts forbid\n")


def test_the_unmodified_copy_keeps_every_contract(tmp_path: Path) -> None:
    src = _copy_of_the_package(tmp_path)
    done = _lint_imports(tmp_path, src)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in done.stdout


@pytest.mark.parametrize(
    ("module", "statement", "contract", "arrow", "broken"),
    [
        # the ground floor importing the top: every module below now reaches cli (and through
        # it explain and the other families), so every contract breaks, the floors first
        (
            "prefixes.py",
            "import serkg.cli",
            "floors: a module imports only from its own floor or the ones below",
            "serkg.prefixes -> serkg.cli (l.",
            len(CONTRACTS),
        ),
        (
            "reasoning/trivia.py",
            "import serkg.explain",
            "reasoning knows nothing of explanations (explain builds on reasoning)",
            "serkg.reasoning.trivia -> serkg.explain (l.",
            1,
        ),
        (
            "cli/views.py",
            "import serkg.cli.graph",
            "cli: each command family builds on cli.shared, never on another family",
            "serkg.cli.views -> serkg.cli.graph (l.",
            1,
        ),
        (
            "web/api.py",
            "import serkg.web.ui",
            "web: route modules build on the lower web modules, never on each other or on app",
            "serkg.web.api -> serkg.web.ui (l.",
            1,
        ),
    ],
)
def test_one_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, statement: str, contract: str, arrow: str, broken: int
) -> None:
    src = _copy_of_the_package(tmp_path)
    _add_import(src / "serkg" / module, statement)
    done = _lint_imports(tmp_path, src)
    assert done.returncode == 1, done.stdout + done.stderr
    # lint-imports pads the name to a column; a long name runs straight into the verdict
    assert re.search(rf"^{re.escape(contract)} ?BROKEN$", done.stdout, re.M), done.stdout
    assert f"Contracts: {len(CONTRACTS) - broken} kept, {broken} broken." in done.stdout
    assert arrow in done.stdout
