"""The reference engine: owlrl (pure Python, complete for our rules, minutes at 100k triples).

Its input and output are rdflib terms; :class:`RdflibBoundary` converts them and drops the cheapest
trivia before the conversion back to pyoxigraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.ontology import Ontology
from serkg.reasoning.vocabulary import (
    OWL,
    RDF,
    TOP_CLASS_IRIS,
    XSD,
)


class RdflibBoundary:
    """Engine output (rdflib terms) -> new pyoxigraph triples, dropping the cheapest trivia first.

    Literals go to the engines typed ``xsd:string`` explicitly, as ``reasonable`` returns them,
    so that an rdflib-side set difference finds the new triples without converting everything.
    """

    def __init__(self, asserted: Sequence[ox.Triple]) -> None:
        from rdflib import Literal, URIRef

        from serkg.terms import ox_to_rdflib

        self.literal_type = Literal
        self.seen: set[tuple[Any, Any, Any]] = set()
        self.input: list[tuple[Any, Any, Any]] = []
        xsd_string = URIRef(XSD + "string")

        def convert(term: Any) -> Any:
            if isinstance(term, ox.Literal) and not term.language:
                return Literal(term.value, datatype=URIRef(term.datatype.value))
            return ox_to_rdflib(term)

        for t in asserted:
            triple = (convert(t.subject), convert(t.predicate), convert(t.object))
            self.input.append(triple)
            self.seen.add(triple)
            if isinstance(triple[2], Literal) and triple[2].datatype == xsd_string:
                self.seen.add((triple[0], triple[1], Literal(str(triple[2]))))
        self.dropped = {"literal_subject": 0, "same_as_self": 0, "top_class_typing": 0}
        self.type_iri = RDF + "type"
        self.same_as_iri = OWL + "sameAs"

    def new_triples(self, output: Iterable[tuple[Any, Any, Any]]) -> list[ox.Triple]:
        """Triples of OUTPUT not seen before, converted; trivia counted in :attr:`dropped`."""
        from serkg.terms import rdflib_to_ox

        derived: list[ox.Triple] = []
        seen, dropped, literal = self.seen, self.dropped, self.literal_type
        for triple in output:
            if triple in seen:
                continue
            seen.add(triple)
            s, p, o = triple
            if isinstance(s, literal):
                dropped["literal_subject"] += 1
            elif p == self.same_as_iri and s == o:
                dropped["same_as_self"] += 1
            elif p == self.type_iri and str(o) in TOP_CLASS_IRIS:
                dropped["top_class_typing"] += 1
            else:
                derived.append(ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o)))  # type: ignore[arg-type]
        return derived


def run_owlrl(
    asserted: Sequence[ox.Triple], ontology: Ontology
) -> tuple[list[ox.Triple], dict[str, int], list[str]]:
    """owlrl's OWL-RL semantics (no RDFS closure, no axiomatic triples: both only add trivia)."""
    import owlrl
    from rdflib import Graph

    boundary = RdflibBoundary(asserted)
    graph = Graph()
    for triple in boundary.input:
        graph.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    errors = [str(o) for o in graph.objects(None, owlrl.Namespaces.ERRNS.error)]
    return boundary.new_triples(graph), boundary.dropped, errors
