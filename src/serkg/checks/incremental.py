"""Validation after a change: SHACL Core and SHACL-SPARQL only on the focus nodes the change can
reach.

A published build conformed. When only data changed, a focus node's Core results can change
only if a triple the shapes read from it changed. The shapes read the triples of the nodes at
most :func:`core_reach` forward steps from the focus node (the path lengths plus the nesting of
``sh:node``, ``sh:class`` and friends), so the focus nodes to check again are those that reach
the subject of a changed triple within that many steps, and they are checked on the triples
within that many steps of them. A SHACL-SPARQL constraint whose query reads only along chains of
patterns from ``$this`` (:func:`serkg.checks.sparql_reach.select_reach`) runs again on the focus
nodes found by walking those chains back from each changed triple, and on the nodes the change
made focus nodes; if any constraint reads further, all of them run on everything. Anything this
cannot bound (inverse or repeated paths in Core, an unknown constraint, a changed class or
property axiom) returns None: the caller then validates everything, which is also how a failure
gets its exact report.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from serkg.checks.core_parallel import _shapes_for_focus, run_pyshacl
from serkg.checks.nodes import SH, quiet_rdflib, sh
from serkg.checks.report import ValidationOutcome, empty_report, set_conforms
from serkg.checks.shapes import (
    count_shapes,
    has_target,
    is_implicit_class_target,
    shape_nodes,
    split_shapes,
)
from serkg.checks.sparql_constraints import (
    NotInFastEngine,
    SparqlConstraint,
    run_sparql_constraints,
    sparql_constraints,
)
from serkg.checks.sparql_reach import Read, Step
from serkg.gc_pause import cyclic_gc_paused
from serkg.prefixes import PREFIX_MAP

if TYPE_CHECKING:
    import rdflib

#: constraint parameters that read nothing beyond the triples that gave the value nodes
_LOCAL_PARAMETERS = frozenset(
    SH + name
    for name in [
        "datatype",
        "nodeKind",
        "pattern",
        "flags",
        "minLength",
        "maxLength",
        "languageIn",
        "uniqueLang",
        "in",
        "hasValue",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minCount",
        "maxCount",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "closed",
        "ignoredProperties",
        "message",
        "name",
        "description",
        "severity",
        "deactivated",
        "order",
        "group",
        "defaultValue",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
    ]
)
#: parameters whose value is a shape applied to the value nodes (or, in a node shape, the node)
_NESTED_ONE = frozenset(SH + name for name in ("node", "qualifiedValueShape", "not", "property"))
_NESTED_LIST = frozenset(SH + name for name in ("or", "and", "xone"))
#: predicates whose change alters the class or property hierarchy the shapes check against
_SCHEMA_PREDICATES = frozenset(
    ox.NamedNode(PREFIX_MAP[prefix] + local)
    for prefix, local in (
        ("rdfs", "subClassOf"),
        ("rdfs", "subPropertyOf"),
        ("rdfs", "domain"),
        ("rdfs", "range"),
        ("owl", "equivalentClass"),
        ("owl", "equivalentProperty"),
        ("owl", "inverseOf"),
    )
)


_SUBCLASS_OF = ox.NamedNode(PREFIX_MAP["rdfs"] + "subClassOf")
_RDF_TYPE = ox.NamedNode(PREFIX_MAP["rdf"] + "type")


class _Unbounded(Exception):
    """The shapes may read arbitrarily far (or in ways this module does not follow)."""


def core_reach(core_g: rdflib.Graph) -> int | None:
    """How many forward steps from a focus node the Core shapes of CORE_G read triples at most
    (0: only the focus node's own triples); None when that is unbounded or unknown."""
    try:
        reaches = [
            _shape_reach(core_g, shape, 0, ())
            for shape in shape_nodes(core_g)
            if has_target(core_g, shape)
        ]
    except _Unbounded:
        return None
    return max(reaches, default=0)


def _shape_reach(g: rdflib.Graph, shape: Any, hop: int, seen: tuple[Any, ...]) -> int:
    """The farthest step read when SHAPE is applied to a node HOP steps from the focus."""
    from rdflib import URIRef

    if shape in seen:
        raise _Unbounded  # a recursive shape
    seen = (*seen, shape)
    path = g.value(shape, sh("path"))
    value_hop = hop if path is None else hop + _path_length(g, path)
    farthest = hop if path is None else value_hop - 1
    for predicate, value in g.predicate_objects(shape):
        name = str(predicate)
        if not name.startswith(SH) or name == SH + "path" or name in _LOCAL_PARAMETERS:
            continue
        if name == SH + "class":
            farthest = max(farthest, value_hop)  # the value node's rdf:type triples
        elif name in _NESTED_ONE:
            farthest = max(farthest, _shape_reach(g, value, value_hop, seen))
        elif name in _NESTED_LIST:
            for member in g.items(value):
                farthest = max(farthest, _shape_reach(g, member, value_hop, seen))
        elif isinstance(predicate, URIRef):
            raise _Unbounded  # sh:sparql, a custom component, ...
    return farthest


def _path_length(g: rdflib.Graph, path: Any) -> int:
    from rdflib import BNode, URIRef

    if isinstance(path, URIRef):
        return 1
    if isinstance(path, BNode):
        alternatives = g.value(path, sh("alternativePath"))
        if alternatives is not None:
            return max(_path_length(g, p) for p in g.items(alternatives))
        members = list(g.items(path))
        if members:
            return sum(_path_length(g, p) for p in members)
    raise _Unbounded  # inverse, zero-or-more, one-or-more, zero-or-one paths


class DataView(Protocol):
    """The data being validated (facts and claims, not the ontology), as the change needs it."""

    def about(self, node: Any) -> Iterable[ox.Triple]:
        """The data triples whose subject is NODE."""

    def pointing_at(self, node: Any) -> Iterable[Any]:
        """The subjects of the data triples whose object is NODE."""

    def with_predicate(self, predicate: ox.NamedNode) -> Iterable[ox.Triple]:
        """The data triples with PREDICATE."""

    def sparql(self) -> Any:
        """Something with pyoxigraph's ``Store.query`` over data + ontology in its default graph
        (no named graphs): what SHACL-SPARQL constraints run on, and what the walk back from a
        change to their focus nodes follows."""


def validate_changes(
    view: DataView,
    ontology_g: rdflib.Graph | None,
    changed: Iterable[ox.Triple],
    shapes_g: rdflib.Graph,
) -> ValidationOutcome | None:
    """The outcome of validating the data of VIEW after CHANGED (triples added or removed since
    a build that conformed), when it conforms and that can be shown from the changed part; else
    None."""
    started = time.perf_counter()
    core_g, sparql_g = split_shapes(shapes_g)
    changed = list(changed)
    reach = core_reach(core_g)
    if reach is None or any(t.predicate in _SCHEMA_PREDICATES for t in changed):
        return None
    try:
        constraints = sparql_constraints(sparql_g)
    except NotInFastEngine:
        return None
    if not _core_conforms(view, ontology_g, changed, core_g, reach):
        return None
    scope = "what the change reaches"
    if constraints:
        focus = sparql_focus(view, sparql_g, constraints, changed)
        if focus is None:
            scope = "what the change reaches (SHACL Core), everything (SHACL-SPARQL)"
            if run_sparql_constraints(view.sparql(), sparql_g):
                return None
        elif focus and run_sparql_constraints(view.sparql(), sparql_g, candidates=focus):
            return None
    _, report = set_conforms(empty_report(), True)
    import rdflib

    return ValidationOutcome(
        conforms=True,
        violations=[],
        report_graph=report,
        shapes_count=count_shapes(shapes_g),
        seconds=time.perf_counter() - started,
        data_graph=rdflib.Graph(),
        scope=scope,
    )


def sparql_focus(
    view: DataView,
    sparql_g: rdflib.Graph,
    constraints: Sequence[SparqlConstraint],
    changed: Sequence[ox.Triple],
) -> set[Any] | None:
    """The nodes whose SHACL-SPARQL results CHANGED can alter (a superset of the focus nodes
    among them): those a changed triple is read from, and those it makes or unmakes focus
    nodes. None when a constraint's reads are not bounded."""
    reads: set[Read] = set()
    for constraint in constraints:
        if constraint.reach is None:
            return None
        reads |= constraint.reach
    starts: dict[tuple[Step, ...], set[Any]] = {}
    for read in reads:
        for t in changed:
            if read.predicate is None or t.predicate.value == read.predicate:
                end = t.subject if read.end == "subject" else t.object
                starts.setdefault(read.chain, set()).add(end)
    store = view.sparql()
    focus = _target_changes(sparql_g, constraints, changed)
    for chain, nodes in starts.items():
        for step in reversed(chain):
            reached: set[Any] = set()
            for node in nodes:
                reached |= _step_back(store, node, step)
            nodes = reached
        focus |= nodes
    return focus


def _target_changes(
    sparql_g: rdflib.Graph, constraints: Sequence[SparqlConstraint], changed: Sequence[ox.Triple]
) -> set[Any]:
    """The nodes CHANGED may make or unmake focus nodes of CONSTRAINTS' shapes (class targets
    follow rdf:type; a change to rdfs:subClassOf never gets here)."""
    from rdflib import URIRef

    subjects_of: set[str] = set()
    objects_of: set[str] = set()
    for shape in {c.shape for c in constraints}:
        if (shape, URIRef(SH + "targetClass"), None) in sparql_g or is_implicit_class_target(
            sparql_g, shape
        ):
            subjects_of.add(_RDF_TYPE.value)
        subjects_of.update(str(p) for p in sparql_g.objects(shape, sh("targetSubjectsOf")))
        objects_of.update(str(p) for p in sparql_g.objects(shape, sh("targetObjectsOf")))
    return {t.subject for t in changed if t.predicate.value in subjects_of} | {
        t.object for t in changed if t.predicate.value in objects_of
    }


def _step_back(store: Any, node: Any, step: Step) -> set[Any]:
    """The nodes from which STEP leads to NODE."""
    from serkg import resources

    if not step.forward and isinstance(node, ox.Literal):
        return set()  # a literal is the subject of nothing
    bindings = {ox.Variable("at"): node}
    if step.predicate is not None:
        bindings[ox.Variable("predicate")] = ox.NamedNode(step.predicate)
    name = "linked-subjects" if step.forward else "linked-objects"
    return {row[0] for row in store.query(resources.check_query(name), substitutions=bindings)}


def _core_conforms(
    view: DataView,
    ontology_g: rdflib.Graph | None,
    changed: Sequence[ox.Triple],
    core_g: rdflib.Graph,
    reach: int,
) -> bool:
    """Whether the focus nodes within REACH steps of a change conform, over their neighbourhood:
    serkg's Core engine decides, pySHACL where it cannot."""
    from serkg.checks.folding import fold_pattern_ors
    from serkg.terms import ox_to_rdflib, triples_to_rdflib_graph

    object_targets = {ox.NamedNode(str(p)) for p in core_g.objects(None, sh("targetObjectsOf"))}
    # a shape reads the triples of nodes it reaches, so a change matters to the nodes that reach
    # its subject; its object matters only when it makes a node a focus node
    seeds = {t.subject for t in changed} | {
        t.object for t in changed if t.predicate in object_targets
    }
    affected = _steps(seeds, reach, view.pointing_at)
    around = _steps(
        affected,
        reach,
        lambda node: (t.object for t in view.about(node) if not isinstance(t.object, ox.Literal)),
    )
    triples = {t for node in around for t in view.about(node)}
    # the class hierarchy, wherever it is stated: sh:class and class targets follow it
    triples.update(view.with_predicate(_SUBCLASS_OF))
    if object_targets:  # what makes an affected node a focus node of sh:targetObjectsOf
        triples.update(
            t
            for node in affected
            for subject in view.pointing_at(node)
            for t in view.about(subject)
            if t.object == node and t.predicate in object_targets
        )
    if not triples:
        return True
    decided = _engine_conforms(triples, ontology_g, core_g, affected)
    if decided is not None:
        return decided
    with quiet_rdflib():
        graph = triples_to_rdflib_graph(triples)
    if ontology_g is not None:  # what pySHACL does with ont_graph, done before choosing targets
        from pyshacl.rdfutil.inoculate import inoculate

        inoculate(graph, ontology_g)
    shapes = fold_pattern_ors(core_g) or core_g
    focus = {ox_to_rdflib(node) for node in affected}
    conforms, _report = run_pyshacl(
        graph, None, _shapes_for_focus(shapes, graph, focus), None, inplace=True
    )
    return conforms


def _engine_conforms(
    triples: Iterable[ox.Triple],
    ontology_g: rdflib.Graph | None,
    core_g: rdflib.Graph,
    affected: set[Any],
) -> bool | None:
    """serkg's Core engine (:mod:`serkg.checks.core_engine`) on the AFFECTED focus nodes over
    TRIPLES and the ontology, or None when it cannot decide these shapes (pySHACL does). Their
    literals are the store's and the loader's, already in the form a store keeps, so the engine
    may read them from one."""
    from serkg.checks.core_engine import CoreEngine, DataIndex
    from serkg.terms import rdflib_graph_to_triples

    ontology = list(rdflib_graph_to_triples(ontology_g)) if ontology_g is not None else []
    try:
        engine = CoreEngine(core_g, DataIndex.of(triples, ontology))
    except NotInFastEngine:
        return None
    with cyclic_gc_paused():
        return not any(engine.failing(among=affected).values())


def _steps(start: Iterable[Any], steps: int, neighbours: Any) -> set[Any]:
    """START and every node at most STEPS NEIGHBOURS-steps away."""
    reached = set(start)
    frontier = set(reached)
    for _ in range(steps):
        frontier = {n for node in frontier for n in neighbours(node)} - reached
        if not frontier:
            break
        reached |= frontier
    return reached
