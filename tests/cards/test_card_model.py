"""The card model, its JSON Schema, its compiler and the ontology agree."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import rdflib
import yaml
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF, RDFS

from serkg import resources
from serkg.cards import card_schema, card_schema_text, compile_card, model
from serkg.cli import app
from serkg.loading import parse_file

SK = rdflib.Namespace(model.SK_NS)
QUDT_UNIT = rdflib.URIRef("http://qudt.org/schema/qudt/Unit")
SCHEMA_COPY = Path(__file__).resolve().parents[2] / "docs" / "card.schema.json"
FIXTURES = Path(__file__).parent / "fixtures"
CARDS = sorted((resources.asset_root() / "data" / "cards").glob("*.yaml"))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_file())


def _all_fields() -> list[model.Field]:
    fields = [*model.IDENTITY.fields, *model.COMPOUND_FACTS, *model.GROUP_PROVENANCE]
    for record in model.RECORDS.values():
        fields.extend(record.fields)
    return fields


def test_every_closed_list_is_exactly_the_individuals_of_its_class(ontology: rdflib.Graph) -> None:
    for cls, values in model.ENUMS.items():
        individuals = {str(s)[len(model.SK_NS) :] for s in ontology.subjects(RDF.type, SK[cls])}
        assert set(values) == individuals, cls
        for value in values:
            assert (SK[value], RDF.type, OWL.NamedIndividual) in ontology, value


def test_every_unit_is_a_unit_the_ontology_declares(ontology: rdflib.Graph) -> None:
    declared = {str(s)[len(model.UNIT) :] for s in ontology.subjects(RDF.type, QUDT_UNIT)}
    assert set(model.UNITS) == declared


def test_every_kind_is_its_class_or_a_subclass(ontology: rdflib.Graph) -> None:
    for cls, kinds in model.CLASS_LISTS.items():
        for kind in kinds:
            supers = set(ontology.transitive_objects(SK[kind], RDFS.subClassOf))
            assert SK[cls] in supers and (SK[kind], RDF.type, OWL.Class) in ontology, kind


def test_every_field_maps_to_an_ontology_property_of_the_right_kind(ontology: rdflib.Graph) -> None:
    literal_kinds = {model.TEXT, model.STRING, model.DECIMAL, model.INTEGER, model.BOOLEAN}
    literal_kinds |= {model.DATE, model.CAS}
    for fld in _all_fields():
        if not fld.predicate:
            assert fld.kind in (model.KIND, model.RECORD, model.STRING), fld.name  # kind, bundle
            continue
        types = set(ontology.objects(rdflib.URIRef(fld.predicate), RDF.type))
        assert types, f"{fld.name}: {fld.predicate} is not declared in the ontology"
        if OWL.DatatypeProperty in types:
            assert fld.kind in literal_kinds, fld.name
        if OWL.ObjectProperty in types:
            assert fld.kind not in literal_kinds, fld.name


def test_every_record_is_an_ontology_class(ontology: rdflib.Graph) -> None:
    for record in (model.IDENTITY, *model.RECORDS.values()):
        assert (rdflib.URIRef(record.rdf_type), RDF.type, OWL.Class) in ontology, record.name


def test_the_schema_names_every_field_of_the_model() -> None:
    defs = card_schema()["$defs"]
    for link in model.RECORD_LISTS:
        names = set(defs[link.record]["properties"])
        assert {f.name for f in model.RECORDS[link.record].fields} <= names
    assert {f.name for f in model.IDENTITY.fields} <= set(defs["identity"]["properties"])
    assert {f.name for f in model.COMPOUND_FACTS} <= set(defs["facts"]["properties"])


def test_the_schema_copy_in_docs_is_current() -> None:
    assert SCHEMA_COPY.read_text(encoding="utf-8") == card_schema_text(), (
        "docs/card.schema.json is stale: run `serkg card-schema --out docs/card.schema.json`"
    )


def test_serkg_card_schema_prints_the_schema() -> None:
    result = CliRunner().invoke(app, ["card-schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == card_schema()


@pytest.mark.parametrize("card", [*CARDS, FIXTURES / "taurine.yaml"], ids=lambda p: p.name)
def test_the_cards_are_valid_by_the_schema(card: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(card_schema())
    errors = list(
        jsonschema.Draft202012Validator(card_schema()).iter_errors(yaml.safe_load(card.read_text()))
    )
    assert [e.message for e in errors] == []


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (("    formula: C2H7NO3S\n", "    formla: C2H7NO3S\n"), ["identity", 0]),
        (("    endogenous: true\n", "    endogenous: often\n"), ["facts", 0, "endogenous"]),
        (
            (
                "    evidence: CuratedDatabaseEvidence\n    endogenous",
                "    evidence: Strong\n    endogenous",
            ),
            ["facts", 0, "evidence"],
        ),
        (("    mass_unit: DA\n", "    mass_unit: kg\n"), ["identity", 0, "mass_unit"]),
        (
            (
                "  - source: pubchem-cid-1123\n    section: biological role\n",
                "  - section: biological role\n",
            ),
            ["facts", 0],
        ),
    ],
)
def test_the_schema_refuses_what_the_compiler_refuses(
    edit: tuple[str, str], path: list[object]
) -> None:
    text = (FIXTURES / "taurine.yaml").read_text(encoding="utf-8")
    assert text.count(edit[0]) == 1
    broken = yaml.safe_load(text.replace(edit[0], edit[1]))
    errors = list(jsonschema.Draft202012Validator(card_schema()).iter_errors(broken))
    assert [list(e.absolute_path) for e in errors] == [path]


def test_a_card_compiles_to_the_quads_of_the_same_facts_written_in_trig(tmp_path: Path) -> None:
    trig = tmp_path / "taurine.trig"
    trig.write_text(
        """@prefix sk: <https://w3id.org/serkg/vocab/> .
@prefix kg: <https://w3id.org/serkg/id/> .
@prefix kgsrc: <https://w3id.org/serkg/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix unit: <http://qudt.org/vocab/unit/> .

kgsrc:pubchem-cid-1123 a sk:DatabaseRecord ;
    rdfs:label "PubChem compound record CID 1123 (taurine)"@en ;
    skos:definition "PubChem's record for taurine, with its structure identifiers and masses."@en ;
    schema:url <https://pubchem.ncbi.nlm.nih.gov/compound/1123> .

kg:bundle-taurine-identity prov:wasDerivedFrom kgsrc:pubchem-cid-1123 ;
    sk:sourceSection "names and identifiers" ; sk:evidenceLevel sk:CuratedDatabaseEvidence .
kg:bundle-taurine-identity {
    kg:taurine a sk:ChemicalCompound ; rdfs:label "taurine"@en ;
        skos:altLabel "2-aminoethanesulfonic acid"@en ;
        skos:definition "An amino sulfonic acid made from cysteine; abundant in the brain, retina and muscle."@en ;
        sk:casNumber "107-35-7" ; sk:molecularFormula "C2H7NO3S" ;
        sk:inchiKey "XOAAWQZATWQOTB-UHFFFAOYSA-N" ; sk:averageMass 125.15 ; sk:massUnit unit:DA ;
        skos:exactMatch <http://purl.obolibrary.org/obo/CHEBI_15891> ,
            <http://identifiers.org/pubchem.compound/1123> , <http://identifiers.org/cas/107-35-7> .
}

kg:bundle-taurine-facts prov:wasDerivedFrom kgsrc:pubchem-cid-1123 ;
    sk:sourceSection "biological role" ; sk:evidenceLevel sk:CuratedDatabaseEvidence .
kg:bundle-taurine-facts { kg:taurine sk:endogenous true . }
""",
        encoding="utf-8",
    )
    assert set(compile_card(FIXTURES / "taurine.yaml")) == set(parse_file(trig))
