"""Fixtures shared by the whole suite: one real build per test session, and service policy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def services_required() -> bool:
    """In CI (SERKG_REQUIRE_SERVICES=1) a missing service or tool is a failure, not a skip."""
    return os.environ.get("SERKG_REQUIRE_SERVICES") == "1"


def require_tool(name: str, why: str) -> str:
    """Path of executable NAME, or skip (locally) / fail (CI) saying why it is needed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found ({why}); run `make system-deps`"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete `serkg build` of the packaged data, shared read-only by the tests."""
    from serkg.build import build

    out = tmp_path_factory.mktemp("dist")
    build(out)
    return out
