"""Where a violation was stated: the file and, best effort, the line of its triple."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg.checks.nodes import (
    parse_node,
)
from serkg.checks.results import Violation
from serkg.prefixes import SK, compress
from serkg.prefixes import expand as expand_curie
from serkg.vocab import RDF

if TYPE_CHECKING:
    import rdflib


Origins = Mapping[ox.Triple, Sequence[tuple[Path, str | None]]]


Stated = list[tuple[ox.Triple, Path, str | None]]
LinesOf = Callable[[Path], list[str]]


def locate(violations: Sequence[Violation], data: rdflib.Graph, origins: Origins) -> None:
    """Fill in ``file`` and ``line`` of each violation from where its triples were stated.

    A generated claim has no text of its own: it points at the bundle that stated its triple.
    """
    from serkg.terms import rdflib_to_ox

    if all(v.file is not None for v in violations):
        return  # nothing to locate: indexing every stated triple took 7 s at 1M triples
    by_subject: dict[Any, Stated] = defaultdict(list)
    for triple, places in origins.items():
        for path, bundle in places:
            by_subject[triple.subject].append((triple, path, bundle))
    lines_of = _line_reader()
    for v in violations:
        if v.file is not None:
            continue
        focus = _located_focus(v, data, by_subject)
        stated = by_subject.get(rdflib_to_ox(focus), [])
        if stated:
            _locate_stated(v, stated, lines_of)
        else:  # a generated claim: find the bundle that stated its triple
            _locate_generated_claim(v, focus, data, origins, lines_of)


def _line_reader() -> LinesOf:
    """The lines of a file, read once (none for a file that cannot be read)."""
    texts: dict[Path, list[str]] = {}

    def lines_of(path: Path) -> list[str]:
        if path not in texts:
            try:
                texts[path] = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                texts[path] = []
        return texts[path]

    return lines_of


def _claim_parts() -> tuple[Any, Any, Any]:
    from rdflib import URIRef

    subject, predicate, obj = (
        URIRef(SK + n) for n in ("claimSubject", "claimPredicate", "claimObject")
    )
    return subject, predicate, obj


def _located_focus(v: Violation, data: rdflib.Graph, by_subject: Mapping[Any, Stated]) -> Any:
    """The node whose statement V is located at: its focus, or the claim it names as its value."""
    from serkg.terms import rdflib_to_ox

    focus = parse_node(v.focus)
    if v.value and v.value.startswith("kg:claim-"):  # a claim without evidence: its bundle
        claim = parse_node(expand_curie(v.value))
        if (
            data.value(claim, _claim_parts()[0]) is not None
            and rdflib_to_ox(claim) not in by_subject
        ):
            focus = claim
    return focus


def _locate_generated_claim(
    v: Violation, focus: Any, data: rdflib.Graph, origins: Origins, lines_of: LinesOf
) -> None:
    """Point V at the bundle that stated the triple of the generated claim FOCUS."""
    from serkg.loading import claim_iri
    from serkg.terms import rdflib_to_ox

    s, p, o = (data.value(focus, part) for part in _claim_parts())
    if s is None or p is None or o is None:
        return
    triple = ox.Triple(rdflib_to_ox(s), rdflib_to_ox(p), rdflib_to_ox(o))  # type: ignore[arg-type]
    places = origins.get(triple, [])
    mine = [(p_, b) for p_, b in places if b and claim_iri(triple, b).value == str(focus)]
    for path, bundle in mine or places:
        v.file = str(path)
        if bundle:
            v.line = _find_line(lines_of(path), bundle, None, None)
        break


def _locate_stated(v: Violation, stated: Stated, lines_of: LinesOf) -> None:
    """Point V at the statement of its focus, preferring one with its path (and value)."""
    from serkg.terms import ox_to_rdflib

    preferred = [t for t in stated if v.path and t[0].predicate.value == v.path] or stated
    triple, path, _bundle = preferred[0]
    v.file = str(path)
    value_text = None
    if v.value is not None and v.path and preferred is not stated:
        value_text = _value_token(ox_to_rdflib(triple.object)) if len(preferred) == 1 else None
    v.line = _find_line(lines_of(path), v.focus, v.path, value_text)


def _find_line(
    lines: list[str], subject_iri: str, predicate_iri: str | None, value_text: str | None
) -> int | None:
    """Best effort: the line where SUBJECT's statement mentions PREDICATE (1-based)."""
    subject_re = _term_regex(subject_iri)
    mentions = [i for i, line in enumerate(lines) if subject_re.search(line)]
    if not mentions:
        return None
    starts = [i for i in mentions if subject_re.match(lines[i].lstrip())] or mentions
    if predicate_iri is None:
        return starts[0] + 1
    predicate_re = (
        re.compile(r"(^|\s)a(\s|$)") if predicate_iri == RDF.type else _term_regex(predicate_iri)
    )
    fallback = None
    for start in starts:
        for j in range(start, min(start + 200, len(lines))):
            line = lines[j]
            if j > start and (subject_re.match(line.lstrip()) or line.strip().startswith("}")):
                break
            if predicate_re.search(line):
                if value_text is None or value_text in line:
                    return j + 1
                fallback = fallback or j + 1
            if re.search(r"\.\s*(#.*)?$", line) and not line.rstrip().endswith(("...", '."', ".'")):
                break
    return fallback or starts[0] + 1


def _term_regex(iri: str) -> re.Pattern[str]:
    """A regex for IRI written as <IRI> or as any prefixed name with its local part."""
    local = re.split(r"[/#]", iri)[-1]
    namespace = iri[: len(iri) - len(local)]
    curie = compress(iri)
    options = [re.escape(f"<{iri}>")]
    if local:
        options.append(r"(?<![\w<])[A-Za-z][\w.-]*:" + re.escape(local) + r"(?![\w-])")
        options.append(r"(?<![\w<]):" + re.escape(local) + r"(?![\w-])")
    if curie != iri:
        options.append(r"(?<![\w<])" + re.escape(curie) + r"(?![\w-])")
    if not local:
        options.append(re.escape(namespace))
    return re.compile("|".join(options))


def _value_token(term: Any) -> str | None:
    from rdflib import Literal, URIRef

    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, URIRef):
        return re.split(r"[/#_]", str(term))[-1] or None
    return None
