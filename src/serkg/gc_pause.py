"""Pausing Python's cycle collector around work that allocates many small acyclic objects.

Reasoning and the JSON-LD and TriG writers make millions of tuples, strings and pyoxigraph
terms; each burst of allocations triggers a collection that walks the whole heap, which in a
build still holds the validation graph. At 100k triples that was 3 s of a 5 s reasoning run, and
writing TriG took 0.2 s or 1.2 s depending on whether a collection struck.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Disable the cycle collector for the block; restore it afterwards, also on errors."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Move every object alive now out of the cycle collector's reach for the block.

    A build holds its loaded graph (millions of terms, tuples and dicts) to the end; each full
    collection walked all of it again (at 1M triples, two thirds of the time of the mapping
    sets). Frozen, they are still freed by reference counting; only cycles among them wait until
    the block ends. Forked children share the parent's pages better too: a collection in the
    child no longer writes to the header of every inherited object.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
