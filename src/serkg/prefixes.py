"""The project's one prefix map: CURIE <-> IRI for the CLI, the query library, exports and docs.

Built on ``curies`` so that CURIE expansion and IRI compression follow one well-tested
implementation. Prefix case follows the Biolink / bioregistry conventions researchers type
(``CHEBI:17115``, ``MONDO:0004976``, ``NCT03580616`` via ``clinicaltrials:``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # curies costs ~0.3 s to import: loaded only when a CURIE is resolved
    import curies

SK = "https://w3id.org/serkg/vocab/"
KG = "https://w3id.org/serkg/id/"
KGSRC = "https://w3id.org/serkg/source/"
GRAPH_BASE = "https://w3id.org/serkg/graph/"
ASSERTED_GRAPH = GRAPH_BASE + "asserted"
INFERRED_GRAPH = GRAPH_BASE + "inferred"
#: the dataset's own description (VoID, DCAT): a named graph only, not in the default graph
METADATA_GRAPH = GRAPH_BASE + "metadata"
#: the external ontologies' import modules (ontology/imports/): their terms, labels and
#: rdfs:subClassOf paths to their roots, kept apart from our asserted and inferred facts
IMPORTS_GRAPH = GRAPH_BASE + "imports"
#: the default graph of a query that names no dataset, embedded or served: the store's own
#: default graph (empty after a build; where an allowed INSERT DATA writes) and the asserted
#: and inferred graphs. The imports and metadata graphs are reachable by FROM, GRAPH or
#: named-graph-uri only.
DEFAULT_GRAPH_PARTS = (ASSERTED_GRAPH, INFERRED_GRAPH)
SHP = "https://w3id.org/serkg/shapes/"
#: the named queries' IRIs (``QUERY_BASE + name``), as published in the metadata graph
QUERY_BASE = "https://w3id.org/serkg/query/"
DATASET_IRI = "https://w3id.org/serkg/dataset"
#: one release of the dataset (the ontology's version IRI is RELEASE_BASE + version + "/vocab")
RELEASE_BASE = "https://w3id.org/serkg/releases/"
#: the nanopublications of the claim bundles (``NANOPUB_BASE + name``)
NANOPUB_BASE = "https://w3id.org/serkg/np/"
ONTOLOGY_IRI = "https://w3id.org/serkg/vocab"

#: prefix -> namespace. Order matters for compression only where namespaces nest.
PREFIX_MAP: dict[str, str] = {
    "sk": SK,
    "kg": KG,
    "kgsrc": KGSRC,
    "shp": SHP,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "unit": "http://qudt.org/vocab/unit/",
    "qudt": "http://qudt.org/schema/qudt/",
    "obo": "http://purl.obolibrary.org/obo/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "OMIM": "http://purl.obolibrary.org/obo/OMIM_",
    "ECO": "http://purl.obolibrary.org/obo/ECO_",
    "NCBITaxon": "http://purl.obolibrary.org/obo/NCBITaxon_",
    "RO": "http://purl.obolibrary.org/obo/RO_",
    "UO": "http://purl.obolibrary.org/obo/UO_",
    "PUBCHEM.COMPOUND": "http://identifiers.org/pubchem.compound/",
    "UNII": "http://identifiers.org/unii/",
    "DRUGBANK": "http://identifiers.org/drugbank/",
    "HGNC": "http://identifiers.org/hgnc/",
    "NCBIGene": "http://identifiers.org/ncbigene/",
    "KEGG.COMPOUND": "http://identifiers.org/kegg.compound/",
    "KEGG.DRUG": "http://identifiers.org/kegg.drug/",
    "HMDB": "http://identifiers.org/hmdb/",
    "CAS": "http://identifiers.org/cas/",
    "INCHIKEY": "http://identifiers.org/inchikey/",
    "ENSEMBL": "http://identifiers.org/ensembl/",
    "CHEMBL.COMPOUND": "http://identifiers.org/chembl.compound/",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "EFO": "http://www.ebi.ac.uk/efo/EFO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "clinicaltrials": "http://identifiers.org/clinicaltrials/",
    "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/",
    "DOI": "https://doi.org/",
    "Orphanet": "http://www.orpha.net/ORDO/Orphanet_",
    "reactome": "http://identifiers.org/reactome/",
    "UMLS": "http://identifiers.org/umls/",
    "ncbibook": "https://www.ncbi.nlm.nih.gov/books/",
    "semapv": "https://w3id.org/semapv/vocab/",
}

#: prefixes serialisers bind (kept short: the vocabularies our files actually use)
SERIALISATION_PREFIXES = [
    "sk",
    "kg",
    "kgsrc",
    "rdf",
    "rdfs",
    "owl",
    "xsd",
    "skos",
    "prov",
    "dcterms",
    "void",
    "schema",
    "unit",
    "obo",
]


@cache
def converter() -> curies.Converter:
    """The curies converter for :data:`PREFIX_MAP` (lower-case synonyms accepted on input)."""
    import curies

    records = []
    for prefix, namespace in PREFIX_MAP.items():
        synonyms = sorted({prefix.lower(), prefix.upper()} - {prefix})
        records.append(curies.Record(prefix=prefix, uri_prefix=namespace, prefix_synonyms=synonyms))
    return curies.Converter(records)


class CurieError(ValueError):
    """A CURIE or IRI given by a user could not be resolved."""


def expand(value: str) -> str:
    """Turn a CURIE (``CHEBI:17115``, ``kg:l-serine``) or a full IRI into a full IRI.

    Raises :class:`CurieError` naming the unknown prefix.
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if value.startswith(("http://", "https://", "urn:")):
        return value
    if ":" not in value:
        raise CurieError(f"{value!r} is neither an IRI nor a CURIE (expected PREFIX:LOCAL)")
    prefix, _, local = value.partition(":")
    if prefix in PREFIX_MAP:  # the exact spelling: no need to import curies (0.3 s)
        return PREFIX_MAP[prefix] + local
    iri = converter().expand(value)
    if iri is None:
        prefix = value.split(":", 1)[0]
        raise CurieError(
            f"unknown prefix {prefix!r} in {value!r}; known prefixes: "
            + ", ".join(sorted(PREFIX_MAP, key=str.lower))
        )
    return iri


def compress(iri: str) -> str:
    """The shortest CURIE for IRI, or the IRI itself when no prefix matches."""
    curie = converter().compress(iri)
    return curie if curie else iri


#: the local part of a CURIE we write or accept without asking ``curies`` (a plain name)
CURIE_LOCAL = re.compile(r"^[A-Za-z0-9_.~%-][A-Za-z0-9_.~%:/-]*$")


def compact_iri(iri: str) -> str:
    """The CURIE :func:`compress` gives, without importing ``curies`` (for tables and messages
    on fast paths): the longest namespace whose remainder is a plain local name, else the IRI."""
    best = ""
    for prefix, namespace in PREFIX_MAP.items():
        longer = len(namespace) > len(PREFIX_MAP.get(best, ""))
        if longer and iri.startswith(namespace) and CURIE_LOCAL.match(iri[len(namespace) :]):
            best = prefix
    return f"{best}:{iri[len(PREFIX_MAP[best]) :]}" if best else iri
