"""What a SPARQL query, update or SHACL-SPARQL shape may do, decided from its syntax tree.

pyoxigraph calls any URL a ``SERVICE`` clause or a ``LOAD`` names, with its own HTTP client. What
may run is read from rdflib's SPARQL parse tree, never from a scan of the text: a text scan
reads ``FILTER(1<2)SERVICE<http://...>`` or a ``\\#`` escape in a prefixed name differently from
a parser, and that difference was a way out (issue 21). rdflib's parser is not Oxigraph's, so a
text rdflib cannot parse is *not* known to be harmless: callers refuse it. What remains (the two
parsers reading the same text differently) is why query workers also run without a network
(:mod:`serkg.sandbox`).

The nesting check is the one linear scan kept: it only refuses (brackets nested deeper than any
real query goes, which overflow the parsers' stacks), so reading too many brackets is harmless.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, TypeVar, cast

from serkg.prefixes import PREFIX_MAP

if TYPE_CHECKING:
    import rdflib

#: Deepest nesting of (), {} and [] accepted. The project's queries reach 6; Oxigraph's parser
#: overflows its stack between 2,000 and 3,000 levels; rdflib's takes ~40 Python frames a level.
MAX_NESTING = 200
#: Most operators accepted in one query: the project's queries use under 100; Oxigraph's parser
#: overflows its stack on a chain of 10,000 (and survives 3,000).
MAX_OPERATORS = 2_000
#: Room for rdflib's recursive-descent parser at MAX_NESTING (measured: 7,500 frames at 200).
_RECURSION_LIMIT = 20_000
_PARSER_STACK_BYTES = 256 * 1024 * 1024

SERVICE = "SERVICE"
LOAD = "LOAD"
#: rdflib's syntax-tree node names for the operations that fetch URLs
_NETWORK_NODES = {"ServiceGraphPattern": SERVICE, "Load": LOAD}
SH = PREFIX_MAP["sh"]
#: Shape properties whose value is SPARQL text pySHACL or the fast engine runs
SHAPE_SPARQL_PROPERTIES = ("select", "ask", "construct", "update")

T = TypeVar("T")


class UnreadableSparql(ValueError):
    """rdflib's parser cannot read the text, so what it would do is unknown."""


class TooDeep(ValueError):
    """The text nests brackets deeper than :data:`MAX_NESTING`."""


class NetworkShape(ValueError):
    """A SHACL-SPARQL shape that would call out (``SERVICE``) or cannot be checked."""


# --------------------------------------------------------------------------------- nesting
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: What is not code in SPARQL text: comments, strings, IRIs, and backslash escapes in prefixed
#: names (``ex:a\#b``: that ``#`` starts no comment). An IRI is ``<`` up to ``>`` with none of the
#: characters IRIREF excludes, as the SPARQL grammar's tokens are read: ``1<2)SERVICE<`` is none.
_NOT_CODE = re.compile(
    r"""\#[^\n\r]*
    | \\.
    | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
    | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'
    | "(?:[^"\\\n\r]|\\.)*"
    | <(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>
    """,
    re.VERBOSE | re.DOTALL,
)
_NOT_BRACKET = re.compile(r"[^()\[\]{}]+")
#: Variables, keywords, prefixed names and numbers' digits: what can hold a "-" that is no minus
_NAME = re.compile(r"[?$]\w+|[A-Za-z_:][\w.:%-]*")
_UNION = re.compile(r"\bUNION\b", re.IGNORECASE)
_OPERATOR = re.compile(r"\|\||&&|[-+*/!|^]")
_STEP = {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}


def nesting_depth(sparql: str) -> int:
    """The deepest bracket nesting of SPARQL text, outside comments, strings and IRIs.

    Read both as written (Oxigraph) and with ``\\uXXXX`` escapes decoded first (rdflib, as the
    SPARQL grammar says), the deeper of the two. Linear, in C-speed passes.
    """
    decoded = _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    deepest = 0
    for text in {sparql, decoded}:
        brackets = _NOT_BRACKET.sub("", _NOT_CODE.sub(" ", text))
        deepest = max(deepest, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))
    return deepest


def operator_count(sparql: str) -> int:
    """How many operators SPARQL text chains (``||``, ``&&``, ``UNION``, ``+ - * / ! | ^``).

    A chain of N operators is a tree N levels deep to a parser, brackets or not: Oxigraph's
    parser overflows its stack on 10,000 of ``||``, ``&&``, ``-``, ``!`` or ``UNION`` (measured,
    a segmentation fault). Names are left out first (``kg:l-serine`` holds no minus; a variable
    name cannot hold one), so the count only grows with real operators.
    """
    code = _NOT_CODE.sub(" ", sparql)
    unions = len(_UNION.findall(code))
    return unions + len(_OPERATOR.findall(_NAME.sub(" ", code)))


def check_nesting(
    sparql: str, limit: int = MAX_NESTING, operator_limit: int = MAX_OPERATORS
) -> None:
    """Raise :class:`TooDeep` when SPARQL nests brackets deeper than LIMIT or chains more than
    OPERATOR_LIMIT operators."""
    depth = nesting_depth(sparql)
    if depth > limit:
        raise TooDeep(
            f"the query nests brackets ((), {{}} or []) {depth} deep; at most {limit} levels are "
            "accepted (no real query needs more, and deeper ones overflow the SPARQL parser)"
        )
    operators = operator_count(sparql)
    if operators > operator_limit:
        raise TooDeep(
            f"the query chains {operators:,} operators (||, &&, UNION, + - * / ! | ^); at most "
            f"{operator_limit:,} are accepted (a chain is as deep as it is long to the SPARQL "
            "parser, and longer ones overflow its stack; put long lists of values in VALUES)"
        )


# ---------------------------------------------------------------------------- the parse tree
def network_operations(sparql: str, *, update: bool) -> frozenset[str]:
    """The operations in SPARQL that fetch URLs: a subset of {"SERVICE", "LOAD"}.

    Read from rdflib's parse tree (sub-selects, EXISTS, OPTIONAL, UNION, MINUS, updates' WHERE
    included; ``\\uXXXX`` escapes decoded as the grammar says). Raises :class:`UnreadableSparql`
    when rdflib cannot parse the text, :class:`TooDeep` when it nests too deeply to try.
    """
    check_nesting(sparql)
    return _network_operations(sparql, update)


@lru_cache(maxsize=512)  # rdflib parses ~5 KB/s: a named query is parsed once per process
def _network_operations(sparql: str, update: bool) -> frozenset[str]:
    tree = _with_room(_parse, sparql, update)
    found: set[str] = set()
    for node in _nodes(tree):
        name = getattr(node, "name", None)
        if isinstance(name, str) and name in _NETWORK_NODES:
            found.add(_NETWORK_NODES[name])
    return frozenset(found)


def _parse(sparql: str, update: bool) -> Any:
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseUpdate(sparql) if update else parseQuery(sparql)
    except RecursionError:
        raise UnreadableSparql("it nests too deeply for rdflib's SPARQL parser") from None
    except Exception as exc:  # pyparsing's ParseException, or rdflib refusing a term
        raise UnreadableSparql(" ".join(str(exc).split())) from None


def _nodes(tree: Any) -> list[Any]:
    """Every node of an rdflib parse tree (CompValue, ParseResults, lists), without recursion."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    seen: set[int] = set()
    out: list[Any] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        if isinstance(node, CompValue):
            pending.extend(node.values())
        elif isinstance(node, ParseResults):
            pending.extend(node)
            pending.extend(cast(Any, node).values())  # pyparsing's values() has no type hints
        elif isinstance(node, list | tuple):
            pending.extend(node)
    return out


def _with_room(function: Callable[[str, bool], T], sparql: str, update: bool) -> T:
    """Run FUNCTION in a thread with a big stack and recursion limit (rdflib's parser recurses)."""
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function(sparql, update)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    previous = threading.stack_size(_PARSER_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="serkg-sparql-guard")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


# -------------------------------------------------------------------------------- SHACL shapes
def check_shapes(shapes_g: rdflib.Graph) -> None:
    """Raise :class:`NetworkShape` for SPARQL in SHAPES_G that uses SERVICE or cannot be checked.

    Every sh:select, sh:ask, sh:construct and sh:update value is read (constraints, SPARQL-based
    constraint components and targets, rules): pySHACL runs them with rdflib, which fetches
    SERVICE URLs as Oxigraph does.
    """
    from rdflib import Literal, URIRef

    for name in SHAPE_SPARQL_PROPERTIES:
        for node, text in sorted(shapes_g.subject_objects(URIRef(SH + name)), key=str):
            shape = _shape_of(shapes_g, node)
            if not isinstance(text, Literal):
                raise NetworkShape(f"shape {shape}: sh:{name} is not a literal holding SPARQL")
            try:
                found = network_operations(str(text), update=name == "update")
            except (UnreadableSparql, TooDeep) as exc:
                raise NetworkShape(
                    f"shape {shape}: its sh:{name} query cannot be checked for SERVICE, so it is "
                    f"not run: {exc}"
                ) from None
            if found:
                raise NetworkShape(
                    f"shape {shape}: its sh:{name} query uses {' and '.join(sorted(found))}; "
                    "SHACL-SPARQL queries run on the data alone and never call other endpoints"
                )


def _shape_of(shapes_g: rdflib.Graph, node: Any) -> str:
    """The nearest named node that holds NODE (a constraint is often a blank node of a shape)."""
    from rdflib import BNode

    current = node
    for _ in range(20):  # a shape nests its SPARQL a few levels down at most
        if not isinstance(current, BNode):
            return f"<{current}>"
        parents = sorted(shapes_g.subjects(None, current), key=str)
        if not parents:
            break
        current = parents[0]
    return "(a blank node)"
