"""QC queries: each catches what it names, stays quiet on clean data, and the real data is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import resources
from serkg.checks import QcViolation, qc_check_names, qc_query, qc_query_file, qc_store, run_qc
from serkg.loading import load_knowledge

PREFIXES = """
@prefix sk: <https://w3id.org/serkg/vocab/> .
@prefix kg: <https://w3id.org/serkg/id/> .
@prefix kgsrc: <https://w3id.org/serkg/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
"""
KG = "https://w3id.org/serkg/id/"
# a small, clean, connected graph with claims: every check must return nothing on it
CLEAN = """
kg:c a sk:ChemicalCompound ; rdfs:label "L-serine"@en ; sk:hasMechanism kg:m ;
    skos:exactMatch obo:CHEBI_17115 .
kg:m a sk:Mechanism ; rdfs:label "cathepsin activation"@en .
kgsrc:s a sk:Monograph ; rdfs:label "monograph"@en .
kg:claim-1 a sk:Claim ; sk:claimSubject kg:c ; sk:claimPredicate sk:hasMechanism ;
    sk:claimObject kg:m ; prov:wasDerivedFrom kgsrc:s .
kg:claim-2 a sk:Claim ; sk:claimSubject kg:m ; sk:claimPredicate rdfs:label ;
    sk:claimObject "cathepsin activation"@en ; prov:wasDerivedFrom kgsrc:s .
"""
# check -> (extra Turtle that breaks it, then every (entity, property, value) row it must return)
BROKEN: dict[str, tuple[str, ...] | tuple[object, ...]] = {
    "ill-typed-literal": (
        'kg:c sk:monoisotopicMass "105.04.1"^^xsd:decimal ; sk:firstSynthesised "yes"^^xsd:boolean ; '
        'sk:approvalDate "2020-02-30"^^xsd:date ; sk:enrollment "20"^^xsd:integer .',
        (
            KG + "c",
            "https://w3id.org/serkg/vocab/approvalDate",
            '"2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date>',
        ),
        (
            KG + "c",
            "https://w3id.org/serkg/vocab/firstSynthesised",
            '"yes"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        ),
        (
            KG + "c",
            "https://w3id.org/serkg/vocab/monoisotopicMass",
            '"105.04.1"^^<http://www.w3.org/2001/XMLSchema#decimal>',
        ),
    ),
    "literal-subject": (
        'kg:claim-3 a sk:Claim ; sk:claimSubject "L-serine" ; sk:claimPredicate sk:casNumber ; '
        'sk:claimObject "56-45-1" ; prov:wasDerivedFrom kgsrc:s .',
        (KG + "claim-3", "https://w3id.org/serkg/vocab/claimSubject", '"L-serine"'),
    ),
    "sameas-self-link": (
        "kg:c owl:sameAs kg:c .",
        (KG + "c", "http://www.w3.org/2002/07/owl#sameAs", KG + "c"),
    ),
    "external-sameas": (
        "kg:c owl:sameAs obo:CHEBI_17115 .",
        (
            KG + "c",
            "http://www.w3.org/2002/07/owl#sameAs",
            "http://purl.obolibrary.org/obo/CHEBI_17115",
        ),
    ),
    "entity-without-provenance": (
        'kg:g a sk:Gene ; rdfs:label "SPTLC1"@en . kg:m sk:hasTarget kg:g .',
        (
            KG + "g",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "https://w3id.org/serkg/vocab/Gene",
        ),
    ),
    "untyped-entity": (
        'kg:x rdfs:label "typo"@en ; sk:precursorOf kg:c . '
        "kg:claim-4 a sk:Claim ; sk:claimSubject kg:x ; prov:wasDerivedFrom kgsrc:s .",
        (KG + "x", "http://www.w3.org/2000/01/rdf-schema#label", '"typo"@en'),
    ),
    "orphan-node": (
        'kg:lonely a sk:Gene ; rdfs:label "lonely"@en ; '
        "skos:exactMatch <http://identifiers.org/hgnc/1> . "
        "kg:claim-5 a sk:Claim ; sk:claimSubject kg:lonely ; sk:claimPredicate rdfs:label ; "
        'sk:claimObject "lonely"@en ; prov:wasDerivedFrom kgsrc:s .',
        (
            KG + "lonely",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "https://w3id.org/serkg/vocab/Gene",
        ),
    ),
    "duplicate-label": (
        'kg:m2 a sk:Mechanism ; rdfs:label "Cathepsin activation"@en . '
        "kg:c sk:hasMechanism kg:m2 . "
        "kg:claim-6 a sk:Claim ; sk:claimSubject kg:m2 ; prov:wasDerivedFrom kgsrc:s .",
        (KG + "m", "http://www.w3.org/2000/01/rdf-schema#label", '"cathepsin activation"@en'),
        (KG + "m2", "http://www.w3.org/2000/01/rdf-schema#label", '"Cathepsin activation"@en'),
    ),
    "unverified-identifier": (
        "kg:c skos:exactMatch <http://identifiers.org/pubchem.compound/71077> .",
        (
            KG + "c",
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            "http://identifiers.org/pubchem.compound/71077",
        ),
    ),
    "obsolete-identifier": (
        "kg:c skos:exactMatch obo:CHEBI_33384 .",
        (
            KG + "c",
            "http://www.w3.org/2004/02/skos/core#exactMatch",
            "http://purl.obolibrary.org/obo/CHEBI_33384",
        ),
    ),
}


def store_of(turtle: str) -> ox.Store:
    triples = [q.triple for q in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)]
    return qc_store(triples)


def test_active_checks_are_exactly_the_qc_files() -> None:
    files = {p.name.removesuffix("-violation.rq") for p in resources.qc_query_files()}
    assert set(qc_check_names()) == files
    assert set(BROKEN) == files, "every check needs a broken example in this file"


@pytest.mark.parametrize("check", qc_check_names())
def test_query_file_has_a_header_and_returns_entity_property_value(check: str) -> None:
    text = qc_query(check)
    header = [line for line in text.splitlines() if line.startswith("#+")]
    assert any(line.startswith("#+ summary: ") for line in header)
    assert any(line.startswith("#+ description:") for line in header)
    result = ox.Store().query(text)
    assert [v.value for v in result.variables] == ["entity", "property", "value"], qc_query_file(
        check
    )


def test_clean_graph_passes_every_check() -> None:
    assert run_qc(store_of(CLEAN)) == []


@pytest.mark.parametrize("check", sorted(BROKEN))
def test_check_reports_exactly_the_broken_statement(check: str) -> None:
    extra, *expected = BROKEN[check]
    rows = run_qc(store_of(CLEAN + extra))
    assert [r for r in rows if r.check == check] == [QcViolation(check, *row) for row in expected]


def test_every_listed_unverified_identifier_is_caught() -> None:
    text = qc_query("unverified-identifier")
    iris = re.findall(r"^\s*<(http[^>]+)>", text, flags=re.MULTILINE)
    assert len(iris) == 25
    turtle = "".join(f"kg:c skos:relatedMatch <{iri}> .\n" for iri in iris)
    rows = [r for r in run_qc(store_of(CLEAN + turtle)) if r.check == "unverified-identifier"]
    assert sorted(r.value for r in rows) == sorted(iris)


def test_unverified_literal_values_are_caught_per_property() -> None:
    rows = run_qc(store_of(CLEAN + 'kg:c sk:casNumber "820-11-1" ; sk:iupacName "820-11-1" .'))
    hits = [(r.property, r.value) for r in rows if r.check == "unverified-identifier"]
    assert hits == [("https://w3id.org/serkg/vocab/casNumber", '"820-11-1"')]


def test_packaged_data_is_qc_clean_before_reasoning() -> None:
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    rows = run_qc(qc_store(kb.asserted))
    assert rows == [], "\n".join(str(r) for r in rows)


@pytest.mark.slow
def test_built_store_is_qc_clean(built_dist: Path) -> None:
    from serkg.store import EmbeddedStore

    store = EmbeddedStore.open(built_dist / "store")
    assert run_qc(store) == []
    assert run_qc(store.oxigraph) == []


def test_qc_row_prints_with_curies() -> None:
    row = QcViolation(
        "orphan-node", KG + "x", "http://www.w3.org/2000/01/rdf-schema#label", '"x"@en'
    )
    assert str(row) == 'orphan-node: kg:x rdfs:label "x"@en'
