"""The store every query test runs on: the packaged ontology and data, asserted + inferred."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_io import build_store

from serkg.store import EmbeddedStore


@pytest.fixture(scope="session")
def kg_store() -> EmbeddedStore:
    """An in-memory pyoxigraph store built like ``serkg build`` builds its store."""
    return build_store()


@pytest.fixture(scope="session")
def kg_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same store persisted to a folder (for the CLI and the Python API)."""
    folder = tmp_path_factory.mktemp("query-store") / "store"
    store = build_store(folder)
    del store
    return folder


@pytest.fixture(scope="session")
def asserted_store() -> EmbeddedStore:
    """The asserted graph alone: what an endpoint without the inferred graph would hold."""
    return build_store(inferred=False)
