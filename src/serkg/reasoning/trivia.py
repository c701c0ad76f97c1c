"""The filters that drop entailments not worth publishing (see :data:`FILTERS`).

Both engines' output goes through the same filters, so their kept triples can be compared
triple for triple; explanations use them to say when a triple is trivia rather than absent.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from serkg.reasoning.ontology import Ontology
from serkg.reasoning.vocabulary import (
    META_CLASSES,
    OWL_SAME_AS,
    OWL_THING,
    RDF_FIRST,
    RDF_REST,
    RDF_TYPE,
    RDFS_DATATYPE,
    RDFS_LITERAL,
    RDFS_RESOURCE,
    SCHEMA_PREDICATES,
    XSD,
    is_builtin,
)

#: every filter, in the order it is applied, and why its triples are not worth publishing
FILTERS: dict[str, str] = {
    "asserted": "re-derived asserted triples: already in the asserted graph",
    "literal_subject": "a literal in subject position (owlrl's datatype rules): not RDF 1.1",
    "same_as_self": "x owl:sameAs x for every resource: true of everything, says nothing",
    "top_class_typing": "rdf:type owl:Thing / rdfs:Resource: true of every individual",
    "builtin_vocabulary": "triples about rdf:/rdfs:/owl:/xsd: terms (axiomatic triples)",
    "schema": "schema-level closure about ontology terms (reflexive subClassOf, "
    "subPropertyOf, equivalentClass, typing of classes and properties)",
    "datatype_typing": "rdf:type to a datatype (xsd:*, rdfs:Literal): typing of literal values",
    "blank_node": "blank nodes the data does not use (rdf:List cells, anonymous restriction "
    "classes, owlrl's error-message nodes)",
    "literal_value_copy": "a literal swapped for another lexical form of the same value "
    '("105.09" for "105.090"), via owl:sameAs between the values of a functional property',
}


def is_schema_triple(t: ox.Triple, ontology: Ontology) -> bool:
    """Whether T states schema (an axiom, a list cell, a fact about an ontology term)."""
    return is_schema_statement(t.subject, t.predicate, t.object, ontology)


def is_schema_statement(s: Any, p: Any, o: Any, ontology: Ontology) -> bool:
    """:func:`is_schema_triple` on the parts of a triple (read once in a loop over many)."""
    return (
        p in SCHEMA_PREDICATES
        or p in (RDF_FIRST, RDF_REST)
        or s in ontology.terms
        or (p == RDF_TYPE and o in META_CLASSES)
    )


def trivia_filter(
    t: ox.Triple, ontology: Ontology, asserted: set[ox.Triple], data_bnodes: set[Any]
) -> str | None:
    """The name of the first filter in :data:`FILTERS` that drops T, or None to keep it."""
    s, p, o = t.subject, t.predicate, t.object
    if t in asserted:
        return "asserted"
    if p == OWL_SAME_AS and s == o:
        return "same_as_self"
    if p == RDF_TYPE and o in (OWL_THING, RDFS_RESOURCE):
        return "top_class_typing"
    if is_builtin(s):
        return "builtin_vocabulary"
    if is_schema_triple(t, ontology):
        return "schema"
    if p == RDF_TYPE and (
        o in (RDFS_LITERAL, RDFS_DATATYPE)
        or (isinstance(o, ox.NamedNode) and o.value.startswith(XSD))
    ):
        return "datatype_typing"
    for term in (s, o):
        if isinstance(term, ox.BlankNode) and term not in data_bnodes:
            return "blank_node"
    return None


def literal_value(literal: Any) -> Any:
    """The value a literal denotes ("1.0" and "1.00" as decimals are one value)."""
    from serkg.terms import python_value

    return (literal.datatype.value, literal.language, python_value(literal))
