"""Small builds for the release tests: the fixture datasets flattened by the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from serkg import export
from serkg.loading import load_knowledge

FIXTURES = Path(__file__).parent / "fixtures"


def flatten(data: Path, out: Path) -> Path:
    """OUT/serkg.ttl as a build writes it for the TriG files of DATA (claims generated)."""
    kb = load_knowledge([], sorted(data.glob("*.trig")))
    out.mkdir(parents=True, exist_ok=True)
    export.write_triples(out / "serkg.ttl", kb.asserted, "ttl")
    return out


@pytest.fixture
def fixture_pair(tmp_path: Path) -> tuple[Path, Path]:
    """The older and the newer fixture dataset, as two build folders named old/ and new/."""
    return flatten(FIXTURES / "old", tmp_path / "old"), flatten(FIXTURES / "new", tmp_path / "new")
