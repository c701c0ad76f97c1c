"""The rules SHACL-SPARQL sets for the queries of ``sh:sparql`` constraints, and what they allow us.

SHACL 5.3.1 defines the result of a constraint's SELECT query with ``$this`` *pre-bound* to each
focus node, and forbids what would make pre-binding ambiguous: MINUS, VALUES, a sub-select that
does not project ``$this`` (or ``SELECT *``), and ``BIND ... AS`` a pre-bound variable. A query
that breaks these rules is an error of the shapes graph (:class:`ShapesError`).

The fast engine runs a constraint once for all focus nodes, with ``$this`` an ordinary variable,
which gives the pre-bound answer only when ``$this`` is certainly bound wherever the query uses
it (a ``FILTER ($this = ...)`` alone is not): :func:`joins_like_prebinding` proves that on the
query's algebra, and a query it cannot prove it for is left to pySHACL. The same algebra says
which triples the query reads around ``$this`` (:mod:`serkg.checks.sparql_reach`), so that after a
change the constraint runs only on the focus nodes the change can reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from serkg.checks import sparql_reach
from serkg.checks.shapes import ShapesError

#: Variables SHACL pre-binds in an sh:sparql SELECT constraint.
PREBOUND = frozenset({"this", "currentShape", "shapesGraph"})


@dataclass(frozen=True)
class QueryFacts:
    """What the fast engine needs to know of a constraint's query."""

    uses_service: bool
    uses_other_prebound: bool  # $currentShape, $shapesGraph or $PATH
    joins_like_prebinding: bool
    #: the triples it reads around $this (:mod:`serkg.checks.sparql_reach`); None: unbounded
    reach: frozenset[sparql_reach.Read] | None


@cache
def analyse(query: str, shape: str) -> QueryFacts:
    """Check QUERY against the SHACL restrictions (raising :class:`ShapesError` naming SHAPE) and
    say what it uses; parsed once per process (rdflib's parser takes about 0.1 s a query)."""
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = parse(query, shape)
    check_restrictions(tree, shape)
    facts = {
        "uses_service": uses_service(tree),
        "uses_other_prebound": mentions(tree, {"currentShape", "shapesGraph", "PATH"}),
    }
    try:
        algebra = translateQuery(tree).algebra
    except Exception:  # rdflib cannot translate it (an unknown prefix ...): prove nothing
        return QueryFacts(**facts, joins_like_prebinding=False, reach=None)
    return QueryFacts(
        **facts,
        joins_like_prebinding=joins_like_prebinding(algebra),
        reach=sparql_reach.select_reach(algebra),
    )


def parse(query: str, shape: str) -> Any:
    """The parse tree of QUERY (prefixes included); a syntax error names SHAPE."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return parseQuery(query)
    except ParseException as exc:
        raise ShapesError(f"the SPARQL query of {shape} is not valid SPARQL: {exc}") from exc


def check_restrictions(tree: Any, shape: str) -> None:
    """Raise :class:`ShapesError` if the query breaks a SHACL 5.3.1 restriction."""
    for node in _nodes(tree):
        if not isinstance(node, dict):
            continue
        name = getattr(node, "name", None)

        def get(key: str, node: dict[str, Any] = node) -> Any:
            return dict.get(node, key)  # CompValue.get answers a missing key with its name

        if name == "MinusGraphPattern":
            raise ShapesError(f"the SPARQL query of {shape} uses MINUS, which SHACL forbids")
        if name == "InlineData" or (name == "SelectQuery" and get("valuesClause")):
            raise ShapesError(f"the SPARQL query of {shape} uses VALUES, which SHACL forbids")
        if name == "SubSelect":
            projection = get("projection")
            if not projection:
                raise ShapesError(
                    f"a sub-select of the SPARQL query of {shape} is SELECT *: SHACL requires "
                    "it to project $this"
                )
            projected = {str(dict.get(v, "var") or dict.get(v, "evar")) for v in projection}
            if "this" not in projected:
                raise ShapesError(
                    f"a sub-select of the SPARQL query of {shape} does not project $this, "
                    "which SHACL requires"
                )
        if name == "Bind" and str(get("var")) in PREBOUND:
            raise ShapesError(
                f"the SPARQL query of {shape} assigns the pre-bound variable "
                f"${get('var')} with BIND, which SHACL forbids"
            )


def uses_service(tree: Any) -> bool:
    """The query has a SERVICE pattern (the fast engine never sends a query anywhere)."""
    return any(getattr(n, "name", None) == "ServiceGraphPattern" for n in _nodes(tree))


def mentions(tree: Any, variables: set[str]) -> bool:
    """The query uses one of VARIABLES."""
    from rdflib import Variable

    return any(isinstance(n, Variable) and str(n) in variables for n in _nodes(tree))


def joins_like_prebinding(algebra: Any) -> bool:
    """Evaluating the query (its ALGEBRA) with ``$this`` free and keeping each focus node's rows
    gives what pre-binding ``$this`` gives: ``$this`` is certainly bound in every solution and
    wherever an expression (FILTER, BIND, OPTIONAL condition) reads it."""
    try:
        return "this" in _bound(algebra, frozenset())
    except _Unproven:
        return False


class _Unproven(Exception):
    """$this may be unbound where the query reads it."""


def _bound(node: Any, outer: frozenset[str]) -> set[str]:
    """Variables certainly bound in every solution of algebra NODE; OUTER are bound from outside
    (inside EXISTS, which sees the solution it tests). Raises _Unproven for an unsafe read."""
    from rdflib import Variable

    name = node.name
    if name == "BGP":
        return {str(t) for triple in node.triples for t in triple if isinstance(t, Variable)}
    if name in ("SelectQuery", "AskQuery", "ToMultiSet", "Distinct", "Reduced", "Slice"):
        return _bound(node.p, outer)
    if name == "Project":
        return _bound(node.p, outer) & {str(v) for v in node.PV}
    if name in ("OrderBy", "LeftJoin", "Filter", "Extend"):
        return _bound_checking(node, outer)
    if name == "Join":
        return _bound(node.p1, outer) | _bound(node.p2, outer)
    if name == "Union":
        return _bound(node.p1, outer) & _bound(node.p2, outer)
    if name == "Graph":
        graph_var = {str(node.term)} if isinstance(node.term, Variable) else set()
        return _bound(node.p, outer) | graph_var
    if name in ("Group", "AggregateJoin"):
        _bound(node.p, outer)
        return set()
    if name == "values":
        return set()
    raise _Unproven(name)


def _bound_checking(node: Any, outer: frozenset[str]) -> set[str]:
    """_bound of an OrderBy, LeftJoin, Filter or Extend, checking the expressions it evaluates."""
    if node.name == "OrderBy":
        inner = _bound(node.p, outer)
        for condition in node.expr:
            _check(condition, inner | outer)
        return inner
    if node.name == "LeftJoin":
        left, right = _bound(node.p1, outer), _bound(node.p2, outer)
        _check(node.expr, left | right | outer)
        return left
    inner = _bound(node.p, outer)  # Filter, Extend
    _check(node.expr, inner | outer)
    return inner


def _check(expression: Any, bound: frozenset[str] | set[str]) -> None:
    """Raise _Unproven if EXPRESSION reads $this while it may be unbound."""
    from rdflib import Variable

    if expression is None:
        return
    name = getattr(expression, "name", None)
    if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        _bound(expression.graph, frozenset(bound))
        return
    if isinstance(expression, Variable):
        if str(expression) == "this" and "this" not in bound:
            raise _Unproven("$this")
        return
    for child in _children(expression):
        _check(child, bound)


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        yield from (value for key, value in node.items() if key != "_vars")
    elif isinstance(node, (list, tuple)):
        yield from node


def _nodes(tree: Any) -> Iterator[Any]:
    """Every node of a parse tree (rdflib CompValues, lists, terms), depth first."""
    from pyparsing import ParseResults

    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(node)
