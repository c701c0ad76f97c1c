"""Which triples a SHACL-SPARQL constraint reads around its focus node, so that after a change
it runs again only on the focus nodes the change can affect.

The result of a constraint's query for a focus node ``$this`` depends only on the triples its
patterns can match. When every triple pattern (also those under OPTIONAL, UNION, EXISTS and
FILTER NOT EXISTS, whose absence counts too) is joined to ``$this`` by a chain of patterns that
every solution matches, each triple read is the last of a chain of :class:`Step` s from the focus
node, and a changed triple can affect only the focus nodes found by walking that chain back from
it. The first changed triple on any chain is reached from the focus node through unchanged
triples, so walking on the updated data finds every focus node whose result can change, whether
the triple was added or removed.

A variable predicate is a step along any predicate (still bounded). What cannot be bounded makes
:func:`select_reach` say None, and the caller runs the constraint on everything: a pattern not
joined to ``$this`` (or joined only through a FILTER, a BIND or an OPTIONAL; inside an OPTIONAL,
MINUS or EXISTS, only through what a sibling of it binds, which is unbound there), a fixed
node's triples, a path with ``*``, ``+``, ``?``, ``|`` or ``!``, a sub-select, GRAPH, SERVICE,
VALUES.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from typing import Any, Literal

Chain = tuple["Step", ...]
Anchors = dict[str, frozenset[Chain]]
End = Literal["subject", "object"]


@dataclass(frozen=True, order=True)
class Step:
    """One step from a node to the next along PREDICATE (None: any predicate), from the triple's
    subject to its object when FORWARD, else from its object to its subject."""

    predicate: str | None
    forward: bool


@dataclass(frozen=True, order=True)
class Read:
    """The query reads the triples with PREDICATE (None: any) whose END is a node CHAIN leads to
    from the focus node (an empty chain: the focus node itself)."""

    predicate: str | None
    end: End
    chain: Chain


class _NotLocal(Exception):
    """The query may read triples no bounded walk from the focus node finds."""


_THIS: Anchors = {"this": frozenset({()})}
#: algebra nodes that pass their pattern's solutions on (their expressions may hold EXISTS)
_PASSING = ("Filter", "Extend", "Distinct", "Reduced", "Slice", "OrderBy", "Group", "AggregateJoin")


def select_reach(algebra: Any) -> frozenset[Read] | None:
    """What a constraint's SELECT query (its rdflib ALGEBRA) reads around ``$this``; None when
    that is not bounded (see the module docstring). :func:`serkg.checks.sparql_rules.analyse`
    gives it for a query's text."""
    node = algebra
    while node.name in ("SelectQuery", "Distinct", "Reduced", "Slice"):
        node = node.p
    if node.name != "Project":
        return None
    try:
        return frozenset(_reads(node.p, _THIS, frozenset(_THIS)))
    except _NotLocal:
        return None


def _reads(node: Any, known: Anchors, fixed: frozenset[str]) -> set[Read]:
    """The reads of algebra NODE, given the chains of the variables bound around it (KNOWN) and
    the variables whose value is set before NODE is evaluated (FIXED: ``$this``, and inside
    EXISTS the variables of the solution it tests)."""
    name = node.name
    if name == "BGP":
        return _pattern_reads(_edges(node.triples), known)
    if name == "Join":  # a triple matched on either side is in the joined solution
        joined = _joined(node.p1, node.p2, known)
        return _reads(node.p1, joined, fixed) | _reads(node.p2, joined, fixed)
    if name == "LeftJoin":
        # OPTIONAL is matched on its own, then joined to the rows of its left side: it sees what
        # that side binds, not what the left side's siblings bind (a value it binds that no
        # sibling has removes the row)
        left = _seen_by(node.p1, known, fixed)
        both = _anchors(node.p2, left)
        row = fixed | _bound_vars(node.p1) | _bound_vars(node.p2)
        return (
            _reads(node.p1, known, fixed)
            | _reads(node.p2, left, fixed)
            | _expression_reads(node.expr, {v: c for v, c in both.items() if v in row})
        )
    if name == "Union":
        return _reads(node.p1, known, fixed) | _reads(node.p2, known, fixed)
    if name == "Minus":
        return _reads(node.p1, known, fixed) | _reads(
            node.p2, _seen_by(node.p1, known, fixed), fixed
        )
    if name in _PASSING:  # their expressions see the solutions of their pattern
        found = _reads(node.p, known, fixed)
        seen = _seen_by(node.p, known, fixed)
        for key in ("expr", "A"):
            found |= _expression_reads(getattr(node, key, None), seen)
        return found
    raise _NotLocal(name)  # any other node (sub-select, GRAPH, SERVICE, VALUES): not bounded


def _seen_by(node: Any, known: Anchors, fixed: frozenset[str]) -> Anchors:
    """The anchors of what is evaluated on NODE's solutions alone: the variables NODE certainly
    binds and the FIXED ones (a variable only a sibling of NODE binds is unbound there)."""
    bound = fixed | _bound_vars(node)
    return {v: c for v, c in _anchors(node, known).items() if v in bound}


def _bound_vars(node: Any) -> frozenset[str]:
    """The variables every solution of algebra NODE binds (fewer is safe)."""
    name = node.name
    if name == "BGP":
        names = (_var(_term(term)) for s, _p, o in node.triples for term in (s, o))
        return frozenset(n for n in names if n is not None)
    if name == "Join":
        return _bound_vars(node.p1) | _bound_vars(node.p2)
    if name in ("LeftJoin", "Minus"):
        return _bound_vars(node.p1)
    if name == "Union":
        return _bound_vars(node.p1) & _bound_vars(node.p2)
    if name in _PASSING and name not in ("Group", "AggregateJoin"):
        return _bound_vars(node.p)
    return frozenset()


def _expression_reads(expression: Any, known: Anchors) -> set[Read]:
    """The reads of the EXISTS and NOT EXISTS patterns in EXPRESSION, evaluated with the
    variables of KNOWN set to the solution's values."""
    found: set[Read] = set()
    for pattern in _exists_patterns(expression):
        found |= _reads(pattern, known, frozenset(known))
    return found


def _exists_patterns(expression: Any) -> Iterator[Any]:
    """The algebra patterns of the EXISTS and NOT EXISTS in algebra EXPRESSION, outermost first
    (an inner one belongs to its pattern's own expressions)."""
    stack = [expression]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            yield node.graph  # the attribute holds the translated pattern, the key the parsed one
        elif isinstance(node, dict):
            stack.extend(value for key, value in node.items() if key != "_vars")
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


def _anchors(node: Any, known: Anchors) -> Anchors:
    """KNOWN and the chains of the variables every solution of NODE binds through its triples."""
    name = node.name
    if name == "BGP":
        return _walk(_edges(node.triples), known)
    if name == "Join":
        return _joined(node.p1, node.p2, known)
    if name in ("LeftJoin", "Minus"):
        return _anchors(node.p1, known)
    if name == "Union":
        one, other = _anchors(node.p1, known), _anchors(node.p2, known)
        both = {v: one[v] | other[v] for v in one.keys() & other.keys() if v not in known}
        return {**known, **both}
    if name in _PASSING and name not in ("Group", "AggregateJoin"):
        return _anchors(node.p, known)
    return known


def _joined(one: Any, other: Any, known: Anchors) -> Anchors:
    """The anchors of two joined patterns: each may join its variables through the other's."""
    anchors = known
    while True:
        grown = _anchors(one, anchors)
        grown = {**_anchors(other, grown), **grown}
        if grown.keys() == anchors.keys():
            return anchors
        anchors = grown


Edge = tuple[Any, str | None, Any]  # subject, predicate (None: a variable), object


def _edges(triples: Any) -> list[Edge]:
    """The triple patterns of a BGP, with sequence and inverse paths spelled out as triples."""
    fresh = count()
    edges: list[Edge] = []
    for s, p, o in triples:
        edges.extend(_path_edges(_term(s), p, _term(o), fresh))
    return edges


def _path_edges(s: Any, path: Any, o: Any, fresh: Iterator[int]) -> list[Edge]:
    from rdflib import URIRef, Variable
    from rdflib.paths import InvPath, SequencePath

    if isinstance(path, Variable):
        return [(s, None, o)]
    if isinstance(path, URIRef):
        return [(s, str(path), o)]
    if isinstance(path, InvPath):
        return _path_edges(o, path.arg, s, fresh)
    if isinstance(path, SequencePath):
        nodes = [s, *(("var", f" step {next(fresh)}") for _ in path.args[1:]), o]
        return [
            edge
            for i, part in enumerate(path.args)
            for edge in _path_edges(nodes[i], part, nodes[i + 1], fresh)
        ]
    raise _NotLocal(f"the path {path}")  # *, +, ?, |, !: no bound on the steps


def _term(term: Any) -> Any:
    """A variable or blank node as ("var", name); anything else as itself (a fixed term)."""
    from rdflib import BNode, Variable

    if isinstance(term, Variable):
        return ("var", str(term))
    if isinstance(term, BNode):
        return ("var", "_:" + str(term))
    return term


def _walk(edges: list[Edge], known: Anchors) -> Anchors:
    """KNOWN and the chains EDGES give further variables, shortest first."""
    anchors = dict(known)
    grown = True
    while grown:
        grown = False
        reached: Anchors = {}
        for s, p, o in edges:
            for start, end, forward in ((_var(s), _var(o), True), (_var(o), _var(s), False)):
                if start in anchors and end is not None and end not in anchors:
                    chains = {(*c, Step(p, forward)) for c in anchors[start]}
                    reached[end] = reached.get(end, frozenset()) | chains
        if reached:
            anchors.update(reached)
            grown = True
    return anchors


def _var(term: Any) -> str | None:
    return term[1] if isinstance(term, tuple) else None


def _pattern_reads(edges: list[Edge], known: Anchors) -> set[Read]:
    """One read per triple pattern, from the end nearer to the focus node."""
    anchors = _walk(edges, known)
    found: set[Read] = set()
    ends: tuple[End, End] = ("subject", "object")
    for s, p, o in edges:
        near = [
            (min(len(c) for c in anchors[name]), end, anchors[name])
            for name, end in zip((_var(s), _var(o)), ends, strict=True)
            if name is not None and name in anchors
        ]
        if not near:  # a fixed node's triples, or a pattern joined to nothing: any focus node
            raise _NotLocal(f"{s} {p} {o}")
        _, end, chains = min(near, key=lambda e: e[0])  # the subject on a tie
        found.update(Read(p, end, chain) for chain in chains)
    return found
