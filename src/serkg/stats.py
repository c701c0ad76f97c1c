"""Counts over the built store, for ``serkg stats`` and the README."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from serkg import resources
from serkg.prefixes import compress
from serkg.store import default_dataset


def store_statistics(store: ox.Store) -> dict[str, Any]:
    """Triples per named graph and instances per class (asserted + inferred types)."""
    graphs = {
        compress(str(row[0].value)): int(str(row[1].value))
        for row in _rows(store.query(resources.view_query("stats-graphs")))
    }
    view = resources.view_query("stats-classes")
    classes = {
        compress(str(row[0].value)): int(str(row[1].value))
        for row in _rows(store.query(view, **default_dataset(view)))
    }
    return {"graphs": graphs, "classes": classes}


def _rows(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> list[ox.QuerySolution]:
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("a statistics view must be a SELECT query")
    return list(result)


def markdown_summary(numbers: dict[str, Any], top: int = 20) -> str:
    """The "what the graph holds" block of the README: triples per graph and the TOP classes of
    our vocabulary by instances (asserted + inferred types)."""
    graphs = numbers["graphs"]
    lines = [
        "| graph | triples |",
        "|---|---:|",
        *(f"| {name.rsplit('/', 1)[-1]} | {count:,} |" for name, count in graphs.items()),
        "",
        f"| class (top {top}; `serkg stats` lists all) | instances |",
        "|---|---:|",
    ]
    ours = [(cls, n) for cls, n in numbers["classes"].items() if cls.startswith("sk:")]
    for cls, count in sorted(ours, key=lambda item: (-item[1], item[0]))[:top]:
        lines.append(f"| `{cls}` | {count:,} |")
    return "\n".join(lines) + "\n"
