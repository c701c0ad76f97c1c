"""Content checks on the data files (data/**/*.trig, and the curation cards data/cards/*.yaml as
the claim bundles they compile to) against the project's reference identifiers.

The reference folder (``shared/reference``) sits beside the repository clone, so it is found at
``Path(__file__).resolve().parents[2] / "shared"`` (``$SERKG_SHARED`` names it elsewhere, e.g.
from a git worktree). Every check lists all offending records.
"""

from __future__ import annotations

import csv
import os
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import SKOS

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"
ONTOLOGY_FILE = REPO / "ontology" / "serkg.ttl"
SHARED = Path(os.environ.get("SERKG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
IDENTIFIERS_TSV = SHARED / "reference" / "identifiers.tsv"

SK = rdflib.Namespace("https://w3id.org/serkg/vocab/")
KG = "https://w3id.org/serkg/id/"
KGSRC = "https://w3id.org/serkg/source/"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
OBO = "http://purl.obolibrary.org/obo/"
MATCH_PROPERTIES = {
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
}

ADVERTISING = [
    "brainy bunch",
    "brain & focus formula",
    "focus formula",
    "ulta lab",
    "bloodwork",
    "affiliate link",
    "commission",
    "recommended pick",
    "buy today",
    "no doctor visit",
    "order your own",
]

NUMERIC_TYPES = {
    XSD.decimal,
    XSD.integer,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.double,
    XSD.float,
}
DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear, XSD.dateTime}
DATE_PROPERTIES = {
    SK.startDate,
    SK.primaryCompletionDate,
    SK.completionDate,
    SK.firstPostedDate,
    SK.terminationDate,
    SK.statusDate,
    SK.statusAsOf,
    SK.resultsStatusAsOf,
    SK.lastUpdatePosted,
}
# a number, maybe followed by a unit: what a typed literal should have been
NUMBER_WITH_UNIT = re.compile(
    r"^\s*[-+]?\d+(?:[.,]\d+)?\s*"
    r"(?:%|(?:[mµnk]?g|g/mol|k?Da|m?L|[mµ]M|mg/kg(?:/day)?|g/day|days?|weeks?|months?|years?)\b)?\s*$"
)

# Identifiers graded primary/secondary that are deliberately not published, with the reason.
DELIBERATELY_UNUSED = {
    ("MESH", "C005435"): "edaravone MeSH SCR is flagged obsolete by the QC report it comes from",
    ("MONDO", "MONDO:0011961"): "merged into MONDO:0044720 (CANVAS); kept as sk:replacedIdentifier",
    ("GO", "GO:0019264"): "obsolete; GO:0006545 is used and records it as sk:replacedIdentifier",
}


@cache
def reference_rows() -> tuple[dict[str, str], ...]:
    if not IDENTIFIERS_TSV.exists():
        pytest.fail(
            f"reference identifiers not found at {IDENTIFIERS_TSV}: the 'shared' folder must sit "
            "beside the repository clone (shared/reference/identifiers.tsv), or SERKG_SHARED name it"
        )
    with IDENTIFIERS_TSV.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t"))


def canonical_iri(scheme: str, identifier: str) -> str | None:
    """The IRI docs/DESIGN.md prescribes for an identifier of the reference table."""
    local = identifier.split(":", 1)[1] if ":" in identifier else identifier
    patterns = {
        "CHEBI": OBO + "CHEBI_{}",
        "MONDO": OBO + "MONDO_{}",
        "DOID": OBO + "DOID_{}",
        "OMIM": OBO + "OMIM_{}",
        "GO": OBO + "GO_{}",
        "NCIT": OBO + "NCIT_{}",
        "EFO": "http://www.ebi.ac.uk/efo/EFO_{}",
        "Orphanet": "http://www.orpha.net/ORDO/Orphanet_{}",
        "MESH": "http://id.nlm.nih.gov/mesh/{}",
        "PUBCHEM.COMPOUND": "http://identifiers.org/pubchem.compound/{}",
        "UNII": "http://identifiers.org/unii/{}",
        "DRUGBANK": "http://identifiers.org/drugbank/{}",
        "KEGG.COMPOUND": "http://identifiers.org/kegg.compound/{}",
        "KEGG.DRUG": "http://identifiers.org/kegg.drug/{}",
        "HMDB": "http://identifiers.org/hmdb/{}",
        "CHEMBL.COMPOUND": "http://identifiers.org/chembl.compound/{}",
        "CAS": "http://identifiers.org/cas/{}",
        "INCHIKEY": "http://identifiers.org/inchikey/{}",
        "HGNC": "http://identifiers.org/hgnc/{}",
        "NCBIGene": "http://identifiers.org/ncbigene/{}",
        "ENSEMBL": "http://identifiers.org/ensembl/{}",
        "UniProtKB": "http://purl.uniprot.org/uniprot/{}",
        "Reactome": "http://identifiers.org/reactome/{}",
        "DOI": "https://doi.org/{}",
        "PMID": "http://www.ncbi.nlm.nih.gov/pubmed/{}",
        "GeneReviews": "https://www.ncbi.nlm.nih.gov/books/{}",
        "MedGen/UMLS": "http://identifiers.org/umls/{}",
    }
    pattern = patterns.get(scheme)
    if pattern is None or not identifier:
        return None
    return pattern.format(local)


def identifier_rows(confidences: set[str]) -> list[dict[str, str]]:
    return [
        row
        for row in reference_rows()
        if row["confidence"] in confidences and row["id"] and row["kind"] != "prefix"
    ]


@cache
def data_files() -> tuple[Path, ...]:
    return tuple(sorted([*DATA_DIR.rglob("*.trig"), *(DATA_DIR / "cards").glob("*.yaml")]))


def quads_of(path: Path) -> list[ox.Quad]:
    """A TriG file's quads, or the quads a curation card compiles to."""
    if path.suffix == ".yaml":
        from serkg.loading import parse_file

        return parse_file(path)
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


@cache
def parsed(path: Path) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    if path.suffix == ".yaml":
        nquads = ox.serialize(quads_of(path), format=ox.RdfFormat.N_QUADS)
        dataset.parse(data=nquads, format="nquads")
    else:
        dataset.parse(path, format="trig")
    return dataset


@cache
def all_triples() -> frozenset[tuple[rdflib.term.Node, ...]]:
    triples: set[tuple[rdflib.term.Node, ...]] = set()
    for path in data_files():
        triples.update((s, p, o) for s, p, o, _ in parsed(path).quads())
    return frozenset(triples)


@cache
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def bundles_of(path: Path) -> dict[URIRef, list[tuple[rdflib.term.Node, ...]]]:
    """Named graph IRI -> its triples, for one data file."""
    bundles: dict[URIRef, list[tuple[rdflib.term.Node, ...]]] = {}
    for s, p, o, g in parsed(path).quads():
        if g is not None and g != rdflib.Dataset().default_graph.identifier:
            bundles.setdefault(g, []).append((s, p, o))
    return bundles


def default_graph_triples(path: Path) -> list[tuple[rdflib.term.Node, ...]]:
    dataset = parsed(path)
    return list(dataset.graph(dataset.default_graph.identifier).triples((None, None, None)))


def test_data_files_exist() -> None:
    assert data_files(), f"no TriG files under {DATA_DIR}"
    assert (DATA_DIR / "shared" / "sources.trig").exists()


@pytest.mark.parametrize("path", data_files(), ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_file_parses_as_trig_with_rdflib_and_pyoxigraph(path: Path) -> None:
    quads = quads_of(path)
    assert quads, f"{path} holds no quads"
    by_rdflib = list(parsed(path).quads((None, None, None, None)))
    assert len(by_rdflib) == len(set(quads)), "rdflib and pyoxigraph read different statements"


def test_no_advertising_text() -> None:
    problems = []
    for path in data_files():
        text = path.read_text(encoding="utf-8").lower()
        problems += [f"{path.name}: {phrase!r}" for phrase in ADVERTISING if phrase in text]
    assert not problems, "advertising text in data:\n" + "\n".join(problems)


def test_no_unverified_identifier_is_published() -> None:
    published = {str(t) for triple in all_triples() for t in triple}
    allowed = {(r["scheme"], r["id"]) for r in identifier_rows({"primary", "secondary"})}
    problems = []
    for row in reference_rows():
        if row["confidence"] != "unverified":
            continue
        candidates: set[str] = set()
        if row["id"] and (row["scheme"], row["id"]) not in allowed:
            candidates.add(row["id"])
            candidates.add(row["id"].split(":", 1)[-1])
            iri = canonical_iri(row["scheme"], row["id"])
            if iri:
                candidates.add(iri)
        elif not row["id"] and row["value"] and not re.search(r"\bnot\b|none", row["value"]):
            candidates.add(re.split(r"\s{2,}|\s\(", row["value"])[0].strip())
        problems += [
            f"{row['entity']} {row['scheme']}: {c}" for c in sorted(candidates) if c in published
        ]
        if not row["id"] and candidates:
            value = next(iter(candidates))
            try:
                number = Decimal(value)
            except InvalidOperation:
                continue
            problems += [
                f"{row['entity']} {row['scheme']}: {number}"
                for triple in all_triples()
                if isinstance(triple[2], Literal)
                and triple[2].datatype in NUMERIC_TYPES
                and Decimal(str(triple[2])) == number
            ]
    assert not problems, "unverified identifiers published:\n" + "\n".join(problems)


def test_no_wikidata_ror_or_pubmed_identifier() -> None:
    bad = sorted(
        {
            str(t)
            for triple in all_triples()
            for t in triple
            if isinstance(t, URIRef)
            and any(
                host in str(t) for host in ("wikidata.org", "ror.org", "ncbi.nlm.nih.gov/pubmed")
            )
        }
    )
    assert not bad, bad


def test_obsolete_terms_are_not_used_as_iris() -> None:
    chebi_zwitterion = URIRef(OBO + "CHEBI_33384")
    problems = []
    for s, p, o in all_triples():
        for term in (s, p, o):
            if term in (URIRef(OBO + "GO_0019264"), URIRef(OBO + "MONDO_0011961")):
                problems.append(f"obsolete term in ({s} {p} {o})")
        if chebi_zwitterion in (s, p):
            problems.append(f"CHEBI:33384 as subject/predicate in ({s} {p} {o})")
        if o == chebi_zwitterion and p not in (SKOS.relatedMatch, SK.claimObject):
            problems.append(f"CHEBI:33384 may only be a related match or a claim object: ({s} {p})")
    assert not problems, "\n".join(problems)


def test_every_primary_or_secondary_identifier_is_cross_linked() -> None:
    """Completeness: each checked identifier with an IRI pattern appears in the data."""
    mapped_objects = {o for s, p, o in all_triples() if p in MATCH_PROPERTIES}
    subjects = {s for s, _, _ in all_triples()}
    missing = []
    for row in identifier_rows({"primary", "secondary"}):
        if (row["scheme"], row["id"]) in DELIBERATELY_UNUSED:
            continue
        iri = canonical_iri(row["scheme"], row["id"])
        if iri is None:
            continue
        if URIRef(iri) not in mapped_objects and URIRef(iri) not in subjects:
            missing.append(f"{row['entity']} {row['scheme']} {row['id']} -> {iri}")
    assert not missing, "checked identifiers missing from data:\n" + "\n".join(missing)


COMPOUND_ENTITIES = {
    "L-serine": "l-serine",
    "D-serine": "d-serine",
    "glycine": "glycine",
    "riluzole": "riluzole",
    "edaravone": "edaravone",
    "BMAA (beta-N-methylamino-L-alanine; 3-(methylamino)-L-alanine)": "bmaa",
    "3-phospho-D-glycerate (3-phospho-D-glyceric acid)": "3-phospho-d-glycerate",
}
LITERAL_SCHEMES = {
    "CAS": SK.casNumber,
    "INCHIKEY": SK.inchiKey,
    "InChI": SK.inchi,
    "molecular formula": SK.molecularFormula,
    "SMILES": SK.smiles,
    "SMILES (isomeric)": SK.smiles,
    "IUPAC name": SK.iupacName,
    "monoisotopic mass (Da)": SK.monoisotopicMass,
    "average mass (Da)": SK.averageMass,
}


def test_compound_identity_literals_match_the_reference() -> None:
    triples = all_triples()
    problems = []
    for row in reference_rows():
        entity = COMPOUND_ENTITIES.get(row["entity"])
        prop = LITERAL_SCHEMES.get(row["scheme"])
        if entity is None or prop is None or row["confidence"] not in ("primary", "secondary"):
            continue
        expected = (row["id"] or row["value"]).split(" (")[0].strip()
        subject = URIRef(KG + entity)
        values = [o for s, p, o in triples if s == subject and p == prop]
        if prop in (SK.monoisotopicMass, SK.averageMass):
            ok = any(Decimal(str(v)) == Decimal(expected) for v in values)
        else:
            ok = any(str(v) == expected for v in values)
        if not ok:
            problems.append(f"{entity} {prop}: expected {expected!r}, found {values}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", data_files(), ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_every_bundle_is_described_with_provenance(path: Path) -> None:
    default = default_graph_triples(path)
    problems = []
    for bundle in bundles_of(path):
        sources = [o for s, p, o in default if s == bundle and p == PROV_DERIVED]
        if not sources:
            problems.append(f"{bundle}: no prov:wasDerivedFrom in the default graph")
        monograph = URIRef(KGSRC + "l-serine-monograph")
        if monograph in sources and not any(
            s == bundle and p == SK.sourceSection for s, p, _ in default
        ):
            problems.append(f"{bundle}: derived from the monograph without sk:sourceSection")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", data_files(), ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_default_graph_holds_only_bundle_descriptions_and_sources(path: Path) -> None:
    bundles = set(bundles_of(path))
    bad = {
        s
        for s, _, _ in default_graph_triples(path)
        if s not in bundles and not str(s).startswith(KGSRC)
    }
    assert not bad, (
        f"{path.name}: default-graph subjects that are neither bundles nor sources: {bad}"
    )


def test_clinical_and_mechanistic_bundles_carry_an_evidence_level() -> None:
    evidence_classes = {
        SK.Mechanism,
        SK.TrialOutcome,
        SK.PreclinicalStudy,
        SK.DoseRegimen,
        SK.AdverseEffect,
        SK.Indication,
        SK.SafetyAssessment,
        SK.CombinationAssessment,
    }
    ontology_graph = ontology()

    def is_evidence_class(cls: rdflib.term.Node) -> bool:
        return any(
            c in evidence_classes for c in ontology_graph.transitive_objects(cls, RDFS.subClassOf)
        )

    typed = {s for s, p, o in all_triples() if p == RDF.type and is_evidence_class(o)}
    problems = []
    for path in data_files():
        default = default_graph_triples(path)
        for bundle, triples in bundles_of(path).items():
            if any(s in typed and p != RDF.type for s, p, _ in triples) and not any(
                s == bundle and p == SK.evidenceLevel for s, p, _ in default
            ):
                problems.append(f"{path.name}: {bundle}")
    assert not problems, "clinical/mechanistic bundles without sk:evidenceLevel:\n" + "\n".join(
        problems
    )


def test_every_source_is_a_described_source_document() -> None:
    triples = all_triples()
    documents = {
        s
        for s, p, o in triples
        if p == RDF.type
        and any(o == c for c in ontology().transitive_subjects(RDFS.subClassOf, SK.SourceDocument))
    }
    cited = {o for _, p, o in triples if p == PROV_DERIVED}
    missing = sorted(str(c) for c in cited - documents)
    assert not missing, "cited sources without a sk:SourceDocument description:\n" + "\n".join(
        missing
    )


def test_numbers_are_typed_literals() -> None:
    ranges = {p: r for p, r in ontology().subject_objects(RDFS.range) if isinstance(r, URIRef)}
    problems = []
    for s, p, o in all_triples():
        if not isinstance(o, Literal):
            continue
        if (o.datatype in (None, XSD.string)) and NUMBER_WITH_UNIT.match(str(o)):
            problems.append(f"untyped number {o!r} on {s} {p}")
        expected = ranges.get(p)
        if expected in NUMERIC_TYPES and o.datatype not in NUMERIC_TYPES:
            problems.append(f"{s} {p} {o!r}: expected a number ({expected})")
        if expected in (XSD.integer, XSD.nonNegativeInteger) and o.datatype == XSD.decimal:
            problems.append(f"{s} {p} {o!r}: expected an integer")
        if expected == XSD.boolean and o.datatype != XSD.boolean:
            problems.append(f"{s} {p} {o!r}: expected xsd:boolean")
        if p in DATE_PROPERTIES and o.datatype not in DATE_TYPES:
            problems.append(f"{s} {p} {o!r}: expected xsd:date, xsd:gYearMonth or xsd:gYear")
    assert not problems, "\n".join(problems)


def test_every_entity_has_a_type_and_an_english_label_unique_in_its_class() -> None:
    triples = all_triples()
    bundles = {g for path in data_files() for g in bundles_of(path)}
    entities = {
        s
        for s, _, _ in triples
        if isinstance(s, URIRef) and str(s).startswith((KG, KGSRC)) and s not in bundles
    }
    labels: dict[URIRef, list[Literal]] = {}
    types: dict[URIRef, set[rdflib.term.Node]] = {}
    for s, p, o in triples:
        if p == RDFS.label and isinstance(o, Literal) and o.language == "en":
            labels.setdefault(s, []).append(o)
        if p == RDF.type:
            types.setdefault(s, set()).add(o)
    problems = [f"{e}: no rdf:type" for e in sorted(entities) if not types.get(e)]
    problems += [f"{e}: no English rdfs:label" for e in sorted(entities) if not labels.get(e)]
    seen: dict[tuple[rdflib.term.Node, str], URIRef] = {}
    for entity in sorted(entities):
        for cls in types.get(entity, ()):
            for label in labels.get(entity, []):
                key = (cls, str(label))
                if key in seen and seen[key] != entity:
                    problems.append(f"label {label!r} shared by {seen[key]} and {entity} ({cls})")
                seen[key] = entity
    assert not problems, "\n".join(problems)


def test_no_owl_same_as_and_no_blank_nodes() -> None:
    problems = [f"owl:sameAs {s} {o}" for s, p, o in all_triples() if p == OWL.sameAs]
    problems += [
        f"blank node in ({s} {p} {o})" for s, p, o in all_triples() if BNode in (type(s), type(o))
    ]
    assert not problems, "\n".join(problems)


def test_trial_registry_ids_match_their_iris() -> None:
    problems = []
    for s, p, o in all_triples():
        if p == SK.registryId:
            if not re.fullmatch(r"NCT\d{8}", str(o)):
                problems.append(f"{s}: bad registry id {o}")
            if str(s) != KG + str(o):
                problems.append(f"{s}: IRI does not end in its registry id {o}")
    assert not problems, "\n".join(problems)


def test_claims_are_attributed_and_conflicts_have_two_sides() -> None:
    triples = all_triples()
    claims = {s for s, p, o in triples if p == RDF.type and o == SK.Claim}
    conflicts = {s for s, p, o in triples if p == RDF.type and o == SK.SourceConflict}
    assert len(conflicts) >= 8
    problems = []
    for claim in sorted(claims):
        for prop in (
            SK.claimSubject,
            SK.claimPredicate,
            SK.claimObject,
            PROV_DERIVED,
            SK.evidenceLevel,
        ):
            if not any(s == claim and p == prop for s, p, _ in triples):
                problems.append(f"{claim}: no {prop}")
    for conflict in sorted(conflicts):
        members = {o for s, p, o in triples if s == conflict and p == SK.hasClaim}
        sources = {o for s, p, o in triples if s in members and p == PROV_DERIVED}
        if len(members) < 2 or len(sources) < 2:
            problems.append(f"{conflict}: needs two or more claims from two or more sources")
        if not any(s == conflict and p == SK.conflictTopic for s, p, _ in triples):
            problems.append(f"{conflict}: no sk:conflictTopic")
    assert not problems, "\n".join(problems)
