"""The named queries published as SPARQL examples (``sh:SPARQLExecutable``, SIB style): one per
query, faithful to the query (the runnable text gives the named query's answer), valid against
the example shape by pySHACL and by serkg's own engine, and in the store's metadata graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from serkg import querylib
from serkg.checks import validate_triples
from serkg.loading import parse_file
from serkg.prefixes import DATASET_IRI, METADATA_GRAPH, QUERY_BASE
from serkg.query_examples import example_triples, query_iri, runnable_text
from serkg.store import EmbeddedStore
from serkg.terms import triples_to_rdflib_graph
from tests.conftest import REPO

SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
SHAPE = REPO / "shapes" / "sparql-examples.ttl"
FORM_CLASS = {"select": SH.SPARQLSelectExecutable, "ask": SH.SPARQLAskExecutable}
QUERIES = querylib.list_queries()


def _examples(target: str = DATASET_IRI) -> Graph:
    return triples_to_rdflib_graph(example_triples(QUERIES, target=target))


def test_every_named_query_is_one_example_with_its_header_facts() -> None:
    graph = _examples()
    executables = set(graph.subjects(RDF.type, SH.SPARQLExecutable))
    assert executables == {URIRef(QUERY_BASE + q.name) for q in QUERIES}
    for query in QUERIES:
        node = URIRef(query_iri(query.name))
        assert list(graph.objects(node, RDFS.comment)) == [Literal(query.summary, lang="en")]
        assert set(graph.objects(node, SCHEMA.keywords)) == {Literal(t) for t in query.tags}
        assert list(graph.objects(node, SCHEMA.target)) == [URIRef(DATASET_IRI)]
        texts = [
            (p, o)
            for p in (SH.select, SH.ask, SH.construct, SH.describe)
            for o in graph.objects(node, p)
        ]
        assert texts == [(_text_property(query), Literal(runnable_text(query)))], query.name
        if query.form in FORM_CLASS:
            assert (node, RDF.type, FORM_CLASS[query.form]) in graph
        names = {str(graph.value(p, SH.name)) for p in graph.objects(node, SH.parameter)}
        assert names == {p.name for p in query.params}, query.name


def _text_property(query: querylib.NamedQuery) -> URIRef:
    if query.form == "select":
        return SH.select
    if query.form == "ask":
        return SH.ask
    return SH.describe if "DESCRIBE" in runnable_text(query).upper().split() else SH.construct


def test_parameters_say_their_type_default_and_closed_list() -> None:
    graph = _examples()
    node = URIRef(query_iri("trials-by-status"))
    params = {str(graph.value(p, SH.name)): p for p in graph.objects(node, SH.parameter)}
    status = params["status"]
    assert graph.value(status, SH.path) == URIRef(QUERY_BASE + "trials-by-status#status")
    assert graph.value(status, SH.datatype) == URIRef("http://www.w3.org/2001/XMLSchema#string")
    assert graph.value(status, SH.defaultValue) == Literal("any")
    assert graph.value(status, SH.optional) == Literal(True)
    from rdflib.collection import Collection

    allowed = [str(v) for v in Collection(graph, graph.value(status, SH["in"]))]
    declared = next(p for p in querylib.load_query("trials-by-status").params if p.name == "status")
    assert allowed == declared.values
    compound = next(
        p
        for p in graph.objects(URIRef(query_iri("compound-profile")), SH.parameter)
        if str(graph.value(p, SH.name)) == "compound"
    )
    assert graph.value(compound, SH.nodeKind) == SH.IRI
    assert graph.value(compound, SH.defaultValue) is None  # required: no default, not optional


def test_examples_pass_the_example_shape_in_pyshacl_and_in_serkg() -> None:
    shapes = Graph().parse(SHAPE)
    conforms, _, text = pyshacl.validate(_examples(), shacl_graph=shapes)
    assert conforms, text
    outcome = validate_triples(example_triples(QUERIES), custom_shapes=shapes)
    assert outcome.conforms and not outcome.violations


def test_the_example_shape_catches_broken_examples() -> None:
    """The shape can fail: a missing text, a second comment and a missing target are caught."""
    graph = _examples()
    no_text, two_comments, no_target = (
        URIRef(query_iri(n)) for n in ("compound-profile", "source-conflicts", "label-search")
    )
    graph.remove((no_text, SH.select, None))
    graph.add((two_comments, RDFS.comment, Literal("another comment")))
    graph.remove((no_target, SCHEMA.target, None))
    shapes = Graph().parse(SHAPE)
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes)
    assert not conforms
    focus = {o for o in report.objects(None, SH.focusNode)}
    assert focus == {no_text, two_comments, no_target}
    from serkg.terms import rdflib_to_ox

    broken = [ox.Triple(*(rdflib_to_ox(term) for term in t)) for t in graph]
    outcome = validate_triples(broken, custom_shapes=shapes)
    assert not outcome.conforms
    assert {URIRef(v.focus) for v in outcome.violations} == focus


@pytest.mark.parametrize("query", [q for q in QUERIES if q.example or not q.params], ids=str)
def test_example_text_gives_the_named_query_answer(
    query: querylib.NamedQuery, built_store: EmbeddedStore
) -> None:
    """Published text with its VALUES block = the named query run with its example."""
    published = built_store.query(runnable_text(query))
    named = querylib.run_named_query(query.name, query.example, store=built_store)
    assert published.kind == named.kind
    assert published.boolean == named.boolean
    assert published.variables == named.variables
    assert published.rows == named.rows
    assert {str(t) for t in published.triples} == {str(t) for t in named.triples}


def test_the_store_metadata_graph_lists_every_named_query(built_dist: Path) -> None:
    store = ox.Store.read_only(str(built_dist / "store"))
    rows = store.query(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?q ?comment WHERE { ?q a sh:SPARQLExecutable ; rdfs:comment ?comment }",
        default_graph=[ox.NamedNode(METADATA_GRAPH)],
    )
    found = {row["q"].value: row["comment"].value for row in rows}  # type: ignore[index]
    assert found == {query_iri(q.name): q.summary for q in QUERIES}


def test_void_has_a_property_partition_per_property_with_its_count(built_dist: Path) -> None:
    void = Graph().parse(built_dist / "void.ttl")
    VOID = Namespace("http://rdfs.org/ns/void#")
    dataset = URIRef(DATASET_IRI)
    counts = {
        void.value(p, VOID.property): int(void.value(p, VOID.triples))
        for p in void.objects(dataset, VOID.propertyPartition)
    }
    facts = [
        q.triple
        for name in ("serkg.ttl", "serkg-inferred.ttl")
        for q in parse_file(built_dist / name)
    ]
    expected: dict[URIRef, int] = {}
    for t in facts:
        expected[URIRef(t.predicate.value)] = expected.get(URIRef(t.predicate.value), 0) + 1
    assert counts == expected
    assert sum(counts.values()) == int(void.value(dataset, VOID.triples))
