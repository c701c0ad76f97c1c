"""Writing the graph in the formats researchers load: Turtle, N-Triples, TriG, compact JSON-LD.

Turtle, N-Triples and TriG are streamed by pyoxigraph (tens of times faster than rdflib);
JSON-LD is compacted by rdflib with the curated ``@context`` in ``ontology/context.jsonld``
(pyoxigraph writes only expanded JSON-LD). Every file is written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import resources, safe_write
from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIX_MAP, SERIALISATION_PREFIXES

EXPORT_FORMATS = ("ttl", "jsonld", "nt", "trig", "nq")
GRAPH_CHOICES = ("asserted", "inferred", "all")
_OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}


def _prefixes() -> dict[str, str]:
    return {p: PREFIX_MAP[p] for p in SERIALISATION_PREFIXES}


def jsonld_context() -> dict[str, Any]:
    """The curated JSON-LD ``@context`` (prefixes and a few short aliases)."""
    with resources.jsonld_context_file().open(encoding="utf-8") as handle:
        context: dict[str, Any] = json.load(handle)["@context"]
    return context


def serialize_triples(triples: Iterable[ox.Triple], fmt: str) -> bytes:
    """Triples as Turtle, N-Triples or compact JSON-LD."""
    if fmt == "jsonld":
        return serialize_jsonld(triples)
    if fmt not in {"ttl", "nt"}:
        raise ValueError(f"triples are written as ttl, nt or jsonld, not {fmt!r}")
    data = ox.serialize(
        list(triples), format=_OX_FORMATS[fmt], prefixes=_prefixes() if fmt == "ttl" else None
    )
    return data or b""


def serialize_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """Compact JSON-LD with the curated context; no remote context is ever fetched."""
    from serkg.terms import triples_to_rdflib_graph

    graph = triples_to_rdflib_graph(triples)
    text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True, indent=1)
    return text.encode("utf-8")


def serialize_dataset(
    asserted: Sequence[ox.Triple], inferred: Sequence[ox.Triple], fmt: str = "trig"
) -> bytes:
    """Asserted and inferred triples in their two named graphs (TriG or N-Quads)."""
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ASSERTED_GRAPH)) for t in asserted
    ]
    quads += [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in inferred
    ]
    data = ox.serialize(
        quads, format=_OX_FORMATS[fmt], prefixes=_prefixes() if fmt == "trig" else None
    )
    return data or b""


def write_triples(path: Path, triples: Iterable[ox.Triple], fmt: str) -> None:
    safe_write.write_bytes(path, serialize_triples(triples, fmt))


def graph_triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    """The triples of one named graph of a built store."""
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def export_from_store(store: ox.Store, fmt: str, graph: str = "all") -> bytes:
    """What ``serkg export`` writes: one graph or both, in FMT, read from the built store."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    if graph not in GRAPH_CHOICES:
        raise ValueError(f"unknown graph {graph!r}; choose one of {', '.join(GRAPH_CHOICES)}")
    asserted = graph_triples(store, ASSERTED_GRAPH) if graph in {"asserted", "all"} else []
    inferred = graph_triples(store, INFERRED_GRAPH) if graph in {"inferred", "all"} else []
    if fmt in {"trig", "nq"}:
        return serialize_dataset(asserted, inferred, fmt)
    return serialize_triples([*asserted, *inferred], fmt)
