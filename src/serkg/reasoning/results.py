"""What a reasoning run hands back: the kept triples with their counts, or the clash that stopped it.

Kept apart from the engines because the orchestration, the consistency check and the forked
process all build or raise them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


class InconsistencyError(RuntimeError):
    """The closure contradicts the ontology; ``entities`` are the IRIs involved."""

    def __init__(self, message: str, entities: list[str]) -> None:
        super().__init__(message)
        self.entities = entities


@dataclass
class Inference:
    """What a reasoning run added, after the trivia filters."""

    triples: list[ox.Triple]
    counts_by_kind: dict[str, int]
    dropped_by_filter: dict[str, int]
    engine: str
    seconds: float
    #: owl:sameAs derived between two different terms (kept or dropped as trivia): the next
    #: build may reason over only what its change reaches when this is 0 (:mod:`.incremental`)
    equalities: int = 0
    #: "everything", or "what the change reaches" (:func:`serkg.reasoning.infer_change`)
    scope: str = "everything"
    #: (added, removed) against the previous build's inferences, when known (a change reasoned
    #: over locally): the store is updated by them without comparing all inferences
    difference: tuple[list[ox.Triple], list[ox.Triple]] | None = None
