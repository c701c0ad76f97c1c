"""Reliability test fixtures: the store of the server tests (one build per session)."""

from tests.server.conftest import server_store

__all__ = ["server_store"]
