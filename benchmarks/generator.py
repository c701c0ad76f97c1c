"""A deterministic synthetic compound catalogue, shaped like ``data/`` (TriG claim bundles).

Each synthetic compound gets what a real one has (docs/DESIGN.md): identity with cross-links,
mechanisms (typed with the mechanism hierarchy, with targets and GO processes), trials with status
records, dose regimens and outcomes, adverse effects with HP phenotypes, a regulatory status, and
links to other compounds (``precursorOf`` chains, ``enantiomerOf`` pairs), so the reasoner has
inverse, transitive, symmetric, chain and subclass inferences to make. Every fact sits in a claim
bundle whose source is described in the file's default graph, so ``serkg.loading`` generates the
``sk:Claim`` nodes exactly as for the real data.

Identifiers are synthetic and chosen outside the ranges real records use (``NCT9…`` trials,
CHEBI and PubChem numbers above today's ranges, CAS numbers starting 9999), so nothing here can
be mistaken for a real record. Same seed and size, same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from serkg.prefixes import KG, KGSRC, PREFIX_MAP, SERIALISATION_PREFIXES, SK

RDF = PREFIX_MAP["rdf"]
RDFS = PREFIX_MAP["rdfs"]
XSD = PREFIX_MAP["xsd"]
SKOS = PREFIX_MAP["skos"]
PROV = PREFIX_MAP["prov"]
OBO = PREFIX_MAP["obo"]
UNIT = PREFIX_MAP["unit"]
DCTERMS = PREFIX_MAP["dcterms"]

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

MECHANISM_CLASSES = [
    "CathepsinActivation",
    "AutophagyEnhancement",
    "ProteostasisSupport",
    "NMDACoagonistSupply",
    "NeurotransmissionModulation",
    "SphingolipidPrecursorSupply",
    "LipidPrecursorSupply",
    "PPARGammaUpregulation",
    "AntiInflammatoryAction",
    "AntiapoptoticSignallingSupport",
]
PHASES = [
    "EarlyPhase1",
    "Phase1",
    "Phase1Phase2",
    "Phase2",
    "Phase2a",
    "Phase2Phase3",
    "Phase3",
    "Phase4",
]
STATUSES = [
    "NotYetRecruiting",
    "Recruiting",
    "EnrollingByInvitation",
    "ActiveNotRecruiting",
    "Suspended",
    "Terminated",
    "Completed",
    "Withdrawn",
    "UnknownStatus",
]
ENROLLMENT_TYPES = ["Actual", "Estimated"]
DESIGNS = [
    "Randomised",
    "NonRandomised",
    "OpenLabel",
    "DoubleBlind",
    "PlaceboControlled",
    "SingleArm",
]
FREQUENCIES = ["OnceDaily", "TwiceDaily", "PerDay"]
SERIOUSNESS = ["NonSerious", "Serious"]
ACTIONS = ["Activation", "Inhibition", "Upregulation", "PrecursorSupply"]
STATUS_KINDS = ["FoodAdditivePermitted", "DietarySupplement", "NotApprovedAsDrug"]
CATEGORIES = ["SupplementCategory", "ResearchChemicalCategory"]
MEASURES = ["ALSFRSRSlope", "CSFLSerineLevel", "FVCDecline"]


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang is not None:
        return ox.Literal(str(value), language=lang)
    if datatype == "decimal":
        return ox.Literal(canonical_decimal(str(value)), datatype=nn(XSD + datatype))
    if datatype is not None:
        return ox.Literal(str(value), datatype=nn(XSD + datatype))
    return ox.Literal(str(value))


def canonical_decimal(text: str) -> str:
    """A decimal as the store keeps it ("1.500" -> "1.5", "30.0" -> "30"): the loader refuses others."""
    value = Decimal(text)
    return "0" if value == 0 else format(value.normalize(), "f")


A = nn(RDF + "type")
LABEL = nn(RDFS + "label")


def sk(local: str) -> ox.NamedNode:
    return nn(SK + local)


def kg(local: str) -> ox.NamedNode:
    return nn(KG + local)


@dataclass
class Bundle:
    """One named graph of a data file and the source that states it."""

    iri: ox.NamedNode
    source: ox.NamedNode
    section: str
    evidence: str | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(s, p, o))

    def meta(self) -> list[ox.Triple]:
        out = [
            ox.Triple(self.iri, nn(PROV + "wasDerivedFrom"), self.source),
            ox.Triple(self.iri, sk("sourceSection"), lit(self.section)),
        ]
        if self.evidence:
            out.append(ox.Triple(self.iri, sk("evidenceLevel"), sk(self.evidence)))
        return out


@dataclass
class DataFile:
    """One TriG file: source documents in the default graph, and claim bundles."""

    path: Path
    sources: list[ox.Triple] = field(default_factory=list)
    bundles: list[Bundle] = field(default_factory=list)

    def bundle(
        self, local: str, source: ox.NamedNode, section: str, evidence: str | None = None
    ) -> Bundle:
        b = Bundle(kg("bundle-" + local), source, section, evidence)
        self.bundles.append(b)
        return b

    def quads(self) -> Iterator[ox.Quad]:
        for t in self.sources:
            yield ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for b in self.bundles:
            for t in b.meta():
                yield ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
        for b in self.bundles:
            for t in b.triples:
                yield ox.Quad(t.subject, t.predicate, t.object, b.iri)

    def asserted_count(self, seen: set[ox.Triple]) -> int:
        """Triples this file adds to the asserted graph: new facts, one claim per (fact, bundle)."""
        count = 0
        for t in self.sources:
            if t not in seen:
                seen.add(t)
                count += 1
        for b in self.bundles:
            per_claim = 4 + len(b.meta())
            for t in b.triples:
                if t not in seen:
                    seen.add(t)
                    count += 1
                count += per_claim
        return count

    def serialize(self) -> bytes:
        prefixes = {p: PREFIX_MAP[p] for p in SERIALISATION_PREFIXES}
        return ox.serialize(self.quads(), format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""


def cas_number(n: int) -> str:
    """A CAS Registry Number with a correct check digit, in the unassigned 9xxxxxx-xx range."""
    first, second = f"9{n // 100:06d}", f"{n % 100:02d}"
    digits = first + second
    check = sum((k + 1) * int(d) for k, d in enumerate(reversed(digits))) % 10
    return f"{first}-{second}-{check}"


def inchikey(rng: random.Random) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return (
        "".join(rng.choice(letters) for _ in range(14))
        + "-"
        + "".join(rng.choice(letters) for _ in range(8))
        + "SA-N"
    )


def accession(n: int) -> str:
    """A well-formed 10-character UniProtKB accession (X9Zddd Zddd is not issued today)."""
    digits = f"{n:06d}"
    return f"X9Z{digits[:3]}Z{digits[3:]}"


@dataclass
class Pools:
    """Entities several compounds share (the analogue of ``data/shared/``)."""

    proteins: list[ox.NamedNode]
    genes: list[ox.NamedNode]
    diseases: list[ox.NamedNode]
    organisations: list[ox.NamedNode]
    processes: list[ox.NamedNode]
    phenotypes: list[ox.NamedNode]
    publications: list[ox.NamedNode]
    jurisdictions: list[ox.NamedNode]


def shared_file(out: Path, n_compounds: int, rng: random.Random) -> tuple[DataFile, Pools]:
    """Diseases, genes, proteins, organisations, GO processes, HP phenotypes and publications."""
    f = DataFile(out / "shared" / "entities.trig")
    catalogue = nn(KGSRC + "synthetic-catalogue")
    f.sources += [
        ox.Triple(catalogue, A, sk("Monograph")),
        ox.Triple(catalogue, LABEL, lit("Synthetic benchmark catalogue", lang="en")),
    ]
    b = f.bundle(
        "synthetic-shared-entities", catalogue, "shared entities", "CuratedDatabaseEvidence"
    )
    n = max(4, n_compounds // 4)
    pools = Pools([], [], [], [], [], [], [], [])
    for i in range(1, 3):
        jurisdiction = kg(f"syn-jurisdiction-{i}")
        b.add(jurisdiction, A, sk("Jurisdiction"))
        b.add(jurisdiction, LABEL, lit(f"Synthetic jurisdiction {i}", lang="en"))
        pools.jurisdictions.append(jurisdiction)
    for i in range(1, n + 1):
        gene, protein = kg(f"syn-gene-{i:05d}"), kg(f"syn-protein-{i:05d}")
        b.add(gene, A, sk("Gene"))
        b.add(gene, LABEL, lit(f"SYNG{i}", lang="en"))
        b.add(gene, nn(SKOS + "exactMatch"), nn(f"http://identifiers.org/hgnc/{900000 + i}"))
        b.add(protein, A, sk("Protein"))
        b.add(protein, sk("encodedBy"), gene)
        b.add(protein, LABEL, lit(f"synthetic protein {i}", lang="en"))
        b.add(
            protein, nn(SKOS + "exactMatch"), nn(f"http://purl.uniprot.org/uniprot/{accession(i)}")
        )
        pools.genes.append(gene)
        pools.proteins.append(protein)
    for i in range(1, n + 1):
        disease = kg(f"syn-disease-{i:05d}")
        b.add(disease, A, sk("Disease"))
        b.add(disease, LABEL, lit(f"synthetic disease {i}", lang="en"))
        b.add(
            disease,
            nn(SKOS + "exactMatch"),
            nn(f"http://purl.obolibrary.org/obo/MONDO_{9900000 + i:07d}"),
        )
        pools.diseases.append(disease)
        process = nn(f"{OBO}GO_{9900000 + i:07d}")
        b.add(process, A, sk("BiologicalProcess"))
        b.add(process, LABEL, lit(f"synthetic process {i}", lang="en"))
        pools.processes.append(process)
        phenotype = nn(f"{OBO}HP_{9900000 + i:07d}")
        b.add(phenotype, A, sk("Phenotype"))
        b.add(phenotype, LABEL, lit(f"synthetic phenotype {i}", lang="en"))
        pools.phenotypes.append(phenotype)
    for i in range(1, max(3, n // 8) + 1):
        org = kg(f"syn-organisation-{i:04d}")
        b.add(org, A, sk("Organisation"))
        b.add(org, LABEL, lit(f"Synthetic Organisation {i}", lang="en"))
        pools.organisations.append(org)
    for i in range(1, n + 1):
        pub = kg(f"syn-publication-{i:05d}")
        f.sources += [
            ox.Triple(pub, A, sk("Publication")),
            ox.Triple(pub, LABEL, lit(f"Synthetic study report {i}", lang="en")),
            ox.Triple(pub, nn(DCTERMS + "date"), lit(f"{2000 + i % 24}", "gYear")),
        ]
        pools.publications.append(pub)
    rng.shuffle(pools.proteins)
    return f, pools


def pick(pool: list[ox.NamedNode], k: int) -> ox.NamedNode:
    """Round-robin over a pool, so that every shared entity is used (no orphan nodes)."""
    return pool[k % len(pool)]


def compound_file(out: Path, i: int, pools: Pools, rng: random.Random) -> DataFile:
    """One compound folder's worth of claim bundles."""
    name = f"syn-compound-{i:05d}"
    c = kg(name)
    f = DataFile(out / name / "facts.trig")
    monograph = nn(f"{KGSRC}{name}-monograph")
    f.sources += [
        ox.Triple(monograph, A, sk("Monograph")),
        ox.Triple(monograph, LABEL, lit(f"Synthetic compound {i} monograph", lang="en")),
    ]

    ident = f.bundle(f"{name}-identity", monograph, "identity table", "CuratedDatabaseEvidence")
    ident.add(c, A, sk("ChemicalCompound"))
    ident.add(c, LABEL, lit(f"synthetic compound {i}", lang="en"))
    ident.add(c, nn(SKOS + "altLabel"), lit(f"SYN-{i:05d}", lang="en"))
    ident.add(c, sk("casNumber"), lit(cas_number(i)))
    ident.add(c, sk("molecularFormula"), lit(f"C{3 + i % 20}H{7 + i % 30}NO{2 + i % 4}"))
    ident.add(c, sk("inchiKey"), lit(inchikey(rng)))
    mass = rng.randint(75_000, 900_000)
    ident.add(c, sk("averageMass"), lit(f"{mass / 1000:.3f}", "decimal"))
    ident.add(c, sk("monoisotopicMass"), lit(f"{(mass - 37) / 1000:.3f}", "decimal"))
    ident.add(c, sk("massUnit"), nn(UNIT + "Da"))
    ident.add(c, sk("productCategory"), sk(rng.choice(CATEGORIES)))
    ident.add(c, nn(SKOS + "exactMatch"), nn(f"{OBO}CHEBI_{9000000 + i}"))
    ident.add(
        c, nn(SKOS + "exactMatch"), nn(f"http://identifiers.org/pubchem.compound/{9000000000 + i}")
    )
    # cross-links to the previous compound: precursor chains of four, enantiomer pairs
    if i % 4 != 1:
        ident.add(c, sk("derivedFrom"), kg(f"syn-compound-{i - 1:05d}"))
    if i % 2 == 0:
        ident.add(c, sk("enantiomerOf"), kg(f"syn-compound-{i - 1:05d}"))

    publication = pick(pools.publications, i)
    mech = f.bundle(f"{name}-mechanisms", publication, "mechanism of action", "AnimalModelEvidence")
    for m in range(1, 3):
        mnode = kg(f"mechanism-{name}-{m}")
        mech.add(c, sk("hasMechanism"), mnode)
        mech.add(mnode, sk("mechanismOf"), c)
        mech.add(mnode, sk("supportedBy"), publication)
        mech.add(mnode, A, sk(rng.choice(MECHANISM_CLASSES)))
        mech.add(mnode, LABEL, lit(f"mechanism {m} of synthetic compound {i}", lang="en"))
        mech.add(mnode, sk("action"), sk(rng.choice(ACTIONS)))
        mech.add(mnode, sk("hasTarget"), pick(pools.proteins, 2 * i + m))
        mech.add(mnode, sk("actsOnProcess"), pick(pools.processes, 2 * i + m))
        mech.add(mnode, sk("evidenceLevel"), sk("AnimalModelEvidence"))

    for t in range(1, 3):
        nct = f"NCT9{i:05d}{t:02d}"
        registry = nn(f"{KGSRC}{nct.lower()}-registry")
        f.sources += [
            ox.Triple(registry, A, sk("RegistryRecord")),
            ox.Triple(registry, LABEL, lit(f"Registry record {nct}", lang="en")),
        ]
        tb = f.bundle(
            f"{nct.lower()}-registry", registry, "registry record", "RegistryRecordEvidence"
        )
        trial = kg(nct)
        tb.add(trial, A, sk("ClinicalTrial"))
        tb.add(trial, LABEL, lit(f"Trial {t} of synthetic compound {i}", lang="en"))
        tb.add(trial, sk("registryId"), lit(nct))
        tb.add(trial, nn(SKOS + "exactMatch"), nn(f"http://identifiers.org/clinicaltrials/{nct}"))
        tb.add(trial, sk("phase"), sk(rng.choice(PHASES)))
        status = rng.choice(STATUSES)
        tb.add(trial, sk("overallStatus"), sk(status))
        tb.add(trial, sk("enrollment"), lit(rng.randint(8, 400), "integer"))
        tb.add(trial, sk("enrollmentType"), sk(rng.choice(ENROLLMENT_TYPES)))
        tb.add(trial, sk("design"), sk(rng.choice(DESIGNS)))
        tb.add(trial, sk("studiesCondition"), pick(pools.diseases, 2 * i + t))
        tb.add(trial, sk("intervention"), c)
        tb.add(trial, sk("sponsor"), pick(pools.organisations, 2 * i + t))
        year = 2005 + rng.randint(0, 18)
        tb.add(trial, sk("startDate"), lit(f"{year}-{rng.randint(1, 12):02d}-01", "date"))
        record = kg(f"status-{nct.lower()}-1")
        tb.add(trial, sk("hasStatusRecord"), record)
        tb.add(record, A, sk("TrialStatusRecord"))
        tb.add(record, sk("status"), sk(status))
        tb.add(record, sk("statusDate"), lit(f"{year + 2}-06-30", "date"))
        dose = kg(f"dose-{nct.lower()}")
        low = rng.choice([0.5, 1, 2, 5, 10])
        tb.add(trial, sk("hasDoseRegimen"), dose)
        tb.add(dose, A, sk("DoseRegimen"))
        tb.add(dose, LABEL, lit(f"dose regimen of {nct}", lang="en"))
        tb.add(dose, sk("doseMin"), lit(f"{low}", "decimal"))
        tb.add(dose, sk("doseMax"), lit(f"{low * 3}", "decimal"))
        tb.add(dose, sk("doseUnit"), nn(UNIT + "GM"))
        tb.add(dose, sk("perBodyMass"), lit("false", "boolean"))
        tb.add(dose, sk("frequency"), sk(rng.choice(FREQUENCIES)))
        tb.add(dose, sk("dailyDoseMinGrams"), lit(f"{low}", "decimal"))
        tb.add(dose, sk("dailyDoseMaxGrams"), lit(f"{low * 3}", "decimal"))
        tb.add(dose, sk("population"), lit("adults", lang="en"))
        outcome = kg(f"outcome-{nct.lower()}")
        tb.add(outcome, A, sk("TrialOutcome"))
        tb.add(outcome, LABEL, lit(f"primary outcome of {nct}", lang="en"))
        tb.add(outcome, sk("outcomeOf"), trial)
        tb.add(outcome, sk("measure"), sk(rng.choice(MEASURES)))
        tb.add(outcome, sk("effectSize"), lit(f"{rng.uniform(-1, 1):.2f}", "decimal"))
        tb.add(outcome, sk("pValue"), lit(f"{rng.uniform(0.001, 0.5):.3f}", "decimal"))
        tb.add(outcome, sk("comparator"), lit("placebo", lang="en"))

    safety = f.bundle(f"{name}-safety", monograph, "safety", "UncontrolledPhase2Evidence")
    for e in range(1, 3):
        ae = kg(f"adverse-effect-{name}-{e}")
        safety.add(c, sk("hasAdverseEffect"), ae)
        safety.add(ae, A, sk("AdverseEffect"))
        safety.add(ae, LABEL, lit(f"adverse effect {e} of synthetic compound {i}", lang="en"))
        safety.add(ae, sk("phenotype"), pick(pools.phenotypes, 2 * i + e))
        safety.add(ae, sk("seriousness"), sk(rng.choice(SERIOUSNESS)))
        safety.add(ae, sk("transient"), lit(rng.choice(["true", "false"]), "boolean"))

    regulation = f.bundle(
        f"{name}-regulation", monograph, "regulatory status", "CuratedDatabaseEvidence"
    )
    rs = kg(f"regulatory-status-{name}")
    regulation.add(c, sk("hasRegulatoryStatus"), rs)
    regulation.add(rs, A, sk("RegulatoryStatus"))
    regulation.add(rs, LABEL, lit(f"regulatory status of synthetic compound {i}", lang="en"))
    regulation.add(rs, sk("statusKind"), sk(rng.choice(STATUS_KINDS)))
    regulation.add(rs, sk("jurisdiction"), pick(pools.jurisdictions, i))
    regulation.add(rs, sk("authority"), pick(pools.organisations, i))
    regulation.add(rs, sk("statusAsOf"), lit(str(2010 + i % 14), "gYear"))
    return f


TRIPLES_PER_COMPOUND = 800  # rough, only used to size the shared pools before generating
#: compound folders per subfolder above FLAT_UP_TO triples, so no folder holds thousands of them
SHARD = 1000
FLAT_UP_TO = 2_000_000


def compound_dir(out: Path, i: int, triples: int) -> Path:
    """Where compound I's folder goes: OUT itself up to 1M (the layout every size had before
    10M), ``OUT/compounds-NNN/`` by thousands above it."""
    return out if triples <= FLAT_UP_TO else out / f"compounds-{i // SHARD:03d}"


def _write(f: DataFile) -> Path:
    f.path.parent.mkdir(parents=True, exist_ok=True)
    f.path.write_bytes(f.serialize())
    return f.path


def generate(
    out: Path,
    triples: int,
    seed: int = 1,
    ontology_triples: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write a catalogue of about TRIPLES asserted triples (ontology + facts + claims) to OUT.

    ``ontology_triples`` is counted towards the size so that the built graph, not just the data,
    has the size asked for. Compounds are added while that brings the count closer to TRIPLES.
    Each file is written as soon as it is generated and then dropped: only the shared pools stay
    in memory, so memory does not grow with the size. PROGRESS, if given, is called with the
    compounds and triples written so far every 1000 compounds. Returns the data files, sorted.
    """
    rng = random.Random(seed)
    shared, pools = shared_file(out, max(2, triples // TRIPLES_PER_COMPOUND), rng)
    total = ontology_triples + shared.asserted_count(set())
    written = [_write(shared)]
    del shared
    i = 0
    while True:
        i += 1
        candidate = compound_file(compound_dir(out, i, triples), i, pools, rng)
        # a compound's facts all have its own entities as subjects: no overlap to deduplicate
        added = candidate.asserted_count(set())
        if i > 1 and total + added - triples > triples - total:
            break
        total += added
        written.append(_write(candidate))
        if progress is not None and i % 1000 == 0:
            progress(i, total)
    return sorted(written)
