"""Per-predicate lookups over a set of triples, shared by the rules, the checks and explanations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox


class TripleIndex:
    """A set of triples with per-predicate lookups, built lazily for the predicates asked about.

    Reading ``Triple.subject`` from pyoxigraph creates a Python object each time, so indexing
    every triple three ways cost seconds at 100k triples; rules and checks only ever look up a
    handful of predicates.
    """

    def __init__(self, triples: Iterable[ox.Triple] = ()) -> None:
        self.triples: set[ox.Triple] = set(triples)
        self._by_p: dict[Any, list[ox.Triple]] | None = None
        self._sp: dict[Any, dict[Any, set[Any]]] = {}
        self._po: dict[Any, dict[Any, set[Any]]] = {}

    def add_all(self, triples: Iterable[ox.Triple]) -> None:
        self.triples.update(triples)
        self._by_p, self._sp, self._po = None, {}, {}

    def __contains__(self, triple: object) -> bool:
        return triple in self.triples

    def with_predicate(self, p: Any) -> list[ox.Triple]:
        if self._by_p is None:
            self._by_p = defaultdict(list)
            for t in self.triples:
                self._by_p[t.predicate].append(t)
        return self._by_p.get(p, [])

    def objects(self, s: Any, p: Any) -> set[Any]:
        if p not in self._sp:
            table: dict[Any, set[Any]] = defaultdict(set)
            for t in self.with_predicate(p):
                table[t.subject].add(t.object)
            self._sp[p] = table
        return self._sp[p].get(s, set())

    def subjects(self, p: Any, o: Any) -> set[Any]:
        if p not in self._po:
            table: dict[Any, set[Any]] = defaultdict(set)
            for t in self.with_predicate(p):
                table[t.object].add(t.subject)
            self._po[p] = table
        return self._po[p].get(o, set())
