"""Literals in the form the store keeps, so that what is validated is what is stored and served.

Oxigraph stores numbers, booleans and dates by value: it writes ``"30.0"^^xsd:decimal`` back as
``"30"``, ``"43"^^xsd:nonNegativeInteger`` as ``"43"^^xsd:integer``, ``"1"^^xsd:boolean`` as
``"true"``. A data file holding such a literal would be validated in one form and stored, queried
and exported in another, so the loader refuses it and names the file, the lines and the form to
write. What the store would keep is found by an actual round trip through an in-memory Oxigraph
store (the same term encoding as the on-disk one), not by a list of rules that could drift from
the store's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from serkg.vocab import display_term

_ROUND_TRIP_PREDICATE = ox.NamedNode("urn:serkg:literal-form")
#: how many rewritten literals one error message lists
_LISTED = 10


@dataclass(frozen=True)
class Rewrite:
    """A literal of a file that the store would keep in another form, and where it was written."""

    written: ox.Literal
    stored: ox.Literal
    lines: tuple[int, ...]

    def __str__(self) -> str:
        label = "line" if len(self.lines) == 1 else "lines"
        where = f"{label} {', '.join(map(str, self.lines))}: " if self.lines else ""
        return f"{where}{turtle(self.written)} is stored as {turtle(self.stored)}"


def stored_forms(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each of LITERALS that a store keeps in another form, mapped to the form it keeps."""
    distinct = list(dict.fromkeys(literals))
    store = ox.Store()
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:serkg:literal:{i}"), _ROUND_TRIP_PREDICATE, literal)
        for i, literal in enumerate(distinct)
    )
    rewritten: dict[ox.Literal, ox.Literal] = {}
    for quad in store.quads_for_pattern(None, _ROUND_TRIP_PREDICATE, None):
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode):  # only the subjects minted above are here
            continue
        written = distinct[int(subject.value.rpartition(":")[2])]
        if quad.object != written:
            rewritten[written] = quad.object  # type: ignore[assignment]
    return rewritten


def rewrites_in(path: Path, quads: Sequence[ox.Quad]) -> list[Rewrite]:
    """The literals of one parsed file that the store would rewrite, with their lines in PATH."""
    found = stored_forms(q.object for q in quads if isinstance(q.object, ox.Literal))
    if not found:
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    rewrites = [Rewrite(w, s, _lines_of(lines, w)) for w, s in found.items()]
    return sorted(rewrites, key=lambda r: (r.lines or (0,), str(r.written)))


def describe(rewrites: Sequence[Rewrite]) -> str:
    """The loader's message: how many, the first few, and what to do."""
    listed = "; ".join(str(r) for r in rewrites[:_LISTED])
    more = f"; and {len(rewrites) - _LISTED} more" if len(rewrites) > _LISTED else ""
    return (
        f"{len(rewrites)} literal(s) the store would rewrite, so what is validated would not be "
        f"what is stored: {listed}{more}. Write each in the form the store keeps "
        "(docs/DESIGN.md, Datatypes)"
    )


def turtle(literal: ox.Literal) -> str:
    """A literal as a curator writes it in Turtle, with a prefixed datatype."""
    return display_term(literal, turtle_literals=True)


def _lines_of(lines: Sequence[str], literal: ox.Literal) -> tuple[int, ...]:
    """1-based lines where LITERAL is written: quoted, or as a bare number or boolean."""
    value = re.escape(literal.value)
    quoted = re.compile(rf'"{value}"')
    bare = re.compile(rf'(?<![\w."\'-]){value}(?![\w."\'])')
    found = []
    for number, line in enumerate(lines, 1):
        code = line.lstrip()
        if code.startswith("#"):
            continue
        if quoted.search(line) or any(
            line[: m.start()].count('"') % 2 == 0 for m in bare.finditer(line)
        ):
            found.append(number)
    return tuple(found)
