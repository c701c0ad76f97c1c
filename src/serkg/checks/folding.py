"""Cheaper equivalent shapes for the Core run: an sh:or of patterns as one sh:pattern, and
property shapes hoisted to shapes with targets (:func:`hoist_property_shapes`).

pySHACL checks every member of an sh:or for every value node, and builds a full validation
result (with its text) for every member that fails, to throw it away: for shp:KnownIdentifier
(an sh:or of 33 scheme patterns, on every skos mapping) that was most of the time of SHACL Core
at 100k triples. When every member of an sh:or is a node shape whose one constraint is an
sh:pattern, a value node conforms to the sh:or exactly when it is not a blank node and its
string matches one of the patterns, which is one sh:pattern of the alternation
``(?:p1)|(?:p2)|...`` (pySHACL searches a pattern anywhere in the string, as SHACL says).

The folded shape conforms on exactly the same nodes as the original, so every shape with a
target has results for exactly the same focus nodes; only the results themselves differ (a
pattern result instead of an or result, nested under sh:detail). The validator runs the folded
shapes first and, when anything fails, the original shapes again on the failing focus nodes
only (:func:`serkg.checks.core_parallel.core_report`): the report is the original one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from serkg.checks.nodes import SH, rdflib_copy

if TYPE_CHECKING:
    import rdflib

#: What a member of a folded sh:or may say in the SHACL namespace besides its pattern (anything
#: else, sh:flags, sh:deactivated, sh:severity, sh:path, another constraint, keeps it unfolded).
_MEMBER_SH_ALLOWED = {SH + "pattern"}

#: Regular-expression syntax that would change meaning inside a bigger expression: group
#: extensions and inline flags ``(?``, numbered back-references ``\1``.
_UNSAFE_PATTERN = re.compile(r"\(\?|\\[0-9]")

#: Parameters on the shape that holds the sh:or that would combine with a new sh:pattern.
_HOLDER_BLOCKERS = ("pattern", "flags")


def fold_pattern_ors(shapes_g: rdflib.Graph) -> rdflib.Graph | None:
    """A copy of SHAPES_G with each foldable sh:or replaced by one sh:pattern; None if none is.

    A shape's sh:or folds when it is the shape's only sh:or, the shape has no sh:pattern or
    sh:flags of its own, and every member is a node shape whose only SHACL triple is one plain
    sh:pattern that is safe to put in an alternation.
    """
    from rdflib import Literal, URIRef

    or_ = URIRef(SH + "or")
    parameters = _component_parameters(shapes_g)
    if URIRef(SH + "pattern") in parameters:
        return None  # a component of the shapes' own would take the new sh:pattern as its own
    folds: list[tuple[Any, Any, str]] = []
    for holder in set(shapes_g.subjects(or_, None)):
        lists = list(shapes_g.objects(holder, or_))
        if len(lists) != 1 or any(
            (holder, URIRef(SH + p), None) in shapes_g for p in _HOLDER_BLOCKERS
        ):
            continue
        patterns = _member_patterns(shapes_g, lists[0], holder, parameters)
        if patterns:
            folds.append((holder, lists[0], "|".join(f"(?:{p})" for p in patterns)))
    if not folds:
        return None
    folded = rdflib_copy(shapes_g)
    for holder, members, pattern in folds:
        folded.remove((holder, or_, members))
        folded.add((holder, URIRef(SH + "pattern"), Literal(pattern)))
    return folded


def _component_parameters(shapes_g: rdflib.Graph) -> set[Any]:
    """The parameters of the constraint components SHAPES_G declares (SHACL 6): constraints too."""
    from rdflib import URIRef

    return {
        path
        for parameter in shapes_g.objects(None, URIRef(SH + "parameter"))
        for path in shapes_g.objects(parameter, URIRef(SH + "path"))
    }


def _member_patterns(
    shapes_g: rdflib.Graph, members: Any, holder: Any, parameters: set[Any]
) -> list[str] | None:
    """The patterns of the sh:or list MEMBERS, or None when the list does not fold."""
    from rdflib import RDF, BNode, URIRef
    from rdflib.collection import Collection

    if not isinstance(members, BNode) or (members, RDF.first, None) not in shapes_g:
        return None
    patterns = []
    for member in Collection(shapes_g, members):
        if member == holder or not isinstance(member, URIRef | BNode):
            return None
        pattern = _only_pattern(shapes_g, member, parameters)
        if pattern is None:
            return None
        patterns.append(pattern)
    return patterns or None


def _only_pattern(shapes_g: rdflib.Graph, member: Any, parameters: set[Any]) -> str | None:
    """MEMBER's sh:pattern when that is all it constrains, as a node shape, else None."""
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import XSD

    found: list[Any] = []
    for p, o in shapes_g.predicate_objects(member):
        if p == RDF.type:
            if o != URIRef(SH + "NodeShape"):
                return None
        elif str(p).startswith(SH) or p in parameters:
            if str(p) not in _MEMBER_SH_ALLOWED or p in parameters:
                return None
            found.append(o)
    if len(found) != 1:
        return None
    pattern = found[0]
    if (
        not isinstance(pattern, Literal)
        or pattern.language is not None
        or pattern.datatype not in (None, XSD.string)
    ):
        return None
    text = str(pattern)
    if not text or _UNSAFE_PATTERN.search(text):
        return None
    try:
        re.compile(text)
    except re.error:
        return None
    return text


#: Parameters of a node shape that read its sh:property values: its property shapes stay nested.
_HOLDER_READS_PROPERTIES = ("closed",)


def hoist_property_shapes(shapes_g: rdflib.Graph) -> rdflib.Graph | None:
    """A copy of SHAPES_G in which property shapes run as shapes with targets; None if none can.

    pySHACL validates a node shape's sh:property shapes once per focus node, and each such call
    lists the property shape's triples again: at 100k triples that overhead was most of the
    Core time. A node focus node f fails its node shape N exactly when one of N's own
    constraints or one of its property shapes P fails on f. So N keeps its other constraints,
    and P, taking N's targets besides its own, runs once on all of N's focus nodes: the shapes
    that fail, and their focus nodes, are the same. Only the nesting of the results differs
    (which the caller's rerun of the original shapes restores).

    N is hoisted from only when nothing else uses it (no triple has it as object: an sh:node,
    sh:or ... of it would lose its property shapes), it has a target, and it is neither
    deactivated nor closed; P only when it is a well-formed property shape (one sh:path, not a
    node shape), not deactivated, whose siblings do not matter (no
    sh:qualifiedValueShapesDisjoint among N's property shapes) and which cannot reach N or
    itself (recursion, which pySHACL cuts short along the path it followed).
    """
    from rdflib import URIRef

    from serkg.checks.shapes import TARGETS, is_implicit_class_target

    if not reports_top_focus_nodes(shapes_g):
        return None
    property_ = URIRef(SH + "property")
    moves: list[tuple[Any, Any, list[tuple[Any, Any]]]] = []
    for holder in sorted(set(shapes_g.subjects(property_, None)), key=str):
        targets = _hoistable_targets(shapes_g, holder, TARGETS, is_implicit_class_target)
        if targets is None:
            continue
        for prop in shapes_g.objects(holder, property_):
            if _hoistable_property(shapes_g, prop, holder):
                moves.append((holder, prop, targets))
    if not moves:
        return None
    hoisted = rdflib_copy(shapes_g)
    for holder, prop, targets in moves:
        hoisted.remove((holder, property_, prop))
        for predicate, target in targets:
            hoisted.add((prop, predicate, target))
    return hoisted


def _hoistable_targets(
    shapes_g: rdflib.Graph, holder: Any, targets: tuple[str, ...], implicit: Any
) -> list[tuple[Any, Any]] | None:
    """HOLDER's target triples (predicate, object) when its property shapes may be hoisted."""
    from rdflib import URIRef

    if any(True for _ in shapes_g.triples((None, None, holder))):
        return None
    flags = [*_HOLDER_READS_PROPERTIES, "deactivated", "target"]
    if any((holder, URIRef(SH + p), None) in shapes_g for p in flags):
        return None
    disjoint = URIRef(SH + "qualifiedValueShapesDisjoint")
    if any(
        (prop, disjoint, None) in shapes_g
        for prop in shapes_g.objects(holder, URIRef(SH + "property"))
    ):
        return None
    found = [(URIRef(SH + t), o) for t in targets for o in shapes_g.objects(holder, URIRef(SH + t))]
    if implicit(shapes_g, holder):
        found.append((URIRef(SH + "targetClass"), holder))
    return found or None


def _hoistable_property(shapes_g: rdflib.Graph, prop: Any, holder: Any) -> bool:
    """PROP is a plain property shape that runs the same with targets of its own."""
    from rdflib import RDF, RDFS, BNode, URIRef

    if not isinstance(prop, URIRef | BNode) or prop == holder:
        return False
    if len(list(shapes_g.objects(prop, URIRef(SH + "path")))) != 1:
        return False
    if any((prop, URIRef(SH + p), None) in shapes_g for p in ("deactivated", "property")):
        return False
    node_kinds = set(shapes_g.transitive_subjects(RDFS.subClassOf, URIRef(SH + "NodeShape")))
    if any((prop, RDF.type, kind) in shapes_g for kind in node_kinds):
        return False
    reached = _reachable(shapes_g, prop)
    return holder not in reached and prop not in reached


def _reachable(shapes_g: rdflib.Graph, start: Any) -> set[Any]:
    """Every node reached from START along triples of SHAPES_G (START only through a cycle)."""
    seen: set[Any] = set()
    todo = [o for o in shapes_g.objects(start, None)]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(shapes_g.objects(node, None))
    return seen


def reports_top_focus_nodes(shapes_g: rdflib.Graph) -> bool:
    """Every result of SHAPES_G names, as sh:focusNode (perhaps under sh:detail), the focus node
    of a shape with a target that fails: no property shape (one with an sh:path, or a value of
    sh:property) has property shapes of its own.

    A property shape's sh:property results are those of the inner shape, about the value nodes,
    with nothing about the outer focus node: a rerun of the original shapes on the focus nodes
    of a cheaper run's report would then miss results.
    """
    from rdflib import URIRef

    property_, path = URIRef(SH + "property"), URIRef(SH + "path")
    holders = set(shapes_g.subjects(property_, None))
    inner = set(shapes_g.objects(None, property_))
    return not any((h, path, None) in shapes_g for h in holders) and not any(
        (o, property_, None) in shapes_g for o in inner
    )
