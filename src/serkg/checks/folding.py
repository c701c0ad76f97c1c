"""Cheaper equivalent shapes for the Core run: an sh:or of pattern-only shapes as one sh:pattern.

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
