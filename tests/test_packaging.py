"""The wheel carries the knowledge files, and `pip install .` + `serkg build` works anywhere."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import rdflib

import serkg
from serkg import resources

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (path,) = out.glob("serkg-*.whl")
    return path


def _repo_files(folder: str, pattern: str) -> set[str]:
    return {
        p.relative_to(REPO / folder).as_posix()
        for p in (REPO / folder).rglob(pattern)
        if p.is_file()
    }


@pytest.mark.slow
def test_wheel_contains_ontology_data_shapes_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in resources.ASSET_FOLDERS:
        expected = _repo_files(folder, "*")
        expected = {name for name in expected if "__pycache__" not in name}
        packaged = {
            n.removeprefix(f"serkg/_assets/{folder}/")
            for n in names
            if n.startswith(f"serkg/_assets/{folder}/")
        }
        assert expected and expected <= packaged, f"{folder}: missing {sorted(expected - packaged)}"
    assert "serkg/py.typed" in names


@pytest.mark.slow
def test_pip_install_then_build_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = venv / "bin" / "pip"
    subprocess.run(
        [str(pip), "install", "--quiet", str(wheel)], check=True, capture_output=True, timeout=900
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = work / "somedir"
    result = subprocess.run(
        [str(venv / "bin" / "serkg"), "build", "--out", str(out)],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(rdflib.Graph().parse(out / "serkg.ttl")) > 1000
    assert (out / "store" / "CURRENT").exists()


def test_versions_agree() -> None:
    ontology = rdflib.Graph().parse(resources.ontology_file())
    info = ontology.value(rdflib.URIRef("https://w3id.org/serkg/vocab"), rdflib.OWL.versionInfo)
    assert str(info) == serkg.__version__
    version_iri = ontology.value(
        rdflib.URIRef("https://w3id.org/serkg/vocab"), rdflib.OWL.versionIRI
    )
    assert str(version_iri) == f"https://w3id.org/serkg/releases/{serkg.__version__}/vocab"
    assert re.fullmatch(r"\d+\.\d+\.\d+", serkg.__version__)


@pytest.mark.slow
def test_a_new_users_project_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    """Issue 16's acceptance, as a new user: only the wheel installed, outside the checkout,
    `serkg init`, a curation card and a TriG data file for two new compounds, `serkg build`, the
    compounds' profiles, and the project's own query in `serkg queries` and at
    /api/queries/<name> of `serkg serve`."""
    import os
    import shutil

    import httpx

    from tests.conftest import free_port, start_serving, stop_serving

    fixtures = REPO / "tests" / "projects" / "fixtures"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(venv / "bin" / "serkg"), *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    catalogue = tmp_path / "cat"
    run("init", str(catalogue), cwd=tmp_path)
    shutil.copy(fixtures / "l-threonine.trig", catalogue / "data")
    shutil.copy(fixtures / "compounds-by-formula.rq", catalogue / "queries")
    shutil.copy(REPO / "tests" / "cards" / "fixtures" / "taurine.yaml", catalogue / "cards")
    run("build", "--quiet", cwd=catalogue)
    assert (catalogue / "dist" / "store" / "CURRENT").exists()
    profile = run(
        "query",
        "compound-profile",
        "--param",
        "compound=kg:l-threonine",
        "--format",
        "csv",
        cwd=catalogue,
    )
    assert [line.split(",")[3] for line in profile.stdout.splitlines()[1:]] == [
        "L-threonine",
        "L-Thr",
        "72-19-5",
        "C4H9NO3",
        "119.12",
    ]
    card_profile = run(
        "query", "compound-profile", "--param", "compound=kg:taurine", "--format", "csv",
        cwd=catalogue,
    )  # fmt: skip
    values = [line.split(",")[3] for line in card_profile.stdout.splitlines()[1:]]
    assert values[:2] == ["taurine", "2-aminoethanesulfonic acid"]
    assert "107-35-7" in values and "C2H7NO3S" in values
    listed = run("queries", "--format", "json", cwd=catalogue / "data")
    assert '"name": "compounds-by-formula"' in listed.stdout

    port = free_port()
    server = start_serving(
        [str(venv / "bin" / "serkg"), "serve", "--port", str(port)],
        tmp_path / "server.log",
        cwd=catalogue,
        env=env,
    )
    url = f"http://127.0.0.1:{port}/api/queries/compounds-by-formula"
    try:
        response = httpx.get(url, params={"formula": "C4H9NO3", "format": "json"}, timeout=60)
        assert response.status_code == 200, response.text
        bindings = response.json()["results"]["bindings"]
        assert [b["label"]["value"] for b in bindings] == ["L-threonine"]
    finally:
        stop_serving(server)
