"""The prefix map, the cross-links and the shapes' identifier patterns, checked against Bioregistry.

Bioregistry (the ``bioregistry`` package, which ships its registry and works offline) is what the
OBO world checks prefixes and identifiers against. Every check reports every offending record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import bioregistry
import pytest
import rdflib

from serkg import mappings, resources
from serkg.loading import load_knowledge
from serkg.prefixes import PREFIX_MAP, compact_iri, expand

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "mappings.md"
SHP = rdflib.Namespace(PREFIX_MAP["shp"])
SH = rdflib.Namespace(PREFIX_MAP["sh"])

#: prefixes Bioregistry does not hold, each documented in docs/mappings.md ("Bioregistry")
LOCAL_PREFIXES = {
    "sk": "serkg's ontology",
    "kg": "serkg's entities",
    "kgsrc": "serkg's source documents",
    "shp": "serkg's shapes",
    "unit": "QUDT units: Bioregistry holds QUDT's schema (qudt), not its unit vocabulary",
}

#: where a shape is deliberately narrower than Bioregistry's pattern: a Bioregistry example the
#: shape refuses, and why (docs/mappings.md says the same)
NARROWER_SHAPES = {
    ("ncit", "A14"): "cross-links go to NCIt concepts (C codes), not its properties",
    ("ncit", "NHC0"): "cross-links go to NCIt concepts (C codes), not its properties",
    ("ncit", "P320"): "cross-links go to NCIt concepts (C codes), not its properties",
    ("ncit", "R123"): "cross-links go to NCIt concepts (C codes), not its roles",
    ("ensembl", "ENSG00000049246.14"): "a cross-link names the stable ID, not one release",
    ("ensembl", "ENSG00000109819.9"): "a cross-link names the stable ID, not one release",
    ("ensembl", "ENSG00000132326.12"): "a cross-link names the stable ID, not one release",
    ("ensembl", "ENSG00000179094.16"): "a cross-link names the stable ID, not one release",
    ("ensembl", "ENST00000264867.7"): "a cross-link names the stable ID, not one release",
    ("ncbitaxon", "subclass"): "taxa are numeric; 'subclass' is an annotation of the ontology",
    ("ro", "HOM0000022"): "the ontology maps its properties to RO relations, not homology terms",
}


@cache
def asserted_links() -> tuple[tuple[str, str, str], ...]:
    """(subject, SKOS property, object IRI) of every cross-link in the graph and the ontology."""
    kb = load_knowledge([resources.ontology_file()], resources.data_files())
    return tuple(
        sorted(
            (t.subject.value, t.predicate.value, t.object.value)
            for t in kb.asserted
            if t.predicate.value in mappings.MATCH_PROPERTIES
        )
    )


def identifier_problems(links: Iterable[tuple[str, str, str]]) -> list[str]:
    """Every link whose object is outside the prefix map or breaks Bioregistry's pattern."""
    problems = []
    for subject, predicate, iri in links:
        where = f"{compact_iri(subject)} {compact_iri(predicate)} <{iri}>"
        curie = compact_iri(iri)
        if curie == iri:
            problems.append(f"{where}: no prefix of the prefix map fits")
            continue
        prefix, local = curie.split(":", 1)
        normal = bioregistry.normalize_prefix(prefix)
        if normal is None:
            if prefix not in LOCAL_PREFIXES:
                problems.append(f"{where}: {prefix} is not a Bioregistry prefix")
            continue
        pattern = bioregistry.get_pattern(normal)
        if pattern is not None and re.match(pattern, local) is None:
            problems.append(f"{where}: {local!r} does not match Bioregistry's {normal} {pattern}")
    return problems


def test_every_prefix_is_a_bioregistry_prefix_or_a_documented_local_one() -> None:
    unknown = [
        p for p in PREFIX_MAP if bioregistry.normalize_prefix(p) is None and p not in LOCAL_PREFIXES
    ]
    assert unknown == []
    stale = [p for p in LOCAL_PREFIXES if bioregistry.normalize_prefix(p) is not None]
    assert stale == []
    assert set(LOCAL_PREFIXES) <= set(PREFIX_MAP)


def test_the_local_prefixes_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Bioregistry", 1)[1]
    undocumented = [p for p in LOCAL_PREFIXES if f"| `{p}` |" not in section]
    assert undocumented == []


def test_each_namespace_is_a_uri_prefix_bioregistry_knows_for_the_resource() -> None:
    unknown = []
    for prefix, namespace in PREFIX_MAP.items():
        normal = bioregistry.normalize_prefix(prefix)
        if normal is None:
            continue
        known = bioregistry.get_resource(normal).get_uri_prefixes()
        if namespace not in known:
            unknown.append(f"{prefix} ({normal}): {namespace} not in {sorted(known)}")
    assert unknown == []


def test_the_prefixes_the_last_session_added_have_their_bioregistry_names() -> None:
    """UMLS is Bioregistry's umls; the NCBI Bookshelf (GeneReviews) is ncbibook."""
    assert bioregistry.normalize_prefix("UMLS") == "umls"
    assert bioregistry.normalize_prefix("ncbibook") == "ncbibook"
    assert "GeneReviews" not in PREFIX_MAP
    assert bioregistry.parse_iri(expand("ncbibook:NBK501979")) == ("ncbibook", "NBK501979")
    assert bioregistry.parse_iri(expand("UMLS:C3151411")) == ("umls", "C3151411")


def test_every_cross_link_identifier_matches_its_bioregistry_pattern() -> None:
    assert len(asserted_links()) > 100
    assert identifier_problems(asserted_links()) == []


def test_every_negative_mapping_identifier_matches_its_bioregistry_pattern() -> None:
    negatives = [
        (expand(row["subject_id"]), expand(row["predicate_id"]), expand(row["object_id"]))
        for row in mappings.load_negative_mappings()
    ]
    assert identifier_problems(negatives) == []


def test_every_bad_record_is_reported() -> None:
    s, p = expand("kg:l-serine"), expand("skos:exactMatch")
    links = [
        (s, p, expand("CHEBI:17115")),
        (s, p, expand("CHEBI:abc")),
        (s, p, expand("DRUGBANK:DB133")),
        (s, p, "https://example.org/serine"),
    ]
    assert identifier_problems(links) == [
        "kg:l-serine skos:exactMatch <http://purl.obolibrary.org/obo/CHEBI_abc>: 'abc' does not "
        "match Bioregistry's chebi ^\\d+$",
        "kg:l-serine skos:exactMatch <http://identifiers.org/drugbank/DB133>: 'DB133' does not "
        "match Bioregistry's drugbank ^DB\\d{5}$",
        "kg:l-serine skos:exactMatch <https://example.org/serine>: no prefix of the prefix map fits",
    ]


@cache
def identifier_shapes() -> tuple[tuple[str, str, str, str], ...]:
    """(shape, namespace, sh:pattern, skos:example) of each identifier shape in shapes/core.ttl."""
    graph = rdflib.Graph().parse(ROOT / "shapes" / "core.ttl", format="turtle")
    return tuple(
        sorted(
            (
                str(shape),
                str(namespace),
                str(graph.value(shape, SH.pattern)),
                str(graph.value(shape, rdflib.SKOS.example)),
            )
            for shape, namespace in graph.subject_objects(SHP.namespace)
        )
    )


def test_the_shapes_identifier_patterns_agree_with_bioregistry() -> None:
    """The shapes' patterns stay hand-written (some are deliberately narrower, see
    NARROWER_SHAPES), and must agree with Bioregistry: the shape's example matches Bioregistry's
    pattern, and every example Bioregistry gives is accepted by the shape unless listed."""
    prefix_of = {namespace: prefix for prefix, namespace in PREFIX_MAP.items()}
    assert len(identifier_shapes()) > 30
    problems = []
    refused_as_listed = set()
    for shape, namespace, pattern, example in identifier_shapes():
        normal = bioregistry.normalize_prefix(prefix_of[namespace])
        assert normal is not None, shape
        resource = bioregistry.get_resource(normal)
        local = example.removeprefix(namespace)
        theirs = resource.get_pattern()
        if theirs is not None and re.match(theirs, local) is None:
            problems.append(f"{shape}: its example {local!r} breaks Bioregistry's {theirs}")
        for sample in [resource.get_example(), *resource.get_example_extras()]:
            if sample is None or re.match(pattern, namespace + sample) is not None:
                continue
            if (normal, sample) in NARROWER_SHAPES:
                refused_as_listed.add((normal, sample))
            else:
                problems.append(f"{shape}: refuses Bioregistry's example {normal}:{sample}")
    assert problems == []
    assert refused_as_listed == set(NARROWER_SHAPES), "stale entries in NARROWER_SHAPES"


@pytest.mark.parametrize(("normal", "sample"), sorted(NARROWER_SHAPES))
def test_each_narrower_shape_is_documented(normal: str, sample: str) -> None:
    section = DOCS.read_text(encoding="utf-8").split("## Bioregistry", 1)[1]
    assert f"`{normal}`" in section
