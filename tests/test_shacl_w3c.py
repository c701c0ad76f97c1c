"""The W3C SHACL test suite (data-shapes ``core`` and ``sparql``) on every engine path of serkg.

Each ``sht:Validate`` test of the suite's manifests runs through ``validate_triples`` (what
``serkg validate`` and ``serkg build`` call) on the triples serkg's own loader parses, once per
engine path: serkg's Core engine (the default), and with ``core_engine="pyshacl"`` the
small-graph path (one pySHACL process for Core) and the large-graph path forced by
``parallel_min_triples=0``, with one and with two worker processes; SHACL-SPARQL runs on Oxigraph
in all. pySHACL alone is the oracle: every test it passes must pass on every path; it fails
exactly :data:`PYSHACL_KNOWN_FAILURES` (a test checks that, so the list cannot drift).

serkg's Core engine only decides which focus nodes of which shape fail (pySHACL writes the
report about those), so it is also held to pySHACL's verdict on every (shape, focus node) pair of
every Core test pySHACL passes, in both directions, and must decide each itself (no fallback).

A report matches the expected one the way the suite compares them: ``sh:conforms`` and the
results as a graph, up to blank-node renaming, without ``sh:resultMessage`` (messages are free
text) and ``sh:detail`` (optional in SHACL; no expected report has any); a blank node in a result
(a complex ``sh:resultPath``, an anonymous ``sh:sourceShape``) stands for its whole description.
An ``mf:result sht:Failure`` test expects the shapes to be refused with an error.

The suite is read from ``$SERKG_SHACL_SUITE`` or ``../shared/w3c/shacl-test-suite`` next to the
repository; without it the tests skip locally and fail in CI (``SERKG_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import RDF, BNode, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from serkg.checks import ShapesError, validate_triples
from serkg.loading import parse_file
from serkg.terms import triples_to_rdflib_graph
from tests.conftest import REPO, services_required

SUITE = Path(
    os.environ.get("SERKG_SHACL_SUITE") or REPO.parent / "shared" / "w3c" / "shacl-test-suite"
)
SH = Namespace("http://www.w3.org/ns/shacl#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
IGNORED = {SH.resultMessage, SH.detail}

#: The tests pySHACL 0.40 fails (its known limits): not required of serkg.
PYSHACL_KNOWN_FAILURES = {"core/property/uniqueLang-002", "sparql/pre-binding/shapesGraph-001"}

#: The engine paths of ``validate_triples``: keyword arguments that force each one.
ENGINE_PATHS: dict[str, dict[str, Any]] = {
    "serkg": {},
    "pyshacl-small": {"core_engine": "pyshacl"},
    "pyshacl-large-1-worker": {"core_engine": "pyshacl", "parallel_min_triples": 0, "workers": 1},
    "pyshacl-large-2-workers": {"core_engine": "pyshacl", "parallel_min_triples": 0, "workers": 2},
}


@dataclass(frozen=True)
class SuiteTest:
    """One sht:Validate entry: where its graphs are and what it expects."""

    name: str  # e.g. core/property/minCount-001
    manifest: Path
    node: URIRef
    data: Path
    shapes: Path
    expects_failure: bool


def _local_file(iri: Any) -> Path:
    text = str(iri)
    assert text.startswith("file://"), f"the suite names a non-local file: {text}"
    return Path(text[len("file://") :].split("#", 1)[0])


def _manifest_tests(manifest: Path, seen: set[Path]) -> Iterator[SuiteTest]:
    if manifest in seen:
        return
    seen.add(manifest)
    graph = rdflib.Graph().parse(manifest, format="turtle")
    root = URIRef(manifest.as_uri())
    for included in sorted(graph.objects(root, MF.include), key=str):
        yield from _manifest_tests(_local_file(included), seen)
    for entries in graph.objects(root, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            result = graph.value(entry, MF.result)
            name = str(manifest.relative_to(SUITE).with_suffix("").parent / _local_name(entry))
            yield SuiteTest(
                name=name,
                manifest=manifest,
                node=URIRef(entry),
                data=_local_file(graph.value(action, SHT.dataGraph)),
                shapes=_local_file(graph.value(action, SHT.shapesGraph)),
                expects_failure=result == SHT.Failure,
            )


def _local_name(entry: Any) -> str:
    return str(entry).rsplit("/", 1)[-1]


@cache
def suite_tests() -> tuple[SuiteTest, ...]:
    """Every sht:Validate test of the core and sparql manifests, in manifest order."""
    if not SUITE.is_dir():
        return ()
    seen: set[Path] = set()
    found = []
    for part in ("core", "sparql"):
        found.extend(_manifest_tests(SUITE / part / "manifest.ttl", seen))
    return tuple(found)


def _by_name() -> dict[str, SuiteTest]:
    return {t.name: t for t in suite_tests()}


# --- reading graphs two ways: pySHACL's (rdflib) and serkg's (its own loader)


def _rdflib_graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())


def _serkg_graph(path: Path) -> rdflib.Graph:
    return triples_to_rdflib_graph(q.triple for q in parse_file(path))


# --- comparing reports


def _closure(node: Any, graph: rdflib.Graph, into: rdflib.Graph) -> None:
    """Copy the description of blank NODE (following blank nodes) from GRAPH into INTO."""
    for p, o in graph.predicate_objects(node):
        if (node, p, o) not in into:
            into.add((node, p, o))
            if isinstance(o, BNode):
                _closure(o, graph, into)


PATH_KEYS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath)
PATH_KEYS += (SH.zeroOrOnePath,)


def _path(node: Any, graph: rdflib.Graph, into: rdflib.Graph) -> Any:
    """A fresh copy in INTO of the SHACL path NODE as SHACL reads it (a list is a sequence path).

    Fresh blank nodes: the expected reports write each result's path out in full, where an
    engine may point several results at one path node.
    """
    if not isinstance(node, BNode):
        return node
    if (node, RDF.first, None) in graph:
        members = [_path(m, graph, into) for m in Collection(graph, node)]
        copy = BNode()
        Collection(into, copy, members)
        return copy
    for key in PATH_KEYS:
        value = graph.value(node, key)
        if value is not None:
            copy = BNode()
            if key == SH.alternativePath:
                alternatives = [_path(m, graph, into) for m in Collection(graph, value)]
                inner = BNode()
                Collection(into, inner, alternatives)
                into.add((copy, key, inner))
            else:
                into.add((copy, key, _path(value, graph, into)))
            return copy
    return BNode()


def comparable(report: Any, graph: rdflib.Graph, context: rdflib.Graph) -> rdflib.Graph:
    """The report REPORT in GRAPH as the suite compares it (see the module docstring).

    A blank node is described by GRAPH if it has triples there, else by CONTEXT (the shapes and
    the data); a result path by its SHACL path structure only.
    """
    out = rdflib.Graph()
    head = BNode()
    out.add((head, RDF.type, SH.ValidationReport))
    conforms = graph.value(report, SH.conforms)
    out.add((head, SH.conforms, Literal(bool(conforms.toPython()))))
    for result in graph.objects(report, SH.result):
        out.add((head, SH.result, result))
        for p, o in graph.predicate_objects(result):
            if p in IGNORED:
                continue
            source = graph if (o, None, None) in graph else context
            if p == SH.resultPath:
                out.add((result, p, _path(o, source, out)))
                continue
            out.add((result, p, o))
            if isinstance(o, BNode):
                _closure(o, source, out)
    return out


def expected_report(test: SuiteTest, manifest: rdflib.Graph) -> rdflib.Graph:
    report = manifest.value(test.node, MF.result)
    return comparable(report, manifest, manifest)


def _report_node(report: rdflib.Graph) -> Any:
    nodes = list(report.subjects(RDF.type, SH.ValidationReport))
    assert len(nodes) == 1, f"{len(nodes)} sh:ValidationReport nodes in the report"
    return nodes[0]


def _difference(expected: rdflib.Graph, got: rdflib.Graph) -> str:
    def text(graph: rdflib.Graph) -> str:
        graph.bind("sh", SH)
        return graph.serialize(format="turtle")

    return f"expected:\n{text(expected)}\ngot:\n{text(got)}"


# --- the two engines


def pyshacl_passes(test: SuiteTest) -> bool:
    """pySHACL alone, with its defaults (the Recommendation's), on rdflib's reading of the files."""
    import pyshacl

    manifest = _rdflib_graph(test.manifest)
    data, shapes = _rdflib_graph(test.data), _rdflib_graph(test.shapes)
    try:
        _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    except Exception:
        return test.expects_failure
    if test.expects_failure or not isinstance(report, rdflib.Graph):
        return test.expects_failure and not isinstance(report, rdflib.Graph)
    got = comparable(_report_node(report), report, shapes + data)
    return isomorphic(got, expected_report(test, manifest))


def run_serkg(test: SuiteTest, options: dict[str, Any]) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(serkg's report, the expected one), both as the suite compares them."""
    manifest = _serkg_graph(test.manifest)
    data = [q.triple for q in parse_file(test.data)]
    shapes = _serkg_graph(test.shapes)
    outcome = validate_triples(data, custom_shapes=shapes, **options)
    report = outcome.report_graph
    context = shapes + triples_to_rdflib_graph(data)
    got = comparable(_report_node(report), report, context)
    assert list(got.objects(None, SH.conforms)) == [Literal(outcome.conforms)]
    return got, expected_report(test, manifest)


# --- the tests


def test_the_w3c_suite_is_there() -> None:
    if not SUITE.is_dir():
        message = f"the W3C SHACL test suite is not at {SUITE} (set SERKG_SHACL_SUITE)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    names = [t.name for t in suite_tests()]
    assert len(names) == len(set(names))
    counts = {part: sum(n.startswith(part + "/") for n in names) for part in ("core", "sparql")}
    assert counts == {"core": 98, "sparql": 22}


@pytest.mark.parametrize("name", [t.name for t in suite_tests()])
def test_pyshacl_fails_exactly_its_known_failures(name: str) -> None:
    assert pyshacl_passes(_by_name()[name]) == (name not in PYSHACL_KNOWN_FAILURES)


@pytest.mark.parametrize("path", sorted(ENGINE_PATHS))
@pytest.mark.parametrize(
    "name", [t.name for t in suite_tests() if t.name not in PYSHACL_KNOWN_FAILURES]
)
def test_serkg_passes_what_pyshacl_passes(name: str, path: str) -> None:
    test = _by_name()[name]
    if test.expects_failure:
        with pytest.raises(ShapesError):
            run_serkg(test, ENGINE_PATHS[path])
        return
    got, expected = run_serkg(test, ENGINE_PATHS[path])
    assert isomorphic(got, expected), _difference(expected, got)


def _core_tests() -> list[str]:
    """The Core tests where pySHACL is the oracle."""
    return [
        t.name
        for t in suite_tests()
        if t.name.startswith("core/") and t.name not in PYSHACL_KNOWN_FAILURES
    ]


@pytest.mark.parametrize("name", _core_tests())
def test_serkg_core_engine_gives_pyshacls_verdict_on_every_focus_node(name: str) -> None:
    from serkg.checks.core_engine import CoreEngine, DataIndex
    from serkg.checks.core_parallel import run_pyshacl, shapes_for_pairs
    from serkg.checks.shapes import split_shapes
    from serkg.terms import ox_to_rdflib

    test = _by_name()[name]
    data = [q.triple for q in parse_file(test.data)]
    core, _sparql = split_shapes(_serkg_graph(test.shapes))
    engine = CoreEngine(core, DataIndex.of(data))  # raises if it cannot decide these shapes
    failing = engine.failing()
    pairs = [(shape, node) for shape in engine.targeted for node in engine.focus_nodes(shape)]
    assert pairs, "no focus node: nothing is compared"
    for shape, node in pairs:
        alone = shapes_for_pairs(core, {shape: [ox_to_rdflib(node)]})
        conforms, _report = run_pyshacl(triples_to_rdflib_graph(data), None, alone, None)
        assert (node in failing[shape]) == (not conforms), (shape, node)
