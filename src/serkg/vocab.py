"""Closed vocabularies: the ontology and standard terms serkg's code names, from one place.

Each namespace class lists the terms serkg uses; a typo (``SK.hasTraget``) fails at once
(mypy flags it, and at run time the lookup raises naming the namespace), instead of quietly
matching nothing in a query. Namespaces come from :data:`serkg.prefixes.PREFIX_MAP`, so the two
cannot drift. A term is a :class:`VocabTerm`: the IRI string itself (it compares and hashes as the
``str``), with its pyoxigraph ``NamedNode`` built once on first use (``SK.Claim.node``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, cast

import pyoxigraph as ox

from serkg.prefixes import PREFIX_MAP, compact_iri


class VocabTerm(str):
    """A vocabulary IRI: usable wherever the IRI string is, with a cached pyoxigraph form."""

    @cached_property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(str(self))


class _ClosedNamespaceType(type):
    """Fills each annotated name of a namespace class with its :class:`VocabTerm`."""

    _namespace: str
    _terms: dict[str, VocabTerm]

    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, object]
    ) -> _ClosedNamespaceType:
        cls = super().__new__(mcs, name, bases, attrs)
        namespace = attrs.get("_namespace")
        if isinstance(namespace, str):
            declared = cast("dict[str, object]", attrs.get("__annotations__", {}))
            names = [n for n in declared if not n.startswith("_")]
            # a trailing "_" spells a Python keyword: SH.in_ is sh:in
            cls._terms = {n: VocabTerm(namespace + n.removesuffix("_")) for n in names}
            for attribute, term in cls._terms.items():
                setattr(cls, attribute, term)
        return cls

    if not TYPE_CHECKING:  # mypy reports unknown terms itself; at run time, say where to look

        def __getattr__(cls, name: str) -> VocabTerm:
            if name.startswith("__"):
                raise AttributeError(name)
            raise AttributeError(
                f"{name!r} is not a term of {cls.__name__} ({cls._namespace}); "
                f"declare it in serkg/vocab.py"
            )

    def __iter__(cls) -> Iterator[VocabTerm]:
        return iter(cls._terms.values())

    def __contains__(cls, iri: object) -> bool:
        return iri in cls._terms.values()


class ClosedNamespace(metaclass=_ClosedNamespaceType):
    """Base of the vocabulary classes: declare each term as ``name: VocabTerm``."""

    _namespace: ClassVar[str]


class SK(ClosedNamespace):
    """The serkg ontology terms code refers to (a test keeps them in ``ontology/serkg.ttl``)."""

    _namespace = PREFIX_MAP["sk"]
    ChemicalCompound: VocabTerm
    Claim: VocabTerm
    ClinicalTrial: VocabTerm
    Change: VocabTerm
    ClaimAdded: VocabTerm
    ClaimRemoved: VocabTerm
    ConflictClosed: VocabTerm
    ConflictOpened: VocabTerm
    FactAdded: VocabTerm
    FactRemoved: VocabTerm
    IdentifierAdded: VocabTerm
    IdentifierRemoved: VocabTerm
    IdentifierReplaced: VocabTerm
    SourceConflict: VocabTerm
    ValueChanged: VocabTerm
    changedEntity: VocabTerm
    changedProperty: VocabTerm
    conflictTopic: VocabTerm
    evidenceLevel: VocabTerm
    hasClaim: VocabTerm
    newValue: VocabTerm
    oldValue: VocabTerm
    sourceSection: VocabTerm
    Disease: VocabTerm
    Phase2Phase3: VocabTerm
    Phase3: VocabTerm
    Phase4: VocabTerm
    actsOnProcess: VocabTerm
    averageMass: VocabTerm
    casNumber: VocabTerm
    claimObject: VocabTerm
    claimPredicate: VocabTerm
    claimSubject: VocabTerm
    design: VocabTerm
    hasTarget: VocabTerm
    inchi: VocabTerm
    inchiKey: VocabTerm
    iupacName: VocabTerm
    massUnit: VocabTerm
    molecularFormula: VocabTerm
    monoisotopicMass: VocabTerm
    productCategory: VocabTerm
    smiles: VocabTerm
    sponsor: VocabTerm
    studiesCondition: VocabTerm
    supportedBy: VocabTerm
    targets: VocabTerm


class RDF(ClosedNamespace):
    _namespace = PREFIX_MAP["rdf"]
    type: VocabTerm
    first: VocabTerm
    rest: VocabTerm
    nil: VocabTerm
    langString: VocabTerm
    Property: VocabTerm
    Statement: VocabTerm


class RDFS(ClosedNamespace):
    _namespace = PREFIX_MAP["rdfs"]
    Class: VocabTerm
    Resource: VocabTerm
    Literal: VocabTerm
    label: VocabTerm
    comment: VocabTerm
    subClassOf: VocabTerm
    subPropertyOf: VocabTerm
    domain: VocabTerm
    range: VocabTerm
    isDefinedBy: VocabTerm
    seeAlso: VocabTerm
    Datatype: VocabTerm


class OWL(ClosedNamespace):
    _namespace = PREFIX_MAP["owl"]
    Class: VocabTerm
    Ontology: VocabTerm
    ObjectProperty: VocabTerm
    DatatypeProperty: VocabTerm
    AnnotationProperty: VocabTerm
    FunctionalProperty: VocabTerm
    NamedIndividual: VocabTerm
    Restriction: VocabTerm
    Thing: VocabTerm
    deprecated: VocabTerm
    equivalentClass: VocabTerm
    imports: VocabTerm
    inverseOf: VocabTerm
    sameAs: VocabTerm
    versionIRI: VocabTerm
    versionInfo: VocabTerm
    Nothing: VocabTerm
    AllDifferent: VocabTerm
    AllDisjointClasses: VocabTerm
    TransitiveProperty: VocabTerm
    SymmetricProperty: VocabTerm
    AsymmetricProperty: VocabTerm
    IrreflexiveProperty: VocabTerm
    InverseFunctionalProperty: VocabTerm
    differentFrom: VocabTerm
    disjointWith: VocabTerm
    distinctMembers: VocabTerm
    equivalentProperty: VocabTerm
    hasKey: VocabTerm
    hasValue: VocabTerm
    intersectionOf: VocabTerm
    members: VocabTerm
    onProperty: VocabTerm
    propertyChainAxiom: VocabTerm
    propertyDisjointWith: VocabTerm
    someValuesFrom: VocabTerm


class XSD(ClosedNamespace):
    _namespace = PREFIX_MAP["xsd"]
    string: VocabTerm
    boolean: VocabTerm
    integer: VocabTerm
    nonNegativeInteger: VocabTerm
    decimal: VocabTerm
    double: VocabTerm
    float: VocabTerm
    date: VocabTerm
    dateTime: VocabTerm
    gYear: VocabTerm
    gYearMonth: VocabTerm
    anyURI: VocabTerm


class SH(ClosedNamespace):
    _namespace = PREFIX_MAP["sh"]
    ValidationReport: VocabTerm
    ValidationResult: VocabTerm
    NodeShape: VocabTerm
    PropertyShape: VocabTerm
    Violation: VocabTerm
    Warning: VocabTerm
    Info: VocabTerm
    conforms: VocabTerm
    result: VocabTerm
    focusNode: VocabTerm
    resultPath: VocabTerm
    resultSeverity: VocabTerm
    resultMessage: VocabTerm
    sourceShape: VocabTerm
    sourceConstraintComponent: VocabTerm
    value: VocabTerm
    path: VocabTerm
    targetClass: VocabTerm
    in_: VocabTerm
    # SHACL-AF executables and parameters: the named queries published as RDF
    SPARQLExecutable: VocabTerm
    SPARQLSelectExecutable: VocabTerm
    SPARQLConstructExecutable: VocabTerm
    SPARQLAskExecutable: VocabTerm
    select: VocabTerm
    construct: VocabTerm
    ask: VocabTerm
    parameter: VocabTerm
    name: VocabTerm
    description: VocabTerm
    datatype: VocabTerm
    nodeKind: VocabTerm
    IRI: VocabTerm
    defaultValue: VocabTerm
    optional: VocabTerm
    order: VocabTerm


class SH_EXAMPLES(ClosedNamespace):
    """Terms in the SHACL namespace that SHACL does not define: the SIB SPARQL examples' spelling
    for the text of a DESCRIBE query, which SHACL-AF has no executable for."""

    _namespace = PREFIX_MAP["sh"]
    describe: VocabTerm


class SKOS(ClosedNamespace):
    _namespace = PREFIX_MAP["skos"]
    altLabel: VocabTerm
    broadMatch: VocabTerm
    closeMatch: VocabTerm
    definition: VocabTerm
    exactMatch: VocabTerm
    example: VocabTerm
    narrowMatch: VocabTerm
    prefLabel: VocabTerm
    relatedMatch: VocabTerm
    scopeNote: VocabTerm


class DCTERMS(ClosedNamespace):
    _namespace = PREFIX_MAP["dcterms"]
    title: VocabTerm
    description: VocabTerm
    created: VocabTerm
    creator: VocabTerm
    issued: VocabTerm
    hasVersion: VocabTerm
    modified: VocabTerm
    license: VocabTerm
    source: VocabTerm
    identifier: VocabTerm
    isPartOf: VocabTerm


class SCHEMA_HTTPS(ClosedNamespace):
    """schema.org as the SIB SPARQL examples spell it (``https:``, where the ontology and data
    use ``http://schema.org/``): the tools that read SPARQL examples look for these IRIs."""

    _namespace = "https://schema.org/"
    target: VocabTerm
    keywords: VocabTerm


class NP(ClosedNamespace):
    """The nanopublication schema (not in the prefix map: only the nanopub export writes it)."""

    _namespace = "http://www.nanopub.org/nschema#"
    Nanopublication: VocabTerm
    hasAssertion: VocabTerm
    hasProvenance: VocabTerm
    hasPublicationInfo: VocabTerm


class SCHEMA(ClosedNamespace):
    _namespace = PREFIX_MAP["schema"]
    url: VocabTerm


class PROV(ClosedNamespace):
    _namespace = PREFIX_MAP["prov"]
    Entity: VocabTerm
    Activity: VocabTerm
    wasDerivedFrom: VocabTerm
    wasGeneratedBy: VocabTerm
    generatedAtTime: VocabTerm
    wasAttributedTo: VocabTerm
    used: VocabTerm
    Derivation: VocabTerm
    qualifiedDerivation: VocabTerm
    entity: VocabTerm


def display_term(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | str | None, *, turtle_literals: bool = False
) -> str:
    """A term as a table or message shows it: a CURIE where a prefix is known, else the IRI.

    Literals show their lexical form (table cells), or with ``turtle_literals`` their Turtle
    form with a prefixed datatype (messages that must tell ``"1"`` from ``1``).
    """
    if term is None:
        return ""
    if isinstance(term, str):
        return compact_iri(term)
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not turtle_literals:
        return term.value
    text = str(ox.Literal(term.value))
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype.value == XSD.string:
        return text
    return f"{text}^^{compact_iri(term.datatype.value)}"
