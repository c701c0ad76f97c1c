"""Building the test store and reading/writing the golden answers of the named queries.

Shared by the tests and by ``python -m tests.queries.regenerate``, so the goldens are written
exactly the way they are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import resources
from serkg.build import import_module_triples
from serkg.loading import load_knowledge
from serkg.prefixes import ASSERTED_GRAPH, IMPORTS_GRAPH, INFERRED_GRAPH
from serkg.query_model import NamedQuery
from serkg.results import QueryAnswer, serialize_triples
from serkg.store import EmbeddedStore

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGENERATE_COMMAND = "python tests/queries/regenerate.py"


def inferred_triples(asserted: list[ox.Triple]) -> list[ox.Triple]:
    """The OWL 2 RL inferences the build adds (serkg.reasoning), as pyoxigraph triples."""
    from serkg import reasoning

    return list(reasoning.infer(asserted).triples)


def build_store(location: Path | None = None, *, inferred: bool = True) -> EmbeddedStore:
    """The packaged ontology and data, asserted + inferred + imports named graphs, like
    ``serkg build`` (``inferred=False``: without the inferred graph, to check the queries'
    ``inference`` flags)."""
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    asserted = kb.asserted
    raw = ox.Store(str(location)) if location is not None else ox.Store()
    asserted_graph = ox.NamedNode(ASSERTED_GRAPH)
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, asserted_graph) for t in asserted)
    imports_graph = ox.NamedNode(IMPORTS_GRAPH)
    raw.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, imports_graph) for t in import_module_triples()
    )
    if inferred:
        raw.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object, inferred_graph)
            for t in inferred_triples(asserted)
        )
    if location is not None:
        raw.flush()
    return EmbeddedStore(raw, str(location) if location else "memory")


def golden_path(query: NamedQuery) -> Path:
    return GOLDEN_DIR / (query.name + (".nt" if query.form == "graph" else ".json"))


def answer_text(answer: QueryAnswer) -> str:
    """The golden form of an answer: SPARQL JSON results, or sorted N-Triples for a graph."""
    if answer.kind == "graph":
        lines = serialize_triples(answer.triples, "nt").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)))
    return answer.serialize("json")


def comparable(query: NamedQuery, text: str) -> Any:
    """What must be equal: rows in order for SELECT (every query has an ORDER BY), a set of lines
    for graphs, the boolean for ASK."""
    if query.form == "graph":
        return sorted(set(text.splitlines()))
    doc = json.loads(text)
    if "boolean" in doc:
        return doc["boolean"]
    return {"vars": doc["head"]["vars"], "rows": doc["results"]["bindings"]}
