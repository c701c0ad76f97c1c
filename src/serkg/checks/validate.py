"""The public checks: SHACL validation of a graph, of pyoxigraph triples and of data files (with QC)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pyoxigraph as ox

from serkg.checks.core_parallel import (
    CoreEngineName,
    core_report,
    run_pyshacl,
)
from serkg.checks.locate import locate
from serkg.checks.nodes import (
    node_id,
    quiet_rdflib,
    sh,
)
from serkg.checks.qc import qc_store, run_qc
from serkg.checks.report import (
    ValidationOutcome,
    add_sparql_results,
    empty_report,
    labels_of,
    report_node,
    reported_nodes,
    set_conforms,
    violations_of,
)
from serkg.checks.results import QcViolation, Violation
from serkg.checks.shapes import (
    count_shapes,
    has_any_target,
    shapes_graph,
    shapes_paths,
    split_shapes,
)
from serkg.checks.sparql_constraints import (
    NotInFastEngine,
    SparqlConstraint,
    oxigraph_store,
    run_sparql_constraints,
    sparql_constraints,
)
from serkg.prefixes import expand as expand_curie
from serkg.vocab import RDFS

if TYPE_CHECKING:
    import rdflib

    from serkg.loading import KnowledgeBase
    from serkg.projects import Project


Engine = Literal["fast", "pyshacl"]


_OX_LABEL = RDFS.label.node


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
        found = run_pyshacl(data, ontology, shapes_g, focus_nodes)
    conforms, report = found
    seconds = time.perf_counter() - started
    from rdflib import URIRef

    labels = labels_of(
        pair
        for graph in (data, ontology)
        if graph is not None
        for pair in graph.subject_objects(URIRef(RDFS.label))
    )
    return ValidationOutcome(
        conforms=bool(conforms),
        violations=violations_of(report, shapes_g, labels),
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
    project: Project | None = None,
    core_engine: CoreEngineName = "serkg",
    literals_as_stored: bool = False,
) -> ValidationOutcome:
    """The fast engine on pyoxigraph triples, as the build holds them (no full rdflib copy).

    Core shapes are decided by serkg's engine (:mod:`serkg.checks.core_engine`) and pySHACL
    reports on the focus nodes that fail. With ``core_engine="pyshacl"``, or shapes serkg's
    engine does not implement, they run in pySHACL on the facts plus one generated claim per
    bundle, split over ``workers`` processes (default: the usable cores, at most 4).
    SHACL-SPARQL constraints run once each on an Oxigraph store. Same results as
    ``validate_graph(engine="pyshacl")``. serkg's engine reads the data from an Oxigraph store,
    which keeps some literals in another form (:mod:`serkg.literal_forms`): unless
    LITERALS_AS_STORED says the loader already refused those (as :func:`load_knowledge` does),
    the data is checked for them, and pySHACL decides Core if there is one.
    ``data_graph`` of the outcome holds only the triples about the reported nodes (enough to
    locate them in the files).
    """
    from serkg.terms import ox_to_rdflib, triples_to_rdflib_graph

    shapes_g = shapes_graph(shapes, project) if custom_shapes is None else custom_shapes
    started = time.perf_counter()
    core_g, sparql_g = split_shapes(shapes_g)
    ontology_g = triples_to_rdflib_graph(ontology) if ontology else None
    if core_engine == "serkg" and not literals_as_stored and _store_rewrites(data, ontology):
        core_engine = "pyshacl"
    try:
        constraints = sparql_constraints(sparql_g)
    except NotInFastEngine:  # a shape this engine does not implement: pySHACL runs everything
        conforms, report = run_pyshacl(
            triples_to_rdflib_graph(data), ontology_g, shapes_g, None, inplace=True
        )
    else:
        conforms, report = _fast_report(
            data,
            ontology,
            ontology_g,
            shapes,
            core_g,
            sparql_g,
            constraints,
            workers,
            parallel_min_triples,
            core_engine,
        )
    seconds = time.perf_counter() - started
    reported = reported_nodes(report)
    labels = labels_of(
        (ox_to_rdflib(t.subject), ox_to_rdflib(t.object))
        for triples in (data, ontology)
        for t in triples
        if t.predicate == _OX_LABEL and t.subject in reported
    )
    return ValidationOutcome(
        conforms=bool(conforms),
        violations=violations_of(report, shapes_g, labels),
        report_graph=report,
        shapes_count=count_shapes(shapes_g),
        seconds=seconds,
        data_graph=triples_to_rdflib_graph(t for t in data if t.subject in reported),
    )


def _store_rewrites(*graphs: Sequence[ox.Triple]) -> bool:
    """Whether an Oxigraph store would keep a literal of GRAPHS in another form."""
    from serkg.literal_forms import stored_forms

    literals = (o for triples in graphs for t in triples if isinstance(o := t.object, ox.Literal))
    return bool(stored_forms(literals))


def _validate_fast_focused(
    data: rdflib.Graph,
    ontology: rdflib.Graph | None,
    shapes: str,
    shapes_g: rdflib.Graph,
    focus_nodes: Sequence[str],
) -> tuple[bool, rdflib.Graph] | None:
    """Core in pySHACL for FOCUS_NODES, SHACL-SPARQL on Oxigraph; None if that is not exact."""
    from serkg.terms import rdflib_graph_to_triples

    core_g, sparql_g = split_shapes(shapes_g)
    try:
        constraints = sparql_constraints(sparql_g)
    except NotInFastEngine:
        return None
    if shapes == "sparql" or not has_any_target(core_g):
        conforms, report = True, empty_report()
    else:
        conforms, report = run_pyshacl(data, ontology, core_g, focus_nodes)
    if constraints:
        with quiet_rdflib():
            store = oxigraph_store(
                rdflib_graph_to_triples(data),
                rdflib_graph_to_triples(ontology) if ontology is not None else (),
            )
        results = run_sparql_constraints(store, sparql_g, focus_nodes=focus_nodes)
        conforms = add_sparql_results(report, sparql_g, results) and conforms
    return set_conforms(report, conforms)


def _fast_report(
    data: Sequence[ox.Triple],
    ontology: Sequence[ox.Triple],
    ontology_g: rdflib.Graph | None,
    shapes: str,
    core_g: rdflib.Graph,
    sparql_g: rdflib.Graph,
    constraints: Sequence[SparqlConstraint],
    workers: int | None,
    parallel_min_triples: int | None,
    core_engine: CoreEngineName,
) -> tuple[bool, rdflib.Graph]:
    """Core as :func:`serkg.checks.core_parallel.core_report` says, SHACL-SPARQL on Oxigraph."""
    checks_core = shapes != "sparql" and has_any_target(core_g)
    # the data graph in Oxigraph: what SHACL-SPARQL queries and serkg's Core engine reads
    store = None
    if constraints or (checks_core and core_engine == "serkg"):
        store = oxigraph_store(data, ontology)
    if checks_core:
        conforms, report = core_report(
            data,
            ontology_g,
            core_g,
            workers,
            parallel_min_triples,
            data_store=store,
            engine=core_engine,
        )
    else:
        conforms, report = True, empty_report()
    if constraints and store is not None:
        results = run_sparql_constraints(store, sparql_g)
        conforms = add_sparql_results(report, sparql_g, results) and conforms
    del store
    return set_conforms(report, conforms)


def validate_files(
    paths: Sequence[Path], *, shapes: str = "all", project: Project | None = None
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
    from serkg.projects import Project as ProjectFiles

    shapes_paths(shapes)  # reject a bad choice before any work
    project = project or ProjectFiles.packaged()
    given = [Path(p) for p in paths]
    if not given:
        kb = load_knowledge(project.ontology_files, project.data_files)
        outcome = validate_triples(
            kb.data, kb.ontology, shapes=shapes, project=project, literals_as_stored=True
        )
        if outcome.data_graph is not None:
            locate(outcome.violations, outcome.data_graph, kb.origins)
        return outcome, run_qc(qc_store(kb.asserted), project)
    replaced = {p.resolve() for p in given if p.exists()} | {p.name for p in given}
    context = [
        f for f in project.data_files if f.resolve() not in replaced and f.name not in replaced
    ]
    kb = load_knowledge(project.ontology_files, [*context, *given])
    outcome = validate_triples(
        kb.data, kb.ontology, shapes=shapes, project=project, literals_as_stored=True
    )
    if outcome.data_graph is not None:
        locate(outcome.violations, outcome.data_graph, kb.origins)
    mentioned = _mentioned_nodes(kb, given)
    shown = [v for v in outcome.violations if _is_about(v, mentioned)]
    _keep_results(outcome.report_graph, mentioned)
    qc_rows = run_qc(qc_store(kb.asserted), project)
    qc_shown = [r for r in qc_rows if r.entity in mentioned or r.value in mentioned]
    outcome.elsewhere = len(outcome.violations) - len(shown) + len(qc_rows) - len(qc_shown)
    outcome.violations = shown
    outcome.conforms = not shown
    set_conforms(outcome.report_graph, outcome.conforms)
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

    head = report_node(report)
    for result in list(report.objects(head, sh("result"))):
        nodes = [report.value(result, sh(p)) for p in ("focusNode", "value")]
        if not any(
            n is not None and not isinstance(n, Literal) and node_id(n) in mentioned for n in nodes
        ):
            report.remove((head, sh("result"), result))


def knowledge_graphs(kb: KnowledgeBase) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(data, ontology) rdflib graphs of a loaded knowledge base, as validation takes them."""
    from serkg.terms import triples_to_rdflib_graph

    with quiet_rdflib():
        return triples_to_rdflib_graph(kb.data), triples_to_rdflib_graph(kb.ontology)
