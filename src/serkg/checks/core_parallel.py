"""SHACL Core reports: serkg's engine finds what fails and pySHACL writes the report about it;
where that engine cannot, pySHACL checks one generated claim per bundle, the focus nodes split
over forked processes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from serkg.checks.nodes import (
    SH,
    quiet_rdflib,
    rdflib_copy,
    sh,
)
from serkg.checks.report import (
    empty_report,
    report_node,
)
from serkg.checks.shapes import (
    TARGETS,
    ShapesError,
    has_target,
    is_implicit_class_target,
    shape_nodes,
)
from serkg.prefixes import SK

if TYPE_CHECKING:
    import rdflib


def run_pyshacl(
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
    with quiet_rdflib():
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
            do_owl_imports=False,  # a project's owl:imports stay triples: no network request
            **options,
        )
    if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes are broken
        raise ShapesError(f"the SHACL shapes could not be run: {report}")
    return bool(conforms), report


#: The SHACL Core engines: serkg's own (the default; pySHACL where it cannot) and pySHACL alone
CORE_ENGINES = ("serkg", "pyshacl")
CoreEngineName = Literal["serkg", "pyshacl"]

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


def core_report(
    data: Sequence[ox.Triple],
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    workers: int | None,
    parallel_min_triples: int | None,
    *,
    data_store: ox.Store | None = None,
    engine: CoreEngineName = "serkg",
) -> tuple[bool, rdflib.Graph]:
    """The SHACL Core report on DATA with ONTOLOGY (DATA_STORE: both in an Oxigraph store, if
    the caller has one).

    ENGINE "serkg": serkg's engine (:mod:`serkg.checks.core_engine`) finds the failing focus
    nodes; pySHACL writes the report about those alone. When the shapes use what that engine
    does not implement, or with ENGINE "pyshacl": pySHACL on the data with one claim per group
    (all claims of a group that fails), the shapes folded (:mod:`serkg.checks.folding`: same
    conformance, cheaper); when anything fails, the original shapes run again on the failing
    focus nodes, for their report.
    """
    if engine not in CORE_ENGINES:
        raise ValueError(
            f"the Core engine must be one of {', '.join(CORE_ENGINES)}, not {engine!r}"
        )
    if engine == "serkg":
        from serkg.checks.core_engine import failing_focus_nodes
        from serkg.checks.sparql_constraints import NotInFastEngine

        if data_store is None:
            from serkg.checks.sparql_constraints import oxigraph_store
            from serkg.terms import rdflib_graph_to_triples

            data_store = oxigraph_store(data, rdflib_graph_to_triples(ontology or ()))
        try:
            failing = failing_focus_nodes(shapes_g, data_store)
        except NotInFastEngine:  # shapes it does not implement: the pySHACL way below
            failing = None
        if failing is not None:
            return _report_about(data, ontology, shapes_g, failing)
    return _pyshacl_core_report(data, ontology, shapes_g, workers, parallel_min_triples)


def _report_about(
    data: Sequence[ox.Triple],
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    failing: Mapping[Any, Sequence[ox.NamedNode | ox.BlankNode | ox.Literal]],
) -> tuple[bool, rdflib.Graph]:
    """pySHACL's report on the whole DATA, each shape run on the focus nodes FAILING lists for
    it only: a shape's results about a focus node depend on nothing else, so they are those of
    a run on every focus node."""
    from serkg.terms import ox_to_rdflib, triples_to_rdflib_graph

    if not any(failing.values()):
        return True, empty_report()
    with quiet_rdflib():
        graph = triples_to_rdflib_graph(data)
    pairs = {shape: [ox_to_rdflib(n) for n in nodes] for shape, nodes in failing.items()}
    return run_pyshacl(graph, ontology, shapes_for_pairs(shapes_g, pairs), None, inplace=True)


def _pyshacl_core_report(
    data: Sequence[ox.Triple],
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    workers: int | None,
    parallel_min_triples: int | None,
) -> tuple[bool, rdflib.Graph]:
    """pySHACL Core on the data with one claim per group (see :func:`core_report`)."""
    from serkg.checks.folding import (
        fold_pattern_ors,
        hoist_property_shapes,
        reports_top_focus_nodes,
    )
    from serkg.terms import rdflib_to_ox, triples_to_rdflib_graph

    groups = claims_by_bundle(data, shapes_g) or []
    spare = {claim for members in groups for claim in members[1:]}
    with quiet_rdflib():
        reduced = triples_to_rdflib_graph(t for t in data if t.subject not in spare)
    quick = shapes_g
    if reports_top_focus_nodes(shapes_g):  # else a rerun on the failing focus nodes is not exact
        folded = fold_pattern_ors(shapes_g) or shapes_g
        quick = hoist_property_shapes(folded) or folded
    conforms, report = _run_core_shapes(reduced, ontology, quick, workers, parallel_min_triples)
    if conforms:
        return conforms, report
    focus = {rdflib_to_ox(o) for o in report.objects(None, sh("focusNode"))}
    failing = {c for members in groups if members[0] in focus for c in members[1:]}
    if failing:
        with quiet_rdflib():
            triples_to_rdflib_graph((t for t in data if t.subject in failing), reduced)
        conforms, report = _run_core_shapes(reduced, ontology, quick, workers, parallel_min_triples)
    if quick is shapes_g:
        return conforms, report
    exact = _shapes_for_focus(shapes_g, reduced, _focus_of(report))
    return run_pyshacl(reduced, ontology, exact, None, inplace=True)


def _focus_of(report: rdflib.Graph) -> set[Any]:
    """Every node REPORT has a result about (those nested under sh:detail too)."""
    return set(report.objects(None, sh("focusNode")))


#: Below this many data triples, Core validation runs in one process. With the property shapes
#: hoisted (:func:`serkg.checks.folding.hoist_property_shapes`), pySHACL takes about 0.9 s CPU on
#: the 25,000 triples the 100k catalogue's Core run sees, and handing each process its share of
#: every shape's focus nodes (one sh:targetNode triple per focus node and shape) took as long
#: again before any process started: both grow with the graph, so the split does not pay at 1M
#: either (about 250,000 triples) until it is made cheaper (by shape instead of by focus node).
PARALLEL_MIN_TRIPLES = 1_000_000


def default_workers() -> int:
    """Processes for Core validation: the usable cores, at most 4 (each holds a graph copy)."""
    import os

    return max(1, min(4, len(os.sched_getaffinity(0))))


def _run_core_shapes(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None,
    shapes_g: rdflib.Graph,
    workers: int | None,
    parallel_min_triples: int | None,
) -> tuple[bool, rdflib.Graph]:
    """pySHACL on DATA (changed in place), the focus nodes split over forked worker processes.

    Every process validates every shape, each on its share of the shape's focus nodes, given as
    sh:targetNode: a focus node's results do not depend on the other focus nodes, so the merged
    report is the one a single run gives (a test compares them).
    """
    from serkg.forked import Forked
    from serkg.terms import ox_to_rdflib

    wanted = default_workers() if workers is None else workers
    threshold = PARALLEL_MIN_TRIPLES if parallel_min_triples is None else parallel_min_triples
    if wanted < 2 or len(data) < threshold:
        return run_pyshacl(data, ontology, shapes_g, None, inplace=True)
    if ontology is not None:  # what pySHACL does with ont_graph, done once before forking
        from pyshacl.rdfutil.inoculate import inoculate

        inoculate(data, ontology)  # type: ignore[arg-type]
    parts = _shapes_by_focus_share(shapes_g, data, wanted)
    shares = [Forked(_core_share, data, part) for part in parts[1:]]
    try:
        conforms, report = run_pyshacl(data, None, parts[0], None, inplace=True)
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

    conforms, report = run_pyshacl(data, None, shapes_g, None, inplace=True)
    return conforms, list(rdflib_graph_to_triples(report))


def _merge_report(report: rdflib.Graph, triples: Sequence[tuple[Any, Any, Any]]) -> None:
    """Add the results of a worker's report under REPORT's head node.

    pySHACL writes a copy of each complex result path into its report, under the shape's own
    blank path node but with fresh list nodes: a path REPORT already describes is not copied
    again (two rdf:rest values would corrupt the list).
    """
    from rdflib import RDF, BNode

    head = report_node(report)
    heads = {s for s, p, o in triples if p == RDF.type and o == sh("ValidationReport")}
    by_subject: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    for s, p, o in triples:
        by_subject[s].append((p, o))
    skip: set[Any] = set()
    todo = [
        o
        for _s, p, o in triples
        if p == sh("resultPath") and isinstance(o, BNode) and (o, None, None) in report
    ]
    while todo:
        node = todo.pop()
        if node not in skip:
            skip.add(node)
            todo.extend(o for _p, o in by_subject[node] if isinstance(o, BNode))
    for s, p, o in triples:
        if s in heads:
            if p == sh("result"):
                report.add((head, p, o))
        elif s not in skip:
            report.add((s, p, o))


def _shapes_by_focus_share(
    shapes_g: rdflib.Graph, data: rdflib.Graph, parts: int
) -> list[rdflib.Graph]:
    """PARTS copies of SHAPES_G; in copy k each shape targets every PARTS-th focus node."""

    def share(focus: set[Any]) -> list[list[Any]]:
        ordered = sorted(focus, key=lambda n: (type(n).__name__, str(n)))
        return [ordered[k::parts] for k in range(parts)]

    return _retargeted(shapes_g, data, parts, share)


def _shapes_for_focus(shapes_g: rdflib.Graph, data: rdflib.Graph, nodes: set[Any]) -> rdflib.Graph:
    """A copy of SHAPES_G in which each shape targets only those of its focus nodes in NODES:
    the results of a run are then those of a full run about NODES."""
    return _retargeted(shapes_g, data, 1, lambda focus: [sorted(focus & nodes, key=str)])[0]


def shapes_for_pairs(shapes_g: rdflib.Graph, pairs: Mapping[Any, Sequence[Any]]) -> rdflib.Graph:
    """A copy of SHAPES_G in which each shape with a target targets exactly the nodes PAIRS
    lists for it (none if it is not there)."""
    copy = rdflib_copy(shapes_g)
    class_types = _class_types(shapes_g)
    for shape in _targeted_shapes(shapes_g):
        _retarget(copy, shape, pairs.get(shape, ()), class_types)
    return copy


def _retargeted(
    shapes_g: rdflib.Graph,
    data: rdflib.Graph,
    parts: int,
    pick: Callable[[set[Any]], list[list[Any]]],
) -> list[rdflib.Graph]:
    """PARTS copies of SHAPES_G with every shape's targets replaced by sh:targetNode: in copy k,
    the nodes PICK(its focus nodes)[k]."""
    class_types = _class_types(shapes_g)
    copies = [rdflib_copy(shapes_g) for _ in range(parts)]
    for shape in _targeted_shapes(shapes_g):
        chosen = pick(_focus_nodes(data, shapes_g, shape))
        for copy, nodes in zip(copies, chosen, strict=True):
            _retarget(copy, shape, nodes, class_types)
    return copies


def _targeted_shapes(shapes_g: rdflib.Graph) -> list[Any]:
    return sorted((s for s in shape_nodes(shapes_g) if has_target(shapes_g, s)), key=str)


def _class_types(shapes_g: rdflib.Graph) -> set[Any]:
    from rdflib import RDFS

    return set(shapes_g.transitive_subjects(RDFS.subClassOf, RDFS.Class))


def _retarget(copy: rdflib.Graph, shape: Any, nodes: Iterable[Any], class_types: set[Any]) -> None:
    """SHAPE in COPY targets NODES (sh:targetNode) and nothing else."""
    from rdflib import RDF

    for t in TARGETS:
        copy.remove((shape, sh(t), None))
    for cls in class_types:  # an implicit class target becomes explicit target nodes
        copy.remove((shape, RDF.type, cls))
    for node in nodes:
        copy.add((shape, sh("targetNode"), node))


def _focus_nodes(data: rdflib.Graph, shapes_g: rdflib.Graph, shape: Any) -> set[Any]:
    """SHAPE's focus nodes in DATA by its target declarations (SHACL 2.1.3)."""
    from rdflib import RDF, RDFS

    nodes = set(shapes_g.objects(shape, sh("targetNode")))
    classes = list(shapes_g.objects(shape, sh("targetClass")))
    if is_implicit_class_target(shapes_g, shape):
        classes.append(shape)
    for cls in classes:
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, sub))
    for p in shapes_g.objects(shape, sh("targetSubjectsOf")):
        nodes.update(s for s, _ in data.subject_objects(p))
    for p in shapes_g.objects(shape, sh("targetObjectsOf")):
        nodes.update(o for _, o in data.subject_objects(p))
    return nodes
