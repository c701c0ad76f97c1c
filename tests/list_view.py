"""A list of triples seen through serkg.checks.incremental's DataView protocol, for tests of the
validation after a change that need no store of their own."""

from __future__ import annotations

import pyoxigraph as ox


class ListView:
    """The data of a list of triples, as serkg.checks.incremental reads it."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples

    def about(self, node: object) -> list[ox.Triple]:
        return [t for t in self.triples if t.subject == node]

    def pointing_at(self, node: object) -> set[object]:
        return {t.subject for t in self.triples if t.object == node}

    def with_predicate(self, predicate: ox.NamedNode) -> list[ox.Triple]:
        return [t for t in self.triples if t.predicate == predicate]

    def sparql(self) -> ox.Store:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.triples)
        return store
