"""Two builds of the same sources write the same bytes (a release must be reproducible)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from serkg.build import ARTEFACTS
from serkg.releases import bundle
from tests.conftest import REPO


def test_two_builds_in_separate_processes_write_byte_identical_artefacts(
    built_dist: Path, tmp_path: Path
) -> None:
    """Another process, another hash seed, another folder: the parser's random blank-node
    labels, the void.ttl partitions and the validation time were what used to differ."""
    other = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "serkg", "build", "--out", str(other), "--quiet"],
        check=True,
        cwd=REPO,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    )
    differing = [
        name
        for name in ARTEFACTS
        if (built_dist / name).read_bytes() != (other / name).read_bytes()
    ]
    assert differing == []
    # the ontology's blank nodes are in every dump: they must be there, named the same
    assert b"_:b" in (other / "serkg.nt").read_bytes()
    # so releases of the two builds list the same hashes for them (the metadata names the day)
    first = bundle.make_release(built_dist, tmp_path / "releases-1", "1.0.0")
    second = bundle.make_release(other, tmp_path / "releases-2", "1.0.0")
    artefacts = [e for e in first.entries if e.name in bundle.ARTEFACTS]
    assert len(artefacts) == len(bundle.ARTEFACTS)
    assert artefacts == [e for e in second.entries if e.name in bundle.ARTEFACTS]
