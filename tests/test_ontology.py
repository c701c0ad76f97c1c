"""The ontology (ontology/serkg.ttl): header, term hygiene, data coverage, OWL 2 DL consistency.

Every check reports all offending terms at once, so one run shows everything to fix.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import SKOS

from serkg import vocab
from serkg.loading import parse_file
from serkg.terms import rdflib_to_ox

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = REPO / "ontology" / "serkg.ttl"
DATA_DIR = REPO / "data"
SK = "https://w3id.org/serkg/vocab/"
ONTOLOGY_IRI = URIRef("https://w3id.org/serkg/vocab")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
UPPER_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
LOWER_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


@cache
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


@cache
def data_files() -> tuple[Path, ...]:
    return tuple(sorted(DATA_DIR.rglob("*.trig")))


@cache
def data_triples() -> frozenset[tuple[rdflib.term.Node, ...]]:
    """Every triple of every data file, bundles flattened (the graph name dropped)."""
    triples: set[tuple[rdflib.term.Node, ...]] = set()
    for path in data_files():
        dataset = rdflib.Dataset()
        dataset.parse(path, format="trig")
        triples.update((s, p, o) for s, p, o, _ in dataset.quads())
    for path in sorted((DATA_DIR / "cards").glob("*.yaml")):  # curation cards, compiled
        dataset = rdflib.Dataset()
        dataset.parse(
            data=ox.serialize(parse_file(path), format=ox.RdfFormat.N_QUADS), format="nquads"
        )
        triples.update((s, p, o) for s, p, o, _ in dataset.quads())
    return frozenset(triples)


def own_terms() -> set[URIRef]:
    return {s for s in ontology().subjects() if isinstance(s, URIRef) and str(s).startswith(SK)}


def kind_of(term: URIRef) -> str:
    types = set(ontology().objects(term, RDF.type))
    if OWL.Class in types:
        return "class"
    if types & set(PROPERTY_TYPES):
        return "property"
    if OWL.NamedIndividual in types:
        return "individual"
    return "undeclared"


def test_data_files_exist() -> None:
    assert data_files(), f"no TriG data files under {DATA_DIR}"


def test_header_carries_title_description_licence_creator_and_version() -> None:
    import serkg

    graph = ontology()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    version_iri = URIRef(f"https://w3id.org/serkg/releases/{serkg.__version__}/vocab")
    assert (ONTOLOGY_IRI, OWL.versionIRI, version_iri) in graph
    assert [str(v) for v in graph.objects(ONTOLOGY_IRI, OWL.versionInfo)] == [serkg.__version__]
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.created):
        assert graph.value(ONTOLOGY_IRI, prop) is not None, f"ontology header lacks {prop}"
    assert (
        ONTOLOGY_IRI,
        DCTERMS.license,
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in graph


def test_every_own_term_has_english_label_one_definition_and_is_defined_by() -> None:
    graph = ontology()
    problems = []
    for term in sorted(own_terms()):
        labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)]
        if not any(label.language == "en" for label in labels):
            problems.append(f"{term}: no English rdfs:label")
        definitions = list(graph.objects(term, SKOS.definition))
        if len(definitions) != 1 or getattr(definitions[0], "language", None) != "en":
            problems.append(f"{term}: needs exactly one English skos:definition")
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in graph:
            problems.append(f"{term}: no rdfs:isDefinedBy {ONTOLOGY_IRI}")
    assert not problems, "\n".join(problems)


def test_own_term_names_follow_the_conventions() -> None:
    problems = []
    for term in sorted(own_terms()):
        local = str(term)[len(SK) :]
        kind = kind_of(term)
        if kind == "property" and not LOWER_CAMEL.match(local):
            problems.append(f"property {local} is not lowerCamel")
        elif kind in ("class", "individual") and not UPPER_CAMEL.match(local):
            problems.append(f"{kind} {local} is not UpperCamel")
        elif kind == "undeclared":
            problems.append(f"{local} has no owl:Class / property / owl:NamedIndividual type")
    assert not problems, "\n".join(problems)


def test_controlled_list_individuals_are_typed_by_an_own_class() -> None:
    graph = ontology()
    problems = []
    for term in sorted(own_terms()):
        if kind_of(term) != "individual":
            continue
        classes = {t for t in graph.objects(term, RDF.type) if t != OWL.NamedIndividual}
        if not any(str(c).startswith(SK) and (c, RDF.type, OWL.Class) in graph for c in classes):
            problems.append(f"{term} is not typed by a serkg class")
    assert not problems, "\n".join(problems)


def test_evidence_levels_have_distinct_integer_ranks() -> None:
    graph = ontology()
    ranks: dict[int, URIRef] = {}
    levels = set(graph.subjects(RDF.type, URIRef(SK + "EvidenceLevel")))
    assert len(levels) >= 8
    for level in sorted(levels):
        values = list(graph.objects(level, URIRef(SK + "evidenceRank")))
        assert len(values) == 1, f"{level} needs exactly one sk:evidenceRank"
        rank = values[0].toPython()
        assert isinstance(rank, int), f"{level}: rank {rank!r} is not an integer"
        assert rank not in ranks, f"{level} and {ranks[rank]} share rank {rank}"
        ranks[rank] = level


def test_key_axioms_are_present() -> None:
    graph = ontology()
    sk = rdflib.Namespace(SK)
    assert (sk.precursorOf, RDF.type, OWL.TransitiveProperty) in graph
    assert (sk.precursorOf, OWL.inverseOf, sk.derivedFrom) in graph
    assert (sk.hasMechanism, OWL.inverseOf, sk.mechanismOf) in graph
    assert (sk.enantiomerOf, RDF.type, OWL.SymmetricProperty) in graph
    assert (sk.registryId, RDF.type, OWL.FunctionalProperty) in graph
    assert (sk.CathepsinActivation, RDFS.subClassOf, sk.AutophagyEnhancement) in graph
    assert (sk.AutophagyEnhancement, RDFS.subClassOf, sk.ProteostasisSupport) in graph
    assert (sk.ProteostasisSupport, RDFS.subClassOf, sk.Mechanism) in graph
    chain = graph.value(sk.targets, OWL.propertyChainAxiom)
    assert chain is not None
    assert list(rdflib.collection.Collection(graph, chain)) == [sk.hasMechanism, sk.hasTarget]
    chebi_chemical_entity = URIRef("http://purl.obolibrary.org/obo/CHEBI_24431")
    assert (sk.ChemicalCompound, RDFS.subClassOf, chebi_chemical_entity) in graph
    assert any(graph.subjects(RDF.type, OWL.AllDisjointClasses))


def test_every_sk_iri_used_in_data_is_declared() -> None:
    declared = own_terms()
    used = {
        term
        for triple in data_triples()
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(SK)
    }
    missing = sorted(str(t) for t in used - declared)
    assert not missing, "sk: terms used in data/ but not declared in the ontology:\n" + "\n".join(
        missing
    )


def test_every_predicate_and_class_used_in_data_is_declared() -> None:
    """OWL 2 DL typing: reused external properties and classes are declared too."""
    graph = ontology()
    builtin = {RDF.type, RDFS.label, RDFS.comment}
    problems = set()
    for s, p, o in data_triples():
        if p not in builtin and not any((p, RDF.type, t) in graph for t in PROPERTY_TYPES):
            problems.add(f"predicate {p} is not declared as a property")
        if p == RDF.type and (o, RDF.type, OWL.Class) not in graph:
            problems.add(f"class {o} (type of {s}) is not declared as owl:Class")
    assert not problems, "\n".join(sorted(problems))


def test_every_property_has_a_declared_type() -> None:
    graph = ontology()
    problems = []
    for term in sorted(own_terms()):
        types = set(graph.objects(term, RDF.type))
        characteristics = {OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty}
        if types & characteristics and not types & set(PROPERTY_TYPES):
            problems.append(f"{term}: characteristic without a property type")
    assert not problems, "\n".join(problems)


#: the datatypes HermiT does not implement (not in the OWL 2 datatype map)
DATE_TYPES = {XSD.date, XSD.gYear, XSD.gYearMonth}


def date_typed(graph: rdflib.Graph) -> list[tuple[rdflib.term.Node, ...]]:
    """The triples whose object is a literal of a date type HermiT does not implement."""
    return [(s, p, o) for s, p, o in graph if isinstance(o, Literal) and o.datatype in DATE_TYPES]


@cache
def ontology_and_data() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph += ontology()
    for triple in data_triples():
        graph.add(triple)
    return graph


def test_date_literals_set_apart_for_hermit_are_well_formed() -> None:
    """What the HermiT check leaves out is counted and checked here by two other parsers."""
    dated = date_typed(ontology_and_data())
    by_type = Counter(str(o.datatype).removeprefix(str(XSD)) for _, _, o in dated)
    assert by_type == {"date": 21, "gYearMonth": 10, "gYear": 5}
    patterns = {
        XSD.date: re.compile(r"^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"),
        XSD.gYearMonth: re.compile(r"^-?[0-9]{4,}-(0[1-9]|1[0-2])$"),
        XSD.gYear: re.compile(r"^-?[0-9]{4,}$"),
    }
    malformed = [
        f"{s} {p} {o!r}"
        for s, p, o in dated
        if not patterns[o.datatype].match(str(o)) or o.ill_typed
    ]
    assert malformed == []
    for _, _, o in dated:  # a real calendar date, not only the right shape (rdflib's own check)
        if o.datatype == XSD.date:
            date.fromisoformat(str(o))
    # Oxigraph parses them as values: each is kept as written and orders as a date
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), rdflib_to_ox(o))
        for i, (_, _, o) in enumerate(dated)
    )
    kept = {str(q.object.value) for q in store}
    assert kept == {str(o) for _, _, o in dated}


@pytest.mark.java
@pytest.mark.slow
def test_ontology_and_data_are_consistent_under_hermit(tmp_path: Path) -> None:
    """HermiT (through owlready2) finds the ontology plus all flattened bundles consistent.

    HermiT does not implement xsd:date, xsd:gYear and xsd:gYearMonth: the triples with such
    literals are set apart (counted and checked by the test above) and HermiT runs on everything
    else with unsupported datatypes as errors, so nothing else can be left out unseen.
    """
    if shutil.which("java") is None:
        message = "java not found (owlready2 runs HermiT on Java); run `make system-deps`"
        if os.environ.get("SERKG_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    import owlready2

    graph = rdflib.Graph()
    graph += ontology_and_data()
    dated = date_typed(graph)
    for triple in dated:
        graph.remove(triple)
    assert len(graph) == len(ontology_and_data()) - len(dated)
    flattened = tmp_path / "serkg-all.nt"
    graph.serialize(flattened, format="nt", encoding="utf-8")
    world = owlready2.World()
    onto = world.get_ontology(flattened.as_uri()).load()
    try:
        with onto:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=False
            )
    except owlready2.OwlReadyInconsistentOntologyError as exc:  # pragma: no cover - on failure
        pytest.fail(f"HermiT: ontology + data are inconsistent ({exc})")
    unsatisfiable = list(world.inconsistent_classes())
    assert not unsatisfiable, f"unsatisfiable classes: {unsatisfiable}"
    world.close()


def test_jsonld_context_has_a_term_for_every_property_typed_as_its_range() -> None:
    """Every property the ontology declares or the data uses is a context term, coerced as its
    range says, so serkg.jsonld keys are terms and values plain JSON where that is lossless."""
    import json

    context = json.loads((REPO / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    context = context["@context"]
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))}

    def expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return prefixes[prefix] + local

    terms: dict[str, tuple[str, dict[str, str]]] = {}
    for term, definition in context.items():
        if term in prefixes:
            continue
        entry = {"@id": definition} if isinstance(definition, str) else definition
        terms[expand(entry["@id"])] = (term, {k: v for k, v in entry.items() if k != "@id"})
    graph = ontology()
    declared = {p for kind in PROPERTY_TYPES for p in graph.subjects(RDF.type, kind)}
    used = {p for _, p, _ in data_triples()} - {RDF.type}
    problems = [f"{p}: no context term" for p in sorted(declared | used) if str(p) not in terms]
    for prop in sorted(declared):
        if str(prop) not in terms:
            continue
        term, coercion = terms[str(prop)]
        if str(prop).startswith(SK) and term != str(prop)[len(SK) :]:
            problems.append(f"{prop}: term {term!r} is not its local name")
        ranges = [r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)]
        if (prop, RDF.type, OWL.ObjectProperty) in graph:
            expected: dict[str, str] | None = {"@type": "@id"}
        elif ranges and ranges[0] == XSD.string:
            expected = {}
        elif ranges and str(ranges[0]).startswith(str(XSD)):
            expected = {"@type": "xsd:" + str(ranges[0])[len(str(XSD)) :]}
        else:
            expected = None  # no datatype range: the values decide (checked in test_export.py)
        if expected is not None and coercion != expected:
            problems.append(f"{prop}: coerced {coercion}, range says {expected}")
        if coercion.get("@type") == "xsd:double":
            problems.append(f"{prop}: a native JSON number would not keep the lexical form")
    assert not problems, "\n".join(problems)


def test_every_sk_term_the_code_declares_is_in_the_ontology_with_label_and_definition() -> None:
    graph = ontology()
    problems = []
    for term in vocab.SK:
        iri = URIRef(term)
        if (iri, RDFS.label, None) not in graph:
            problems.append(f"{term}: no rdfs:label in ontology/serkg.ttl")
        if (iri, SKOS.definition, None) not in graph:
            problems.append(f"{term}: no skos:definition in ontology/serkg.ttl")
    assert list(vocab.SK), "serkg.vocab.SK declares no terms"
    assert problems == [], "\n".join(problems)


def test_every_standard_term_the_code_declares_exists_in_its_vocabulary() -> None:
    """The closed namespaces for W3C/DC vocabularies hold only real terms (rdflib lists them)."""
    from rdflib.namespace import DCTERMS, PROV, SH

    problems = []
    pairs = [
        (vocab.RDF, RDF),
        (vocab.RDFS, RDFS),
        (vocab.OWL, OWL),
        (vocab.XSD, XSD),
        (vocab.SH, SH),
        (vocab.DCTERMS, DCTERMS),
        (vocab.PROV, PROV),
        (vocab.SKOS, SKOS),
    ]
    for ours, theirs in pairs:
        known = set(theirs.__annotations__) | set(getattr(theirs, "_extras", []))
        assert list(ours), f"serkg.vocab.{ours.__name__} declares no terms"
        problems += [term for term in ours if term.removeprefix(str(theirs)) not in known]
    assert problems == []


def test_an_unknown_vocabulary_term_raises() -> None:
    with pytest.raises(AttributeError, match="hasTraget"):
        getattr(vocab.SK, "hasTraget")  # noqa: B009 (the typo is the point)
    assert vocab.RDF.type == str(RDF.type)
    assert vocab.RDF.type.node == ox.NamedNode(str(RDF.type))
