"""Our SHACL-SPARQL engine: each ``sh:sparql`` constraint runs once for all focus nodes on Oxigraph,
with the results pySHACL gives (:mod:`serkg.checks.sparql_rules` says when that is exact)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg.checks import sparql_reach, sparql_rules
from serkg.checks.nodes import (
    SH,
    sh,
)
from serkg.checks.shapes import (
    ShapesError,
    has_target,
    is_implicit_class_target,
    nested_shapes,
    shape_name,
)

if TYPE_CHECKING:
    import rdflib


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
    #: what the query reads around $this (:mod:`serkg.checks.sparql_reach`); None: unbounded
    reach: frozenset[sparql_reach.Read] | None
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
    found = []
    for shape, constraint in sorted(shapes_g.subject_objects(sh("sparql")), key=str):
        name = shape_name(shape, shapes_g)
        if _is_deactivated(shapes_g, constraint):
            continue
        select = _select_of(shapes_g, constraint, name)
        prefixes = "\n".join(sorted(set(_prefix_declarations(shapes_g, constraint)))) + "\n"
        body = str(select)
        facts = sparql_rules.analyse(prefixes + body, name)
        _refuse_unsupported_shape(shapes_g, shape, name)
        if not has_target(shapes_g, shape):
            continue
        _refuse_unsupported_query(shapes_g, shape, name, facts)
        joinable = bool(_SELECT_HEAD.match(body)) and not _NOT_JOINABLE.search(body)
        query = _joined_query(prefixes, body) if joinable else prefixes + body
        severity = shapes_g.value(shape, sh("severity")) or sh("Violation")
        messages = tuple(shapes_g.objects(constraint, sh("message")))
        found.append(
            SparqlConstraint(shape, constraint, query, facts.reach, messages, severity, joinable)
        )
    return found


def _is_deactivated(shapes_g: rdflib.Graph, constraint: Any) -> bool:
    from rdflib import Literal

    deactivated = shapes_g.value(constraint, sh("deactivated"))
    return isinstance(deactivated, Literal) and bool(deactivated.toPython())


def _select_of(shapes_g: rdflib.Graph, constraint: Any, name: str) -> Any:
    """The sh:select of CONSTRAINT (an sh:ask one is left to pySHACL; neither is an error)."""
    select = shapes_g.value(constraint, sh("select"))
    if select is None:
        if (constraint, sh("ask"), None) in shapes_g:
            raise NotInFastEngine(f"sh:ask in the SPARQL constraint of {name}")
        raise ShapesError(f"the SPARQL constraint of {name} has no sh:select")
    return select


def _refuse_unsupported_shape(shapes_g: rdflib.Graph, shape: Any, name: str) -> None:
    if shapes_g.value(shape, sh("path")) is not None:
        raise NotInFastEngine(f"a SPARQL constraint on the property shape {name}")
    if shape in nested_shapes(shapes_g):
        raise NotInFastEngine(f"{name} has SPARQL constraints and other shapes refer to it")


def _refuse_unsupported_query(
    shapes_g: rdflib.Graph, shape: Any, name: str, facts: sparql_rules.QueryFacts
) -> None:
    if facts.uses_service:  # the fast engine never sends a query anywhere
        raise NotInFastEngine(f"SERVICE in the SPARQL constraint of {name}")
    if facts.uses_other_prebound:
        raise NotInFastEngine(f"$currentShape, $shapesGraph or $PATH in {name}")
    if not facts.joins_like_prebinding:
        raise NotInFastEngine(f"$this may be unbound where the query of {name} reads it")
    if list(shapes_g.objects(shape, sh("message"))):
        raise NotInFastEngine(f"sh:message on the SPARQL-constrained shape {name}")


def _joined_query(prefixes: str, body: str) -> str:
    """BODY as a sub-select projecting $this, to run once for all focus nodes."""
    head = _SELECT_HEAD.match(body)
    assert head is not None
    projection = body[head.end() : body.upper().find("WHERE")]
    if not re.search(r"[?$]this\b", projection) and "*" not in projection:
        body = body[: head.end()] + "$this " + body[head.end() :]
    return prefixes + "SELECT * WHERE {\n{\n" + body + "\n}\n}"


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


def _target_nodes(store: ox.Store, shapes_g: rdflib.Graph, shape: Any) -> set[Any]:
    """The focus nodes of SHAPE in the data (what STORE's queries see), as SHACL defines them
    (classes follow subClassOf)."""
    from rdflib import URIRef

    from serkg import resources
    from serkg.terms import rdflib_to_ox

    def values(key: str) -> list[Any]:
        return [rdflib_to_ox(v) for v in shapes_g.objects(shape, URIRef(SH + key))]

    def answers(text: str, name: str, value: Any) -> Iterator[Any]:
        result = store.query(text, substitutions={ox.Variable(name): value})
        return (solution[0] for solution in result)  # type: ignore[union-attr]

    classes = values("targetClass")
    if is_implicit_class_target(shapes_g, shape):
        classes.append(rdflib_to_ox(shape))
    subclasses, instances = (resources.check_query(q) for q in ("subclasses", "instances"))
    nodes: set[Any] = set(values("targetNode"))
    for target in classes:  # subclasses first: `?n a/rdfs:subClassOf* ?c` walked every type
        for subclass in set(answers(subclasses, "class", target)):
            nodes.update(answers(instances, "class", subclass))
    for predicate in values("targetSubjectsOf"):
        nodes.update(answers("SELECT DISTINCT ?n ?c WHERE { ?n ?c ?o }", "c", predicate))
    for predicate in values("targetObjectsOf"):
        nodes.update(answers("SELECT DISTINCT ?n ?c WHERE { ?s ?c ?n }", "c", predicate))
    return nodes


def oxigraph_store(*graphs: Iterable[ox.Triple]) -> ox.Store:
    """An in-memory Oxigraph store of the union of GRAPHS (the graph pySHACL would query)."""
    store = ox.Store()
    for triples in graphs:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


class _Candidates:
    """Nodes that may be focus nodes, with what SHACL's targets look at in STORE asked once per
    node, whatever the number of shapes: which of them a shape targets, without listing every
    focus node of the shape as :func:`_target_nodes` does."""

    def __init__(self, store: ox.Store, nodes: Collection[Any]) -> None:
        self._store = store
        self.nodes = set(nodes)
        self._classes: dict[Any, set[Any]] = {}
        self._predicates: dict[Any, set[Any]] = {}

    def of(self, shapes_g: rdflib.Graph, shape: Any) -> set[Any]:
        """Those of the nodes that are focus nodes of SHAPE."""
        from rdflib import URIRef

        from serkg.terms import rdflib_to_ox

        def values(key: str) -> set[Any]:
            return {rdflib_to_ox(v) for v in shapes_g.objects(shape, URIRef(SH + key))}

        classes = values("targetClass")
        if is_implicit_class_target(shapes_g, shape):
            classes.add(rdflib_to_ox(shape))
        subjects_of, objects_of, fixed = (
            values(key) for key in ("targetSubjectsOf", "targetObjectsOf", "targetNode")
        )
        return {
            node
            for node in self.nodes
            if node in fixed
            or (classes and classes & self._answers(self._classes, "focus-classes", node))
            or (
                subjects_of
                and subjects_of & self._answers(self._predicates, "focus-predicates", node)
            )
            or any(self._is_object_of(node, predicate) for predicate in objects_of)
        }

    def _answers(self, known: dict[Any, set[Any]], query: str, node: Any) -> set[Any]:
        from serkg import resources

        if node not in known:
            found: set[Any] = set()
            if not isinstance(node, ox.Literal):  # a literal is the subject of nothing
                answer = self._store.query(
                    resources.check_query(query), substitutions={ox.Variable("node"): node}
                )
                found = {row[1] for row in answer}  # type: ignore[union-attr]
            known[node] = found
        return known[node]

    def _is_object_of(self, node: Any, predicate: Any) -> bool:
        from serkg import resources

        bindings = {ox.Variable("node"): node, ox.Variable("predicate"): predicate}
        return bool(
            self._store.query(resources.check_query("focus-object-of"), substitutions=bindings)
        )


def run_sparql_constraints(
    store: ox.Store,
    shapes_g: rdflib.Graph,
    *,
    focus_nodes: Sequence[str] | None = None,
    candidates: Collection[Any] | None = None,
) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    """Evaluate every SHACL-SPARQL constraint on STORE; one (result node, report triples) each.

    The results are those pySHACL gives (same focus, path, value, shape, constraint, severity and
    message, formatted as pySHACL formats ``{?var}``), computed with one query per constraint.
    FOCUS_NODES (IRIs) keeps the results on those focus nodes; CANDIDATES (terms) instead runs
    each constraint only on those of them that are its focus nodes, one query each with
    ``$this`` bound: what a change can affect (:mod:`serkg.checks.sparql_reach`).
    """
    wanted = None if not focus_nodes else {ox.NamedNode(f) for f in focus_nodes}
    among = None if candidates is None else _Candidates(store, candidates)
    reports: list[tuple[Any, list[tuple[Any, Any]]]] = []
    for constraint in sparql_constraints(shapes_g):
        if among is not None:
            rows = _rows_each(store, constraint, among.of(shapes_g, constraint.shape))
        else:
            targets = _target_nodes(store, shapes_g, constraint.shape)
            if wanted is not None:
                targets = {t for t in targets if isinstance(t, ox.NamedNode) and t in wanted}
            rows = _rows(store, constraint, targets) if targets else []
        reports.extend(_results(constraint, rows))
    return reports


Row = tuple[Any, dict[str, Any]]


def _rows(store: ox.Store, constraint: SparqlConstraint, targets: set[Any]) -> list[Row]:
    """(focus node, solution) of CONSTRAINT's query for each of TARGETS: one query if joinable."""
    rows: list[Row] = []
    if constraint.joinable:
        result = store.query(constraint.query)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        for solution in result:  # type: ignore[union-attr]
            values = dict(zip(names, solution, strict=True))
            focus = values.get("this")
            if focus in targets:
                rows.append((focus, values))
    else:
        rows = _rows_each(store, constraint, targets)
    return rows


def _rows_each(store: ox.Store, constraint: SparqlConstraint, targets: set[Any]) -> list[Row]:
    """(focus node, solution) of CONSTRAINT's query run once for each of TARGETS, ``$this``
    bound (pre-binding, SHACL 5.3.1; Oxigraph binds only a projected variable, which the
    joinable form projects)."""
    rows: list[Row] = []
    for focus in sorted(targets, key=str):
        result = store.query(constraint.query, substitutions={ox.Variable("this"): focus})
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        rows.extend((focus, dict(zip(names, s, strict=True))) for s in result)  # type: ignore[union-attr]
    return rows


def _results(
    constraint: SparqlConstraint, rows: Sequence[Row]
) -> list[tuple[Any, list[tuple[Any, Any]]]]:
    """The report results of ROWS, deduplicated as pySHACL does (one per ?failure focus)."""
    from serkg.terms import ox_to_rdflib

    reports: list[tuple[Any, list[tuple[Any, Any]]]] = []
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
            {k: v for k, v in (("this", this), ("path", path), ("value", shown)) if v is not None}
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
