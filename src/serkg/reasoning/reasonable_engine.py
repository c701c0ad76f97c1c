"""The default engine: ``reasonable`` (Rust, about 50x faster than owlrl), plus :mod:`.rules`.

Most of its cost at 100k triples was term conversion, so triples cross the boundary as
N-Triples lines and plain strings (:class:`NTriplesBoundary`, :func:`plain_terms`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg.reasoning.index import TripleIndex
from serkg.reasoning.ontology import Ontology
from serkg.reasoning.rules import feeds_other_rules, supplementary_rules
from serkg.reasoning.vocabulary import (
    OWL,
    OWL_SAME_AS,
    RDF,
    TOP_CLASS_IRIS,
    XSD,
)


class PlainIri(str):
    """An IRI as ``reasonable`` hands it over while :func:`plain_terms` is active."""

    __slots__ = ()


class PlainBlank(str):
    """A blank node label, likewise."""

    __slots__ = ()


class PlainLiteral(tuple[str, Any, Any]):
    """A literal as (lexical form, datatype IRI or None, language or None), likewise."""

    __slots__ = ()


def _plain_literal(value: Any, lang: Any = None, datatype: Any = None) -> PlainLiteral:
    return PlainLiteral((str(value), None if datatype is None else str(datatype), lang or None))


@contextmanager
def plain_terms() -> Iterator[None]:
    """Let ``reasonable`` build plain strings instead of rdflib terms for its output.

    ``reasonable`` 0.4 looks ``URIRef``, ``BNode`` and ``Literal`` up on the ``rdflib`` module
    for every term it returns; rdflib's constructors validate each IRI and made up two thirds
    of a ``reason()`` call at 100k triples. They are swapped for string types only for the
    duration of the call (reasoning runs in the build's one thread) and always put back.
    """
    import rdflib

    saved = (rdflib.URIRef, rdflib.BNode, rdflib.Literal)
    rdflib.URIRef, rdflib.BNode, rdflib.Literal = PlainIri, PlainBlank, _plain_literal  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        rdflib.URIRef, rdflib.BNode, rdflib.Literal = saved  # type: ignore[misc]


class NTriplesBoundary:
    """Asserted triples -> ``reasonable`` as an N-Triples file; its output -> new pyoxigraph triples.

    Converting 100k triples to rdflib terms and back term by term cost seconds; here every triple
    is keyed by its N-Triples line (pyoxigraph writes the input file, and the same line is built
    from each output triple), so the set difference and the trivia drops run on plain strings
    and only the few new lines are parsed back by pyoxigraph. rdflib rewrites some typed lexical
    forms when it creates a literal ("01" -> "1" for xsd:integer), and the rdflib-based boundary
    (:class:`serkg.reasoning.owlrl_engine.RdflibBoundary`) saw every literal in that form: the same rewriting is applied to output
    literals and to the keys of asserted ones, so the result is the same, line for line.
    """

    def __init__(
        self, asserted: Sequence[ox.Triple], weights: Mapping[str, int] | None = None
    ) -> None:
        """WEIGHTS: how many claims each reasoned-once claim stands for, by its N-Triples form
        (a dropped triple about it counts that many times)."""
        from rdflib import BNode, Literal, URIRef

        self.rdflib_types = (URIRef, BNode, Literal)
        data = ox.serialize(list(asserted), format=ox.RdfFormat.N_TRIPLES) or b""
        self.ntriples = data
        lines = data.decode("utf-8").splitlines()
        self.seen: set[str] = {line[:-2] for line in lines}
        typed = "".join(line + "\n" for line in lines if '"^^<' in line)  # xsd:string has no ^^
        for quad in ox.parse(typed, format=ox.RdfFormat.N_TRIPLES):
            o = quad.object
            if isinstance(o, ox.Literal):
                lexical = self._rdflib_lexical(o.value, o.datatype.value)
                if lexical != o.value:
                    rewritten = ox.Literal(lexical, datatype=o.datatype)
                    self.seen.add(str(ox.Triple(quad.subject, quad.predicate, rewritten)))
        self.weights = dict(weights or {})
        #: owl:sameAs lines between different terms seen in the output (kept or dropped)
        self.equalities = 0
        self.literals: dict[tuple[str, Any, Any], str] = {}
        self.dropped = {"literal_subject": 0, "same_as_self": 0, "top_class_typing": 0}
        self.type_key = f"<{RDF}type>"
        self.same_as_key = f"<{OWL}sameAs>"
        self.top_keys = frozenset(f"<{iri}>" for iri in TOP_CLASS_IRIS)

    def _rdflib_lexical(self, lexical: str, datatype: str) -> str:
        """LEXICAL as an rdflib literal of DATATYPE spells it."""
        uri_type, _bnode, literal_type = self.rdflib_types
        return str(literal_type(lexical, datatype=uri_type(datatype)))

    def _key(self, term: Any) -> str:
        """TERM (plain or rdflib) in N-Triples, as pyoxigraph writes it."""
        kind = type(term)
        uri_type, bnode_type, _literal_type = self.rdflib_types
        if kind is PlainIri or kind is uri_type:
            return f"<{term}>"
        if kind is PlainBlank or kind is bnode_type:
            return f"_:{term}"
        if kind is PlainLiteral:
            lexical, datatype, language = term
            cache = term
        else:
            lexical, language = str(term), term.language
            datatype = None if term.datatype is None else str(term.datatype)
            cache = (lexical, datatype, language)
        key = self.literals.get(cache)
        if key is None:
            if language:
                literal = ox.Literal(lexical, language=language)
            elif datatype is None or datatype == XSD + "string":
                literal = ox.Literal(lexical)
            else:
                if kind is PlainLiteral:
                    lexical = self._rdflib_lexical(lexical, datatype)
                literal = ox.Literal(lexical, datatype=ox.NamedNode(datatype))
            key = self.literals[cache] = str(literal)
        return key

    def new_triples(self, output: Iterable[tuple[Any, Any, Any]]) -> list[ox.Triple]:
        """Triples of OUTPUT not seen before, converted; trivia counted in :attr:`dropped`."""
        seen, dropped, key = self.seen, self.dropped, self._key
        type_key, same_as_key, top_keys = self.type_key, self.same_as_key, self.top_keys
        lines: list[str] = []
        for s, p, o in output:
            sk, pk, ok = key(s), key(p), key(o)
            line = f"{sk} {pk} {ok}"
            if line in seen:
                continue
            seen.add(line)
            if pk == same_as_key and sk != ok:
                self.equalities += 1
            if sk[0] == '"':
                dropped["literal_subject"] += 1
            elif pk == same_as_key and sk == ok:
                dropped["same_as_self"] += self.weights.get(sk, 1)
            elif pk == type_key and ok in top_keys:
                dropped["top_class_typing"] += self.weights.get(sk, 1)
            else:
                lines.append(line)
        if not lines:
            return []
        text = " .\n".join(lines) + " .\n"
        return [q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]


def run_reasonable(
    asserted: Sequence[ox.Triple], ontology: Ontology, weights: Mapping[str, int] | None = None
) -> tuple[list[ox.Triple], dict[str, int], list[str], int]:
    """reasonable's OWL 2 RL, plus prp-spo2 and prp-key, repeated until nothing new appears.

    Returns (new triples, trivia dropped, errors, owl:sameAs derived between different terms).

    The asserted triples reach ``reasonable`` through its own Turtle parser (an N-Triples file
    written by pyoxigraph) and its output comes back as plain strings (:func:`plain_terms`):
    both much faster than rdflib terms.
    """
    import tempfile

    import reasonable

    from serkg.terms import ox_to_rdflib

    boundary = NTriplesBoundary(asserted, weights)
    reasoner = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory(prefix="serkg-reason-") as folder:
        path = Path(folder) / "asserted.ttl"
        path.write_bytes(boundary.ntriples)
        boundary.ntriples = b""  # memory: the reasoner has its own copy now
        reasoner.load_file(str(path))
    closure = TripleIndex(asserted)
    derived: list[ox.Triple] = []
    while True:
        with plain_terms():
            output = reasoner.reason()
        fresh = boundary.new_triples(output)
        derived.extend(fresh)
        closure.add_all(fresh)
        extra = [t for t in set(supplementary_rules(closure, ontology)) if t not in closure]
        if not extra:
            break
        if not feeds_other_rules({t.predicate for t in extra}, ontology):
            derived.extend(extra)  # another round would only type the new objects owl:Thing
            break
        reasoner.from_graph(
            [
                (ox_to_rdflib(t.subject), ox_to_rdflib(t.predicate), ox_to_rdflib(t.object))
                for t in extra
            ]
        )
    equalities = boundary.equalities + sum(
        1 for t in derived if t.predicate == OWL_SAME_AS and t.subject != t.object
    )
    return derived, boundary.dropped, [], equalities
