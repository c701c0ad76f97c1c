"""Project fixtures: a fresh `serkg init` folder, and one built project shared by the module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from serkg.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
THREONINE = "https://w3id.org/serkg/id/l-threonine"


def serkg(*args: str | Path) -> Result:
    """Run the real CLI in this process."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def serkg_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process: for `serkg validate`, which cuts its own process off
    the network (and would cut the test process off with it)."""
    return subprocess.run(
        [sys.executable, "-m", "serkg", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def new_project(folder: Path, *extra: str) -> Path:
    result = serkg("init", folder, *extra)
    assert result.exit_code == 0, result.output
    return folder


def add_threonine(project: Path) -> None:
    """The fixture compound (TriG claim bundle) and the fixture project query."""
    shutil.copy(FIXTURES / "l-threonine.trig", project / "data" / "l-threonine.trig")
    shutil.copy(FIXTURES / "compounds-by-formula.rq", project / "queries")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new project (packaged dataset included) holding the fixture compound and query."""
    folder = new_project(tmp_path / "cat")
    add_threonine(folder)
    return folder


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the fixture compound, query, an ontology module and a shape (both with
    owl:imports of an http IRI), built once by `serkg build --project` into its dist/."""
    folder = new_project(tmp_path_factory.mktemp("built") / "cat")
    add_threonine(folder)
    shutil.copy(FIXTURES / "amino-acids.ttl", folder / "ontology")
    shutil.copy(FIXTURES / "threonine-shapes.ttl", folder / "shapes")
    result = serkg("build", "--quiet", "--project", folder)
    assert result.exit_code == 0, result.output
    return folder
