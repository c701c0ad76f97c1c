"""Competency questions: what a researcher asks of the L-serine graph, with the exact answers.

Each test is one question as SPARQL over the raw TriG files and the ontology, loaded into an
in-memory pyoxigraph store (the union of all graphs is the default graph). No reasoner runs here:
transitivity and the property chain are followed with property paths, which the OWL RL closure
would materialise in the built graph. Answers are compared as sets of rows (or ordered lists
where order is part of the question).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg.loading import parse_file

REPO = Path(__file__).resolve().parents[2]

PREFIXES = {
    "sk": "https://w3id.org/serkg/vocab/",
    "kg": "https://w3id.org/serkg/id/",
    "kgsrc": "https://w3id.org/serkg/source/",
    "obo": "http://purl.obolibrary.org/obo/",
    "unit": "http://qudt.org/vocab/unit/",
}
HEADER = (
    "\n".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    + """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
)
XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int")}


@cache
def store() -> ox.Store:
    """Ontology plus every data file, each named graph (TriG or card) kept as its bundle."""
    db = ox.Store()
    db.load(path=str(REPO / "ontology" / "serkg.ttl"), format=ox.RdfFormat.TURTLE)
    for path in sorted((REPO / "data").rglob("*.trig")):
        db.load(path=str(path), format=ox.RdfFormat.TRIG)
    for path in sorted((REPO / "data" / "cards").glob("*.yaml")):  # curation cards, compiled
        db.extend(parse_file(path))
    return db


def term(value: Any) -> Any:
    """A result term as a short Python value: CURIEs for IRIs, numbers, booleans, strings."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if value.value.startswith(namespace):
                return f"{prefix}:{value.value[len(namespace) :]}"
        return value.value
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value
        if datatype in INTEGER_TYPES:
            return int(value.value)
        if datatype == XSD + "decimal":
            return Decimal(value.value)
        if datatype == XSD + "boolean":
            return value.value == "true"
        return value.value
    raise TypeError(value)


def rows(query: str) -> list[tuple[Any, ...]]:
    result = store().query(HEADER + query, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]
    return [tuple(term(solution[v]) for v in variables) for solution in result]


def select(query: str) -> set[tuple[Any, ...]]:
    return set(rows(query))


def ask(query: str) -> bool:
    return bool(store().query(HEADER + query, use_default_graph_as_union=True))


# --- identity ------------------------------------------------------------------------------------


def test_cq01_cas_number_of_l_serine() -> None:
    assert select("SELECT DISTINCT ?cas WHERE { kg:l-serine sk:casNumber ?cas }") == {("56-45-1",)}


def test_cq02_molecular_weight_and_average_mass_with_units() -> None:
    query = """SELECT DISTINCT ?mw ?mwUnit ?avg ?massUnit WHERE {
        kg:l-serine sk:molecularWeight ?mw ; sk:molecularWeightUnit ?mwUnit ;
                    sk:averageMass ?avg ; sk:massUnit ?massUnit }"""
    assert select(query) == {(Decimal("105.09"), "unit:GM-PER-MOL", Decimal("105.0926"), "unit:DA")}


def test_cq03_synonyms_and_product_category() -> None:
    query = "SELECT DISTINCT ?name WHERE { kg:l-serine skos:altLabel ?name }"
    assert select(query) == {
        ("L-Ser",),
        ("L-2-amino-3-hydroxypropanoic acid",),
        ("2-amino-3-hydroxypropionic acid",),
    }
    query = "SELECT ?cat WHERE { kg:l-serine sk:productCategory ?cat }"
    assert select(query) == {("sk:SupplementCategory",)}


def test_cq04_compound_by_inchikey() -> None:
    query = """SELECT DISTINCT ?c ?label WHERE {
        ?c sk:inchiKey "MTCFGRXMJLQNBG-UWTATZPHSA-N" ; rdfs:label ?label }"""
    assert select(query) == {("kg:d-serine", "D-serine")}


def test_cq05_chebi_and_mesh_cross_links_of_l_serine() -> None:
    query = """SELECT DISTINCT ?rel ?x WHERE {
        VALUES ?rel { skos:exactMatch skos:broadMatch skos:relatedMatch }
        kg:l-serine ?rel ?x
        FILTER(STRSTARTS(STR(?x), STR(obo:CHEBI_)) || CONTAINS(STR(?x), "/mesh/")) }"""
    assert select(query) == {
        ("http://www.w3.org/2004/02/skos/core#exactMatch", "obo:CHEBI_17115"),
        ("http://www.w3.org/2004/02/skos/core#relatedMatch", "obo:CHEBI_33384"),
        ("http://www.w3.org/2004/02/skos/core#broadMatch", "http://id.nlm.nih.gov/mesh/D012694"),
    }


# --- chemistry and biosynthesis ------------------------------------------------------------------


def test_cq06_enantiomer_of_l_serine_either_direction() -> None:
    query = """SELECT DISTINCT ?e WHERE {
        { kg:l-serine sk:enantiomerOf ?e } UNION { ?e sk:enantiomerOf kg:l-serine } }"""
    assert select(query) == {("kg:d-serine",)}


def test_cq07_what_l_serine_is_a_precursor_of_transitively() -> None:
    query = "SELECT DISTINCT ?p WHERE { kg:l-serine sk:precursorOf+ ?p }"
    assert select(query) == {
        ("kg:glycine",),
        ("kg:d-serine",),
        ("kg:phospholipid",),
        ("kg:sphingolipid",),
        ("kg:folate-one-carbon-unit",),
        ("kg:phosphatidylserine",),
    }


def test_cq08_what_l_serine_is_made_from_and_by_which_enzymes() -> None:
    query = "SELECT DISTINCT ?src WHERE { ?src sk:precursorOf+ kg:l-serine }"
    assert select(query) == {("kg:glucose",), ("kg:3-phospho-d-glycerate",)}
    query = """SELECT DISTINCT ?start ?gene WHERE {
        kg:l-serine sk:synthesisedVia ?pw . ?pw sk:startingCompound ?start ;
        sk:pathwayEnzyme/sk:encodedBy/rdfs:label ?gene }"""
    assert select(query) == {
        ("kg:3-phospho-d-glycerate", "PHGDH"),
        ("kg:3-phospho-d-glycerate", "PSAT1"),
        ("kg:3-phospho-d-glycerate", "PSPH"),
    }


def test_cq09_where_l_serine_is_conditionally_essential() -> None:
    query = """SELECT ?label WHERE { kg:l-serine sk:conditionallyEssentialIn/rdfs:label ?label }"""
    assert select(query) == {("central nervous system",)}


# --- mechanisms ----------------------------------------------------------------------------------


def test_cq10_mechanisms_with_class_action_and_targets() -> None:
    query = """SELECT DISTINCT ?m ?class ?action ?target WHERE {
        kg:l-serine sk:hasMechanism ?m . ?m a ?class ; sk:action ?action .
        FILTER(STRSTARTS(STR(?class), STR(sk:)))
        OPTIONAL { ?m sk:hasTarget ?target } }"""
    assert select(query) == {
        (
            "kg:mechanism-l-serine-cathepsin-activation",
            "sk:CathepsinActivation",
            "sk:Activation",
            "kg:protein-ctsb",
        ),
        (
            "kg:mechanism-l-serine-cathepsin-activation",
            "sk:CathepsinActivation",
            "sk:Activation",
            "kg:protein-ctsl",
        ),
        (
            "kg:mechanism-l-serine-d-serine-precursor",
            "sk:NMDACoagonistSupply",
            "sk:PrecursorSupply",
            "kg:nmda-receptor",
        ),
        (
            "kg:mechanism-l-serine-sphingolipid-precursor",
            "sk:SphingolipidPrecursorSupply",
            "sk:PrecursorSupply",
            None,
        ),
        (
            "kg:mechanism-l-serine-pparg-upregulation",
            "sk:PPARGammaUpregulation",
            "sk:Upregulation",
            "kg:protein-pparg",
        ),
        (
            "kg:mechanism-l-serine-antiapoptotic-signalling",
            "sk:AntiapoptoticSignallingSupport",
            "sk:SignallingSupport",
            None,
        ),
    }


def test_cq11_proteins_l_serine_targets_through_its_mechanisms() -> None:
    query = """SELECT DISTINCT ?label WHERE {
        kg:l-serine sk:hasMechanism/sk:hasTarget ?p . ?p rdfs:label ?label }"""
    assert select(query) == {
        ("cathepsin B",),
        ("cathepsin L",),
        ("NMDA receptor",),
        ("peroxisome proliferator-activated receptor gamma",),
    }


def test_cq12_which_mechanisms_support_proteostasis_by_class_hierarchy() -> None:
    query = """SELECT DISTINCT ?m WHERE {
        kg:l-serine sk:hasMechanism ?m . ?m a/rdfs:subClassOf* sk:ProteostasisSupport }"""
    assert select(query) == {("kg:mechanism-l-serine-cathepsin-activation",)}


def test_cq13_go_processes_of_the_cathepsin_mechanism() -> None:
    query = """SELECT ?go ?label WHERE {
        kg:mechanism-l-serine-cathepsin-activation sk:actsOnProcess ?go . ?go rdfs:label ?label }"""
    assert select(query) == {
        ("obo:GO_0006914", "autophagy"),
        ("obo:GO_1905146", "lysosomal protein catabolic process"),
    }


def test_cq14_mechanism_evidence_and_human_relevance() -> None:
    query = """SELECT DISTINCT ?level ?consistent ?human WHERE {
        kg:l-serine sk:hasMechanism ?m . ?m sk:evidenceLevel ?level ;
        sk:consistentAcrossStudies ?consistent ; sk:establishedInHumans ?human }"""
    assert select(query) == {
        ("sk:CellCultureEvidence", True, False),
        ("sk:AnimalModelEvidence", True, False),
    }


# --- trials --------------------------------------------------------------------------------------


def test_cq15_terminated_trials_when_and_why() -> None:
    query = """SELECT DISTINCT ?trial ?why ?kind ?date WHERE {
        ?trial sk:overallStatus sk:Terminated .
        OPTIONAL { ?trial sk:whyStopped ?why }
        OPTIONAL { ?trial sk:terminationReasonKind ?kind }
        OPTIONAL { ?trial sk:terminationDate ?date } }"""
    assert select(query) == {
        (
            "kg:NCT03580616",
            "Study was terminated by the IRB due to continued noncompliance.",
            "sk:AdministrativeReason",
            "2022-12",
        ),
        ("kg:NCT03062449", None, None, None),
    }


def test_cq16_who_terminated_nct03580616() -> None:
    query = "SELECT ?label WHERE { kg:NCT03580616 sk:terminatedBy/rdfs:label ?label }"
    assert select(query) == {("institutional review board of NCT03580616",)}


def test_cq17_enrollment_of_each_trial_estimated_or_actual() -> None:
    query = """SELECT DISTINCT ?id ?n ?type WHERE {
        ?t sk:registryId ?id ; sk:enrollment ?n ; sk:enrollmentType ?type }"""
    assert select(query) == {
        ("NCT01835782", 20, "sk:Estimated"),
        ("NCT03580616", 43, "sk:Actual"),
        ("NCT03062449", 29, "sk:Actual"),
        ("NCT04646447", 24, "sk:Actual"),
    }


def test_cq18_registry_phase_of_each_trial() -> None:
    query = "SELECT DISTINCT ?id ?phase WHERE { ?t sk:registryId ?id ; sk:phase ?phase }"
    assert select(query) == {
        ("NCT01835782", "sk:Phase1Phase2"),
        ("NCT03580616", "sk:Phase2"),
        ("NCT03062449", "sk:Phase2"),
        ("NCT04646447", "sk:PhaseNotApplicable"),
    }


def test_cq19_status_history_of_nct03062449_in_date_order() -> None:
    query = """SELECT ?date ?status WHERE {
        kg:NCT03062449 sk:hasStatusRecord ?r . ?r sk:status ?status ; sk:statusDate ?date }
        ORDER BY STR(?date)"""
    assert rows(query) == [
        ("2018-10-04", "sk:Suspended"),
        ("2022-01", "sk:ActiveNotRecruiting"),
        ("2024-07-03", "sk:Terminated"),
    ]


def test_cq20_trials_in_als_and_their_design_features() -> None:
    query = """SELECT DISTINCT ?t ?design WHERE {
        ?t a sk:ClinicalTrial ; sk:studiesCondition kg:amyotrophic-lateral-sclerosis ;
           sk:design ?design }"""
    assert select(query) == {
        ("kg:NCT01835782", "sk:Uncontrolled"),
        ("kg:NCT01835782", "sk:HistoricalControls"),
        ("kg:NCT01835782", "sk:DoseRanging"),
        ("kg:NCT01835782", "sk:Randomised"),
        ("kg:NCT01835782", "sk:FactorialAssignment"),
        ("kg:NCT01835782", "sk:QuadrupleMasked"),
        ("kg:NCT03580616", "sk:SingleArm"),
        ("kg:NCT03580616", "sk:OpenLabel"),
    }


def test_cq21_trials_with_published_results_and_where() -> None:
    query = """SELECT DISTINCT ?t ?pub WHERE { ?t sk:resultsPublished true .
        OPTIONAL { ?t sk:resultsReportedIn ?pub } }"""
    assert select(query) == {
        ("kg:NCT01835782", "kgsrc:levine-2017"),
        ("kg:NCT04646447", "kgsrc:julia-palacios-2024"),
    }
    assert not ask("ASK { kg:l-serine sk:phase3TrialConducted true }")
    assert ask("ASK { kg:l-serine sk:pivotalTrialCompleted false }")


def test_cq22_sponsors_collaborators_and_investigators() -> None:
    query = """SELECT DISTINCT ?id ?role ?who WHERE {
        ?t sk:registryId ?id .
        { ?t sk:sponsor/rdfs:label ?who BIND("sponsor" AS ?role) }
        UNION { ?t sk:collaborator/rdfs:label ?who BIND("collaborator" AS ?role) }
        UNION { ?t sk:sponsorInvestigator ?who BIND("sponsor-investigator" AS ?role) }
        UNION { ?t sk:principalInvestigator ?who BIND("principal investigator" AS ?role) } }"""
    assert select(query) == {
        ("NCT01835782", "sponsor", "Phoenix Neurological Associates"),
        ("NCT01835782", "collaborator", "Institute for Ethnomedicine"),
        ("NCT01835782", "principal investigator", "Todd D. Levine"),
        ("NCT03580616", "sponsor-investigator", "Elijah W. Stommel"),
        ("NCT03062449", "sponsor-investigator", "Aleksandra Stark"),
        ("NCT03062449", "collaborator", "Institute for Ethnomedicine"),
        ("NCT04646447", "sponsor", "Fundacio Sant Joan de Deu"),
        ("NCT04646447", "principal investigator", "Angels Garcia-Cazorla"),
    }


def test_cq23_grin_trial_cohorts_by_gene() -> None:
    query = """SELECT ?gene ?n WHERE { ?c sk:cohortOf kg:NCT04646447 ; sk:cohortSize ?n ;
        sk:cohortGene/rdfs:label ?gene }"""
    assert select(query) == {("GRIN2B", 12), ("GRIN1", 6), ("GRIN2A", 5)}
    query = "SELECT ?n WHERE { kg:NCT04646447 sk:participantsCompleted ?n }"
    assert select(query) == {(23,)}


# --- outcomes ------------------------------------------------------------------------------------


def test_cq24_alsfrs_r_effect_size_p_value_and_comparator_size() -> None:
    query = """SELECT DISTINCT ?effect ?unit ?p ?controls ?n WHERE {
        ?o sk:outcomeOf kg:NCT01835782 ; sk:measure sk:ALSFRSRSlope ;
           sk:effectSize ?effect ; sk:effectUnit ?unit ; sk:pValue ?p ;
           sk:comparatorSize ?controls ; sk:studySize ?n }"""
    assert select(query) == {(Decimal("34.0"), "unit:PERCENT", Decimal("0.044"), 430, 20)}


def test_cq25_csf_l_serine_rise_at_the_highest_dose() -> None:
    query = """SELECT ?fold ?dailyGrams WHERE {
        ?o sk:outcomeOf kg:NCT01835782 ; sk:measure sk:CSFLSerineLevel ; sk:foldChange ?fold ;
           sk:doseGroup/sk:dailyDoseMaxGrams ?dailyGrams }"""
    assert select(query) == {(Decimal("4.0"), Decimal("30.0"))}


def test_cq26_participant_events_in_the_phase_one_trial() -> None:
    query = """SELECT ?measure ?count WHERE {
        ?o sk:outcomeOf kg:NCT01835782 ; sk:measure ?measure ; sk:observedCount ?count }"""
    assert select(query) == {
        ("sk:WithdrawalBeforeDosing", 1),
        ("sk:WithdrawalForGastrointestinalEffects", 2),
        ("sk:DeathDuringTrial", 3),
        ("sk:BMAADetection", 0),
    }


# --- preclinical ---------------------------------------------------------------------------------


def test_cq27_preclinical_models_organisms_and_diseases() -> None:
    query = """SELECT ?study ?organism ?disease WHERE {
        ?study a sk:PreclinicalStudy ; sk:intervention kg:l-serine ;
               sk:organism/rdfs:label ?organism ; sk:modelOf ?disease }"""
    assert select(query) == {
        (
            "kg:preclinical-l-serine-vervet-als",
            "Chlorocebus sabaeus",
            "kg:amyotrophic-lateral-sclerosis",
        ),
        ("kg:preclinical-l-serine-mouse-alzheimer", "Mus musculus", "kg:alzheimer-disease"),
    }


def test_cq28_processes_restored_in_the_mouse_alzheimer_model() -> None:
    query = "SELECT ?go WHERE { kg:preclinical-l-serine-mouse-alzheimer sk:restoresProcess ?go }"
    assert select(query) == {
        ("obo:GO_0006096",),
        ("obo:GO_0006564",),
        ("obo:GO_0070179",),
        ("obo:GO_0048167",),
    }


# --- doses ---------------------------------------------------------------------------------------


def test_cq29_doses_of_at_least_15_grams_a_day() -> None:
    query = """SELECT DISTINCT ?dose ?max WHERE {
        ?dose a sk:DoseRegimen ; sk:dailyDoseMaxGrams ?max FILTER(?max >= 15) }"""
    assert select(query) == {
        ("kg:dose-l-serine-als-phase1-range", Decimal("30.0")),
        ("kg:dose-nct01835782-7-5-g-twice-daily", Decimal("15.0")),
        ("kg:dose-nct01835782-15-g-twice-daily", Decimal("30.0")),
        ("kg:dose-nct03580616-15-g-twice-daily", Decimal("30.0")),
    }


def test_cq30_doses_per_body_mass() -> None:
    query = """SELECT ?dose ?amount ?unit ?freq WHERE {
        ?dose sk:perBodyMass true ; sk:doseMax ?amount ; sk:doseUnit ?unit ; sk:frequency ?freq }"""
    assert select(query) == {
        (
            "kg:dose-l-serine-serine-synthesis-defects",
            Decimal("400.0"),
            "unit:MilliGM-PER-KiloGM",
            "sk:PerDay",
        ),
        (
            "kg:dose-nct04646447-500-mg-per-kg-per-day",
            Decimal("500.0"),
            "unit:MilliGM-PER-KiloGM",
            "sk:PerDay",
        ),
    }
    assert ask("ASK { kg:l-serine sk:establishedTherapeuticDose false }")


def test_cq31_phase_one_dose_range_per_day() -> None:
    query = """SELECT ?min ?max ?freq WHERE { kg:dose-l-serine-als-phase1-range
        sk:dailyDoseMinGrams ?min ; sk:dailyDoseMaxGrams ?max ; sk:frequency ?freq }"""
    assert select(query) == {(Decimal("1.0"), Decimal("30.0"), "sk:TwiceDaily")}


# --- safety --------------------------------------------------------------------------------------


def test_cq32_adverse_effects_with_phenotype_and_seriousness() -> None:
    query = """SELECT ?hp ?seriousness ?transient WHERE {
        kg:l-serine sk:hasAdverseEffect ?ae . ?ae sk:phenotype ?hp ; sk:seriousness ?seriousness ;
        sk:transient ?transient }"""
    assert select(query) == {
        ("obo:HP_0002018", "sk:NonSerious", True),
        ("obo:HP_0003270", "sk:NonSerious", True),
        ("obo:HP_0002014", "sk:NonSerious", True),
    }
    assert not ask("ASK { kg:l-serine sk:hasAdverseEffect/sk:seriousness sk:Serious }")


def test_cq33_what_the_safety_data_rest_on() -> None:
    query = """SELECT ?sae ?longTerm ?basis WHERE { kg:l-serine sk:hasSafetyAssessment ?a .
        ?a sk:seriousAdverseEventsObserved ?sae ; sk:longTermControlledData ?longTerm ;
        sk:evidenceBasis ?basis }"""
    assert select(query) == {
        (False, False, "phase I trial in ALS"),
        (False, False, "high-dose treatment of genetic serine deficiency"),
        (False, False, "FDA post-market surveillance"),
    }


# --- regulation ----------------------------------------------------------------------------------


def test_cq34_us_regulatory_statuses_with_instrument() -> None:
    query = """SELECT DISTINCT ?kind ?instrument WHERE {
        kg:l-serine sk:hasRegulatoryStatus ?s .
        ?s sk:jurisdiction kg:united-states ; sk:statusKind ?kind .
        OPTIONAL { ?s sk:instrument/rdfs:label ?instrument } }"""
    assert select(query) == {
        ("sk:GRASClaim", None),
        ("sk:FoodAdditivePermitted", "21 CFR 172.320"),
        ("sk:DietarySupplement", None),
        ("sk:OverTheCounterSale", None),
        ("sk:NotApprovedAsDrug", None),
        ("sk:NotControlledSubstance", None),
    }


def test_cq35_not_approved_for_als_and_d_serine_not_approved_for_anything() -> None:
    assert ask(
        """ASK { kg:l-serine sk:hasRegulatoryStatus ?s . ?s sk:statusKind sk:NotApprovedAsDrug ;
        sk:forIndication kg:amyotrophic-lateral-sclerosis }"""
    )
    assert not ask("ASK { kg:l-serine sk:hasRegulatoryStatus/sk:statusKind sk:ApprovedAsDrug }")
    assert ask(
        """ASK { kg:d-serine sk:hasRegulatoryStatus ?s . ?s sk:statusKind sk:NotApprovedAsDrug ;
        sk:anyIndication true }"""
    )


# --- history and organisations -------------------------------------------------------------------


def test_cq36_manufacturers_by_country() -> None:
    query = """SELECT ?maker ?country WHERE { kg:l-serine sk:manufacturedBy ?m .
        ?m rdfs:label ?maker ; sk:country/rdfs:label ?country }"""
    assert select(query) == {
        ("Ajinomoto", "Japan"),
        ("Evonik Industries", "Germany"),
        ("Kyowa Hakko Bio", "Japan"),
    }
    assert ask("ASK { kg:l-serine sk:developmentRightsHeld false }")


def test_cq37_observations_that_motivated_als_research() -> None:
    query = """SELECT ?obs WHERE { ?obs a sk:HistoricalObservation ;
        sk:motivated/sk:indicationDisease kg:amyotrophic-lateral-sclerosis }"""
    assert select(query) == {
        ("kg:observation-bmaa-guam-als",),
        ("kg:observation-serine-synthesis-defects",),
    }
    query = """SELECT ?x WHERE {
        { kg:bmaa sk:structuralAnalogOf ?x } UNION { ?x sk:structuralAnalogOf kg:bmaa } }"""
    assert select(query) == {("kg:l-serine",)}


# --- indications and evidence --------------------------------------------------------------------


def test_cq38_strongest_evidence_per_indication() -> None:
    query = """SELECT ?disease ?level WHERE {
        { SELECT ?ind (MAX(?rank) AS ?best) WHERE {
            kg:l-serine sk:hasIndication ?ind .
            ?ind sk:supportedBy?/sk:evidenceLevel ?l . ?l sk:evidenceRank ?rank } GROUP BY ?ind }
        ?ind sk:indicationDisease ?disease ; sk:supportedBy?/sk:evidenceLevel ?level .
        ?level sk:evidenceRank ?best }"""
    assert select(query) == {
        ("kg:amyotrophic-lateral-sclerosis", "sk:UncontrolledPhase1Evidence"),
        ("kg:alzheimer-disease", "sk:AnimalModelEvidence"),
        ("kg:grin-related-encephalopathy", "sk:UncontrolledPhase2Evidence"),
        ("kg:serine-deficiency-disorder", "sk:ExpertSummaryEvidence"),
        ("kg:hsan1", "sk:ExpertSummaryEvidence"),
    }


def test_cq39_combinations_with_approved_als_drugs() -> None:
    query = """SELECT ?partner ?mechClass ?distinct ?data WHERE {
        ?c a sk:CombinationAssessment ; sk:combinationOf kg:l-serine , ?partner ;
           sk:mechanismsDistinct ?distinct ; sk:clinicalCombinationData ?data .
        FILTER(?partner != kg:l-serine)
        ?partner sk:hasMechanism/rdf:type ?mechClass .
        FILTER(STRSTARTS(STR(?mechClass), STR(sk:))) }"""
    assert select(query) == {
        ("kg:riluzole", "sk:GlutamateReleaseInhibition", True, False),
        ("kg:edaravone", "sk:FreeRadicalScavenging", True, False),
    }


# --- provenance and conflicts --------------------------------------------------------------------


def test_cq40_sources_of_the_alsfrs_r_effect_size() -> None:
    query = """SELECT DISTINCT ?src ?level WHERE {
        GRAPH ?bundle { kg:outcome-nct01835782-alsfrs-r-slope sk:effectSize ?v }
        ?bundle prov:wasDerivedFrom ?src ; sk:evidenceLevel ?level }"""
    assert select(query) == {
        ("kgsrc:l-serine-monograph", "sk:UncontrolledPhase1Evidence"),
        ("kgsrc:aan-2017-p3-128", "sk:ConferenceAbstractEvidence"),
    }


def test_cq41_sources_saying_nct03580616_is_terminated() -> None:
    query = """SELECT DISTINCT ?src WHERE {
        GRAPH ?bundle { kg:NCT03580616 sk:overallStatus sk:Terminated }
        ?bundle prov:wasDerivedFrom ?src }"""
    assert select(query) == {("kgsrc:l-serine-monograph",), ("kgsrc:nct03580616-record",)}


def test_cq42_all_conflicts_with_the_sources_of_each_side() -> None:
    query = """SELECT DISTINCT ?conflict ?src WHERE {
        ?conflict a sk:SourceConflict ; sk:hasClaim ?claim . ?claim prov:wasDerivedFrom ?src }"""
    expected = {
        "conflict-hsan1-causal-genes": {
            "l-serine-monograph",
            "omim-162400",
            "genereviews-sptlc1-hsn",
            "uniprot-o15269",
            "omim-613640",
            "uniprot-o15270",
            "genereviews-serine-deficiency",
            "omim-610936",
        },
        "conflict-hsan1-l-serine-rationale": {"l-serine-monograph", "genereviews-sptlc1-hsn"},
        "conflict-nct01835782-efficacy-figures": {
            "l-serine-monograph",
            "aan-2017-p3-128",
            "levine-2017",
        },
        "conflict-nct01835782-phase": {"l-serine-monograph", "levine-2017", "nct01835782-record"},
        "conflict-nct01835782-status": {"l-serine-monograph", "nct01835782-record"},
        "conflict-nct01835782-enrollment-type": {"nct01835782-record", "levine-2017"},
        "conflict-nct03580616-design": {"l-serine-monograph", "nct03580616-record"},
        "conflict-nct03062449-status": {
            "nct03062449-record-2018",
            "nct03062449-mirror-2022",
            "nct03062449-mirror-2024",
        },
        "conflict-nct04646447-phase": {"nct04646447-mirror-2020", "julia-palacios-2024"},
        "conflict-l-serine-gras": {"l-serine-monograph", "cfr-21-172-320-text"},
        "conflict-l-serine-chebi-term": {
            "uniprot-p78330",
            "uniprot-o15269",
            "secondary-identifier-mappings",
        },
        "conflict-grin-encephalopathy-classification": {
            "l-serine-monograph",
            "nct04646447-mirror-2020",
            "curegrin-l-serine-trial-update",
        },
        "conflict-l-serine-largest-trial": {"l-serine-monograph", "nct03580616-record"},
    }
    assert select(query) == {
        (f"kg:{conflict}", f"kgsrc:{src}")
        for conflict, sources in expected.items()
        for src in sources
    }


def test_cq43_both_sides_of_the_nct01835782_phase_conflict() -> None:
    query = """SELECT ?phase ?src WHERE { kg:conflict-nct01835782-phase sk:hasClaim ?c .
        ?c sk:claimPredicate sk:phase ; sk:claimObject ?phase ; prov:wasDerivedFrom ?src }"""
    assert select(query) == {
        ("sk:Phase1", "kgsrc:l-serine-monograph"),
        ("sk:Phase1", "kgsrc:levine-2017"),
        ("sk:Phase1Phase2", "kgsrc:nct01835782-record"),
    }
    # only the registry's phase is asserted as a plain fact
    assert select("SELECT DISTINCT ?p WHERE { kg:NCT01835782 sk:phase ?p }") == {
        ("sk:Phase1Phase2",)
    }


def test_cq44_hsan1_genes_curated_versus_monograph() -> None:
    query = """SELECT DISTINCT ?gene WHERE {
        ?d sk:subtypeOf* kg:hsan1 ; sk:hasCausalGene/rdfs:label ?gene }"""
    assert select(query) == {("SPTLC1",), ("SPTLC2",)}
    query = """SELECT ?gene WHERE {
        ?c sk:claimSubject kg:hsan1 ; sk:claimPredicate sk:hasCausalGene ;
        sk:claimObject/rdfs:label ?gene ; prov:wasDerivedFrom kgsrc:l-serine-monograph }"""
    assert select(query) == {("PSAT1",), ("PSPH",)}


def test_cq45_gras_is_only_a_claim_and_the_cfr_section_is_a_food_additive_rule() -> None:
    query = """SELECT ?kind ?src WHERE { kg:conflict-l-serine-gras sk:hasClaim ?c .
        ?c sk:claimObject ?o ; prov:wasDerivedFrom ?src .
        OPTIONAL { ?o sk:statusKind ?k } BIND(COALESCE(?k, ?o) AS ?kind) }"""
    assert select(query) == {
        ("sk:GRASClaim", "kgsrc:l-serine-monograph"),
        ("sk:FoodAdditivePermitted", "kgsrc:cfr-21-172-320-text"),
    }
