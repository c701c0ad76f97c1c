"""What a SHACL-SPARQL constraint reads around its focus node, and validation after a change
that runs the constraints only where the change can reach (serkg.checks.sparql_reach)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from serkg.checks import shapes_graph, sparql_rules
from serkg.checks.incremental import validate_changes
from serkg.checks.shapes import shape_name, split_shapes
from serkg.checks.sparql_constraints import sparql_constraints
from serkg.checks.sparql_reach import Read, Step
from serkg.projects import Project
from tests.list_view import ListView

EX = "http://example.org/"
SK = "https://w3id.org/serkg/vocab/"
HEAD = f"PREFIX ex: <{EX}>\nSELECT $this WHERE {{\n"


def _reach(where: str) -> frozenset[Read] | None:
    return sparql_rules.analyse(HEAD + where + "\n}", "ex:S").reach


def _r(predicate: str | None, end: str, *chain: Step) -> Read:
    return Read(None if predicate is None else EX + predicate, end, chain)  # type: ignore[arg-type]


def _f(predicate: str) -> Step:
    return Step(EX + predicate, True)


def _b(predicate: str) -> Step:
    return Step(EX + predicate, False)


@pytest.mark.parametrize(
    ("where", "reach"),
    [
        pytest.param("$this ex:p ?x", {_r("p", "subject")}, id="one step forward"),
        pytest.param(
            "$this ex:p ?x . ?x ex:q ?y",
            {_r("p", "subject"), _r("q", "subject", _f("p"))},
            id="two steps forward",
        ),
        pytest.param(
            "?c ex:about $this . ?c ex:level ?l",
            {_r("about", "object"), _r("level", "subject", _b("about"))},
            id="a step backward",
        ),
        pytest.param(
            "$this ex:p ?x OPTIONAL { ?x ex:q ?y }",
            {_r("p", "subject"), _r("q", "subject", _f("p"))},
            id="OPTIONAL",
        ),
        pytest.param(
            "$this ex:p ?x FILTER NOT EXISTS { ?x ex:q ?y . ?y ex:r ?z }",
            {_r("p", "subject"), _r("q", "subject", _f("p")), _r("r", "subject", _f("p"), _f("q"))},
            id="FILTER NOT EXISTS",
        ),
        pytest.param(
            "{ ?v ex:a $this } UNION { ?v ex:b $this } FILTER NOT EXISTS { ?v ex:c ?l }",
            {
                _r("a", "object"),
                _r("b", "object"),
                _r("c", "subject", _b("a")),
                _r("c", "subject", _b("b")),
            },
            id="UNION: each branch's chain",
        ),
        pytest.param(
            "?x ex:q ?y OPTIONAL { ?y ex:r ?z } $this ex:p ?x",
            {_r("p", "subject"), _r("q", "subject", _f("p")), _r("r", "subject", _f("p"), _f("q"))},
            id="joined through a later pattern",
        ),
        pytest.param(
            "$this ex:p/^ex:q ?x",
            {_r("p", "subject"), _r("q", "object", _f("p"))},
            id="sequence and inverse paths",
        ),
        pytest.param("$this ?p ?v", {_r(None, "subject")}, id="a variable predicate on $this"),
        pytest.param("$this ex:p ?x . ?s ?p ?o", None, id="a pattern joined to nothing"),
        pytest.param("$this ex:p* ?x", None, id="a path with *"),
        pytest.param("$this ex:p+ ?x", None, id="a path with +"),
        pytest.param("{ SELECT $this ?x WHERE { $this ex:p ?x } }", None, id="a sub-select"),
        pytest.param("?x ex:p ?y FILTER(?x = $this)", None, id="$this only in a FILTER"),
        pytest.param("$this ex:p ?x . ex:config ex:limit ?l", None, id="a fixed node"),
        pytest.param("GRAPH ?g { $this ex:p ?x }", None, id="GRAPH"),
        pytest.param(
            "OPTIONAL { $this ex:p ?x } ?x ex:q ?y", None, id="joined only through an OPTIONAL"
        ),
        pytest.param("$this ex:p ?x BIND(?x AS ?y) ?y ex:q ?z", None, id="joined through a BIND"),
        pytest.param(
            "{ $this ex:a ?x OPTIONAL { ?y ex:r ?z } } $this ex:b ?y",
            None,
            id="an OPTIONAL joined only through its left side's sibling",
        ),
        pytest.param(
            "{ $this ex:a ?x FILTER NOT EXISTS { ?y ex:r ?z } } $this ex:b ?y",
            None,
            id="a NOT EXISTS joined only through its group's sibling",
        ),
        pytest.param(
            "{ $this ex:a ?x FILTER NOT EXISTS { ?x ex:r ?z } } $this ex:b ?y",
            {_r("a", "subject"), _r("r", "subject", _f("a")), _r("b", "subject")},
            id="a NOT EXISTS in a group, joined through its group",
        ),
    ],
)
def test_what_a_constraint_reads_around_this(where: str, reach: set[Read] | None) -> None:
    assert _reach(where) == (None if reach is None else frozenset(reach))


def _sk(predicate: str, end: str, *chain: tuple[str, bool]) -> Read:
    steps = tuple(Step(SK + p if ":" not in p else p, forward) for p, forward in chain)
    return Read(SK + predicate if ":" not in predicate else predicate, end, steps)  # type: ignore[arg-type]


def test_every_packaged_constraint_reads_along_chains_from_its_focus_node() -> None:
    _core, sparql = split_shapes(shapes_graph("all", Project.packaged()))
    found = {shape_name(c.shape, sparql): c.reach for c in sparql_constraints(sparql)}
    exact_match = "http://www.w3.org/2004/02/skos/core#exactMatch"
    record = ("hasStatusRecord", True)
    assert found == {
        "shp:CASCheckDigitShape": {_sk("casNumber", "subject"), Read(None, "subject", ())},
        "shp:ClinicalEvidenceLevelShape": {
            _sk("claimSubject", "object"),
            _sk("claimObject", "object"),
            _sk("evidenceLevel", "subject", ("claimSubject", False)),
            _sk("evidenceLevel", "subject", ("claimObject", False)),
            _sk("hasClaim", "object", ("claimSubject", False)),
            _sk("hasClaim", "object", ("claimObject", False)),
        },
        "shp:TrialIdentifierAgreementShape": {
            _sk("registryId", "subject"),
            _sk(exact_match, "subject"),
        },
        "shp:TrialStatusHistoryShape": {
            _sk("overallStatus", "subject"),
            _sk("hasStatusRecord", "subject"),
            _sk("status", "subject", record),
            _sk("statusDate", "subject", record),
        },
    }


STATUS_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:Trial ;
    sh:sparql [ sh:select \"\"\"
        PREFIX ex: <http://example.org/>
        SELECT $this ?value WHERE {
            $this ex:overall ?value ; ex:record ?record .
            ?record ex:status ?status .
            FILTER(?status != ?value %s)
        }\"\"\" ] .
"""


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _trial(name: str, overall: str, status: str) -> list[ox.Triple]:
    trial, record = _n(name), _n(name + "-record")
    return [
        ox.Triple(trial, RDF_TYPE, _n("Trial")),
        ox.Triple(trial, _n("overall"), _n(overall)),
        ox.Triple(trial, _n("record"), record),
        ox.Triple(record, _n("status"), _n(status)),
    ]


def _validate(
    data: list[ox.Triple], changed: list[ox.Triple], extra: str = "", *, old: bool = True
) -> str | None:
    """The scope of a conforming validation of DATA after CHANGED; None if it needs a full one.
    With OLD, the trial ex:old breaks the shape already: only a validation of everything sees
    it."""
    shapes = rdflib.Graph().parse(data=STATUS_SHAPE % extra, format="turtle")
    before = _trial("old", "A", "B") if old else []
    outcome = validate_changes(ListView([*before, *data]), None, changed, shapes)
    return None if outcome is None else outcome.scope


def test_a_change_is_validated_on_the_focus_nodes_it_reaches() -> None:
    data = _trial("t", "A", "A")
    status = ox.Triple(_n("t-record"), _n("status"), _n("B"))
    # two steps from ex:t: the walk back along ex:record finds it
    assert _validate([*data[:3], status], [data[3], status]) is None
    # the record's label is read by no constraint: nothing to run, ex:old is not looked at
    label = ox.Triple(_n("t-record"), _n("label"), ox.Literal("record"))
    assert _validate([*data, label], [label]) == "what the change reaches"
    # ex:t's status, reached and fine
    assert _validate(data, [data[3]]) == "what the change reaches"
    # a change that makes a node a focus node: ex:new breaks the shape once it is an ex:Trial
    new = _trial("new", "A", "B")
    assert _validate([*data, *new], [new[0]]) is None


def test_a_constraint_that_reads_anywhere_runs_on_everything() -> None:
    data = _trial("t", "A", "A")
    label = ox.Triple(_n("t-record"), _n("label"), ox.Literal("record"))
    # a pattern joined to nothing: the constraint runs on everything and finds ex:old
    extra = "&& NOT EXISTS { ?anything ex:flag ex:on }"
    assert _validate([*data, label], [label], extra) is None
    assert _validate(data, [data[3]], extra) is None
    assert _validate(data, [data[3]], extra, old=False) == (
        "what the change reaches (SHACL Core), everything (SHACL-SPARQL)"
    )


TARGETS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:ByClass a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql ex:bad .
ex:BySubject a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql ex:bad .
ex:ByObject a sh:NodeShape ; sh:targetObjectsOf ex:q ; sh:sparql ex:bad .
ex:ByNode a sh:NodeShape ; sh:targetNode ex:fixed ; sh:sparql ex:bad .
ex:Implicit a sh:NodeShape , rdfs:Class ; sh:sparql ex:bad .
ex:bad sh:select "SELECT $this WHERE { $this <http://example.org/bad> ?why }" .
"""

TARGETS_DATA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:D rdfs:subClassOf ex:C .
ex:a a ex:D ; ex:bad 1 .
ex:b ex:p 1 ; ex:bad 2 .
ex:c ex:q _:blank .
_:blank ex:bad 3 .
ex:fixed ex:bad 4 .
ex:i a ex:Implicit ; ex:bad 5 .
ex:none ex:bad 6 .
ex:good a ex:C ; ex:p 2 .
"""


def test_candidates_are_the_focus_nodes_a_run_on_everything_finds() -> None:
    """Every kind of target, a subclass and a blank focus node: run on every node of the data
    as candidates, the constraints fail on exactly the focus nodes a run on everything fails on."""
    from rdflib import Namespace

    from serkg.checks.sparql_constraints import oxigraph_store, run_sparql_constraints
    from serkg.terms import rdflib_to_ox

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = rdflib.Graph().parse(data=TARGETS_SHAPES, format="turtle")
    data = rdflib.Graph().parse(data=TARGETS_DATA, format="turtle")
    triples = [ox.Triple(*(rdflib_to_ox(term) for term in t)) for t in data]
    store = oxigraph_store(triples)

    def failed(results: list[tuple[object, list[tuple[object, object]]]]) -> set[tuple[str, str]]:
        return {
            (str(dict(report)[sh.sourceShape]), str(dict(report)[sh.focusNode]))
            for _node, report in results
        }

    everything = failed(run_sparql_constraints(store, shapes))
    nodes = {t.subject for t in triples} | {t.object for t in triples}
    assert failed(run_sparql_constraints(store, shapes, candidates=nodes)) == everything
    (blank,) = {t.subject.value for t in triples if isinstance(t.subject, ox.BlankNode)}
    assert everything == {
        (EX + "ByClass", EX + "a"),
        (EX + "BySubject", EX + "b"),
        (EX + "ByObject", blank),
        (EX + "ByNode", EX + "fixed"),
        (EX + "Implicit", EX + "i"),
    }
    assert failed(
        run_sparql_constraints(store, shapes, candidates={rdflib_to_ox(rdflib.URIRef(EX + "a"))})
    ) == {(EX + "ByClass", EX + "a")}
