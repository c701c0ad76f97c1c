"""RDF terms at the boundary between pyoxigraph (the fast store) and rdflib (validation, reasoning).

pyoxigraph types plain literals as ``xsd:string`` while rdflib keeps them untyped, and rdflib
treats the two as different values: mixed naively, lookups miss and merges duplicate triples.
Every conversion goes through this module, which normalises ``xsd:string`` to a plain literal.

rdflib rewrites the lexical form of some ill-typed literals (``"none"^^xsd:boolean`` becomes
``"false"``, flagged ``ill_typed``): an ill-typed literal keeps its own lexical form here, both
ways, so it stays ill-typed and SHACL still reports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from serkg import vocab
from serkg.prefixes import PREFIX_MAP

XSD = PREFIX_MAP["xsd"]
XSD_STRING = vocab.XSD.string

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def ox_to_rdflib(term: Any) -> Any:
    """Convert a pyoxigraph term to the equal rdflib term (plain literals stay untyped)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        literal = Literal(term.value, datatype=URIRef(datatype))
        if literal.ill_typed and str(literal) != term.value:  # keep the ill-typed lexical form
            literal = Literal(term.value, datatype=URIRef(datatype), normalize=False)
        return literal
    raise TypeError(f"unsupported pyoxigraph term {term!r}")


def rdflib_to_ox(term: Any) -> OxTerm:
    """Convert an rdflib term to pyoxigraph (plain literals become ``xsd:string``, as in RDF 1.1)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is None:
            return ox.Literal(str(term))
        if (
            term.ill_typed
            and not Literal(str(term), datatype=term.datatype, normalize=False).ill_typed
        ):
            raise ValueError(
                f"rdflib rewrote an ill-typed {term.datatype} literal to {str(term)!r}: its own "
                "lexical form is lost (parse the file with serkg or pyoxigraph instead)"
            )
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    raise TypeError(f"unsupported rdflib term {term!r}")


def triples_to_rdflib_graph(triples: Iterable[ox.Triple | ox.Quad], graph: Any = None) -> Any:
    """Add pyoxigraph triples (or the triple part of quads) to an rdflib Graph and return it."""
    from rdflib import Graph

    target = Graph() if graph is None else graph
    add = target.add
    converted: dict[Any, Any] = {}  # terms repeat (classes, predicates, sources): convert once

    def term(t: Any) -> Any:
        found = converted.get(t)
        if found is None:
            found = converted[t] = ox_to_rdflib(t)
        return found

    for t in triples:
        add((term(t.subject), term(t.predicate), term(t.object)))
    return target


def rdflib_graph_to_triples(graph: Iterable[tuple[Any, Any, Any]]) -> Iterator[ox.Triple]:
    for s, p, o in graph:
        yield ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o))  # type: ignore[arg-type]


def python_value(term: OxTerm | None) -> Any:
    """A Python value for a term: IRIs and blank nodes as strings, literals as native values."""
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return term.value if isinstance(term, ox.NamedNode) else "_:" + term.value
    datatype = term.datatype.value
    text = term.value
    try:
        if datatype in {
            XSD + "integer",
            XSD + "nonNegativeInteger",
            XSD + "positiveInteger",
            XSD + "int",
            XSD + "long",
        }:
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in {XSD + "double", XSD + "float"}:
            return float(text)
        if datatype == XSD + "boolean":
            return text in {"true", "1"}
        if datatype == XSD + "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        return text
    return text


def term_to_ntriples(term: OxTerm) -> str:
    """The N-Triples form of a term (``str()`` of a pyoxigraph term is exactly that)."""
    return str(term)
