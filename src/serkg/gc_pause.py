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
