"""What a curation card may say: one table of records and fields, read by the compiler, the JSON
Schema and the way back (a graph to a card), so that the three cannot disagree.

Every field maps to one ontology property; every closed list of values is a list of ontology
individuals (or classes, for a mechanism's kind), written here by local name and checked against
``ontology/serkg.ttl`` by a test.
"""

from __future__ import annotations

from dataclasses import dataclass

from serkg.prefixes import PREFIX_MAP, SK

SK_NS = SK
RDFS_LABEL = PREFIX_MAP["rdfs"] + "label"
SKOS = PREFIX_MAP["skos"]
UNIT = PREFIX_MAP["unit"]

#: the closed lists, by the ontology class whose individuals they are
ENUMS: dict[str, tuple[str, ...]] = {
    "EvidenceLevel": (
        "CuratedDatabaseEvidence",
        "SecondaryMappingEvidence",
        "ExpertSummaryEvidence",
        "RegistryRecordEvidence",
        "CellCultureEvidence",
        "AnimalModelEvidence",
        "ConferenceAbstractEvidence",
        "UncontrolledPhase1Evidence",
        "UncontrolledPhase2Evidence",
        "RandomisedControlledEvidence",
    ),
    "ProductCategory": (
        "SupplementCategory",
        "PrescriptionDrugCategory",
        "ResearchChemicalCategory",
    ),
    "RegulatoryStatusKind": (
        "GRASClaim",
        "FoodAdditivePermitted",
        "DietarySupplement",
        "OverTheCounterSale",
        "NotApprovedAsDrug",
        "ApprovedAsDrug",
        "NotControlledSubstance",
    ),
    "MechanismAction": (
        "Activation",
        "Upregulation",
        "PrecursorSupply",
        "SignallingSupport",
        "CoAgonism",
        "Inhibition",
        "Scavenging",
    ),
    "TrialPhase": (
        "EarlyPhase1",
        "Phase1",
        "Phase1Phase2",
        "Phase2",
        "Phase2a",
        "Phase2Phase3",
        "Phase3",
        "Phase4",
        "PhaseNotApplicable",
    ),
    "TrialStatus": (
        "NotYetRecruiting",
        "Recruiting",
        "EnrollingByInvitation",
        "ActiveNotRecruiting",
        "Suspended",
        "Terminated",
        "Completed",
        "Withdrawn",
        "UnknownStatus",
    ),
    "EnrollmentType": ("Estimated", "Actual"),
    "StudyDesign": (
        "OpenLabel",
        "SingleArm",
        "HistoricalControls",
        "Randomised",
        "NonRandomised",
        "DoubleBlind",
        "QuadrupleMasked",
        "PlaceboControlled",
        "FactorialAssignment",
        "ParallelAssignment",
        "DoseRanging",
        "Uncontrolled",
    ),
    "DosingFrequency": ("OnceDaily", "TwiceDaily", "PerDay"),
    "Seriousness": ("Serious", "NonSerious"),
    "IndicationStatus": ("Investigational", "ClinicalUseReported", "ApprovedIndication"),
}

#: the kinds of mechanism a card may name: subclasses of sk:Mechanism
MECHANISM_KINDS: tuple[str, ...] = (
    "Mechanism",
    "ProteostasisSupport",
    "AutophagyEnhancement",
    "CathepsinActivation",
    "NeurotransmissionModulation",
    "NMDACoagonistSupply",
    "GlutamateReleaseInhibition",
    "LipidPrecursorSupply",
    "SphingolipidPrecursorSupply",
    "AntiInflammatoryAction",
    "PPARGammaUpregulation",
    "AntiapoptoticSignallingSupport",
    "AntioxidantAction",
    "FreeRadicalScavenging",
)

#: the kinds of source document a card may describe: subclasses of sk:SourceDocument
SOURCE_KINDS: tuple[str, ...] = (
    "SourceDocument",
    "Publication",
    "ConferenceAbstract",
    "RegistryRecord",
    "Monograph",
    "RegulationText",
    "DatabaseRecord",
    "ReferenceTable",
    "WebPage",
)

#: KIND fields: the ontology class whose subclasses (and itself) a record may be typed with
CLASS_LISTS: dict[str, tuple[str, ...]] = {
    "Mechanism": MECHANISM_KINDS,
    "SourceDocument": SOURCE_KINDS,
}

#: the units a card may use (QUDT individuals the ontology declares)
UNITS: tuple[str, ...] = ("GM", "MilliGM-PER-KiloGM", "GM-PER-MOL", "DA", "PERCENT", "MO", "WK")

#: field kinds: how a YAML value becomes an RDF term
TEXT = "text"  # an English string: "..."@en
STRING = "string"  # a plain string (codes, formulas, identifiers)
DECIMAL = "decimal"
INTEGER = "integer"
BOOLEAN = "boolean"
DATE = "date"  # YYYY, YYYY-MM or YYYY-MM-DD: xsd:gYear, xsd:gYearMonth, xsd:date
REF = "ref"  # an entity: a CURIE, an IRI, or a bare name in the kg: namespace
ENUM = "enum"  # one of ENUMS[enum], written by its local name
UNIT_KIND = "unit"  # one of UNITS
KIND = "kind"  # one of MECHANISM_KINDS (SOURCE_KINDS for a source): the record's rdf:type
IRI = "iri"  # a web address (http or https)
RECORD = "record"  # a nested record, RECORDS[record]
CAS = "cas"  # a CAS registry number with a valid check digit


@dataclass(frozen=True)
class Field:
    """One YAML key of a record and the ontology property it fills."""

    name: str
    predicate: str
    kind: str
    many: bool = False
    enum: str = ""
    record: str = ""
    required: bool = False
    pattern: str = ""
    #: for RECORD fields whose record points back at its owner (sk:mechanismOf)
    description: str = ""


@dataclass(frozen=True)
class Record:
    """A kind of record: its rdf:type, how its IRI is named, and its fields."""

    name: str
    rdf_type: str
    fields: tuple[Field, ...]
    #: the record points at its owner with this property (instead of the owner pointing at it)
    owner_link: str = ""
    #: also state this property from the record back to its owner
    back_link: str = ""
    #: a field whose value, lower-cased, names the record when ``id`` is not given
    id_from: str = ""


def _sk(local: str) -> str:
    return SK + local


LABEL = Field("label", RDFS_LABEL, TEXT, description="The English name.")
DEFINITION = Field("definition", SKOS + "definition", TEXT, description="One sentence: what it is.")
SUPPORTED_BY = Field("supported_by", _sk("supportedBy"), REF, many=True)

IDENTITY = Record(
    "identity",
    _sk("ChemicalCompound"),
    (
        LABEL,
        Field("synonyms", SKOS + "altLabel", TEXT, many=True),
        DEFINITION,
        Field("cas", _sk("casNumber"), CAS),
        Field("formula", _sk("molecularFormula"), STRING, pattern=r"^([A-Z][a-z]?[0-9]*)+$"),
        Field("iupac_name", _sk("iupacName"), STRING),
        Field("monoisotopic_mass", _sk("monoisotopicMass"), DECIMAL),
        Field("average_mass", _sk("averageMass"), DECIMAL),
        Field("mass_unit", _sk("massUnit"), UNIT_KIND),
        Field("molecular_weight", _sk("molecularWeight"), DECIMAL),
        Field("molecular_weight_unit", _sk("molecularWeightUnit"), UNIT_KIND),
        Field("inchi", _sk("inchi"), STRING, pattern=r"^InChI=1S?/"),
        Field("inchikey", _sk("inchiKey"), STRING, pattern=r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$"),
        Field("smiles", _sk("smiles"), STRING),
    ),
)

STATUS_RECORD = Record(
    "status_record",
    _sk("TrialStatusRecord"),
    (
        LABEL,
        DEFINITION,
        Field("status", _sk("status"), ENUM, enum="TrialStatus", required=True),
        Field("date", _sk("statusDate"), DATE, required=True),
    ),
)

OUTCOME = Record(
    "outcome",
    _sk("TrialOutcome"),
    (
        LABEL,
        DEFINITION,
        Field("measure", _sk("measure"), REF),
        Field("effect_size", _sk("effectSize"), DECIMAL),
        Field("effect_unit", _sk("effectUnit"), UNIT_KIND),
        Field("effect_direction", _sk("effectDirection"), TEXT),
        Field("p_value", _sk("pValue"), DECIMAL),
        Field("finding", _sk("finding"), TEXT),
    ),
)

SOURCE = Record(
    "source",
    _sk("SourceDocument"),
    (
        Field("kind", "", KIND, enum="SourceDocument", required=True),
        Field("label", RDFS_LABEL, TEXT, required=True),
        DEFINITION,
        Field("url", PREFIX_MAP["schema"] + "url", IRI),
        Field("doi", _sk("doi"), STRING, pattern=r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$"),
        Field("journal", _sk("journal"), STRING),
    ),
)

RECORDS: dict[str, Record] = {
    "source": SOURCE,
    "identity": IDENTITY,
    "mechanism": Record(
        "mechanism",
        _sk("Mechanism"),
        (
            Field("kind", "", KIND, enum="Mechanism"),
            LABEL,
            DEFINITION,
            Field("action", _sk("action"), ENUM, enum="MechanismAction"),
            Field("targets", _sk("hasTarget"), REF, many=True),
            Field("target_site", _sk("targetSite"), TEXT),
            Field("processes", _sk("actsOnProcess"), REF, many=True),
            Field("pathways", _sk("involvesPathway"), REF, many=True),
            Field("via", _sk("viaIntermediate"), REF, many=True),
            SUPPORTED_BY,
        ),
        back_link=_sk("mechanismOf"),
    ),
    "regulatory_status": Record(
        "regulatory_status",
        _sk("RegulatoryStatus"),
        (
            LABEL,
            DEFINITION,
            Field("status", _sk("statusKind"), ENUM, enum="RegulatoryStatusKind", required=True),
            Field("jurisdiction", _sk("jurisdiction"), REF),
            Field("authority", _sk("authority"), REF),
            Field("instrument", _sk("instrument"), REF),
            Field("indications", _sk("forIndication"), REF, many=True),
            Field("any_indication", _sk("anyIndication"), BOOLEAN),
            Field("prescription_required", _sk("prescriptionRequired"), BOOLEAN),
            Field("as_of", _sk("statusAsOf"), DATE),
        ),
    ),
    "indication": Record(
        "indication",
        _sk("Indication"),
        (
            LABEL,
            DEFINITION,
            Field("disease", _sk("indicationDisease"), REF, required=True),
            Field("status", _sk("indicationStatus"), ENUM, enum="IndicationStatus"),
            Field("rationale", _sk("rationale"), TEXT),
            SUPPORTED_BY,
        ),
        back_link=_sk("indicationOf"),
    ),
    "trial": Record(
        "trial",
        _sk("ClinicalTrial"),
        (
            Field("registry_id", _sk("registryId"), STRING, required=True),
            LABEL,
            DEFINITION,
            Field("phase", _sk("phase"), ENUM, enum="TrialPhase"),
            Field("overall_status", _sk("overallStatus"), ENUM, enum="TrialStatus"),
            Field("statuses", _sk("hasStatusRecord"), RECORD, many=True, record="status_record"),
            Field("enrollment", _sk("enrollment"), INTEGER),
            Field("enrollment_type", _sk("enrollmentType"), ENUM, enum="EnrollmentType"),
            Field("design", _sk("design"), ENUM, many=True, enum="StudyDesign"),
            Field("conditions", _sk("studiesCondition"), REF, many=True),
            Field("sponsors", _sk("sponsor"), REF, many=True),
            Field("why_stopped", _sk("whyStopped"), TEXT),
            Field("start_date", _sk("startDate"), DATE),
            Field("completion_date", _sk("completionDate"), DATE),
            Field("outcomes", _sk("hasOutcome"), RECORD, many=True, record="outcome"),
            Field("interpretation", _sk("interpretation"), TEXT),
        ),
        owner_link=_sk("intervention"),
        id_from="registry_id",
    ),
    "status_record": STATUS_RECORD,
    "outcome": OUTCOME,
    "preclinical_study": Record(
        "preclinical_study",
        _sk("PreclinicalStudy"),
        (
            LABEL,
            DEFINITION,
            Field("organism", _sk("organism"), REF),
            Field("model_of", _sk("modelOf"), REF, many=True),
            Field("finding", _sk("finding"), TEXT),
            Field("restores", _sk("restoresProcess"), REF, many=True),
            SUPPORTED_BY,
        ),
        owner_link=_sk("intervention"),
    ),
    "dose": Record(
        "dose",
        _sk("DoseRegimen"),
        (
            LABEL,
            DEFINITION,
            Field("min", _sk("doseMin"), DECIMAL, required=True),
            Field("max", _sk("doseMax"), DECIMAL),
            Field("unit", _sk("doseUnit"), UNIT_KIND, required=True),
            Field("frequency", _sk("frequency"), ENUM, enum="DosingFrequency"),
            Field("per_kg", _sk("perBodyMass"), BOOLEAN),
            Field("population", _sk("population"), TEXT),
            Field("route", _sk("route"), STRING),
            SUPPORTED_BY,
        ),
    ),
    "adverse_effect": Record(
        "adverse_effect",
        _sk("AdverseEffect"),
        (
            LABEL,
            DEFINITION,
            Field("phenotype", _sk("phenotype"), REF),
            Field("seriousness", _sk("seriousness"), ENUM, enum="Seriousness"),
            Field("transient", _sk("transient"), BOOLEAN),
            SUPPORTED_BY,
        ),
    ),
    "combination": Record(
        "combination",
        _sk("CombinationAssessment"),
        (
            LABEL,
            DEFINITION,
            Field("with", _sk("combinationOf"), REF, many=True, required=True),
            Field("mechanisms_distinct", _sk("mechanismsDistinct"), BOOLEAN),
            Field("formally_studied", _sk("formallyStudied"), BOOLEAN),
            Field("clinical_data", _sk("clinicalCombinationData"), BOOLEAN),
        ),
        owner_link=_sk("combinationOf"),
    ),
}

#: facts about the compound itself that a ``facts`` group may hold
COMPOUND_FACTS: tuple[Field, ...] = (
    Field("identifiers", SKOS + "exactMatch", REF, many=True),
    Field("broader_identifiers", SKOS + "broadMatch", REF, many=True),
    Field("category", _sk("productCategory"), ENUM, many=True, enum="ProductCategory"),
    Field("endogenous", _sk("endogenous"), BOOLEAN),
    Field("proteinogenic", _sk("proteinogenic"), BOOLEAN),
    Field("present_in_food", _sk("presentInFood"), BOOLEAN),
    Field("biosynthesis_processes", _sk("biosynthesisProcess"), REF, many=True),
    Field("precursors", _sk("derivedFrom"), REF, many=True),
    Field("products", _sk("precursorOf"), REF, many=True),
)

#: the top-level lists of records: key -> field whose predicate links the compound to the record
#: (empty when the record links to the compound itself, see :attr:`Record.owner_link`)
RECORD_LISTS: tuple[Field, ...] = (
    Field("mechanisms", _sk("hasMechanism"), RECORD, many=True, record="mechanism"),
    Field("regulatory", _sk("hasRegulatoryStatus"), RECORD, many=True, record="regulatory_status"),
    Field("indications", _sk("hasIndication"), RECORD, many=True, record="indication"),
    Field("trials", "", RECORD, many=True, record="trial"),
    Field("preclinical", "", RECORD, many=True, record="preclinical_study"),
    Field("doses", _sk("hasDoseRegimen"), RECORD, many=True, record="dose"),
    Field("adverse_effects", _sk("hasAdverseEffect"), RECORD, many=True, record="adverse_effect"),
    Field("combinations", "", RECORD, many=True, record="combination"),
)

#: the identity block's extra keys (besides the identity record's fields)
IDENTITY_EXTRA: tuple[Field, ...] = COMPOUND_FACTS[:2]

#: a group's provenance keys (the bundle's metadata)
GROUP_PROVENANCE: tuple[Field, ...] = (
    Field("source", PREFIX_MAP["prov"] + "wasDerivedFrom", REF, many=True, required=True),
    Field("section", _sk("sourceSection"), STRING, many=True, required=True),
    Field("evidence", _sk("evidenceLevel"), ENUM, many=True, enum="EvidenceLevel"),
    Field("bundle", "", STRING, pattern=r"^bundle-[a-z0-9][a-z0-9-]*$"),
)


def _with_kind(record: Record) -> Record:
    """Every record may name its class (``kind``); it defaults to the record's own class."""
    if any(f.kind == KIND for f in record.fields):
        return record
    local = record.rdf_type[len(SK) :]
    CLASS_LISTS.setdefault(local, (local,))
    kind = Field("kind", "", KIND, enum=local)
    return Record(
        record.name,
        record.rdf_type,
        (kind, *record.fields),
        owner_link=record.owner_link,
        back_link=record.back_link,
        id_from=record.id_from,
    )


RECORDS = {name: _with_kind(record) for name, record in RECORDS.items() if name != "identity"}
STATUS_RECORD = RECORDS["status_record"]
