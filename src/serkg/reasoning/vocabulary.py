"""The RDF, RDFS, OWL and XSD terms the rules, filters and checks compare against.

The IRIs come from :mod:`serkg.vocab` (one home, closed namespaces); here they are bound once as
pyoxigraph terms, so the ontology index, rules, filters, checks and explanations all compare
against the same objects.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from serkg.prefixes import PREFIX_MAP
from serkg.vocab import OWL as OWL_TERMS
from serkg.vocab import RDF as RDF_TERMS
from serkg.vocab import RDFS as RDFS_TERMS

RDF = PREFIX_MAP["rdf"]
RDFS = PREFIX_MAP["rdfs"]
OWL = PREFIX_MAP["owl"]
XSD = PREFIX_MAP["xsd"]
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)

# module constants (not ``RDF_TERMS.type.node`` at each use): the rules compare in hot loops
RDF_TYPE = RDF_TERMS.type.node
RDF_FIRST = RDF_TERMS.first.node
RDF_REST = RDF_TERMS.rest.node
RDF_NIL = RDF_TERMS.nil.node
RDFS_SUBCLASS = RDFS_TERMS.subClassOf.node
RDFS_SUBPROPERTY = RDFS_TERMS.subPropertyOf.node
RDFS_DOMAIN = RDFS_TERMS.domain.node
RDFS_RANGE = RDFS_TERMS.range.node
OWL_SAME_AS = OWL_TERMS.sameAs.node
OWL_DIFFERENT_FROM = OWL_TERMS.differentFrom.node
OWL_THING = OWL_TERMS.Thing.node
OWL_NOTHING = OWL_TERMS.Nothing.node
RDFS_RESOURCE = RDFS_TERMS.Resource.node
OWL_INVERSE_OF = OWL_TERMS.inverseOf.node
OWL_EQUIVALENT_CLASS = OWL_TERMS.equivalentClass.node
OWL_EQUIVALENT_PROPERTY = OWL_TERMS.equivalentProperty.node
OWL_DISJOINT_WITH = OWL_TERMS.disjointWith.node
OWL_PROPERTY_DISJOINT_WITH = OWL_TERMS.propertyDisjointWith.node
OWL_PROPERTY_CHAIN = OWL_TERMS.propertyChainAxiom.node
OWL_HAS_KEY = OWL_TERMS.hasKey.node
OWL_MEMBERS = OWL_TERMS.members.node
OWL_DISTINCT_MEMBERS = OWL_TERMS.distinctMembers.node
OWL_ON_PROPERTY = OWL_TERMS.onProperty.node
OWL_HAS_VALUE = OWL_TERMS.hasValue.node
OWL_SOME_VALUES_FROM = OWL_TERMS.someValuesFrom.node
OWL_INTERSECTION_OF = OWL_TERMS.intersectionOf.node
OWL_ALL_DISJOINT_CLASSES = OWL_TERMS.AllDisjointClasses.node
OWL_ALL_DIFFERENT = OWL_TERMS.AllDifferent.node
OWL_TRANSITIVE = OWL_TERMS.TransitiveProperty.node
OWL_SYMMETRIC = OWL_TERMS.SymmetricProperty.node
OWL_ASYMMETRIC = OWL_TERMS.AsymmetricProperty.node
OWL_IRREFLEXIVE = OWL_TERMS.IrreflexiveProperty.node
OWL_FUNCTIONAL = OWL_TERMS.FunctionalProperty.node
OWL_INVERSE_FUNCTIONAL = OWL_TERMS.InverseFunctionalProperty.node
RDFS_LITERAL = RDFS_TERMS.Literal.node
RDFS_DATATYPE = RDFS_TERMS.Datatype.node

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
