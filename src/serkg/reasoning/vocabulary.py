"""The RDF, RDFS, OWL and XSD terms the rules, filters and checks compare against.

One place for them, built once at import, so the ontology index, rules, filters, checks and
explanations all compare against the same pyoxigraph terms.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)

RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")
RDFS_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
RDFS_SUBPROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
RDFS_DOMAIN = ox.NamedNode(RDFS + "domain")
RDFS_RANGE = ox.NamedNode(RDFS + "range")
OWL_SAME_AS = ox.NamedNode(OWL + "sameAs")
OWL_DIFFERENT_FROM = ox.NamedNode(OWL + "differentFrom")
OWL_THING = ox.NamedNode(OWL + "Thing")
OWL_NOTHING = ox.NamedNode(OWL + "Nothing")
RDFS_RESOURCE = ox.NamedNode(RDFS + "Resource")
OWL_INVERSE_OF = ox.NamedNode(OWL + "inverseOf")
OWL_EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
OWL_EQUIVALENT_PROPERTY = ox.NamedNode(OWL + "equivalentProperty")
OWL_DISJOINT_WITH = ox.NamedNode(OWL + "disjointWith")
OWL_PROPERTY_DISJOINT_WITH = ox.NamedNode(OWL + "propertyDisjointWith")
OWL_PROPERTY_CHAIN = ox.NamedNode(OWL + "propertyChainAxiom")
OWL_HAS_KEY = ox.NamedNode(OWL + "hasKey")
OWL_MEMBERS = ox.NamedNode(OWL + "members")
OWL_DISTINCT_MEMBERS = ox.NamedNode(OWL + "distinctMembers")
OWL_ON_PROPERTY = ox.NamedNode(OWL + "onProperty")
OWL_HAS_VALUE = ox.NamedNode(OWL + "hasValue")
OWL_SOME_VALUES_FROM = ox.NamedNode(OWL + "someValuesFrom")
OWL_INTERSECTION_OF = ox.NamedNode(OWL + "intersectionOf")
OWL_ALL_DISJOINT_CLASSES = ox.NamedNode(OWL + "AllDisjointClasses")
OWL_ALL_DIFFERENT = ox.NamedNode(OWL + "AllDifferent")
OWL_TRANSITIVE = ox.NamedNode(OWL + "TransitiveProperty")
OWL_SYMMETRIC = ox.NamedNode(OWL + "SymmetricProperty")
OWL_ASYMMETRIC = ox.NamedNode(OWL + "AsymmetricProperty")
OWL_IRREFLEXIVE = ox.NamedNode(OWL + "IrreflexiveProperty")
OWL_FUNCTIONAL = ox.NamedNode(OWL + "FunctionalProperty")
OWL_INVERSE_FUNCTIONAL = ox.NamedNode(OWL + "InverseFunctionalProperty")
RDFS_LITERAL = ox.NamedNode(RDFS + "Literal")
RDFS_DATATYPE = ox.NamedNode(RDFS + "Datatype")

#: predicates that state schema, not facts about entities
SCHEMA_PREDICATES = frozenset(
    ox.NamedNode(OWL + name) if name[0] != "_" else ox.NamedNode(RDFS + name[1:])
    for name in (
        "_subClassOf",
        "_subPropertyOf",
        "_domain",
        "_range",
        "equivalentClass",
        "equivalentProperty",
        "inverseOf",
        "disjointWith",
        "propertyDisjointWith",
        "propertyChainAxiom",
        "onProperty",
        "hasKey",
        "disjointUnionOf",
        "complementOf",
        "unionOf",
        "intersectionOf",
        "oneOf",
        "someValuesFrom",
        "allValuesFrom",
        "hasValue",
        "maxCardinality",
        "maxQualifiedCardinality",
        "onClass",
        "members",
    )
)
#: rdf:type objects that make the subject an ontology term
META_CLASSES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        OWL + "Class",
        RDFS + "Class",
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        RDF + "Property",
        OWL + "TransitiveProperty",
        OWL + "SymmetricProperty",
        OWL + "AsymmetricProperty",
        OWL + "ReflexiveProperty",
        OWL + "IrreflexiveProperty",
        OWL + "FunctionalProperty",
        OWL + "InverseFunctionalProperty",
        OWL + "Ontology",
        OWL + "Restriction",
        RDFS + "Datatype",
        OWL + "AllDisjointClasses",
        OWL + "AllDifferent",
        OWL + "OntologyProperty",
        OWL + "DeprecatedClass",
        OWL + "DeprecatedProperty",
        OWL + "AllDisjointProperties",
    )
)


#: rdflib IRIs of the trivia dropped before conversion back to pyoxigraph (the bulk of the output)
TOP_CLASS_IRIS = (OWL + "Thing", RDFS + "Resource")


def is_builtin(term: Any) -> bool:
    """Whether TERM is an IRI in the rdf:, rdfs:, owl: or xsd: namespace."""
    return isinstance(term, ox.NamedNode) and term.value.startswith(BUILTIN_NAMESPACES)
