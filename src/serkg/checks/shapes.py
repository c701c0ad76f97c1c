"""The SHACL shapes: which files, parsed once, split into Core and SHACL-SPARQL, counted, and the
shapes and targets they declare."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from serkg import resources
from serkg.checks.nodes import (
    SH,
    rdflib_copy,
)
from serkg.prefixes import compress
from serkg.prefixes import expand as expand_curie

if TYPE_CHECKING:
    import rdflib

    from serkg.projects import Project


ShapesChoice = Literal["core", "sparql", "all"]


class ShapesError(RuntimeError):
    """The shapes graph breaks a rule of SHACL (the message names the shape): nothing was run."""


class ShapesChoiceError(ValueError):
    """The ``shapes`` argument is not one of core, sparql, all."""


def shapes_paths(shapes: str = "all", project: Project | None = None) -> list[Path]:
    """The shapes files for a choice of core, sparql or all (a project's shapes run with each)."""
    extra = list(project.project_shapes) if project is not None else []
    if shapes == "core":
        return [resources.shapes_core_file(), *extra]
    if shapes == "sparql":
        return [resources.shapes_sparql_file(), *extra]
    if shapes == "all":
        return [resources.shapes_core_file(), resources.shapes_sparql_file(), *extra]
    raise ShapesChoiceError(f"--shapes must be one of core, sparql, all; not {shapes!r}")


@cache
def _shapes_graph_cached(shapes: str, project: Project | None = None) -> rdflib.Graph:
    import rdflib

    from serkg.sparql_guard import check_shapes

    graph = rdflib.Graph()
    for path in shapes_paths(shapes):
        graph.parse(path, format="turtle")
    if shapes == "sparql":  # SPARQL constraints may name scheme shapes of core.ttl in messages
        graph.parse(resources.shapes_core_file(), format="turtle")
    if project is not None and project.project_shapes:
        _add_project_shapes(graph, project)
    if shapes == "sparql":
        graph = _only_sparql_shapes(graph)
    check_shapes(graph)  # SHACL-SPARQL that would call out (SERVICE) is never run
    return graph


def _add_project_shapes(graph: rdflib.Graph, project: Project) -> None:
    """Add a project's shapes to GRAPH; a named shape already in GRAPH is refused unless the
    project overrides it, and then the packaged shape is taken out first.

    Each file is parsed as plain Turtle from disk: ``owl:imports`` and ``sh:shapesGraph`` in it
    stay triples and are never followed (a build makes no network request).
    """
    import rdflib

    overridden = {expand_curie(name) for name in project.overridden_shapes}
    for path in project.project_shapes:
        mine = rdflib.Graph()
        try:
            mine.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds on a syntax error
            raise ShapesError(f"{path}: not valid Turtle: {exc}") from None
        for shape in sorted(named_shapes(mine)):
            if shape not in named_shapes(graph):
                continue
            if shape not in overridden:
                name = compress(shape)
                raise ShapesError(
                    f"{path}: shape {name} has the name of a packaged shape; rename it, or add "
                    f'it to [overrides] shapes = ["{name}"] in serkg.toml to replace it'
                )
            _remove_description(graph, rdflib.URIRef(shape))
        for triple in mine:
            graph.add(triple)


def named_shapes(graph: rdflib.Graph) -> set[str]:
    """The IRIs of the shapes GRAPH declares (typed node or property shapes, or with a target)."""
    from rdflib import URIRef

    return {str(s) for s in shape_nodes(graph) if isinstance(s, URIRef)}


def _remove_description(graph: rdflib.Graph, node: Any) -> None:
    """Take NODE's triples out of GRAPH, with the blank nodes only they reach (its property
    shapes, lists)."""
    from rdflib import BNode

    for _, p, o in list(graph.triples((node, None, None))):
        graph.remove((node, p, o))
        if isinstance(o, BNode) and not any(graph.triples((None, None, o))):
            _remove_description(graph, o)


def shapes_graph(shapes: str = "all", project: Project | None = None) -> rdflib.Graph:
    """The shapes graph (parsed once per process; callers get a copy they may change)."""
    import rdflib

    copy = rdflib.Graph()
    for triple in _shapes_graph_cached(shapes, project):
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


def split_shapes(shapes_g: rdflib.Graph) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(the shapes without their SHACL-SPARQL constraints, the full shapes graph for those)."""
    from rdflib import URIRef

    core = rdflib_copy(shapes_g)
    core.remove((None, URIRef(SH + "sparql"), None))
    return core, shapes_g


def has_any_target(shapes_g: rdflib.Graph) -> bool:
    return any(has_target(shapes_g, shape) for shape in shape_nodes(shapes_g))


def shape_name(shape: Any, shapes_g: rdflib.Graph) -> str:
    """A named shape's CURIE, or 'shp:ParentShape/sk:path' for a blank property shape."""
    from rdflib import BNode, URIRef

    if shape is None:
        return ""
    if not isinstance(shape, BNode):
        return compress(str(shape))
    parent = shapes_g.value(None, URIRef(SH + "property"), shape)
    path = shapes_g.value(shape, URIRef(SH + "path"))
    if parent is not None and not isinstance(parent, BNode):
        return compress(str(parent)) + (
            "/" + compress(str(path)) if isinstance(path, URIRef) else ""
        )
    return "(anonymous shape)"


def nested_shapes(shapes_g: rdflib.Graph) -> set[Any]:
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


def shape_nodes(shapes_g: rdflib.Graph) -> set[Any]:
    """The nodes of SHAPES_G that may be shapes with targets (those with any target triple, and
    every SHACL instance of sh:NodeShape or sh:PropertyShape)."""
    from rdflib import RDF, RDFS, URIRef

    found = {s for t in TARGETS for s in shapes_g.subjects(URIRef(SH + t), None)}
    for kind in ("NodeShape", "PropertyShape"):
        for cls in shapes_g.transitive_subjects(RDFS.subClassOf, URIRef(SH + kind)):
            found.update(shapes_g.subjects(RDF.type, cls))
    return found


def is_implicit_class_target(shapes_g: rdflib.Graph, shape: Any) -> bool:
    """SHACL 2.1.3.3: a node or property shape that is also a SHACL instance of rdfs:Class."""
    from rdflib import RDF, RDFS, URIRef

    def instance_of(cls: Any) -> bool:
        classes = set(shapes_g.transitive_subjects(RDFS.subClassOf, cls))
        return any((shape, RDF.type, c) in shapes_g for c in classes)

    return instance_of(RDFS.Class) and (
        instance_of(URIRef(SH + "NodeShape")) or instance_of(URIRef(SH + "PropertyShape"))
    )


def has_target(shapes_g: rdflib.Graph, shape: Any) -> bool:
    from rdflib import URIRef

    return any((shape, URIRef(SH + t), None) in shapes_g for t in TARGETS) or (
        is_implicit_class_target(shapes_g, shape)
    )


TARGETS = ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode")
