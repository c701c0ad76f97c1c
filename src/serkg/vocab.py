"""Closed vocabularies: the ontology and standard terms serkg's code names, from one place.

Each namespace class lists the terms serkg uses; a typo (``SK.hasTraget``) fails at once
(mypy flags it, and at run time the lookup raises naming the namespace), instead of quietly
matching nothing in a query. Namespaces come from :data:`serkg.prefixes.PREFIX_MAP`, so the two
cannot drift. A term is a :class:`Term`: the IRI string itself (it compares and hashes as the
``str``), with its pyoxigraph ``NamedNode`` built once on first use (``SK.Claim.node``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, cast

import pyoxigraph as ox

from serkg.prefixes import PREFIX_MAP, compress


class Term(str):
    """A vocabulary IRI: usable wherever the IRI string is, with a cached pyoxigraph form."""

    @cached_property
    def node(self) -> ox.NamedNode:
        return ox.NamedNode(str(self))


class _ClosedNamespaceType(type):
    """Fills each annotated name of a namespace class with its :class:`Term`."""

    _namespace: str
    _terms: dict[str, Term]

    def __new__(
        mcs, name: str, bases: tuple[type, ...], attrs: dict[str, object]
    ) -> _ClosedNamespaceType:
        cls = super().__new__(mcs, name, bases, attrs)
        namespace = attrs.get("_namespace")
        if isinstance(namespace, str):
            declared = cast("dict[str, object]", attrs.get("__annotations__", {}))
            names = [n for n in declared if not n.startswith("_")]
            # a trailing "_" spells a Python keyword: SH.in_ is sh:in
            cls._terms = {n: Term(namespace + n.removesuffix("_")) for n in names}
            for attribute, term in cls._terms.items():
                setattr(cls, attribute, term)
        return cls

    if not TYPE_CHECKING:  # mypy reports unknown terms itself; at run time, say where to look

        def __getattr__(cls, name: str) -> Term:
            if name.startswith("__"):
                raise AttributeError(name)
            raise AttributeError(
                f"{name!r} is not a term of {cls.__name__} ({cls._namespace}); "
                f"declare it in serkg/vocab.py"
            )

    def __iter__(cls) -> Iterator[Term]:
        return iter(cls._terms.values())

    def __contains__(cls, iri: object) -> bool:
        return iri in cls._terms.values()


class ClosedNamespace(metaclass=_ClosedNamespaceType):
    """Base of the vocabulary classes: declare each term as ``name: Term``."""

    _namespace: ClassVar[str]


class SK(ClosedNamespace):
    """The serkg ontology terms code refers to (a test keeps them in ``ontology/serkg.ttl``)."""

    _namespace = PREFIX_MAP["sk"]
    ChemicalCompound: Term
    Claim: Term
    ClinicalTrial: Term
    Disease: Term
    Phase2Phase3: Term
    Phase3: Term
    Phase4: Term
    actsOnProcess: Term
    averageMass: Term
    casNumber: Term
    claimObject: Term
    claimPredicate: Term
    claimSubject: Term
    design: Term
    hasTarget: Term
    inchi: Term
    inchiKey: Term
    iupacName: Term
    massUnit: Term
    molecularFormula: Term
    monoisotopicMass: Term
    productCategory: Term
    smiles: Term
    sponsor: Term
    studiesCondition: Term
    supportedBy: Term
    targets: Term


class RDF(ClosedNamespace):
    _namespace = PREFIX_MAP["rdf"]
    type: Term
    first: Term
    rest: Term
    nil: Term
    langString: Term
    Property: Term
    Statement: Term


class RDFS(ClosedNamespace):
    _namespace = PREFIX_MAP["rdfs"]
    Class: Term
    Resource: Term
    Literal: Term
    label: Term
    comment: Term
    subClassOf: Term
    subPropertyOf: Term
    domain: Term
    range: Term
    isDefinedBy: Term
    seeAlso: Term


class OWL(ClosedNamespace):
    _namespace = PREFIX_MAP["owl"]
    Class: Term
    Ontology: Term
    ObjectProperty: Term
    DatatypeProperty: Term
    AnnotationProperty: Term
    FunctionalProperty: Term
    NamedIndividual: Term
    Restriction: Term
    Thing: Term
    deprecated: Term
    equivalentClass: Term
    imports: Term
    inverseOf: Term
    sameAs: Term
    versionIRI: Term
    versionInfo: Term


class XSD(ClosedNamespace):
    _namespace = PREFIX_MAP["xsd"]
    string: Term
    boolean: Term
    integer: Term
    nonNegativeInteger: Term
    decimal: Term
    double: Term
    float: Term
    date: Term
    dateTime: Term
    gYear: Term
    gYearMonth: Term
    anyURI: Term


class SH(ClosedNamespace):
    _namespace = PREFIX_MAP["sh"]
    ValidationReport: Term
    ValidationResult: Term
    NodeShape: Term
    PropertyShape: Term
    Violation: Term
    Warning: Term
    Info: Term
    conforms: Term
    result: Term
    focusNode: Term
    resultPath: Term
    resultSeverity: Term
    resultMessage: Term
    sourceShape: Term
    sourceConstraintComponent: Term
    value: Term
    path: Term
    targetClass: Term
    in_: Term


class DCTERMS(ClosedNamespace):
    _namespace = PREFIX_MAP["dcterms"]
    title: Term
    description: Term
    created: Term
    creator: Term
    issued: Term
    modified: Term
    license: Term
    source: Term
    identifier: Term


class PROV(ClosedNamespace):
    _namespace = PREFIX_MAP["prov"]
    Entity: Term
    Activity: Term
    wasDerivedFrom: Term
    wasGeneratedBy: Term
    generatedAtTime: Term
    wasAttributedTo: Term
    used: Term


def display_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | str | None) -> str:
    """A term as a message or table shows it: a CURIE where a prefix is known, else the IRI;
    literals in Turtle form with a compact datatype (plain strings without one)."""
    if term is None:
        return ""
    if isinstance(term, str):
        return compress(term)
    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value == XSD.string:
        return f'"{term.value}"'
    return f'"{term.value}"^^{compress(term.datatype.value)}'
