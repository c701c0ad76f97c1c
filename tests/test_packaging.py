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
