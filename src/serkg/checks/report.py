"""SHACL validation reports: the report graph, its results as violations with plain messages, and
the text, JSON and Turtle a curator or a program reads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from serkg.checks.locate import Origins, locate
from serkg.checks.nodes import (
    SH,
    display,
    local_name,
    node_id,
)
from serkg.checks.results import QcViolation, Violation
from serkg.checks.shapes import (
    shape_name,
)
from serkg.prefixes import SHP, compress

if TYPE_CHECKING:
    import rdflib


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
    #: what was checked: everything, or (after a change, serkg.checks.incremental) what it reaches
    scope: str = "everything"

    def to_text(self, origins: Origins | None = None, *, timed: bool = True) -> str:
        """A report for people: one numbered block per violation, saying where and what to do.

        Without TIMED the head leaves out the seconds: a build's report file must be the same
        bytes for the same sources (a release is reproducible, docs/releases.md).
        """
        if origins is not None and self.data_graph is not None:
            locate(self.violations, self.data_graph, origins)
        took = f", {self.seconds:.2f} s" if timed else ""
        head = f"SHACL validation ({self.shapes_count} shapes{took}): "
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


def empty_report() -> rdflib.Graph:
    import rdflib
    from rdflib import RDF, URIRef

    report = rdflib.Graph()
    report.add((rdflib.BNode(), RDF.type, URIRef(SH + "ValidationReport")))
    return report


def add_sparql_results(
    report: rdflib.Graph,
    sparql_g: rdflib.Graph,
    results: Sequence[tuple[Any, list[tuple[Any, Any]]]],
) -> bool:
    """Add SHACL-SPARQL results to REPORT; False when there is any (SHACL 3.6: any severity)."""
    from rdflib import URIRef

    conforms = True
    head = report_node(report)
    for node, triples in results:
        report.add((head, URIRef(SH + "result"), node))
        for p, o in triples:
            report.add((node, p, o))
        _copy_description(sparql_g, report, dict(triples)[URIRef(SH + "sourceConstraint")])
        conforms = False
    return conforms


def set_conforms(report: rdflib.Graph, conforms: bool) -> tuple[bool, rdflib.Graph]:
    import rdflib
    from rdflib import URIRef

    report.remove((None, URIRef(SH + "conforms"), None))
    report.add((report_node(report), URIRef(SH + "conforms"), rdflib.Literal(conforms)))
    return conforms, report


def reported_nodes(report: rdflib.Graph) -> set[Any]:
    """The focus nodes and node values of REPORT's results, as pyoxigraph terms."""
    from rdflib import Literal, URIRef

    from serkg.terms import rdflib_to_ox

    nodes = set()
    for p in ("focusNode", "value"):
        for node in report.objects(None, URIRef(SH + p)):
            if not isinstance(node, Literal):
                nodes.add(rdflib_to_ox(node))
    return nodes


def report_node(report: rdflib.Graph) -> Any:
    """The report's sh:ValidationReport node (made when missing)."""
    import rdflib
    from rdflib import RDF, URIRef

    head = report.value(None, RDF.type, URIRef(SH + "ValidationReport"))
    if head is None:
        head = rdflib.BNode()
        report.add((head, RDF.type, URIRef(SH + "ValidationReport")))
    return head


def _copy_description(source: rdflib.Graph, target: rdflib.Graph, node: Any) -> None:
    """Copy NODE's description (following blank nodes) into TARGET, as pySHACL reports do."""
    from rdflib import BNode

    if (node, None, None) in target:
        return
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_description(source, target, o)


def labels_of(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
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


def violations_of(
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
        component_name = local_name(str(component)) if component is not None else "unknown"
        message = _plain_message(component_name, messages, shape, shapes_g, value, path_iri)
        results.append(
            Violation(
                focus=node_id(focus),
                focus_curie=display(focus),
                focus_label=labels.get(focus),
                path=path_iri,
                path_curie=compress(path_iri)
                if path_iri
                else (None if path is None else "(complex path)"),
                value=None if value is None else display(value),
                component=component_name,
                severity=local_name(str(severity)) if severity is not None else "Violation",
                source_shape=shape_name(shape, shapes_g),
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
