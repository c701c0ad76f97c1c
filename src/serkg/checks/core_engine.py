"""SHACL Core verdicts in serkg's own engine: which focus nodes of which shape fail.

Why: at 1M triples pySHACL needed the data as an rdflib graph (6 s to make), one generated claim
per bundle found beforehand (8 s) and 9 s more to check it; this engine reads the data graph from
the Oxigraph store the SHACL-SPARQL constraints query anyway, each node's triples once, and
decides every shape with a target on every focus node (SHACL 1.0, sections 2-4: targets, paths,
every Core constraint component). It only gives the verdicts: when a focus node fails, the report
about it is written by pySHACL run on the failing (shape, focus node) pairs alone
(:func:`serkg.checks.core_parallel.core_report`), so results and messages are the reference's.
A conforming graph (the usual build) never reaches pySHACL. The store keeps some literals in
another form (:mod:`serkg.literal_forms`): the caller makes sure the data holds none.

Anything it does not implement exactly (a SPARQL-based target or component, recursive shapes,
regular-expression flags Python lacks, a Core parameter where SHACL does not allow it) raises
:class:`NotInFastEngine` before any work, and pySHACL checks everything as before. The W3C suite
decides: every test's verdict per (shape, focus node) equals pySHACL's (tests/test_shacl_w3c.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg.checks.nodes import SH
from serkg.checks.shapes import TARGETS, has_target, is_implicit_class_target, shape_nodes
from serkg.checks.sparql_constraints import NotInFastEngine
from serkg.gc_pause import cyclic_gc_paused
from serkg.prefixes import PREFIX_MAP

if TYPE_CHECKING:
    import rdflib

RDF = PREFIX_MAP["rdf"]
RDFS = PREFIX_MAP["rdfs"]
XSD = PREFIX_MAP["xsd"]
_TYPE = ox.NamedNode(RDF + "type")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_NONE: list[Any] = []  # no values (never changed)

#: Python's flags for the XPath flags SHACL allows in sh:flags ("q" has no Python equivalent)
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}

#: Parameters of Core constraint components that need a property shape (SHACL 4.2, 4.5, 4.6)
_PROPERTY_ONLY = (
    "minCount", "maxCount", "uniqueLang", "lessThan", "lessThanOrEquals", "qualifiedValueShape",
)  # fmt: skip

#: Every SHACL term a shape may use that this engine reads or knows it may ignore; a shape that
#: uses another term of the SHACL namespace (sh:sparql, sh:target, sh:rule ...) is not for it
_KNOWN = {
    *TARGETS,
    *_PROPERTY_ONLY,
    "path", "deactivated", "severity", "message", "name", "description", "order", "group",
    "defaultValue", "class", "datatype", "nodeKind", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
    "equals", "disjoint", "not", "and", "or", "xone", "node", "property", "qualifiedMinCount",
    "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "closed", "ignoredProperties",
    "hasValue", "in",
}  # fmt: skip

Term = Any  # a pyoxigraph NamedNode, BlankNode or Literal
Values = Callable[[Term], list[Term]]
#: A compiled constraint: does FOCUS with these VALUE NODES conform?
Check = Callable[[Term, list[Term]], bool]


class DataIndex:
    """The data graph (data and ontology, as pySHACL sees them with ``ont_graph``) in an
    Oxigraph store, each node's statements read once, when first asked for.

    The store is the one SHACL-SPARQL constraints query anyway: at 1M triples, filling Python
    dicts with every triple took 5.3 s, reading each subject's triples from the store 1.9 s.
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._out: dict[Term, dict[Term, list[Term]]] = {}
        self._in: dict[tuple[Term, Term], list[Term]] = {}
        self._superclasses: dict[Term, frozenset[Term]] = {}

    @classmethod
    def of(cls, *graphs: Iterable[ox.Triple]) -> DataIndex:
        from serkg.checks.sparql_constraints import oxigraph_store

        return cls(oxigraph_store(*graphs))

    def _statements(self, subject: Term) -> dict[Term, list[Term]]:
        found = self._out.get(subject)
        if found is None:
            found = {}
            if isinstance(subject, ox.Literal):
                return found
            for quad in self._store.quads_for_pattern(subject, None, None):
                predicate = quad.predicate
                objects = found.get(predicate)
                if objects is None:
                    found[predicate] = [quad.object]
                else:
                    objects.append(quad.object)
            self._out[subject] = found
        return found

    def objects(self, subject: Term, predicate: Term) -> list[Term]:
        found = self._out.get(subject)
        if found is None:
            found = self._statements(subject)
        return found.get(predicate, _NONE)

    def predicates(self, subject: Term) -> Iterable[Term]:
        return self._statements(subject).keys()

    def subjects(self, predicate: Term, obj: Term) -> list[Term]:
        key = (predicate, obj)
        found = self._in.get(key)
        if found is None:
            found = self._in[key] = [
                q.subject for q in self._store.quads_for_pattern(None, predicate, obj)
            ]
        return found

    def subjects_with(self, predicate: Term) -> list[Term]:
        return _distinct(q.subject for q in self._store.quads_for_pattern(None, predicate, None))

    def objects_with(self, predicate: Term) -> list[Term]:
        return _distinct(q.object for q in self._store.quads_for_pattern(None, predicate, None))

    def superclasses(self, cls: Term) -> frozenset[Term]:
        """CLS and every class it is an rdfs:subClassOf of, directly or not."""
        found = self._superclasses.get(cls)
        if found is None:
            seen, pending = {cls}, [cls]
            while pending:
                for sup in self.objects(pending.pop(), _SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        pending.append(sup)
            found = self._superclasses[cls] = frozenset(seen)
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        """SHACL instance (SHACL 1.4): NODE has an rdf:type that is CLS or a subclass of it."""
        for t in self.objects(node, _TYPE):  # noqa: SIM110 (a loop: no generator per call)
            if cls in self.superclasses(t):
                return True
        return False

    def instances(self, cls: Term) -> list[Term]:
        classes = [cls, *self._subclasses(cls)]
        return _distinct(n for c in classes for n in self.subjects(_TYPE, c))

    def _subclasses(self, cls: Term) -> list[Term]:
        seen, pending = {cls}, [cls]
        while pending:
            for sub in self.subjects(_SUBCLASS, pending.pop()):
                if sub not in seen:
                    seen.add(sub)
                    pending.append(sub)
        seen.discard(cls)
        return sorted(seen, key=str)


class _Shapes:
    """The shapes graph read once: parameters as pyoxigraph terms, lists unrolled."""

    def __init__(self, shapes_g: rdflib.Graph) -> None:
        from serkg.terms import rdflib_to_ox

        self.graph = shapes_g
        self._ox = rdflib_to_ox
        self.by_subject: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in shapes_g:
            self.by_subject[s][str(p)].append(o)

    def values(self, shape: Any, name: str) -> list[Any]:
        return self.by_subject.get(shape, {}).get(SH + name, [])

    def value(self, shape: Any, name: str) -> Any:
        found = self.values(shape, name)
        if len(found) > 1:
            raise NotInFastEngine(f"more than one sh:{name} on a shape")
        return found[0] if found else None

    def items(self, head: Any) -> list[Any]:
        """The members of the RDF list HEAD."""
        from rdflib import RDF

        members: list[Any] = []
        seen: set[Any] = set()
        while head != RDF.nil:
            if head in seen:
                raise NotInFastEngine("a cyclic RDF list in the shapes")
            seen.add(head)
            firsts = self.by_subject.get(head, {}).get(str(RDF.first), [])
            rests = self.by_subject.get(head, {}).get(str(RDF.rest), [])
            if len(firsts) != 1 or len(rests) != 1:
                raise NotInFastEngine("a malformed RDF list in the shapes")
            members.append(firsts[0])
            head = rests[0]
        return members

    def term(self, node: Any) -> Term:
        return self._ox(node)

    def iri(self, node: Any, name: str) -> Term:
        """NODE, the value of sh:NAME, which SHACL requires to be an IRI."""
        from rdflib import URIRef

        if not isinstance(node, URIRef):
            raise NotInFastEngine(f"sh:{name} is not an IRI")
        return self._ox(node)


class CoreEngine:
    """Compiled shapes over indexed data: ``failing()`` gives each targeted shape's failing
    focus nodes."""

    def __init__(self, shapes_g: rdflib.Graph, data: DataIndex) -> None:
        self.data = data
        self.shapes = _Shapes(shapes_g)
        self._compiled: dict[Any, _Shape] = {}
        self._compiling: set[Any] = set()
        self._literal_checks: dict[tuple[Term, Term], bool] = {}
        # the parameters of constraint components the shapes graph declares (SHACL 6): a shape
        # that uses one has a SPARQL-based constraint this engine does not run
        self._custom_parameters = {
            str(path)
            for parameter in shapes_g.objects(None, _sh("parameter"))
            for path in shapes_g.objects(parameter, _sh("path"))
        }
        self.targeted = sorted(
            (s for s in shape_nodes(shapes_g) if has_target(shapes_g, s)), key=str
        )
        for shape in self.targeted:
            self.compile(shape)

    # --- compiling shapes

    def compile(self, node: Any) -> _Shape:
        found = self._compiled.get(node)
        if found is not None:
            return found
        if node in self._compiling:  # SHACL leaves recursive shapes undefined: pySHACL decides
            raise NotInFastEngine("recursive shapes")
        self._compiling.add(node)
        try:
            shape = self._compile(node)
        finally:
            self._compiling.discard(node)
        self._compiled[node] = shape
        return shape

    def _compile(self, node: Any) -> _Shape:

        shapes = self.shapes
        unknown = {
            p[len(SH) :] for p in shapes.by_subject.get(node, {}) if p.startswith(SH)
        } - _KNOWN
        if unknown:
            raise NotInFastEngine(f"sh:{sorted(unknown)[0]} is not in serkg's Core engine")
        if self._custom_parameters & set(shapes.by_subject.get(node, {})):
            raise NotInFastEngine("a constraint component the shapes graph declares")
        path_node = shapes.value(node, "path")
        deactivated = shapes.value(node, "deactivated")
        shape = _Shape(
            values=self._path(path_node) if path_node is not None else None,
            deactivated=_is_true(deactivated),
        )
        if shape.values is None and any(shapes.values(node, p) for p in _PROPERTY_ONLY):
            raise NotInFastEngine("a property-shape parameter on a node shape")
        shape.checks = [] if shape.deactivated else self._checks(node)
        return shape

    def _path(self, node: Any, *, backwards: bool = False) -> Values:
        """The value nodes of the SHACL path NODE (SHACL 2.3.1), or of its inverse when
        BACKWARDS (an sh:inversePath may hold any path)."""
        from rdflib import BNode, URIRef

        data, shapes = self.data, self.shapes
        if isinstance(node, URIRef):
            predicate = shapes.term(node)
            if backwards:
                return lambda focus: data.subjects(predicate, focus)
            return lambda focus: data.objects(focus, predicate)
        if not isinstance(node, BNode):
            raise NotInFastEngine("a literal as a SHACL path")
        description = shapes.by_subject.get(node, {})
        if RDF + "first" in description:
            steps = [self._path(step, backwards=backwards) for step in shapes.items(node)]
            if len(steps) < 2:
                raise NotInFastEngine("a sequence path of fewer than two steps")
            return _sequence(steps[::-1] if backwards else steps)
        keys = [k for k in description if k.startswith(SH)]
        if len(keys) != 1 or len(description[keys[0]]) != 1:
            raise NotInFastEngine("a SHACL path node that is not one path")
        key, inner = keys[0][len(SH) :], description[keys[0]][0]
        if key == "inversePath":
            return self._path(inner, backwards=not backwards)
        if key == "alternativePath":
            options = [self._path(o, backwards=backwards) for o in shapes.items(inner)]
            return lambda focus: _distinct(v for option in options for v in option(focus))
        step = self._path(inner, backwards=backwards)
        if key == "zeroOrMorePath":
            return lambda focus: _closure(focus, step, include_start=True)
        if key == "oneOrMorePath":
            return lambda focus: _closure(focus, step, include_start=False)
        if key == "zeroOrOnePath":
            return lambda focus: _distinct([focus, *step(focus)])
        raise NotInFastEngine(f"sh:{key} is not a SHACL path")

    def _checks(self, node: Any) -> list[Check]:
        """One check per constraint component the shape NODE uses (SHACL 4)."""
        return [
            *self._value_type_checks(node),
            *self._count_and_range_checks(node),
            *self._string_checks(node),
            *self._pair_checks(node),
            *self._shape_checks(node),
            *self._qualified(node),
            *self._other_checks(node),
        ]

    def _value_type_checks(self, node: Any) -> Iterator[Check]:
        """sh:class, sh:datatype, sh:nodeKind (SHACL 4.1)."""
        shapes, data = self.shapes, self.data
        for cls in shapes.values(node, "class"):
            c = shapes.iri(cls, "class")
            yield _each(partial(_is_instance, data, c))
        for datatype in shapes.values(node, "datatype"):
            d = shapes.iri(datatype, "datatype")
            yield _each(partial(self._has_datatype, d))
        for kind in shapes.values(node, "nodeKind"):
            allowed = _NODE_KINDS.get(str(kind))
            if allowed is None:
                raise NotInFastEngine(f"sh:nodeKind {kind}")
            yield _each(partial(_is_kind, allowed))

    def _count_and_range_checks(self, node: Any) -> Iterator[Check]:
        """sh:minCount, sh:maxCount (SHACL 4.2), the value ranges (4.3)."""
        shapes = self.shapes
        for count in shapes.values(node, "minCount"):
            least = _integer(count, "minCount")
            yield partial(_counted, least, None)
        for count in shapes.values(node, "maxCount"):
            most = _integer(count, "maxCount")
            yield partial(_counted, None, most)
        for name, accepts in _RANGES.items():
            for bound in shapes.values(node, name):
                b = shapes.term(bound)
                yield _each(partial(_in_range, b, accepts))

    def _string_checks(self, node: Any) -> Iterator[Check]:
        """sh:minLength, sh:maxLength, sh:pattern, sh:languageIn, sh:uniqueLang (SHACL 4.4)."""
        shapes = self.shapes
        for count in shapes.values(node, "minLength"):
            least = _integer(count, "minLength")
            yield _each(partial(_has_length, least, None))
        for count in shapes.values(node, "maxLength"):
            most = _integer(count, "maxLength")
            yield _each(partial(_has_length, None, most))
        flags = [str(f) for f in shapes.values(node, "flags")]
        for pattern in shapes.values(node, "pattern"):
            regex = _regex(str(pattern), flags)
            yield _each(partial(_matches, regex))
        for ranges in shapes.values(node, "languageIn"):
            wanted = [str(r).lower() for r in shapes.items(ranges)]
            yield _each(partial(_language_in, wanted))
        for unique in shapes.values(node, "uniqueLang"):
            if _is_true(unique):
                yield _languages_unique

    def _pair_checks(self, node: Any) -> Iterator[Check]:
        """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals (SHACL 4.5)."""
        for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
            for other in self.shapes.values(node, name):
                yield _pair_check(name, self.shapes.iri(other, name), self.data)

    def _shape_checks(self, node: Any) -> Iterator[Check]:
        """sh:not, sh:and, sh:or, sh:xone (SHACL 4.6), sh:node, sh:property (4.7)."""
        shapes = self.shapes
        for inner in shapes.values(node, "not"):
            negated = self.compile(inner)
            yield _each(partial(_fails, negated))
        for name in ("and", "or", "xone"):
            for members in shapes.values(node, name):
                compiled = [self.compile(m) for m in shapes.items(members)]
                yield _each(_logical(name, compiled))
        for inner in shapes.values(node, "node"):
            yield _each(self.compile(inner).conforms)
        for inner in shapes.values(node, "property"):
            compiled_property = self.compile(inner)
            if compiled_property.values is None:
                raise NotInFastEngine("sh:property names a shape without sh:path")
            yield _each(compiled_property.conforms)

    def _other_checks(self, node: Any) -> Iterator[Check]:
        """sh:closed, sh:hasValue, sh:in (SHACL 4.8)."""
        shapes = self.shapes
        for closed in shapes.values(node, "closed"):
            if _is_true(closed):
                yield _each(self._closed_test(node))
        for value in shapes.values(node, "hasValue"):
            wanted = shapes.term(value)
            yield partial(_has_value, wanted)
        for members in shapes.values(node, "in"):
            allowed = {shapes.term(m) for m in shapes.items(members)}
            yield _each(allowed.__contains__)

    def _qualified(self, node: Any) -> list[Check]:
        """sh:qualifiedValueShape with its counts (SHACL 4.7.3), siblings read from the
        shapes that have NODE as an sh:property."""

        shapes = self.shapes
        qualified = shapes.values(node, "qualifiedValueShape")
        if not qualified:
            return []
        if len(qualified) > 1:
            raise NotInFastEngine("more than one sh:qualifiedValueShape on a shape")
        least = shapes.value(node, "qualifiedMinCount")
        most = shapes.value(node, "qualifiedMaxCount")
        if least is None and most is None:
            return []
        disjoint = shapes.value(node, "qualifiedValueShapesDisjoint")
        siblings: list[_Shape] = []
        if _is_true(disjoint):
            parents = [
                s for s, by_p in shapes.by_subject.items() if node in by_p.get(SH + "property", ())
            ]
            found = {
                q
                for parent in parents
                for sibling in shapes.values(parent, "property")
                for q in shapes.values(sibling, "qualifiedValueShape")
            }
            found.discard(qualified[0])
            siblings = [self.compile(q) for q in sorted(found, key=str)]
        inner = self.compile(qualified[0])
        low = None if least is None else _integer(least, "qualifiedMinCount")
        high = None if most is None else _integer(most, "qualifiedMaxCount")

        def check(_focus: Term, values: list[Term]) -> bool:
            count = sum(
                1 for v in values if inner.conforms(v) and not any(s.conforms(v) for s in siblings)
            )
            return (low is None or count >= low) and (high is None or count <= high)

        return [check]

    def _closed_test(self, node: Any) -> Callable[[Term], bool]:
        from rdflib import URIRef

        shapes = self.shapes
        allowed = {
            shapes.term(path)
            for prop in shapes.values(node, "property")
            for path in shapes.values(prop, "path")
            if isinstance(path, URIRef)
        }
        for ignored in shapes.values(node, "ignoredProperties"):
            allowed.update(shapes.term(i) for i in shapes.items(ignored))
        data = self.data
        return lambda v: all(p in allowed for p in data.predicates(v))

    def _has_datatype(self, datatype: Term, value: Term) -> bool:
        """SHACL 4.1.2: a literal of that datatype, and well-formed if the datatype is one
        rdflib (pySHACL's reading of literals) knows."""
        if not isinstance(value, ox.Literal):
            return False
        if value.datatype != datatype:
            return False
        key = (value, datatype)
        found = self._literal_checks.get(key)
        if found is None:
            found = self._literal_checks[key] = _well_formed(value)
        return found

    # --- running them

    def failing(self, among: Collection[Term] | None = None) -> dict[Any, list[Term]]:
        """For each shape with a target (an rdflib node of the shapes graph), its focus nodes
        (those in AMONG, if given) that do not conform, in a stable order."""
        found = {}
        for shape in self.targeted:
            compiled = self._compiled[shape]
            focus = self.focus_nodes(shape)
            if among is not None:
                focus = [f for f in focus if f in among]
            found[shape] = [f for f in focus if not compiled.conforms(f)]
        return found

    def focus_nodes(self, shape: Any) -> list[Term]:
        """SHAPE's focus nodes in the data graph (SHACL 2.1.3)."""
        shapes, data = self.shapes, self.data
        found: list[Term] = [shapes.term(n) for n in shapes.values(shape, "targetNode")]
        classes = [shapes.term(c) for c in shapes.values(shape, "targetClass")]
        if is_implicit_class_target(shapes.graph, shape):
            classes.append(shapes.term(shape))
        for cls in classes:
            found.extend(data.instances(cls))
        for p in shapes.values(shape, "targetSubjectsOf"):
            found.extend(data.subjects_with(shapes.term(p)))
        for p in shapes.values(shape, "targetObjectsOf"):
            found.extend(data.objects_with(shapes.term(p)))
        return _distinct(found)


class _Shape:
    """A compiled shape: its value nodes (None for a node shape) and its checks."""

    __slots__ = ("checks", "deactivated", "memo", "values")

    def __init__(self, values: Values | None, deactivated: bool) -> None:
        self.values = values
        self.deactivated = deactivated
        self.checks: list[Check] = []
        self.memo: dict[Term, bool] = {}

    def conforms(self, focus: Term) -> bool:
        found = self.memo.get(focus)
        if found is None:
            values = [focus] if self.values is None else self.values(focus)
            found = True
            for check in self.checks:  # a loop, not all(generator): this runs millions of times
                if not check(focus, values):
                    found = False
                    break
            self.memo[focus] = found
        return found


def failing_focus_nodes(shapes_g: rdflib.Graph, data: ox.Store) -> dict[Any, list[Term]]:
    """Each targeted shape of SHAPES_G and its focus nodes that fail in DATA (the data graph:
    data and ontology, in an Oxigraph store's default graph).

    Raises :class:`NotInFastEngine` when the shapes use what this engine does not implement.
    """
    engine = CoreEngine(shapes_g, DataIndex(data))
    with cyclic_gc_paused():  # millions of small dicts and lists, none in a cycle
        return engine.failing()


# --- helpers: paths


def _sh(name: str) -> Any:
    from rdflib import URIRef

    return URIRef(SH + name)


def _distinct(values: Iterable[Term]) -> list[Term]:
    return list(dict.fromkeys(values))


def _sequence(steps: Sequence[Values]) -> Values:
    def follow(focus: Term) -> list[Term]:
        current = [focus]
        for step in steps:
            current = _distinct(v for node in current for v in step(node))
        return current

    return follow


def _closure(start: Term, step: Values, *, include_start: bool) -> list[Term]:
    seen: dict[Term, None] = {start: None} if include_start else {}
    pending = [start]
    while pending:
        for v in step(pending.pop()):
            if v not in seen:
                seen[v] = None
                pending.append(v)
    return list(seen)


# --- helpers: constraint components


def _each(test: Callable[[Term], bool]) -> Check:
    """A check that every value node passes TEST."""
    return partial(_all_pass, test)


def _all_pass(test: Callable[[Term], bool], _focus: Term, values: list[Term]) -> bool:
    for v in values:  # noqa: SIM110 (a loop: no generator per call)
        if not test(v):
            return False
    return True


def _is_instance(data: DataIndex, cls: Term, value: Term) -> bool:
    return not isinstance(value, ox.Literal) and data.is_instance(value, cls)


def _is_kind(kinds: tuple[type, ...], value: Term) -> bool:
    return isinstance(value, kinds)


def _counted(least: int | None, most: int | None, _focus: Term, values: list[Term]) -> bool:
    return (least is None or len(values) >= least) and (most is None or len(values) <= most)


def _has_length(least: int | None, most: int | None, value: Term) -> bool:
    """sh:minLength/sh:maxLength: of an IRI's or a literal's text; a blank node has none."""
    if isinstance(value, ox.BlankNode):
        return False
    length = len(value.value)
    return (least is None or length >= least) and (most is None or length <= most)


def _matches(regex: re.Pattern[str], value: Term) -> bool:
    return not isinstance(value, ox.BlankNode) and regex.search(value.value) is not None


def _fails(shape: _Shape, value: Term) -> bool:
    return not shape.conforms(value)


def _has_value(wanted: Term, _focus: Term, values: list[Term]) -> bool:
    return wanted in values


_NODE_KINDS: dict[str, tuple[type, ...]] = {
    SH + "IRI": (ox.NamedNode,),
    SH + "BlankNode": (ox.BlankNode,),
    SH + "Literal": (ox.Literal,),
    SH + "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    SH + "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    SH + "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}

#: for each value-range parameter: does the comparison of value with bound (-1, 0, 1) pass?
_RANGES: dict[str, Callable[[int], bool]] = {
    "minExclusive": lambda c: c > 0,
    "minInclusive": lambda c: c >= 0,
    "maxExclusive": lambda c: c < 0,
    "maxInclusive": lambda c: c <= 0,
}


def _integer(node: Any, name: str) -> int:
    from rdflib import Literal

    value = node.toPython() if isinstance(node, Literal) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise NotInFastEngine(f"sh:{name} is not an integer")
    return value


def _is_true(node: Any) -> bool:
    """Whether NODE is the literal true, the one value SHACL gives these parameters effect
    with (W3C test core/property/uniqueLang-002; rdflib, which reads the shapes, writes
    "1"^^xsd:boolean as "true" unless told not to normalise)."""
    from rdflib import XSD, Literal

    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def _regex(pattern: str, flags: list[str]) -> re.Pattern[str]:
    if len(flags) > 1:
        raise NotInFastEngine("more than one sh:flags")
    combined = 0
    for letter in flags[0] if flags else "":
        if letter not in _REGEX_FLAGS:
            raise NotInFastEngine(f"the regular-expression flag {letter!r}")
        combined |= _REGEX_FLAGS[letter]
    try:
        return re.compile(pattern, combined)
    except re.error as exc:
        raise NotInFastEngine(f"the pattern {pattern!r}: {exc}") from None


def _language_in(ranges: list[str], value: Term) -> bool:
    """SPARQL langMatches (RFC 4647 basic filtering) against any of RANGES."""
    if not isinstance(value, ox.Literal) or not value.language:
        return False
    tag = value.language.lower()
    return any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)


def _languages_unique(_focus: Term, values: list[Term]) -> bool:
    tags = [v.language.lower() for v in values if isinstance(v, ox.Literal) and v.language]
    return len(tags) == len(set(tags))


def _pair_check(name: str, predicate: Term, data: DataIndex) -> Check:
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals (SHACL 4.5)."""
    if name == "equals":
        return lambda focus, values: set(values) == set(data.objects(focus, predicate))
    if name == "disjoint":
        return lambda focus, values: not set(values) & set(data.objects(focus, predicate))
    accepts = _RANGES["maxExclusive" if name == "lessThan" else "maxInclusive"]

    def ordered(focus: Term, values: list[Term]) -> bool:
        others = data.objects(focus, predicate)
        for v in values:
            for o in others:
                c = _compare(v, o)
                if c is None or not accepts(c):
                    return False
        return True

    return ordered


def _logical(name: str, members: list[_Shape]) -> Callable[[Term], bool]:
    if name == "and":
        return lambda v: all(m.conforms(v) for m in members)
    if name == "or":
        return lambda v: any(m.conforms(v) for m in members)
    return lambda v: sum(1 for m in members if m.conforms(v)) == 1


def _in_range(bound: Term, accepts: Callable[[int], bool], value: Term) -> bool:
    c = _compare(value, bound)
    return c is not None and accepts(c)


# --- literals: well-formedness and order

_NUMERIC = {
    XSD + n
    for n in (
        "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "positiveInteger",
    )
}  # fmt: skip
#: the value space each XSD datatype's values must be in (what pySHACL, through rdflib, checks)
_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    XSD + "string": (str,),
    RDF + "langString": (str,),
    XSD + "integer": (int,),
    XSD + "float": (float,),
    XSD + "decimal": (Decimal,),
    XSD + "boolean": (bool,),
    XSD + "date": (dt.date,),
    XSD + "time": (dt.time,),
    XSD + "dateTime": (dt.datetime,),
}


def _well_formed(value: ox.Literal) -> bool:
    from serkg.checks.nodes import quiet_rdflib
    from serkg.terms import ox_to_rdflib

    with quiet_rdflib():  # rdflib logs every lexical form it cannot read
        literal = ox_to_rdflib(value)
    if getattr(literal, "ill_typed", None) is True:
        return False
    wanted = _VALUE_TYPES.get(value.datatype.value)
    if wanted is None:
        return True
    python = literal.value
    if wanted == (int,) and isinstance(python, bool):
        return False
    if wanted == (dt.date,) and isinstance(python, dt.datetime):
        return False
    return isinstance(python, wanted)


def _order_key(term: Term) -> tuple[str, Any] | None:
    """(family, value) for a literal SPARQL can order against others of its family, or None."""
    if not isinstance(term, ox.Literal):
        return None
    datatype = term.datatype.value
    text = term.value
    try:
        if datatype in _NUMERIC:
            if datatype in (XSD + "float", XSD + "double"):
                return ("number", float(text))
            number = Decimal(text.strip())
            if datatype != XSD + "decimal" and number != number.to_integral_value():
                return None
            return ("number", number)
        if datatype == XSD + "string" and not term.language:
            return ("string", text)
        if datatype == XSD + "boolean":
            return ("boolean", {"true": True, "1": True, "false": False, "0": False}[text])
        if datatype == XSD + "dateTime":
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return ("dateTime-" + ("tz" if moment.tzinfo else "local"), moment)
        if datatype == XSD + "date":
            if len(text) != 10:  # a date with a time zone: rdflib, and so pySHACL, cannot order it
                return None
            return ("date", dt.date.fromisoformat(text))
    except (ValueError, KeyError, InvalidOperation):
        return None
    return None


def _compare(left: Term, right: Term) -> int | None:
    """-1, 0 or 1 as LEFT is less than, equal to or greater than RIGHT; None if SPARQL cannot
    compare them (different kinds, an ill-typed value, a date-time with a zone against one
    without)."""
    a, b = _order_key(left), _order_key(right)
    if a is None or b is None or a[0] != b[0]:
        return None
    x, y = a[1], b[1]
    if isinstance(x, Decimal) and isinstance(y, float):
        x = float(x)
    elif isinstance(x, float) and isinstance(y, Decimal):
        y = float(y)
    if x != x or y != y:  # NaN is not ordered
        return None
    return int(x > y) - int(x < y)
