"""The focus nodes of SHACL-SPARQL shapes, found by queries alone (any store that answers them)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import rdflib

from serkg.checks.sparql_constraints import _target_nodes

EX = "https://example.org/"
DATA = f"""
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:Top .
ex:SubSub rdfs:subClassOf ex:Sub .
ex:a a ex:Sub .
ex:b a ex:Top .
ex:e a ex:SubSub .
ex:f a ex:Other .
ex:c ex:p ex:d .
ex:g ex:q "literal object" .
ex:h a ex:Shape .
"""
SHAPES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:ByClass sh:targetClass ex:Top .
ex:BySubjects sh:targetSubjectsOf ex:p .
ex:ByObjects sh:targetObjectsOf ex:p, ex:q .
ex:ByNode sh:targetNode ex:z .
ex:Shape a sh:NodeShape, rdfs:Class .
"""


class _QueriesOnly:
    """What an incremental build hands over: an object that answers queries, nothing else."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def query(self, text: str, **options: Any) -> Any:
        return self._store.query(text, **options)


def _store() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return store


def _targets(store: Any, shape: str) -> set[str]:
    shapes_g = rdflib.Graph().parse(data=SHAPES, format="turtle")
    found = _target_nodes(store, shapes_g, rdflib.URIRef(EX + shape))
    return {term.value for term in found}


def test_each_kind_of_target_finds_exactly_its_focus_nodes_on_any_store() -> None:
    expected = {
        "ByClass": {f"{EX}a", f"{EX}b", f"{EX}e"},  # subclasses of subclasses included
        "BySubjects": {f"{EX}c"},
        "ByObjects": {f"{EX}d", "literal object"},
        "ByNode": {f"{EX}z"},  # a target node need not be in the data
        "Shape": {f"{EX}h"},  # a shape that is a class targets its instances
    }
    for shape, nodes in expected.items():
        assert _targets(_store(), shape) == nodes, shape
        assert _targets(_QueriesOnly(_store()), shape) == nodes, shape
