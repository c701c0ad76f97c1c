"""The SSSOM mapping set ``serkg build`` writes (``serkg.sssom.tsv``), read by sssom-py.

Identifiers are checked against the reference table the data tests read
(``shared/reference/identifiers.tsv`` beside the clone, or ``$SERKG_SHARED``).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from serkg import mappings
from serkg.cli import app
from serkg.prefixes import ASSERTED_GRAPH, KG, expand
from tests.test_data_content import canonical_iri, reference_rows

SKOS = "http://www.w3.org/2004/02/skos/core#"
MATCHES = {
    SKOS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}

#: the known traps (shared/reference/README.md, point 8, and identifiers.tsv)
NEGATIVES = {
    ("kg:l-serine", "skos:exactMatch", "CHEBI:33384"),
    ("kg:bmaa", "skos:exactMatch", "PUBCHEM.COMPOUND:28558"),
    ("kg:bmaa", "skos:exactMatch", "PUBCHEM.COMPOUND:6999077"),
    ("kg:3-phospho-d-glycerate", "skos:exactMatch", "PUBCHEM.COMPOUND:724"),
    ("GO:0006545", "skos:exactMatch", "GO:0019264"),
    ("kg:hsan1b", "skos:exactMatch", "MONDO:0011961"),
}


@pytest.fixture(scope="module")
def sssom_file(built_dist: Path) -> Path:
    return built_dist / "serkg.sssom.tsv"


def table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(the ``#`` metadata lines, the rows) of an SSSOM/TSV file, read with the csv module."""
    lines = path.read_text(encoding="utf-8").splitlines()
    metadata = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#")]
    return metadata, list(csv.DictReader(body, delimiter="\t"))


def key(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (row["subject_id"], row["predicate_modifier"], row["predicate_id"], row["object_id"])


def test_the_built_set_passes_sssom_validate(sssom_file: Path) -> None:
    sssom = Path(sys.executable).parent / "sssom"
    result = subprocess.run(
        [str(sssom), "validate", str(sssom_file)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    checks = [
        SchemaValidationType.JsonSchema,
        SchemaValidationType.PrefixMapCompleteness,
        SchemaValidationType.StrictCurieFormat,
    ]
    reports = validate(parse_sssom_table(sssom_file), checks, fail_on_error=False)
    assert {check.value: report.results for check, report in reports.items()} == {
        check.value: [] for check in checks
    }


def test_sssom_py_reads_back_the_same_rows_and_metadata(sssom_file: Path) -> None:
    from sssom.parsers import parse_sssom_table

    _, rows = table(sssom_file)
    msdf = parse_sssom_table(sssom_file)
    read = msdf.df.fillna("").to_dict(orient="records")
    assert len(read) == len(rows)
    for ours, theirs in zip(sorted(rows, key=key), sorted(read, key=key), strict=True):
        theirs = {c: ("|".join(v) if isinstance(v, list) else v) for c, v in theirs.items()}
        theirs["confidence"] = repr(float(theirs["confidence"]))
        theirs["predicate_modifier"] = str(theirs["predicate_modifier"]).removeprefix(
            "PredicateModifierEnum."
        )
        assert {c: str(theirs[c]) for c in ours} == {
            **ours,
            "confidence": repr(float(ours["confidence"])),
        }
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/serkg/mappings/serkg.sssom.tsv"
    from serkg import __version__

    assert msdf.metadata["mapping_set_version"] == __version__
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert msdf.metadata["creator_id"] == ["kg:serkg-contributors"]
    assert msdf.converter.expand("kg:l-serine") == KG + "l-serine"


def test_sssom_py_converts_the_set_to_rdf_and_json(sssom_file: Path, tmp_path: Path) -> None:
    sssom = Path(sys.executable).parent / "sssom"
    _, rows = table(sssom_file)
    for fmt, name in (("rdf", "set.ttl"), ("json", "set.json")):
        result = subprocess.run(
            [
                str(sssom),
                "convert",
                str(sssom_file),
                "--output-format",
                fmt,
                "-o",
                str(tmp_path / name),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]

    document = json.loads((tmp_path / "set.json").read_text(encoding="utf-8"))
    assert sorted(
        (m["subject_id"], m.get("predicate_modifier", ""), m["predicate_id"], m["object_id"])
        for m in document["mappings"]
    ) == sorted(key(row) for row in rows)

    graph = rdflib.Graph().parse(tmp_path / "set.ttl", format="turtle")
    owl = rdflib.OWL
    axioms = {
        (
            str(graph.value(a, owl.annotatedSource)),
            str(graph.value(a, owl.annotatedProperty)),
            str(graph.value(a, owl.annotatedTarget)),
        )
        for a in graph.subjects(rdflib.RDF.type, owl.Axiom)
        if graph.value(a, owl.annotatedSource) is not None
    }
    expected = {
        (expand(r["subject_id"]), expand(r["predicate_id"]), expand(r["object_id"])) for r in rows
    }
    assert axioms == expected


def test_every_cross_link_of_the_graph_is_one_positive_row(
    sssom_file: Path, built_dist: Path
) -> None:
    store = ox.Store.read_only(str(built_dist / "store"))
    links = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ASSERTED_GRAPH))
        if q.predicate.value in MATCHES and q.subject.value.startswith(KG)
    }
    del store
    _, rows = table(sssom_file)
    positive = [
        (expand(r["subject_id"]), expand(r["predicate_id"]), expand(r["object_id"]))
        for r in rows
        if r["predicate_modifier"] == ""
    ]
    assert len(positive) == len(set(positive)) == len(links)
    assert set(positive) == links
    assert [key(r) for r in rows] == sorted(key(r) for r in rows)


def test_the_negative_rows_are_the_known_traps(sssom_file: Path) -> None:
    _, rows = table(sssom_file)
    negative = {
        (r["subject_id"], r["predicate_id"], r["object_id"])
        for r in rows
        if r["predicate_modifier"] == "Not"
    }
    assert negative == NEGATIVES
    assert {r["predicate_modifier"] for r in rows} == {"", "Not"}
    positive = {
        (r["subject_id"], r["predicate_id"], r["object_id"])
        for r in rows
        if not r["predicate_modifier"]
    }
    assert not positive & negative


def verified_iris() -> set[str]:
    """IRIs of the identifiers graded primary or secondary in the reference table."""
    rows = reference_rows()
    iris = {
        canonical_iri(row["scheme"], row["id"])
        for row in rows
        if row["confidence"] in {"primary", "secondary"} and row["kind"] != "prefix"
    }
    # a trial's rows are keyed by its NCT number (read from its registry record or a mirror)
    iris |= {
        expand(f"clinicaltrials:{row['entity']}")
        for row in rows
        if row["kind"] == "clinical trial"
        and row["confidence"] in {"primary", "secondary"}
        and re.fullmatch(r"NCT\d{8}", row["entity"])
    }
    return {iri for iri in iris if iri}


def named_in_reference(object_id: str) -> bool:
    """A trap's identifier is in the reference table: as the id of a row of its scheme, or named
    in the value of one (the BMAA row names the stereo-unspecified and R-form CIDs)."""
    iri = expand(object_id)
    local = object_id.split(":", 1)[1]
    named = re.compile(rf"(?<![0-9A-Za-z]){re.escape(local)}(?![0-9A-Za-z])")
    return any(
        canonical_iri(row["scheme"], local) == iri
        and (row["id"].split(":", 1)[-1] == local or named.search(row["value"]) is not None)
        for row in reference_rows()
    )


def test_every_object_is_a_verified_reference_identifier(sssom_file: Path) -> None:
    _, rows = table(sssom_file)
    verified = verified_iris()
    unverified = [
        f"{r['subject_id']} {r['predicate_id']} {r['object_id']}"
        for r in rows
        if not r["predicate_modifier"] and expand(r["object_id"]) not in verified
    ]
    assert unverified == []
    unnamed = [
        r["object_id"]
        for r in rows
        if r["predicate_modifier"] and not named_in_reference(r["object_id"])
    ]
    assert unnamed == []


def test_golden_rows(sssom_file: Path) -> None:
    _, rows = table(sssom_file)
    by_key = {key(r): r for r in rows}
    assert by_key["kg:l-serine", "", "skos:exactMatch", "CHEBI:17115"] == {
        "subject_id": "kg:l-serine",
        "subject_label": "L-serine",
        "predicate_id": "skos:exactMatch",
        "predicate_modifier": "",
        "object_id": "CHEBI:17115",
        "object_label": "",
        "mapping_justification": "semapv:ManualMappingCuration",
        "mapping_date": "2026-12-02",
        "confidence": "0.8",
        "see_also": "https://w3id.org/serkg/source/secondary-identifier-mappings"
        "|https://w3id.org/serkg/source/serkg-reference-identifiers",
        "comment": "checked against: secondary identifier mappings and mirrors; "
        "serkg reference identifier table",
    }
    related = by_key["kg:l-serine", "", "skos:relatedMatch", "CHEBI:33384"]
    assert (related["confidence"], related["see_also"].split("|")) == (
        "0.95",
        [
            "https://w3id.org/serkg/source/serkg-reference-identifiers",
            "https://w3id.org/serkg/source/uniprot-o15269",
            "https://w3id.org/serkg/source/uniprot-p78330",
            "https://www.uniprot.org/uniprotkb/O15269",
            "https://www.uniprot.org/uniprotkb/P78330",
        ],
    )
    trap = by_key["kg:l-serine", "Not", "skos:exactMatch", "CHEBI:33384"]
    assert (trap["object_label"], trap["confidence"]) == ("L-serine zwitterion", "0.95")
    assert trap["comment"].startswith("The zwitterion UniProt and Rhea use in reaction annotations")
    trial = by_key["kg:NCT03580616", "", "skos:exactMatch", "clinicaltrials:NCT03580616"]
    assert trial["subject_label"] != "" and trial["confidence"] in {"0.8", "0.95"}


def test_the_metadata_block(sssom_file: Path) -> None:
    metadata, rows = table(sssom_file)
    from serkg import __version__

    assert metadata[0] == "#curie_map:"
    assert '#mapping_set_id: "https://w3id.org/serkg/mappings/serkg.sssom.tsv"' in metadata
    assert f'#mapping_set_version: "{__version__}"' in metadata
    assert '#license: "https://creativecommons.org/licenses/by/4.0/"' in metadata
    curie_map = {
        line[3:].split(":", 1)[0]
        for line in metadata[1:]
        if line.startswith("#  ") and not line.startswith("#  - ")
    }
    used = {
        r[c].split(":", 1)[0]
        for r in rows
        for c in ("subject_id", "predicate_id", "object_id", "mapping_justification")
    }
    assert curie_map == used | {"kg"}


def test_void_lists_the_mapping_set_with_its_media_type(built_dist: Path) -> None:
    void = rdflib.Graph().parse(built_dist / "void.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    media = {
        str(void.value(d, rdflib.DCTERMS.title)): str(void.value(d, dcat.mediaType))
        for d in void.subjects(rdflib.RDF.type, dcat.Distribution)
    }
    assert media["serkg.sssom.tsv"] == "text/tab-separated-values"
    assert media["serkg.ttl"] == "text/turtle"


def test_export_format_sssom_writes_the_built_set(sssom_file: Path, built_dist: Path) -> None:
    store = str(built_dist / "store")
    result = CliRunner().invoke(app, ["export", "--format", "sssom", "--store", store])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == sssom_file.read_bytes()
    refused = CliRunner().invoke(
        app, ["export", "--format", "sssom", "--graph", "inferred", "--store", store]
    )
    assert refused.exit_code != 0
    assert "asserted graph" in refused.output and "Traceback" not in refused.output


def test_broken_metadata_is_named_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "mapping-set.json"
    broken.write_text('{\n  "mapping_set": {\n    "mapping_set_id": \n  }\n}\n', encoding="utf-8")
    with pytest.raises(mappings.MappingError, match=rf"^{re.escape(str(broken))}:4: not JSON"):
        mappings.load_metadata(broken)
    missing = tmp_path / "no-id.json"
    missing.write_text('{"mapping_set": {}, "mapping": {}, "confidence_by_evidence_level": {}}')
    with pytest.raises(mappings.MappingError, match="mapping_set needs a mapping_set_id"):
        mappings.load_metadata(missing)


def test_a_bad_negative_mapping_is_named_with_its_line(tmp_path: Path) -> None:
    header = "\t".join(mappings.NEGATIVE_COLUMNS)
    short = tmp_path / "short.tsv"
    short.write_text(f"# traps\n{header}\nkg:l-serine\tskos:exactMatch\tCHEBI:33384\n")
    with pytest.raises(
        mappings.MappingError, match=rf"^{re.escape(str(short))}:3: 3 cells, the header has 7"
    ):
        mappings.load_negative_mappings(short)
    unknown = tmp_path / "unknown.tsv"
    unknown.write_text(f"{header}\nkg:l-serine\tskos:exactMatch\tNOPE:1\t\t0.9\tkgsrc:x\twhy\n")
    with pytest.raises(
        mappings.MappingError,
        match=rf"^{re.escape(str(unknown))}:2: object_id: unknown prefix 'NOPE'",
    ):
        mappings.load_negative_mappings(unknown)
    confidence = tmp_path / "confidence.tsv"
    confidence.write_text(
        f"{header}\nkg:l-serine\tskos:exactMatch\tCHEBI:1\t\thigh\tkgsrc:x\twhy\n"
    )
    with pytest.raises(mappings.MappingError, match=r":2: confidence must be a number from 0 to 1"):
        mappings.load_negative_mappings(confidence)


def test_a_cross_link_without_a_claim_bundle_is_refused() -> None:
    link = ox.Triple(
        ox.NamedNode(KG + "l-serine"),
        ox.NamedNode(SKOS + "exactMatch"),
        ox.NamedNode(expand("CHEBI:17115")),
    )
    with pytest.raises(
        mappings.MappingError, match=r"kg:l-serine skos:exactMatch CHEBI:17115 has no claim bundle"
    ):
        mappings.mapping_rows([link])


def test_a_claim_about_the_same_pair_with_another_predicate_is_no_claim_of_the_link() -> None:
    """Only claims whose sk:claimPredicate is the link's property stand for a cross-link (the
    mapping set groups only those): a claim that L-serine has a mechanism CHEBI:17115 does not."""
    serine, chebi = ox.NamedNode(KG + "l-serine"), ox.NamedNode(expand("CHEBI:17115"))
    claim = ox.NamedNode(KG + "claim-x")
    sk = "https://w3id.org/serkg/vocab/"
    triples = [
        ox.Triple(serine, ox.NamedNode(SKOS + "exactMatch"), chebi),
        ox.Triple(claim, ox.NamedNode(sk + "claimSubject"), serine),
        ox.Triple(claim, ox.NamedNode(sk + "claimPredicate"), ox.NamedNode(sk + "hasMechanism")),
        ox.Triple(claim, ox.NamedNode(sk + "claimObject"), chebi),
    ]
    with pytest.raises(mappings.MappingError, match=r"CHEBI:17115 has no claim bundle"):
        mappings.mapping_rows(triples)
    matching = ox.Triple(
        claim, ox.NamedNode(sk + "claimPredicate"), ox.NamedNode(SKOS + "exactMatch")
    )
    rows = mappings.mapping_rows([*triples[:2], matching, triples[3]])
    assert [(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows] == [
        ("kg:l-serine", "skos:exactMatch", "CHEBI:17115")
    ]


def test_the_build_writes_both_sets_from_one_reading_as_each_alone() -> None:
    from serkg import __version__, resources
    from serkg.loading import load_knowledge

    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    assert mappings.both_sssom_tsv(kb.asserted, __version__) == (
        mappings.sssom_tsv(kb.asserted, __version__),
        mappings.vocabulary_sssom_tsv(kb.asserted, __version__),
    )


UNGRADED_CROSS_LINK = """\
@prefix sk: <https://w3id.org/serkg/vocab/> .
@prefix kg: <https://w3id.org/serkg/id/> .
@prefix kgsrc: <https://w3id.org/serkg/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .

kgsrc:serkg-reference-identifiers a sk:ReferenceTable ;
    rdfs:label "serkg reference identifier table"@en ;
    skos:definition "The project's table of identifiers."@en .

kg:bundle-serine-identity prov:wasDerivedFrom kgsrc:serkg-reference-identifiers ;
    sk:sourceSection "identifiers" .

kg:bundle-serine-identity {
    kg:test-serine a sk:ChemicalCompound ; rdfs:label "test serine"@en ;
        skos:definition "An amino acid, in a catalogue without the packaged L-serine."@en ;
        skos:exactMatch obo:CHEBI_17115 .
    kg:test-d-serine a sk:ChemicalCompound ; rdfs:label "test D-serine"@en ;
        skos:definition "Its enantiomer, so that neither is an orphan."@en ;
        sk:enantiomerOf kg:test-serine .
}
"""


def test_a_catalogue_without_the_packaged_entities_builds_its_mapping_set(tmp_path: Path) -> None:
    """An evidence level is optional on an identity bundle: the shapes accept the data, so the
    build writes the link, with no confidence (an optional SSSOM slot) rather than failing.
    Regression: the benchmark catalogue (graded sk:RegistryRecordEvidence, not rated in
    mapping-set.json, and without the entities of the packaged negative mappings) passed
    validation and then failed its build on the mapping set."""
    from serkg.build import build

    data = tmp_path / "ungraded.trig"
    data.write_text(UNGRADED_CROSS_LINK, encoding="utf-8")
    build(tmp_path / "dist", data_files=[data])
    lines = (tmp_path / "dist" / "serkg.sssom.tsv").read_text(encoding="utf-8").splitlines()
    table = [line.split("\t") for line in lines if not line.startswith("#")]
    header, rows = table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert "confidence" in header
    # the packaged negative mappings are about entities this catalogue does not hold
    assert [(r["subject_id"], r["object_id"], r["confidence"]) for r in rows] == [
        ("kg:test-serine", "CHEBI:17115", "")
    ]


def test_a_negative_mapping_must_cite_sources_of_the_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from serkg import resources
    from serkg.loading import load_knowledge

    negatives = tmp_path / "negative-mappings.tsv"
    negatives.write_text(
        "\t".join(mappings.NEGATIVE_COLUMNS) + "\n"
        "kg:l-serine\tskos:exactMatch\tCHEBI:33384\t\t0.9\tkgsrc:no-such-source\twhy\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(resources, "negative_mappings_file", lambda: negatives)
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    with pytest.raises(
        mappings.MappingError,
        match=r"CHEBI:33384: sources kgsrc:no-such-source must be source documents of the graph",
    ):
        mappings.mapping_rows(kb.asserted)


#: the standard terms the ontology maps its own terms to, and where each was checked
VERIFIED_STANDARD_TERMS = {
    "CHEBI:24431": "ChEBI release OBO file: [Term] id: CHEBI:24431 name: chemical entity",
    "RO:0002204": "Biolink model: gene_product_of has exact mapping RO:0002204 (gene product of)",
    "schema:MedicalTrial": "schema.org type MedicalTrial",
    "schema:ScholarlyArticle": "schema.org type ScholarlyArticle",
    "prov:Entity": "PROV-O class prov:Entity",
    "prov:Organization": "PROV-O class prov:Organization",
}


def ontology_links() -> set[tuple[str, str, str]]:
    """(sk: term, property, standard term) as rdflib reads them from ontology/serkg.ttl."""
    graph = rdflib.Graph().parse(Path(__file__).resolve().parents[1] / "ontology" / "serkg.ttl")
    sk = expand("sk:")
    properties = {expand(p) for p in ("rdfs:subClassOf", "rdfs:subPropertyOf")}
    properties |= {
        expand(f"skos:{m}")
        for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
    }
    language = tuple(expand(f"{p}:") for p in ("rdf", "rdfs", "owl", "xsd"))
    return {
        (str(s), str(p), str(o))
        for s, p, o in graph
        if str(p) in properties
        and isinstance(o, rdflib.URIRef)
        and str(s).startswith(sk)
        and not str(o).startswith((sk, *language))
    }


def test_the_vocabulary_set_holds_the_ontology_links_and_passes_sssom_validate(
    built_dist: Path,
) -> None:
    vocabulary = built_dist / "serkg-vocab.sssom.tsv"
    sssom = Path(sys.executable).parent / "sssom"
    result = subprocess.run(
        [str(sssom), "validate", str(vocabulary)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    _, rows = table(vocabulary)
    assert [(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows] == [
        ("sk:Change", "rdfs:subClassOf", "prov:Entity"),
        ("sk:ChemicalCompound", "rdfs:subClassOf", "CHEBI:24431"),
        ("sk:Claim", "rdfs:subClassOf", "prov:Entity"),
        ("sk:ClinicalTrial", "skos:closeMatch", "schema:MedicalTrial"),
        ("sk:Organisation", "rdfs:subClassOf", "prov:Organization"),
        ("sk:Publication", "skos:closeMatch", "schema:ScholarlyArticle"),
        ("sk:SourceDocument", "rdfs:subClassOf", "prov:Entity"),
        ("sk:encodedBy", "skos:closeMatch", "RO:0002204"),
    ]
    stated = {
        (expand(r["subject_id"]), expand(r["predicate_id"]), expand(r["object_id"])) for r in rows
    }
    assert stated == ontology_links()
    unverified = sorted({r["object_id"] for r in rows} - VERIFIED_STANDARD_TERMS.keys())
    assert unverified == []
    assert rows[1]["subject_label"] == "chemical compound"
    assert {r["mapping_justification"] for r in rows} == {"semapv:ManualMappingCuration"}
    void = rdflib.Graph().parse(built_dist / "void.ttl")
    titles = {str(t) for t in void.objects(None, rdflib.DCTERMS.title)}
    assert "serkg-vocab.sssom.tsv" in titles
