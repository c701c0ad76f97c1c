"""The answer cache: finished answers of the named-query API and of ``/sparql`` queries, kept in
the server process and bounded in bytes.

A served store is a published build: the same request gets the same bytes for as long as the
store is unchanged, so a repeated request is answered without a worker (production endpoints
such as QLever and the Wikidata Query Service cache for the same reason). The key is the
:class:`~serkg.web.jobs.QueryJob` a request becomes, since the job is exactly what a worker
answers from: query text, bound parameters (sorted by name), protocol dataset, base IRI and the
negotiated answer formats (never the raw ``Accept`` text). The server-wide options that also
change an answer (``--max-rows``, ``--allow-service``) are fixed for the cache's life.

Only answers are kept (``("ok", ...)`` outcomes, never refusals, time-outs or errors). The cache
is emptied when the store changes under it: when the server switches to a rebuilt store, and
after every update (``--allow-update``). An answer computed before such a change is not stored
after it (a generation number, taken before the worker is asked, must still hold).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from serkg.web.jobs import QueryJob

if TYPE_CHECKING:
    from fastapi import Request

#: bytes an entry is counted for beyond its answer and query text (key tuple, bookkeeping)
ENTRY_OVERHEAD = 512
#: an answer over this share of the bound is not kept: it would push out many small ones
LARGEST_SHARE = 8
#: the response header that says whether the answer came from the cache
CACHE_HEADER = "X-Serkg-Cache"


def answer_key(job: QueryJob) -> Hashable:
    """Everything in JOB that decides the answer's bytes, hashable; parameters in name order."""
    return tuple(
        (field.name, _frozen(getattr(job, field.name))) for field in dataclasses.fields(job)
    )


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


class AnswerCache:
    """A least-recently-used map from :func:`answer_key` to a worker's ``("ok", ...)`` outcome,
    at most ``max_bytes`` in all (0: off). Used from the event loop only, so no lock."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[tuple[Any, ...], int]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        #: changes whenever the cache is emptied because the store changed
        self.generation = 0
        self._store_switches = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> tuple[Any, ...] | None:
        """The outcome kept for KEY (now the most recently used), or None (counted as a miss)."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, key: Hashable, outcome: tuple[Any, ...], size: int, generation: int) -> None:
        """Keep OUTCOME (SIZE bytes) unless it is not an answer, is too large, or the store
        changed since GENERATION was read; the least recently used entries make room."""
        if outcome[0] != "ok" or generation != self.generation:
            return
        if size > self.max_bytes // LARGEST_SHARE:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.bytes -= previous[1]
        self._entries[key] = (outcome, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.bytes -= evicted

    def clear(self) -> None:
        """Forget every answer: the store they came from changed."""
        self._entries.clear()
        self.bytes = 0
        self.generation += 1

    def follow_store(self, switches: int) -> None:
        """Empty the cache when the server has switched stores SWITCHES times, not as before."""
        if switches != self._store_switches:
            self._store_switches = switches
            self.clear()

    def stats(self) -> dict[str, int]:
        """What ``GET /api/cache`` answers."""
        return {
            "max_bytes": self.max_bytes,
            "bytes": self.bytes,
            "entries": len(self._entries),
            "hits": self.hits,
            "misses": self.misses,
        }


def entry_size(job: QueryJob, outcome: tuple[Any, ...]) -> int:
    """Bytes an entry is counted for: its answer, the texts of its key (query, graph IRIs,
    bound values) and a fixed overhead."""
    data = outcome[3] if outcome[0] == "ok" else b""
    texts = [*(job.default_graphs or ()), *(job.named_graphs or ()), job.base_iri or ""]
    texts += [str(term) for term in job.bindings.values()]
    return len(data) + len(job.sparql.encode("utf-8")) + sum(map(len, texts)) + ENTRY_OVERHEAD


async def run_cached(request: Request, job: QueryJob) -> tuple[tuple[Any, ...], str | None]:
    """The outcome of JOB, from the cache when an identical job was answered on this store,
    and ``"hit"``, ``"miss"`` or None (the cache is off, or JOB is an update or raw).

    An update empties the cache afterwards, whatever its outcome (a timed-out update may have
    been applied before its worker was stopped)."""
    cache: AnswerCache = request.app.state.answers
    pools = request.app.state.pools
    if job.update:
        try:
            return await pools.run(job), None
        finally:
            cache.clear()
    if not cache.enabled or job.raw:
        return await pools.run(job), None
    await pools.current()  # a hit must not outlive the store it came from: follow the link
    cache.follow_store(pools.switches)
    key = answer_key(job)
    kept = cache.get(key)
    if kept is not None:
        return kept, "hit"
    generation = cache.generation
    outcome = await pools.run(job)
    cache.follow_store(pools.switches)
    cache.put(key, outcome, entry_size(job, outcome), generation)
    return outcome, "miss"
