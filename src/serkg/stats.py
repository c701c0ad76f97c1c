"""Counts over the built store, for ``serkg stats`` and the README."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from serkg import resources
from serkg.prefixes import compress


def store_statistics(store: ox.Store) -> dict[str, Any]:
    """Triples per named graph and instances per class (asserted + inferred types)."""
    graphs = {
        compress(str(row[0].value)): int(str(row[1].value))
        for row in _rows(store.query(resources.view_query("stats-graphs")))
    }
    classes = {
        compress(str(row[0].value)): int(str(row[1].value))
        for row in _rows(
            store.query(resources.view_query("stats-classes"), use_default_graph_as_union=True)
        )
    }
    return {"graphs": graphs, "classes": classes}


def _rows(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> list[ox.QuerySolution]:
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("a statistics view must be a SELECT query")
    return list(result)
