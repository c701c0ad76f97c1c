"""Checking the data before it is published: SHACL shapes and QC queries that must return nothing.

SHACL runs with pySHACL on an rdflib memory graph (over Oxigraph it is about 40x slower; see
shared/MEASUREMENTS.md), without inference: the ontology is passed as ``ont_graph`` so that
``sh:class`` and ``sh:targetClass`` follow its class hierarchy, and nothing else is inferred. What a
curator wrote is what gets checked (docs/validation.md says why). By default the SHACL-SPARQL
constraints run once each on Oxigraph and Core sees one generated claim per bundle: same results
as pySHACL alone (``engine="pyshacl"``, the reference), ten times sooner at 100k triples.

The QC queries (``queries/qc/<check>-violation.rq``) run on pyoxigraph: on the built store after
reasoning, and on an in-memory store of the asserted graph at validate time.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from serkg import resources
from serkg.prefixes import ASSERTED_GRAPH, compress
from serkg.prefixes import expand as expand_curie
from serkg.shacl_sparql import ShapesError

if TYPE_CHECKING:
    import rdflib

    from serkg.loading import KnowledgeBase
    from serkg.store import QueryStore

ShapesChoice = Literal["core", "sparql", "all"]
Engine = Literal["fast", "pyshacl"]
Origins = Mapping[ox.Triple, Sequence[tuple[Path, str | None]]]

SH = "http://www.w3.org/ns/shacl#"
SHP = "https://w3id.org/serkg/shapes/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SK = "https://w3id.org/serkg/vocab/"
_OX_LABEL = ox.NamedNode(RDFS_LABEL)

#: The active QC checks, in the order they run. A ``queries/qc`` file not listed here is inactive.
QC_CHECKS: tuple[str, ...] = (
    "literal-subject",
    "sameas-self-link",
    "external-sameas",
    "entity-without-provenance",
    "untyped-entity",
    "orphan-node",
    "duplicate-label",
    "unverified-identifier",
    "obsolete-identifier",
)

#: Plain-words explanation per SHACL constraint component, used when a shape has no sh:message.
COMPONENT_HINTS: dict[str, str] = {
    "MinCountConstraintComponent": "a required value is missing",
    "MaxCountConstraintComponent": "too many values: only {max} allowed",
    "DatatypeConstraintComponent": "wrong datatype, or not a valid literal of it",
    "ClassConstraintComponent": "the value must be typed in the data with the expected class",
    "PatternConstraintComponent": "the value does not have the expected format",
    "InConstraintComponent": "the value is not one of the allowed values",
    "NodeKindConstraintComponent": "the value is of the wrong kind (IRI, blank node or literal)",
    "MinInclusiveConstraintComponent": "the value is below the allowed minimum",
    "MaxInclusiveConstraintComponent": "the value is above the allowed maximum",
    "MinExclusiveConstraintComponent": "the value must be greater than the minimum",
    "LessThanOrEqualsConstraintComponent": "the value is greater than the value it must not exceed",
    "QualifiedMinCountConstraintComponent": "not enough values of the required kind",
    "UniqueLangConstraintComponent": "two values share a language tag",
    "LanguageInConstraintComponent": "the language tag is not allowed",
    "OrConstraintComponent": "the value matches none of the allowed alternatives",
    "NodeConstraintComponent": "the value does not have the required form",
    "SPARQLConstraintComponent": "a SPARQL rule of the shapes is broken",
}


class ShapesChoiceError(ValueError):
    """The ``shapes`` argument is not one of core, sparql, all."""


# --- results


@dataclass
class Violation:
    """One SHACL result, with what a curator needs to find and fix it."""

    focus: str
    focus_curie: str
    focus_label: str | None
    path: str | None
    path_curie: str | None
    value: str | None
    component: str
    severity: str
    source_shape: str
    message: str
    file: str | None = None
    line: int | None = None

    def where(self) -> str:
        """'FILE, stated near line N' or 'FILE' or '' when the origin is unknown."""
        if self.file is None:
            return ""
        return f"{self.file}, stated near line {self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QcViolation:
    """One row of a QC query that must return nothing."""

    check: str
    entity: str
    property: str
    value: str

    def __str__(self) -> str:
        return f"{self.check}: {_short(self.entity)} {_short(self.property)} {_short(self.value)}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ValidationOutcome:
    """The result of running the SHACL shapes on a data graph."""

    conforms: bool
    violations: list[Violation]
    report_graph: rdflib.Graph
    shapes_count: int
    seconds: float
    data_graph: rdflib.Graph | None = field(default=None, repr=False, compare=False)
    #: the packaged files the validated files were checked in the context of (validate_files)
    context_files: list[Path] = field(default_factory=list)
    #: results and QC rows of the context that are about nothing the validated files state
    elsewhere: int = 0

    def to_text(self, origins: Origins | None = None) -> str:
        """A report for people: one numbered block per violation, saying where and what to do."""
        if origins is not None and self.data_graph is not None:
            locate(self.violations, self.data_graph, origins)
        head = f"SHACL validation ({self.shapes_count} shapes, {self.seconds:.2f} s): "
        if self.conforms:
            return head + "conforms, no violations\n"
        lines = [head + f"{len(self.violations)} violation(s)", ""]
        for number, v in enumerate(self.violations, 1):
            name = f"{v.focus_curie}" + (f' "{v.focus_label}"' if v.focus_label else "")
            lines.append(f"{number}. {name}" + (f"  [{v.where()}]" if v.file else ""))
            lines.append(f"   {v.message}")
            details = []
            if v.path_curie:
                details.append(f"property {v.path_curie}")
            details.append(f"value {v.value}" if v.value is not None else "no value")
            details.append(f"{v.severity.lower()} of {v.component} in {v.source_shape}")
            lines.append("   (" + "; ".join(details) + ")")
            lines.append("")
        return "\n".join(lines)

    def to_json(self, qc: Sequence[QcViolation] | None = None) -> str:
        """A report for programs: conforms, counts and one object per violation (and QC rows)."""
        doc: dict[str, Any] = {
            "conforms": self.conforms and not qc,
            "shacl_conforms": self.conforms,
            "shapes_count": self.shapes_count,
            "seconds": round(self.seconds, 3),
            "violations": [v.to_dict() for v in self.violations],
        }
        if qc is not None:
            doc["qc"] = [row.to_dict() for row in qc]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The standard SHACL validation report (sh:ValidationReport) as Turtle."""
        graph = self.report_graph
        graph.bind("sh", SH)
        graph.bind("shp", SHP)
        for prefix in ("sk", "kg", "kgsrc", "rdfs", "skos", "prov", "xsd", "obo"):
            from serkg.prefixes import PREFIX_MAP

            graph.bind(prefix, PREFIX_MAP[prefix])
        return graph.serialize(format="turtle")


# --- shapes


def shapes_paths(shapes: str = "all") -> list[Path]:
    """The shapes files for a choice of core, sparql or all."""
    if shapes == "core":
        return [resources.shapes_core_file()]
    if shapes == "sparql":
        return [resources.shapes_sparql_file()]
    if shapes == "all":
        return [resources.shapes_core_file(), resources.shapes_sparql_file()]
    raise ShapesChoiceError(f"--shapes must be one of core, sparql, all; not {shapes!r}")


@cache
def _shapes_graph_cached(shapes: str) -> rdflib.Graph:
    import rdflib

    from serkg.sparql_guard import check_shapes

    graph = rdflib.Graph()
    for path in shapes_paths(shapes):
        graph.parse(path, format="turtle")
    if shapes == "sparql":  # SPARQL constraints may name scheme shapes of core.ttl in messages
        graph.parse(resources.shapes_core_file(), format="turtle")
        graph = _only_sparql_shapes(graph)
    check_shapes(graph)  # SHACL-SPARQL that would call out (SERVICE) is never run
    return graph


def shapes_graph(shapes: str = "all") -> rdflib.Graph:
    """The shapes graph (parsed once per process; callers get a copy they may change)."""
    import rdflib

    copy = rdflib.Graph()
    for triple in _shapes_graph_cached(shapes):
        copy.add(triple)
    return copy


def _only_sparql_shapes(graph: rdflib.Graph) -> rdflib.Graph:
    """Keep the SHACL-SPARQL node shapes; drop the targets of the Core ones (kept for lookups)."""
    from rdflib import URIRef

    sparql = URIRef(SH + "sparql")
    keep = {s for s, _ in graph.subject_objects(sparql)}
    targets = [
        URIRef(SH + t) for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
    ]
    for subject in set(graph.subjects()):
        if subject in keep:
            continue
        for target in targets:
            graph.remove((subject, target, None))
    return graph


def count_shapes(graph: rdflib.Graph) -> int:
    """Node shapes with a target, plus their property shapes and SPARQL constraints."""
    from rdflib import URIRef

    node_shapes = {
        s
        for t in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
        for s in graph.subjects(URIRef(SH + t), None)
    }
    properties = {o for s in node_shapes for o in graph.objects(s, URIRef(SH + "property"))}
    constraints = {o for s in node_shapes for o in graph.objects(s, URIRef(SH + "sparql"))}
    return len(node_shapes) + len(properties) + len(constraints)


# --- SHACL


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal; SHACL reports those as violations."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def validate_graph(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None = None,
    *,
    shapes: str = "all",
    focus_nodes: Sequence[str] | None = None,
    engine: Engine = "fast",
) -> ValidationOutcome:
    """Run the SHACL shapes on DATA (no inference; ONTOLOGY supplies the class hierarchy).

    ``shapes`` is "core", "sparql" or "all"; ``focus_nodes`` restricts validation to those IRIs
    (the mutation tests use it; the whole graph is still visible to the constraints). Beware:
    pySHACL 0.40 filters the value nodes of nested shapes (sh:node, sh:or) by the same list, so a
    value checked through a nested shape must be listed too.

    ``engine="pyshacl"`` runs every shape in pySHACL (the reference). ``"fast"`` (the default)
    gives the same results much sooner: SHACL-SPARQL constraints run once each on Oxigraph
    instead of once per focus node in rdflib, and Core shapes see one generated claim per bundle
    (docs/validation.md). It falls back to pySHACL for shapes it does not implement.
    """

    if engine not in ("fast", "pyshacl"):
        raise ValueError(f"engine must be fast or pyshacl, not {engine!r}")
    if engine == "fast" and _has_rewritten_literal(data):
        engine = "pyshacl"  # Oxigraph would see rdflib's well-typed rewrite: pySHACL sees the flag
    if engine == "fast" and not focus_nodes:
        from serkg.terms import rdflib_graph_to_triples

        outcome = validate_triples(
            list(rdflib_graph_to_triples(data)),
            [] if ontology is None else list(rdflib_graph_to_triples(ontology)),
            shapes=shapes,
        )
        outcome.data_graph = data
        return outcome
    shapes_g = shapes_graph(shapes)
    started = time.perf_counter()
    found: tuple[bool, rdflib.Graph] | None = None
    if engine == "fast":
        found = _validate_fast_focused(data, ontology, shapes, shapes_g, focus_nodes or ())
    if found is None:
        found = _run_pyshacl(data, ontology, shapes_g, focus_nodes)
    conforms, report = found
    seconds = time.perf_counter() - started
    from rdflib import URIRef

    labels = _labels(
        pair
        for graph in (data, ontology)
        if graph is not None
        for pair in graph.subject_objects(URIRef(RDFS_LABEL))
    )
    return ValidationOutcome(
        conforms=bool(conforms),
        violations=_violations(report, shapes_g, labels),
        report_graph=report,
        shapes_count=count_shapes(shapes_g),
        seconds=seconds,
        data_graph=data,
    )


def _has_rewritten_literal(data: rdflib.Graph) -> bool:
    """DATA holds an ill-typed literal whose lexical form rdflib rewrote while parsing."""
    from rdflib import Literal

    return any(
        isinstance(o, Literal)
        and o.ill_typed
        and not Literal(str(o), datatype=o.datatype, normalize=False).ill_typed
        for o in data.objects()
    )


def validate_triples(
    data: Sequence[ox.Triple],
    ontology: Sequence[ox.Triple] = (),
    *,
    shapes: str = "all",
    workers: int | None = None,
    custom_shapes: rdflib.Graph | None = None,
    parallel_min_triples: int | None = None,
) -> ValidationOutcome:
    """The fast engine on pyoxigraph triples, as the build holds them (no full rdflib copy).

    Core shapes run in pySHACL on the facts plus one generated claim per bundle, split over
    ``workers`` processes (default: the usable cores, at most 4); SHACL-SPARQL constraints run
    once each on an Oxigraph store. Same results as ``validate_graph(engine="pyshacl")``.
    ``data_graph`` of the outcome holds only the triples about the reported nodes (enough to
    locate them in the files).
    """
    from serkg.terms import ox_to_rdflib, triples_to_rdflib_graph

    shapes_g = shapes_graph(shapes) if custom_shapes is None else custom_shapes
    started = time.perf_counter()
    core_g, sparql_g = _split_shapes(shapes_g)
    ontology_g = triples_to_rdflib_graph(ontology) if ontology else None
    try:
        constraints = sparql_constraints(sparql_g)
    except NotInFastEngine:  # a shape this engine does not implement: pySHACL runs everything
        conforms, report = _run_pyshacl(
            triples_to_rdflib_graph(data), ontology_g, shapes_g, None, inplace=True
        )
    else:
        threshold = PARALLEL_MIN_TRIPLES if parallel_min_triples is None else parallel_min_triples
        conforms, report = _fast_report(
            data, ontology, ontology_g, shapes, core_g, sparql_g, constraints, workers, threshold
        )
    seconds = time.perf_counter() - started
    reported = _reported_nodes(report)
    labels = _labels(
        (ox_to_rdflib(t.subject), ox_to_rdflib(t.object))
        for triples in (data, ontology)
        for t in triples
        if t.predicate == _OX_LABEL and t.subject in reported
    )
    return ValidationOutcome(
        conforms=bool(conforms),
        violations=_violations(report, shapes_g, labels),
        report_graph=report,
        shapes_count=count_shapes(shapes_g),
        seconds=seconds,
        data_graph=triples_to_rdflib_graph(t for t in data if t.subject in reported),
    )


def _run_pyshacl(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    focus_nodes: Sequence[str] | None,
    *,
    inplace: bool = False,
) -> tuple[bool, rdflib.Graph]:
    """pySHACL without inference; INPLACE lets it add the ontology to DATA instead of a copy."""
    import pyshacl
    import rdflib

    options: dict[str, Any] = {}
    if focus_nodes:
        options["focus_nodes"] = list(focus_nodes)
    if inplace:
        options["inplace"] = True
    with _quiet_rdflib():
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_g,
            ont_graph=ontology,
            inference="none",
            abort_on_first=False,
            allow_infos=False,  # SHACL 3.6: any result, of any severity, means non-conformance
            allow_warnings=False,
            meta_shacl=False,
            advanced=False,
            **options,
        )
    if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes are broken
        raise ShapesError(f"the SHACL shapes could not be run: {report}")
    return bool(conforms), report


def _validate_fast_focused(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None,
    shapes: str,
    shapes_g: rdflib.Graph,
    focus_nodes: Sequence[str],
) -> tuple[bool, rdflib.Graph] | None:
    """Core in pySHACL for FOCUS_NODES, SHACL-SPARQL on Oxigraph; None if that is not exact."""
    from serkg.terms import rdflib_graph_to_triples

    core_g, sparql_g = _split_shapes(shapes_g)
    try:
        constraints = sparql_constraints(sparql_g)
    except NotInFastEngine:
        return None
    if shapes == "sparql" or not _has_any_target(core_g):
        conforms, report = True, _empty_report()
    else:
        conforms, report = _run_pyshacl(data, ontology, core_g, focus_nodes)
    if constraints:
        with _quiet_rdflib():
            store = oxigraph_store(
                rdflib_graph_to_triples(data),
                rdflib_graph_to_triples(ontology) if ontology is not None else (),
            )
        results = run_sparql_constraints(store, sparql_g, focus_nodes=focus_nodes)
        conforms = _add_sparql_results(report, sparql_g, results) and conforms
    return _set_conforms(report, conforms)


def _fast_report(
    data: Sequence[ox.Triple],
    ontology: Sequence[ox.Triple],
    ontology_g: rdflib.Graph | None,
    shapes: str,
    core_g: rdflib.Graph,
    sparql_g: rdflib.Graph,
    constraints: Sequence[SparqlConstraint],
    workers: int | None,
    parallel_min_triples: int,
) -> tuple[bool, rdflib.Graph]:
    """Core in pySHACL (one claim per group, split over WORKERS), SHACL-SPARQL on Oxigraph."""
    if shapes == "sparql" or not _has_any_target(core_g):
        conforms, report = True, _empty_report()
    else:
        conforms, report = _core_report(data, ontology_g, core_g, workers, parallel_min_triples)
    if constraints:
        store = oxigraph_store(data, ontology)
        results = run_sparql_constraints(store, sparql_g)
        del store
        conforms = _add_sparql_results(report, sparql_g, results) and conforms
    return _set_conforms(report, conforms)


def _empty_report() -> rdflib.Graph:
    import rdflib
    from rdflib import RDF, URIRef

    report = rdflib.Graph()
    report.add((rdflib.BNode(), RDF.type, URIRef(SH + "ValidationReport")))
    return report


def _add_sparql_results(
    report: rdflib.Graph,
    sparql_g: rdflib.Graph,
    results: Sequence[tuple[Any, list[tuple[Any, Any]]]],
) -> bool:
    """Add SHACL-SPARQL results to REPORT; False when there is any (SHACL 3.6: any severity)."""
    from rdflib import URIRef

    conforms = True
    head = _report_node(report)
    for node, triples in results:
        report.add((head, URIRef(SH + "result"), node))
        for p, o in triples:
            report.add((node, p, o))
        _copy_description(sparql_g, report, dict(triples)[URIRef(SH + "sourceConstraint")])
        conforms = False
    return conforms


def _set_conforms(report: rdflib.Graph, conforms: bool) -> tuple[bool, rdflib.Graph]:
    import rdflib
    from rdflib import URIRef

    report.remove((None, URIRef(SH + "conforms"), None))
    report.add((_report_node(report), URIRef(SH + "conforms"), rdflib.Literal(conforms)))
    return conforms, report


def _reported_nodes(report: rdflib.Graph) -> set[Any]:
    """The focus nodes and node values of REPORT's results, as pyoxigraph terms."""
    from rdflib import Literal, URIRef

    from serkg.terms import rdflib_to_ox

    nodes = set()
    for p in ("focusNode", "value"):
        for node in report.objects(None, URIRef(SH + p)):
            if not isinstance(node, Literal):
                nodes.add(rdflib_to_ox(node))
    return nodes


def _report_node(report: rdflib.Graph) -> Any:
    """The report's sh:ValidationReport node (made when missing)."""
    import rdflib
    from rdflib import RDF, URIRef

    head = report.value(None, RDF.type, URIRef(SH + "ValidationReport"))
    if head is None:
        head = rdflib.BNode()
        report.add((head, RDF.type, URIRef(SH + "ValidationReport")))
    return head


def _split_shapes(shapes_g: rdflib.Graph) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(the shapes without their SHACL-SPARQL constraints, the full shapes graph for those)."""
    from rdflib import URIRef

    core = rdflib_copy(shapes_g)
    core.remove((None, URIRef(SH + "sparql"), None))
    return core, shapes_g


def rdflib_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """A new rdflib graph with the triples of GRAPH."""
    import rdflib

    copy = rdflib.Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _has_any_target(shapes_g: rdflib.Graph) -> bool:
    return any(_has_target(shapes_g, shape) for shape in _shapes(shapes_g))


def _copy_description(source: rdflib.Graph, target: rdflib.Graph, node: Any) -> None:
    """Copy NODE's description (following blank nodes) into TARGET, as pySHACL reports do."""
    from rdflib import BNode

    if (node, None, None) in target:
        return
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_description(source, target, o)


def _labels(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """English (or else untagged) labels from (node, label) pairs, for naming nodes in reports.

    Of several, the first in alphabetical order: the same whatever order the pairs come in.
    """
    best: dict[Any, tuple[bool, str]] = {}
    for s, o in pairs:
        lang = getattr(o, "language", None)
        if lang in (None, "en"):
            rank = (lang != "en", str(o))
            if s not in best or rank < best[s]:
                best[s] = rank
    return {s: text for s, (_untagged, text) in best.items()}


def _violations(
    report: rdflib.Graph, shapes_g: rdflib.Graph, labels: Mapping[Any, str]
) -> list[Violation]:
    from rdflib import URIRef

    def one(s: Any, p: str) -> Any:
        return report.value(s, URIRef(SH + p))

    results = []
    # nested results (sh:detail of sh:node / sh:or failures) are not listed: their parent says more
    for result in report.objects(None, URIRef(SH + "result")):
        focus = one(result, "focusNode")
        path = one(result, "resultPath")
        value = one(result, "value")
        component = one(result, "sourceConstraintComponent")
        severity = one(result, "resultSeverity")
        shape = one(result, "sourceShape")
        messages = [str(m) for m in report.objects(result, URIRef(SH + "resultMessage"))]
        path_iri = str(path) if isinstance(path, URIRef) else None
        component_name = _local(str(component)) if component is not None else "unknown"
        message = _plain_message(component_name, messages, shape, shapes_g, value, path_iri)
        results.append(
            Violation(
                focus=_node_id(focus),
                focus_curie=_display(focus),
                focus_label=labels.get(focus),
                path=path_iri,
                path_curie=compress(path_iri)
                if path_iri
                else (None if path is None else "(complex path)"),
                value=None if value is None else _display(value),
                component=component_name,
                severity=_local(str(severity)) if severity is not None else "Violation",
                source_shape=_shape_name(shape, shapes_g),
                message=message,
            )
        )
    results.sort(key=lambda v: (v.focus, v.path or "", v.component, v.value or "", v.message))
    return results


def _plain_message(
    component: str,
    messages: list[str],
    shape: Any,
    shapes_g: rdflib.Graph,
    value: Any,
    path: str | None,
) -> str:
    """The shape's own sh:message (written for curators), with a scheme hint for cross-links."""
    from rdflib import URIRef

    own = [
        m
        for m in messages
        if not m.startswith(("Value ", "Node ", "Less than", "More than", "Results in"))
    ]
    text = own[0] if own else ""
    if not text:
        hint = COMPONENT_HINTS.get(component, "a shape constraint is broken")
        if component == "MaxCountConstraintComponent" and shape is not None:
            hint = hint.format(max=shapes_g.value(shape, URIRef(SH + "maxCount")))
        text = hint + (f" ({messages[0]})" if messages else "")
    if isinstance(value, URIRef) and path and component == "NodeConstraintComponent":
        text += ": " + _scheme_hint(str(value), shapes_g)
    return re.sub(r"https?://[^\s,;)]+", lambda m: compress(m.group(0)), text)


def _scheme_hint(iri: str, shapes_g: rdflib.Graph) -> str:
    """Which scheme an IRI was meant to be in, and what a valid one looks like."""
    from rdflib import RDFS, SKOS, URIRef

    for scheme, namespace in shapes_g.subject_objects(URIRef(SHP + "namespace")):
        if iri.startswith(str(namespace)):
            label = shapes_g.value(scheme, RDFS.label)
            example = shapes_g.value(scheme, SKOS.example)
            return f"{iri} is not a valid {label} identifier (expected like {example})"
    return f"{iri} is in no known identifier scheme (see shp:KnownIdentifier, shapes/core.ttl)"


def _shape_name(shape: Any, shapes_g: rdflib.Graph) -> str:
    """A named shape's CURIE, or 'shp:ParentShape/sk:path' for a blank property shape."""
    from rdflib import BNode, URIRef

    def curie(iri: Any) -> str:
        text = str(iri)
        return "shp:" + text[len(SHP) :] if text.startswith(SHP) else compress(text)

    if shape is None:
        return ""
    if not isinstance(shape, BNode):
        return curie(shape)
    parent = shapes_g.value(None, URIRef(SH + "property"), shape)
    path = shapes_g.value(shape, URIRef(SH + "path"))
    if parent is not None and not isinstance(parent, BNode):
        return curie(parent) + ("/" + compress(str(path)) if isinstance(path, URIRef) else "")
    return "(anonymous shape)"


# --- the fast path: SHACL-SPARQL on Oxigraph, Core on facts plus one claim per bundle

SK_CLAIM_PARTS = tuple(SK + n for n in ("claimSubject", "claimPredicate", "claimObject"))
#: What a Core shape may say about a claim's subject, predicate and object for the claims of one
#: bundle to be checked through one representative: these depend only on how many values there
#: are and of which kind, never on the values themselves.
_PART_PARAMETERS = {
    SH + p
    for p in (
        "path",
        "minCount",
        "maxCount",
        "nodeKind",
        "message",
        "name",
        "description",
        "order",
        "group",
        "severity",
    )
}
_SELECT_HEAD = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?", re.IGNORECASE)
_NOT_JOINABLE = re.compile(
    r"\b(GROUP\s+BY|ORDER\s+BY|LIMIT|OFFSET|HAVING)\b"
    r"|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\("
    r"|[?$]failure\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql constraint of a node shape, ready to run on Oxigraph."""

    shape: Any
    node: Any
    query: str
    messages: tuple[Any, ...]
    severity: Any
    joinable: bool


class NotInFastEngine(ValueError):
    """A shape uses a feature the fast engine does not implement: pySHACL runs every shape."""


def sparql_constraints(shapes_g: rdflib.Graph) -> list[SparqlConstraint]:
    """The active SHACL-SPARQL constraints of targeted node shapes, with their prefixes applied.

    ``joinable`` says the query can run once for all focus nodes (``$this`` certainly bound
    where the query reads it, no aggregates or slices); otherwise it runs once per focus node
    with ``$this`` substituted. Raises :class:`ShapesError` for a query SHACL forbids (naming the
    shape) and :class:`NotInFastEngine` for one the fast path does not implement (property
    shapes, sh:ask, SERVICE, $currentShape/$shapesGraph, a ``$this`` only pre-binding binds).
    """
    from rdflib import Literal, URIRef

    from serkg import shacl_sparql

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    found = []
    for shape, constraint in sorted(shapes_g.subject_objects(sh("sparql")), key=str):
        name = _shape_name(shape, shapes_g)
        deactivated = shapes_g.value(constraint, sh("deactivated"))
        if isinstance(deactivated, Literal) and bool(deactivated.toPython()):
            continue
        select = shapes_g.value(constraint, sh("select"))
        if select is None:
            if (constraint, sh("ask"), None) in shapes_g:
                raise NotInFastEngine(f"sh:ask in the SPARQL constraint of {name}")
            raise ShapesError(f"the SPARQL constraint of {name} has no sh:select")
        prefixes = "\n".join(sorted(set(_prefix_declarations(shapes_g, constraint)))) + "\n"
        body = str(select)
        facts = shacl_sparql.analyse(prefixes + body, name)
        if shapes_g.value(shape, sh("path")) is not None:
            raise NotInFastEngine(f"a SPARQL constraint on the property shape {name}")
        if shape in _nested_shapes(shapes_g):
            raise NotInFastEngine(f"{name} has SPARQL constraints and other shapes refer to it")
        if not _has_target(shapes_g, shape):
            continue
        if facts.uses_service:  # the fast engine never sends a query anywhere
            raise NotInFastEngine(f"SERVICE in the SPARQL constraint of {name}")
        if facts.uses_other_prebound:
            raise NotInFastEngine(f"$currentShape, $shapesGraph or $PATH in {name}")
        if not facts.joins_like_prebinding:
            raise NotInFastEngine(f"$this may be unbound where the query of {name} reads it")
        if list(shapes_g.objects(shape, sh("message"))):
            raise NotInFastEngine(f"sh:message on the SPARQL-constrained shape {name}")
        joinable = bool(_SELECT_HEAD.match(body)) and not _NOT_JOINABLE.search(body)
        query = prefixes + body
        if joinable:
            head = _SELECT_HEAD.match(body)
            assert head is not None
            projection = body[head.end() : body.upper().find("WHERE")]
            if not re.search(r"[?$]this\b", projection) and "*" not in projection:
                body = body[: head.end()] + "$this " + body[head.end() :]
            query = prefixes + "SELECT * WHERE {\n{\n" + body + "\n}\n}"
        severity = shapes_g.value(shape, sh("severity")) or sh("Violation")
        messages = tuple(shapes_g.objects(constraint, sh("message")))
        found.append(SparqlConstraint(shape, constraint, query, messages, severity, joinable))
    return found


def _nested_shapes(shapes_g: rdflib.Graph) -> set[Any]:
    """Shapes other shapes use (sh:node, sh:property, sh:not, sh:and ...): checked from inside."""
    from rdflib import URIRef
    from rdflib.collection import Collection

    found: set[Any] = set()
    for p in ("node", "property", "not", "qualifiedValueShape"):
        found.update(shapes_g.objects(None, URIRef(SH + p)))
    for p in ("and", "or", "xone"):
        for members in shapes_g.objects(None, URIRef(SH + p)):
            found.update(Collection(shapes_g, members))
    return found


def _prefix_declarations(shapes_g: rdflib.Graph, constraint: Any) -> Iterator[str]:
    """PREFIX lines of CONSTRAINT: sh:prefixes/owl:imports*/sh:declare (SHACL 5.2.1)."""
    from rdflib import OWL, URIRef

    todo = list(shapes_g.objects(constraint, URIRef(SH + "prefixes")))
    seen: set[Any] = set()
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        todo.extend(shapes_g.objects(source, OWL.imports))
        for declaration in shapes_g.objects(source, URIRef(SH + "declare")):
            prefix = shapes_g.value(declaration, URIRef(SH + "prefix"))
            namespace = shapes_g.value(declaration, URIRef(SH + "namespace"))
            yield f"PREFIX {prefix}: <{namespace}>"


def _shapes(shapes_g: rdflib.Graph) -> set[Any]:
    """The nodes of SHAPES_G that may be shapes with targets (those with any target triple, and
    every SHACL instance of sh:NodeShape or sh:PropertyShape)."""
    from rdflib import RDF, RDFS, URIRef

    found = {s for t in _TARGETS for s in shapes_g.subjects(URIRef(SH + t), None)}
    for kind in ("NodeShape", "PropertyShape"):
        for cls in shapes_g.transitive_subjects(RDFS.subClassOf, URIRef(SH + kind)):
            found.update(shapes_g.subjects(RDF.type, cls))
    return found


def _is_implicit_class_target(shapes_g: rdflib.Graph, shape: Any) -> bool:
    """SHACL 2.1.3.3: a node or property shape that is also a SHACL instance of rdfs:Class."""
    from rdflib import RDF, RDFS, URIRef

    def instance_of(cls: Any) -> bool:
        classes = set(shapes_g.transitive_subjects(RDFS.subClassOf, cls))
        return any((shape, RDF.type, c) in shapes_g for c in classes)

    return instance_of(RDFS.Class) and (
        instance_of(URIRef(SH + "NodeShape")) or instance_of(URIRef(SH + "PropertyShape"))
    )


def _has_target(shapes_g: rdflib.Graph, shape: Any) -> bool:
    from rdflib import URIRef

    return any((shape, URIRef(SH + t), None) in shapes_g for t in _TARGETS) or (
        _is_implicit_class_target(shapes_g, shape)
    )


def _target_nodes(store: ox.Store, shapes_g: rdflib.Graph, shape: Any) -> set[Any]:
    """The focus nodes of SHAPE in the data, as SHACL defines them (classes follow subClassOf)."""
    from rdflib import URIRef

    from serkg.terms import rdflib_to_ox

    nodes: set[Any] = set()
    classes = list(shapes_g.objects(shape, URIRef(SH + "targetClass")))
    if _is_implicit_class_target(shapes_g, shape):
        classes.append(shape)
    queries = {
        "targetClass": "SELECT DISTINCT ?n ?c WHERE { ?n a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }",
        "targetSubjectsOf": "SELECT DISTINCT ?n ?c WHERE { ?n ?c ?o }",
        "targetObjectsOf": "SELECT DISTINCT ?n ?c WHERE { ?s ?c ?n }",
    }
    for kind, text in queries.items():
        values = classes if kind == "targetClass" else shapes_g.objects(shape, URIRef(SH + kind))
        for value in values:
            result = store.query(text, substitutions={ox.Variable("c"): rdflib_to_ox(value)})
            nodes.update(solution[0] for solution in result)  # type: ignore[union-attr]
    for node in shapes_g.objects(shape, URIRef(SH + "targetNode")):
        nodes.add(rdflib_to_ox(node))
    return nodes


def oxigraph_store(*graphs: Iterable[ox.Triple]) -> ox.Store:
    """An in-memory Oxigraph store of the union of GRAPHS (the graph pySHACL would query)."""
    store = ox.Store()
    for triples in graphs:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def run_sparql_constraints(
    store: ox.Store,
    shapes_g: rdflib.Graph,
    *,
    focus_nodes: Sequence[str] | None = None,
) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    """Evaluate every SHACL-SPARQL constraint on STORE; one (result node, report triples) each.

    The results are those pySHACL gives (same focus, path, value, shape, constraint, severity and
    message, formatted as pySHACL formats ``{?var}``), computed with one query per constraint.
    """
    from serkg.terms import ox_to_rdflib

    wanted = None if not focus_nodes else {ox.NamedNode(f) for f in focus_nodes}
    reports: list[tuple[Any, list[tuple[Any, Any]]]] = []
    for constraint in sparql_constraints(shapes_g):
        targets = _target_nodes(store, shapes_g, constraint.shape)
        if wanted is not None:
            targets = {t for t in targets if isinstance(t, ox.NamedNode) and t in wanted}
        if not targets:
            continue
        rows: list[tuple[Any, dict[str, Any]]] = []
        if constraint.joinable:
            result = store.query(constraint.query)
            names = [v.value for v in result.variables]  # type: ignore[union-attr]
            for solution in result:  # type: ignore[union-attr]
                values = dict(zip(names, solution, strict=True))
                focus = values.get("this")
                if focus in targets:
                    rows.append((focus, values))
        else:
            for focus in sorted(targets, key=str):
                result = store.query(constraint.query, substitutions={ox.Variable("this"): focus})
                names = [v.value for v in result.variables]  # type: ignore[union-attr]
                rows.extend((focus, dict(zip(names, s, strict=True))) for s in result)  # type: ignore[union-attr]
        seen: dict[Any, list[Any]] = defaultdict(list)
        failed: set[Any] = set()
        for focus, values in sorted(rows, key=lambda r: str(r[0])):
            bound = {k: ox_to_rdflib(v) for k, v in values.items() if v is not None}
            f = ox_to_rdflib(focus)
            if bound.pop("failure", None) is not None:
                if f not in failed:
                    failed.add(f)
                    reports.append(_sparql_result(constraint, f, f, None, bound))
                continue
            path = bound.pop("path", None)
            value = bound.pop("value", None)
            this = bound.pop("this", None)
            if path is None and value is None and this is None:
                continue
            key = (this, path, value, bound)
            if key in seen[f]:
                continue
            seen[f].append(key)
            shown = value if value is not None else f
            variables = dict(bound)
            variables.update(
                {
                    k: v
                    for k, v in (("this", this), ("path", path), ("value", shown))
                    if v is not None
                }
            )
            reports.append(_sparql_result(constraint, this or f, shown, path, variables))
    return reports


def _sparql_result(
    constraint: SparqlConstraint, focus: Any, value: Any, path: Any, variables: Mapping[str, Any]
) -> tuple[Any, list[tuple[Any, Any]]]:
    from rdflib import RDF, BNode, Literal, URIRef

    node = BNode()
    triples: list[tuple[Any, Any]] = [
        (RDF.type, URIRef(SH + "ValidationResult")),
        (URIRef(SH + "sourceConstraintComponent"), URIRef(SH + "SPARQLConstraintComponent")),
        (URIRef(SH + "sourceShape"), constraint.shape),
        (URIRef(SH + "resultSeverity"), constraint.severity),
        (URIRef(SH + "focusNode"), focus),
        (URIRef(SH + "sourceConstraint"), constraint.node),
    ]
    if value is not None:
        triples.append((URIRef(SH + "value"), value))
    if path is not None:
        triples.append((URIRef(SH + "resultPath"), path))
    for message in constraint.messages:
        text = str(message.value) if isinstance(message, Literal) else str(message)
        if isinstance(message, Literal):
            for name, term in variables.items():  # the way pySHACL fills in {?var} and {$var}
                text = re.sub(f"{{[?$]{name}}}", str(term), text)
            triples.append((URIRef(SH + "resultMessage"), Literal(text)))
        else:
            triples.append((URIRef(SH + "resultMessage"), message))
    return node, triples


def claims_by_bundle(data: Sequence[ox.Triple], shapes_g: rdflib.Graph) -> list[list[Any]] | None:
    """Groups of claims that the Core shapes cannot tell apart, or None when the shapes can.

    A claim that nothing in the data points to (every generated claim) differs from the other
    claims of its bundle only in its sk:claimSubject/Predicate/Object; when the Core shapes look
    at those only through counts and node kinds, the claims with the same bundle metadata and the
    same counts and kinds of parts get the same results, so one of them stands for all.
    """
    from rdflib import URIRef

    from serkg.terms import rdflib_to_ox

    parts = {URIRef(p) for p in SK_CLAIM_PARTS}
    for subject, predicate, obj in shapes_g:
        if obj in parts and predicate != URIRef(SH + "path"):
            return None
        if predicate == URIRef(SH + "path"):
            if not isinstance(obj, URIRef):
                return None  # complex paths (inverse paths) could reach a claim from elsewhere
            if obj in parts and {p for p, _ in shapes_g.predicate_objects(subject)} - {
                URIRef(p) for p in _PART_PARAMETERS
            }:
                return None
    from serkg.loading import interchangeable_claims

    named = [rdflib_to_ox(n) for n in shapes_g.objects(None, URIRef(SH + "targetNode"))]
    return interchangeable_claims(data, exclude=[n for n in named if not isinstance(n, ox.Literal)])


def _core_report(
    data: Sequence[ox.Triple],
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    workers: int | None,
    parallel_min_triples: int,
) -> tuple[bool, rdflib.Graph]:
    """pySHACL Core on the data with one claim per group (all claims of a group that fails)."""
    from serkg.terms import rdflib_to_ox, triples_to_rdflib_graph

    groups = claims_by_bundle(data, shapes_g) or []
    spare = {claim for members in groups for claim in members[1:]}
    with _quiet_rdflib():
        reduced = triples_to_rdflib_graph(t for t in data if t.subject not in spare)
    conforms, report = _run_core_shapes(reduced, ontology, shapes_g, workers, parallel_min_triples)
    if conforms:
        return conforms, report
    focus = {rdflib_to_ox(o) for o in report.objects(None, _sh("focusNode"))}
    failing = {c for members in groups if members[0] in focus for c in members[1:]}
    if not failing:
        return conforms, report
    with _quiet_rdflib():
        triples_to_rdflib_graph((t for t in data if t.subject in failing), reduced)
    return _run_core_shapes(reduced, ontology, shapes_g, workers, parallel_min_triples)


def _sh(name: str) -> Any:
    from rdflib import URIRef

    return URIRef(SH + name)


#: Below this many data triples, Core validation runs in one process (forking costs more).
PARALLEL_MIN_TRIPLES = 20_000
_TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")


def default_workers() -> int:
    """Processes for Core validation: the usable cores, at most 4 (each holds a graph copy)."""
    import os

    return max(1, min(4, len(os.sched_getaffinity(0))))


def _run_core_shapes(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    workers: int | None,
    parallel_min_triples: int,
) -> tuple[bool, rdflib.Graph]:
    """pySHACL on DATA (changed in place), the focus nodes split over forked worker processes.

    Every process validates every shape, each on its share of the shape's focus nodes, given as
    sh:targetNode: a focus node's results do not depend on the other focus nodes, so the merged
    report is the one a single run gives (a test compares them).
    """
    from serkg.forked import Forked
    from serkg.terms import ox_to_rdflib

    wanted = default_workers() if workers is None else workers
    if wanted < 2 or len(data) < parallel_min_triples:
        return _run_pyshacl(data, ontology, shapes_g, None, inplace=True)
    if ontology is not None:  # what pySHACL does with ont_graph, done once before forking
        from pyshacl.rdfutil.inoculate import inoculate

        inoculate(data, ontology)  # type: ignore[arg-type]
    parts = _shapes_by_focus_share(shapes_g, data, wanted)
    shares = [Forked(_core_share, data, part) for part in parts[1:]]
    try:
        conforms, report = _run_pyshacl(data, None, parts[0], None, inplace=True)
        for share in shares:
            try:
                share_conforms, triples = share.result()
            except Exception as exc:
                raise RuntimeError(f"the SHACL shapes could not be run: {exc}") from exc
            conforms = conforms and share_conforms
            _merge_report(report, [tuple(ox_to_rdflib(t) for t in triple) for triple in triples])
        return conforms, report
    finally:
        for share in shares:
            share.close()


def _core_share(data: rdflib.Graph, shapes_g: rdflib.Graph) -> tuple[bool, list[ox.Triple]]:
    """A worker's share: (conforms, report triples) as pyoxigraph triples, which keep blank node
    ids and lexical forms through pickling (an rdflib literal is rebuilt from its normalised
    text: an ill-typed one would come back well-typed)."""
    from serkg.terms import rdflib_graph_to_triples

    conforms, report = _run_pyshacl(data, None, shapes_g, None, inplace=True)
    return conforms, list(rdflib_graph_to_triples(report))


def _merge_report(report: rdflib.Graph, triples: Sequence[tuple[Any, Any, Any]]) -> None:
    """Add the results of a worker's report under REPORT's head node.

    pySHACL writes a copy of each complex result path into its report, under the shape's own
    blank path node but with fresh list nodes: a path REPORT already describes is not copied
    again (two rdf:rest values would corrupt the list).
    """
    from rdflib import RDF, BNode

    head = _report_node(report)
    heads = {s for s, p, o in triples if p == RDF.type and o == _sh("ValidationReport")}
    by_subject: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    skip: set[Any] = set()
    todo = [
        o
        for _s, p, o in triples
        if p == _sh("resultPath") and isinstance(o, BNode) and (o, None, None) in report
    ]
    while todo:
        node = todo.pop()
        if node not in skip:
            skip.add(node)
            todo.extend(o for _p, o in by_subject[node] if isinstance(o, BNode))
    for s, p, o in triples:
        if s in heads:
            if p == _sh("result"):
                report.add((head, p, o))
        elif s not in skip:
            report.add((s, p, o))


def _shapes_by_focus_share(
    shapes_g: rdflib.Graph, data: rdflib.Graph, parts: int
) -> list[rdflib.Graph]:
    """PARTS copies of SHAPES_G; in copy k each shape targets every PARTS-th focus node."""
    from rdflib import RDF, RDFS

    shapes = sorted((s for s in _shapes(shapes_g) if _has_target(shapes_g, s)), key=str)
    class_types = set(shapes_g.transitive_subjects(RDFS.subClassOf, RDFS.Class))
    copies = [rdflib_copy(shapes_g) for _ in range(parts)]
    for shape in shapes:
        focus = sorted(
            _focus_nodes(data, shapes_g, shape), key=lambda n: (type(n).__name__, str(n))
        )
        for copy in copies:
            for t in _TARGETS:
                copy.remove((shape, _sh(t), None))
            for cls in class_types:  # an implicit class target becomes explicit target nodes
                copy.remove((shape, RDF.type, cls))
        for i, node in enumerate(focus):
            copies[i % parts].add((shape, _sh("targetNode"), node))
    return copies


def _focus_nodes(data: rdflib.Graph, shapes_g: rdflib.Graph, shape: Any) -> set[Any]:
    """SHAPE's focus nodes in DATA by its target declarations (SHACL 2.1.3)."""
    from rdflib import RDF, RDFS

    nodes = set(shapes_g.objects(shape, _sh("targetNode")))
    classes = list(shapes_g.objects(shape, _sh("targetClass")))
    if _is_implicit_class_target(shapes_g, shape):
        classes.append(shape)
    for cls in classes:
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for p in shapes_g.objects(shape, _sh("targetSubjectsOf")):
        nodes.update(s for s, _ in data.subject_objects(p))
    for p in shapes_g.objects(shape, _sh("targetObjectsOf")):
        nodes.update(o for _, o in data.subject_objects(p))
    return nodes


# --- locations


def locate(violations: Sequence[Violation], data: rdflib.Graph, origins: Origins) -> None:
    """Fill in ``file`` and ``line`` of each violation from where its triples were stated.

    A generated claim has no text of its own: it points at the bundle that stated its triple.
    """
    from rdflib import URIRef

    from serkg.loading import claim_iri
    from serkg.terms import ox_to_rdflib, rdflib_to_ox

    by_subject: dict[Any, list[tuple[ox.Triple, Path, str | None]]] = defaultdict(list)
    for triple, places in origins.items():
        for path, bundle in places:
            by_subject[triple.subject].append((triple, path, bundle))
    texts: dict[Path, list[str]] = {}

    def lines_of(path: Path) -> list[str]:
        if path not in texts:
            try:
                texts[path] = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                texts[path] = []
        return texts[path]

    sk_subject, sk_predicate, sk_object = (
        URIRef(SK + n) for n in ("claimSubject", "claimPredicate", "claimObject")
    )
    for v in violations:
        if v.file is not None:
            continue
        focus = _parse_node(v.focus)
        if v.value and v.value.startswith("kg:claim-"):  # a claim without evidence: its bundle
            claim = _parse_node(expand_curie(v.value))
            if data.value(claim, sk_subject) is not None and rdflib_to_ox(claim) not in by_subject:
                focus = claim
        ox_focus = rdflib_to_ox(focus)
        stated = by_subject.get(ox_focus, [])
        if not stated:  # a generated claim: find the bundle that stated its triple
            s, p, o = (
                data.value(focus, sk_subject),
                data.value(focus, sk_predicate),
                data.value(focus, sk_object),
            )
            if s is not None and p is not None and o is not None:
                triple = ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o))  # type: ignore[arg-type]
                places = origins.get(triple, [])
                mine = [
                    (p_, b) for p_, b in places if b and claim_iri(triple, b).value == str(focus)
                ]
                for path, bundle in mine or places:
                    v.file = str(path)
                    if bundle:
                        v.line = _find_line(lines_of(path), bundle, None, None)
                    break
            continue
        preferred = [t for t in stated if v.path and t[0].predicate.value == v.path] or stated
        triple, path, _bundle = preferred[0]
        v.file = str(path)
        value_text = None
        if v.value is not None and v.path and preferred is not stated:
            value_text = _value_token(ox_to_rdflib(triple.object)) if len(preferred) == 1 else None
        v.line = _find_line(lines_of(path), v.focus, v.path, value_text)


def _find_line(
    lines: list[str], subject_iri: str, predicate_iri: str | None, value_text: str | None
) -> int | None:
    """Best effort: the line where SUBJECT's statement mentions PREDICATE (1-based)."""
    subject_re = _term_regex(subject_iri)
    mentions = [i for i, line in enumerate(lines) if subject_re.search(line)]
    if not mentions:
        return None
    starts = [i for i in mentions if subject_re.match(lines[i].lstrip())] or mentions
    if predicate_iri is None:
        return starts[0] + 1
    predicate_re = (
        re.compile(r"(^|\s)a(\s|$)") if predicate_iri == RDF_TYPE else _term_regex(predicate_iri)
    )
    fallback = None
    for start in starts:
        for j in range(start, min(start + 200, len(lines))):
            line = lines[j]
            if j > start and (subject_re.match(line.lstrip()) or line.strip().startswith("}")):
                break
            if predicate_re.search(line):
                if value_text is None or value_text in line:
                    return j + 1
                fallback = fallback or j + 1
            if re.search(r"\.\s*(#.*)?$", line) and not line.rstrip().endswith(("...", '."', ".'")):
                break
    return fallback or starts[0] + 1


def _term_regex(iri: str) -> re.Pattern[str]:
    """A regex for IRI written as <IRI> or as any prefixed name with its local part."""
    local = re.split(r"[/#]", iri)[-1]
    namespace = iri[: len(iri) - len(local)]
    curie = compress(iri)
    options = [re.escape(f"<{iri}>")]
    if local:
        options.append(r"(?<![\w<])[A-Za-z][\w.-]*:" + re.escape(local) + r"(?![\w-])")
        options.append(r"(?<![\w<]):" + re.escape(local) + r"(?![\w-])")
    if curie != iri:
        options.append(r"(?<![\w<])" + re.escape(curie) + r"(?![\w-])")
    if not local:
        options.append(re.escape(namespace))
    return re.compile("|".join(options))


def _value_token(term: Any) -> str | None:
    from rdflib import Literal, URIRef

    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        return re.split(r"[/#_]", str(term))[-1] or None
    return None


# --- QC


def qc_check_names() -> list[str]:
    """The names of the active QC checks (file stems without ``-violation``)."""
    return list(QC_CHECKS)


def qc_query_file(check: str) -> Path:
    """The ``.rq`` file of one QC check."""
    return resources.queries_dir() / "qc" / f"{check}-violation.rq"


@cache
def qc_query(check: str) -> str:
    """The SPARQL text of one QC check."""
    return qc_query_file(check).read_text(encoding="utf-8")


def run_qc(store: QueryStore | ox.Store) -> list[QcViolation]:
    """Run every active QC check; each returned row is a violation (none means clean).

    On an Oxigraph store the checks run in threads (Oxigraph releases the GIL while it works).
    """
    if isinstance(store, ox.Store):
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=default_workers()) as pool:
            found = list(pool.map(lambda check: _qc_rows(store, check), QC_CHECKS))
    else:
        found = [_qc_rows(store, check) for check in QC_CHECKS]
    rows = {row for rows in found for row in rows}
    return sorted(rows, key=lambda r: (QC_CHECKS.index(r.check), r.entity, r.property, r.value))


def _qc_rows(store: QueryStore | ox.Store, check: str) -> list[QcViolation]:
    text = qc_query(check)
    if isinstance(store, ox.Store):
        result = store.query(text, use_default_graph_as_union=True)
        variables = [v.value for v in result.variables]  # type: ignore[union-attr]
        solutions = [tuple(solution[i] for i in range(len(variables))) for solution in result]  # type: ignore[union-attr]
    else:
        answer = store.query(text)
        variables, solutions = answer.variables, answer.rows
    index = {name: i for i, name in enumerate(variables)}
    rows = []
    for solution in solutions:
        entity, prop, value = (
            solution[index[n]] if n in index else None for n in ("entity", "property", "value")
        )
        rows.append(QcViolation(check, _term_text(entity), _term_text(prop), _term_text(value)))
    return rows


def qc_store(triples: Sequence[ox.Triple]) -> ox.Store:
    """An in-memory store holding TRIPLES in the asserted graph (QC at validate time)."""
    store = ox.Store()
    graph = ox.NamedNode(ASSERTED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return store


def _term_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return (
            str(term)
            if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string"
            else json.dumps(term.value, ensure_ascii=False)
        )
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


# --- files


def validate_files(
    paths: Sequence[Path], *, shapes: str = "all"
) -> tuple[ValidationOutcome, list[QcViolation]]:
    """Validate data files (TriG claim bundles or plain Turtle) with the project ontology.

    With no PATHS: the packaged data. With PATHS: the files in the context of the packaged data
    (what the files refer to is described in other files). Each given file takes the place of
    the packaged file it is, or has the name of (an edited copy); the others are the context
    (``outcome.context_files``). The whole is validated; the SHACL results and QC rows shown are
    those about a node the given files state something about (subject or object of one of their
    triples, or a claim they generate); ``outcome.elsewhere`` counts the others.
    Raises :class:`serkg.loading.InputError` for a missing, unreadable or unparsable file.
    """
    from serkg.loading import load_knowledge

    shapes_paths(shapes)  # reject a bad choice before any work
    given = [Path(p) for p in paths]
    if not given:
        kb = load_knowledge([resources.ontology_file()], resources.data_files())
        outcome = validate_triples(kb.data, kb.ontology, shapes=shapes)
        if outcome.data_graph is not None:
            locate(outcome.violations, outcome.data_graph, kb.origins)
        return outcome, run_qc(qc_store(kb.asserted))
    replaced = {p.resolve() for p in given if p.exists()} | {p.name for p in given}
    context = [
        f for f in resources.data_files() if f.resolve() not in replaced and f.name not in replaced
    ]
    kb = load_knowledge([resources.ontology_file()], [*context, *given])
    outcome = validate_triples(kb.data, kb.ontology, shapes=shapes)
    if outcome.data_graph is not None:
        locate(outcome.violations, outcome.data_graph, kb.origins)
    mentioned = _mentioned_nodes(kb, given)
    shown = [v for v in outcome.violations if _is_about(v, mentioned)]
    _keep_results(outcome.report_graph, mentioned)
    qc_rows = run_qc(qc_store(kb.asserted))
    qc_shown = [r for r in qc_rows if r.entity in mentioned or r.value in mentioned]
    outcome.elsewhere = len(outcome.violations) - len(shown) + len(qc_rows) - len(qc_shown)
    outcome.violations = shown
    outcome.conforms = not shown
    _set_conforms(outcome.report_graph, outcome.conforms)
    outcome.context_files = context
    return outcome, qc_shown


def _mentioned_nodes(kb: KnowledgeBase, given: Sequence[Path]) -> set[str]:
    """IRIs and blank node ids ("_:id") the GIVEN files state something about, and the claims
    they generate."""
    from serkg.loading import claim_iri

    mine = {p.resolve() for p in given}
    found: set[str] = set()
    for triple, places in kb.origins.items():
        for path, bundle in places:
            if path.resolve() not in mine:
                continue
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.NamedNode):
                    found.add(term.value)
                elif isinstance(term, ox.BlankNode):
                    found.add("_:" + term.value)
            if bundle is not None:
                found.add(bundle)
                found.add(claim_iri(triple, bundle).value)
    return found


def _is_about(violation: Violation, mentioned: set[str]) -> bool:
    value = violation.value
    return violation.focus in mentioned or (
        value is not None and not value.startswith('"') and expand_curie(value) in mentioned
    )


def _keep_results(report: rdflib.Graph, mentioned: set[str]) -> None:
    """Drop from REPORT the results whose focus node and value are not in MENTIONED."""
    from rdflib import Literal

    head = _report_node(report)
    for result in list(report.objects(head, _sh("result"))):
        nodes = [report.value(result, _sh(p)) for p in ("focusNode", "value")]
        if not any(
            n is not None and not isinstance(n, Literal) and _node_id(n) in mentioned for n in nodes
        ):
            report.remove((head, _sh("result"), result))


def knowledge_graphs(kb: KnowledgeBase) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(data, ontology) rdflib graphs of a loaded knowledge base, as validation takes them."""
    from serkg.terms import triples_to_rdflib_graph

    with _quiet_rdflib():
        return triples_to_rdflib_graph(kb.data), triples_to_rdflib_graph(kb.ontology)


# --- helpers


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _short(text: str) -> str:
    return compress(text) if text.startswith(("http://", "https://")) else text


def _node_id(node: Any) -> str:
    from rdflib import BNode

    if node is None:
        return ""
    return "_:" + str(node) if isinstance(node, BNode) else str(node)


def _parse_node(text: str) -> Any:
    from rdflib import BNode, URIRef

    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def _display(node: Any) -> str:
    """A term as a curator reads it: CURIE for IRIs, Turtle-like for literals."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return compress(str(node))
    if isinstance(node, BNode):
        return "_:" + str(node)
    if isinstance(node, Literal):
        text = json.dumps(str(node), ensure_ascii=False)
        if node.language:
            return f"{text}@{node.language}"
        if (
            node.datatype is not None
            and str(node.datatype) != "http://www.w3.org/2001/XMLSchema#string"
        ):
            return f"{text}^^{compress(str(node.datatype))}"
        return text
    return str(node)
