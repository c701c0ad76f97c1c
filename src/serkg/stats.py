"""Counts over the built store, for ``serkg stats`` and the README."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from serkg.prefixes import compress

_GRAPHS = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY STR(?g)
"""
_CLASSES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdf:type ?class } GROUP BY ?class ORDER BY DESC(?n) STR(?class)
"""


def store_statistics(store: ox.Store) -> dict[str, Any]:
    """Triples per named graph and instances per class (asserted + inferred types)."""
    graphs = {compress(row["g"].value): int(row["n"].value) for row in store.query(_GRAPHS)}  # type: ignore[union-attr]
    classes = {
        compress(row["class"].value): int(row["n"].value)  # type: ignore[union-attr]
        for row in store.query(_CLASSES, use_default_graph_as_union=True)  # type: ignore[union-attr]
        if isinstance(row["class"], ox.NamedNode)  # type: ignore[index]
    }
    return {"graphs": graphs, "classes": classes}
