"""Run an engine over the asserted graph, keep only new meaningful triples, stop on inconsistency.

The orchestration: pick the engine (:mod:`.owlrl_engine` or :mod:`.reasonable_engine`), then the
same consistency checks, trivia filters and kind counts for both. Also runs it in a forked
process (:class:`BackgroundInference`) so ``serkg build`` can validate meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg.gc_pause import cyclic_gc_paused
from serkg.reasoning.claims import claims_reasoned_once, replicate_claims
from serkg.reasoning.consistency import check_consistency
from serkg.reasoning.index import TripleIndex
from serkg.reasoning.kinds import KINDS, classify_kind
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.owlrl_engine import run_owlrl
from serkg.reasoning.reasonable_engine import run_reasonable
from serkg.reasoning.results import InconsistencyError, Inference
from serkg.reasoning.trivia import FILTERS, is_schema_triple, literal_value, trivia_filter
from serkg.reasoning.vocabulary import OWL_SAME_AS

if TYPE_CHECKING:
    from serkg.reasoning.incremental import ReasoningChange

ENGINES = ("owlrl", "reasonable")
#: reasonable (with our prp-spo2 / prp-key supplement) is the default because the agreement
#: tests in tests/test_reasoning.py show it yields exactly owlrl's filtered triples on the real
#: data and on a synthetic benchmark graph, 50-100x faster (docs/reasoning.md).
DEFAULT_ENGINE = "reasonable"

#: work on (asserted, inferred) triples that returns triples, run where the inferences are made
Afterwards = Callable[[Sequence[ox.Triple], Sequence[ox.Triple]], list[ox.Triple]]


def infer(asserted: list[ox.Triple], *, engine: str = DEFAULT_ENGINE) -> Inference:
    """Compute the OWL 2 RL closure of ASSERTED (ontology + data) and return the new triples.

    Raises :class:`InconsistencyError` naming the entities when the closure has a clash, and
    ``ValueError`` for an unknown engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown reasoner {engine!r}; choose one of: {', '.join(ENGINES)}")
    with cyclic_gc_paused():
        return _infer(asserted, engine)


class BackgroundInference:
    """:func:`infer` running in a forked process (:mod:`serkg.forked`), overlapping other work.

    ``serkg build`` starts it right after loading and validates meanwhile: reasoning does not
    depend on validation, and a 2-core machine then has both cores busy. :meth:`result` returns
    the same :class:`Inference` (or raises the same errors) as :func:`infer`; :meth:`close`
    stops the process if the result is not wanted.
    """

    def __init__(
        self,
        asserted: list[ox.Triple],
        *,
        engine: str = DEFAULT_ENGINE,
        afterwards: Afterwards | None = None,
        change: ReasoningChange | None = None,
    ) -> None:
        """AFTERWARDS, if given, runs in the same process on the asserted and inferred triples
        once they are known (``serkg build`` counts its VoID statistics there: they read every
        triple, and the reasoner finishes before the validation it overlaps); its triples come
        back with :meth:`afterwards_triples`. CHANGE, if given, says how ASSERTED differs from
        a graph already reasoned over: :func:`serkg.reasoning.incremental.infer_change` runs
        instead of :func:`infer` (same result)."""
        from serkg.forked import Forked

        if engine not in ENGINES:
            raise ValueError(f"unknown reasoner {engine!r}; choose one of: {', '.join(ENGINES)}")
        self._work = Forked(_infer_as_message, asserted, engine, afterwards, change)
        self._afterwards: list[ox.Triple] = []

    def result(self) -> Inference:
        """Wait for the inference (raises :class:`InconsistencyError` as :func:`infer` does)."""
        outcome = self._work.result()
        if outcome[0] == "inconsistent":
            raise InconsistencyError(outcome[1], outcome[2])
        _, ntriples, counts, dropped, engine, seconds, equalities, scope, difference, made = outcome
        triples = _parse_ntriples(ntriples)
        self._afterwards = _parse_ntriples(made)
        if difference is not None:
            difference = (_parse_ntriples(difference[0]), _parse_ntriples(difference[1]))
        return Inference(triples, counts, dropped, engine, seconds, equalities, scope, difference)

    def afterwards_triples(self) -> list[ox.Triple]:
        """What AFTERWARDS returned (after :meth:`result`; empty without AFTERWARDS)."""
        return self._afterwards

    def close(self) -> None:
        """Stop the process if it still runs."""
        self._work.close()

    @property
    def running(self) -> bool:
        return self._work.running


def _infer_as_message(
    asserted: list[ox.Triple],
    engine: str,
    afterwards: Afterwards | None = None,
    change: ReasoningChange | None = None,
) -> tuple[Any, ...]:
    """:func:`infer` (or :func:`serkg.reasoning.incremental.infer_change` after CHANGE), and
    AFTERWARDS on its triples, with a picklable result: triples as N-Triples, an inconsistency
    as data."""
    from serkg.reasoning.incremental import infer_change

    try:
        if change is not None:
            inference = infer_change(asserted, change, engine=engine)
        else:
            inference = infer(asserted, engine=engine)
    except InconsistencyError as exc:
        return ("inconsistent", str(exc), exc.entities)
    made = afterwards(asserted, inference.triples) if afterwards is not None else []
    return (
        "ok",
        _ntriples(inference.triples),
        inference.counts_by_kind,
        inference.dropped_by_filter,
        inference.engine,
        inference.seconds,
        inference.equalities,
        inference.scope,
        None
        if inference.difference is None
        else tuple(_ntriples(part) for part in inference.difference),
        _ntriples(made),
    )


def _ntriples(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _parse_ntriples(data: bytes) -> list[ox.Triple]:
    """The triples of N-Triples DATA, blank node labels kept as written."""
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def _infer(asserted: list[ox.Triple], engine: str, *, claims_once: bool = True) -> Inference:
    started = time.perf_counter()
    ontology = Ontology.from_triples(asserted)
    asserted_set = set(asserted)
    groups: list[list[Any]] = []
    equalities = 0
    if engine == "owlrl":  # the reference reasons over everything
        derived, dropped_at_boundary, engine_errors = run_owlrl(asserted, ontology)
    else:
        if claims_once:
            groups = claims_reasoned_once(asserted, ontology)
        spare = {claim for members in groups for claim in members[1:]}
        reasoned = [t for t in asserted if t.subject not in spare] if spare else asserted
        weights = {str(members[0]): len(members) for members in groups}
        derived, dropped_at_boundary, engine_errors, equalities = run_reasonable(
            reasoned, ontology, weights
        )
        derived = replicate_claims(derived, groups)

    closure = TripleIndex(asserted)
    closure.add_all(derived)
    check_consistency(closure, ontology, engine_errors)

    dropped = dict.fromkeys(FILTERS, 0)
    dropped.update(dropped_at_boundary)
    data_bnodes = {
        term
        for t in asserted
        if not is_schema_triple(t, ontology)
        for term in (t.subject, t.object)
        if isinstance(term, ox.BlankNode)
    }
    literal_predicates = {t.predicate for t in derived if isinstance(t.object, ox.Literal)}
    asserted_values = {
        (t.subject, t.predicate, literal_value(t.object))
        for t in asserted
        if isinstance(t.object, ox.Literal) and t.predicate in literal_predicates
    }
    kept: list[ox.Triple] = []
    for t in derived:
        reason = trivia_filter(t, ontology, asserted_set, data_bnodes)
        is_literal = reason is None and isinstance(t.object, ox.Literal)
        if is_literal and (t.subject, t.predicate, literal_value(t.object)) in asserted_values:
            reason = "literal_value_copy"
        if reason is None:
            kept.append(t)
        else:
            dropped[reason] += 1
    if groups and (equalities or dropped["literal_value_copy"]):
        # two terms (or two spellings of one value) are the same: a claim's parts then matter
        return _infer(asserted, engine, claims_once=False)
    kept.sort(key=str)
    known = closure if len(kept) == len(derived) else TripleIndex([*asserted, *kept])
    counts = dict.fromkeys(KINDS, 0)
    for t in kept:
        counts[classify_kind(t, ontology, known)] += 1
    return Inference(
        triples=kept,
        counts_by_kind=counts,
        dropped_by_filter=dropped,
        engine=engine,
        seconds=time.perf_counter() - started,
        equalities=equalities if engine != "owlrl" else _equalities(derived),
    )


def _equalities(derived: Sequence[ox.Triple]) -> int:
    """owl:sameAs between different terms among DERIVED (owlrl's, whose literal ones are gone)."""
    return sum(1 for t in derived if t.predicate == OWL_SAME_AS and t.subject != t.object)
