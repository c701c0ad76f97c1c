"""Reading the knowledge files: the ontology (Turtle) and the data (TriG claim bundles).

Each file is parsed once, by pyoxigraph. A data file's named graphs are claim bundles (see
docs/DESIGN.md): their triples become plain asserted triples, and each (triple, bundle) pair gets a
generated ``sk:Claim`` node that carries the bundle's provenance, so the source of any fact is one
SPARQL query away.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from serkg import cards, literal_forms
from serkg.prefixes import KG
from serkg.vocab import RDF, SK

SK_CLAIM_SUBJECT = SK.claimSubject.node
SK_CLAIM_PREDICATE = SK.claimPredicate.node
SK_CLAIM_OBJECT = SK.claimObject.node

FORMATS_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


#: pyoxigraph's parsers hold one token (an IRI, a literal) in a buffer of at most this size
MAX_TOKEN_BYTES = 16 * 1024 * 1024
#: files at least this big report their parsing progress (on a terminal, or with SERKG_PROGRESS=1)
PROGRESS_MIN_BYTES = 8 * 1024 * 1024
PROGRESS_EVERY_QUADS = 100_000
UTF8_BOM = b"\xef\xbb\xbf"


class InputError(ValueError):
    """A user-supplied file cannot be used: missing, unknown format, or a syntax error.

    ``path`` and ``line`` say where; the CLI turns this into exit code 2.
    """

    def __init__(self, message: str, path: Path | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.reason = message


def parse_file(path: Path) -> list[ox.Quad]:
    """Parse one RDF file into quads; the format comes from the file suffix.

    A leading UTF-8 byte-order mark (some editors write one) is skipped. Past
    :data:`MAX_TOKEN_BYTES` in one literal or IRI, or with a broken encoding, the error names the
    file and line. Big files report progress on standard error (see :func:`_progress_wanted`).
    """
    if not path.exists():
        raise InputError("no such file", path)
    if path.is_dir():
        raise InputError("is a folder, not an RDF file", path)
    if path.suffix.lower() in cards.CARD_SUFFIXES:
        return _compile_card(path)
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(f"unknown RDF format for suffix {path.suffix!r} (known: {known})", path)
    _quiet_rdflib_literal_warnings()
    if fmt == ox.RdfFormat.JSON_LD:
        _check_json_nesting(path)
    try:
        with path.open("rb") as stream:
            if stream.read(len(UTF8_BOM)) != UTF8_BOM:
                stream.seek(0)
            # JSON-LD: never fetch remote contexts
            quads = ox.parse(stream, format=fmt, base_iri=path.resolve().as_uri())
            return _collect(quads, path)
    except SyntaxError as exc:
        reason = _LOCATION_SUFFIX.sub("", str(exc))  # the file and line go first instead
        if "LoadDocumentCallback" in reason:  # pyoxigraph asked for a context it may not fetch
            reason = (
                "a JSON-LD @context that is not inline (a URL, a file or @import): serkg never "
                "fetches contexts; put the context itself in the file"
            )
            raise InputError(reason, path, exc.lineno) from exc
        raise InputError(f"syntax error: {plain_reason(reason)}", path, exc.lineno) from exc
    except MemoryError as exc:
        line = _first_line_longer_than(path, MAX_TOKEN_BYTES)
        raise InputError(
            f"a literal or IRI is longer than {MAX_TOKEN_BYTES // (1024 * 1024)} MiB, the "
            f"parser's limit ({exc})",
            path,
            line,
        ) from exc
    except InputError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read: {exc}", path) from exc


def _compile_card(path: Path) -> list[ox.Quad]:
    """A curation card's claim bundles, as if they were written in TriG (see :mod:`serkg.cards`)."""
    try:
        return cards.compile_card(path)
    except cards.CardError as exc:
        raise InputError(exc.reason, path, exc.line) from exc


def _collect(quads: Iterable[ox.Quad], path: Path) -> list[ox.Quad]:
    """The quads as a list, telling how far parsing got when the file is big."""
    if not _progress_wanted(path):
        out = list(quads)
    else:
        out = []
        for quad in quads:
            out.append(quad)
            if len(out) % PROGRESS_EVERY_QUADS == 0:
                print(f"serkg: reading {path}: {len(out):,} triples", file=sys.stderr, flush=True)
        print(f"serkg: read {path}: {len(out):,} triples", file=sys.stderr, flush=True)
    if any(type(q.subject) is ox.Triple or type(q.object) is ox.Triple for q in out):
        raise InputError(
            "quoted triples (RDF-star, << ... >>) are not supported: serkg states who claims "
            "a fact with a named graph per claim bundle (docs/DESIGN.md)",
            path,
            _first_line_with(path, b"<<"),
        )
    return out


#: how deep JSON may nest in a JSON-LD file: pyoxigraph 0.5 crashes (SIGSEGV) on objects nested
#: about 10,000 deep; real JSON-LD nests a few levels
MAX_JSON_NESTING = 500


def _check_json_nesting(path: Path) -> None:
    """Refuse a JSON-LD file nested deeper than :data:`MAX_JSON_NESTING`, before it is parsed
    (strings are dropped first, so brackets inside them do not count)."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", path.read_bytes())):
        depth += 1 if bracket.group() in (b"{", b"[") else -1
        if depth > MAX_JSON_NESTING:
            raise InputError(
                f"JSON nested deeper than {MAX_JSON_NESTING} levels; serkg refuses it before "
                "parsing (the JSON-LD parser would crash)",
                path,
            )


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[{}\[\]]")


def _first_line_with(path: Path, needle: bytes) -> int | None:
    """The number of the first line of PATH holding NEEDLE (read in bounded chunks)."""
    line = 1
    with path.open("rb") as stream:
        for raw in stream:
            if needle in raw:
                return line
            line += 1
    return None


def _progress_wanted(path: Path) -> bool:
    """Progress for files of PROGRESS_MIN_BYTES or more, when standard error is a terminal or
    SERKG_PROGRESS=1 (SERKG_PROGRESS=0 silences it)."""
    setting = os.environ.get("SERKG_PROGRESS")
    if setting == "0" or path.stat().st_size < PROGRESS_MIN_BYTES:
        return False
    return setting == "1" or sys.stderr.isatty()


def _first_line_longer_than(path: Path, limit: int) -> int | None:
    """The number of the first line of PATH longer than LIMIT bytes (read in bounded chunks)."""
    line, run = 1, 0
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            pieces = chunk.split(b"\n")
            for index, piece in enumerate(pieces):
                run += len(piece)
                if run > limit:
                    return line
                if index < len(pieces) - 1:
                    line, run = line + 1, 0
    return None


_LOCATION_SUFFIX = re.compile(r" \([^()]*line \d+[^()]*\)$")
_IRI_CODE_POINT = re.compile(r"Invalid IRI code point '(.)'", re.DOTALL)
_IRI_PERCENT = re.compile(r"Invalid IRI percent encoding '([^']*)'")


def plain_reason(message: str) -> str:
    """A parser's IRI complaint in words: which character is wrong, named, not quoted."""
    message = _IRI_CODE_POINT.sub(_describe_code_point, message)
    return _IRI_PERCENT.sub(
        lambda m: f"bad percent-encoding {m.group(1)!r} in an IRI (% takes two hex digits)",
        message,
    )


def _describe_code_point(match: re.Match[str]) -> str:
    char = match.group(1)
    if char == " ":
        return "IRIs cannot contain spaces"
    if char == "\ufeff":
        return "a byte-order mark (U+FEFF) is not allowed here"
    return f"IRIs cannot contain U+{ord(char):04X} ({char.encode('unicode_escape').decode()})"


class _LiteralConversionFilter(logging.Filter):
    """rdflib logs a warning with a traceback for each ill-typed literal ("abc"^^xsd:integer)
    it meets; the SHACL datatype check reports the same literal as a violation, clearly."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


def _quiet_rdflib_literal_warnings() -> None:
    # rdflib also warns ("Parsing weird boolean") through `warnings`, with its own file path: the
    # ill-typed-literal QC check names the literal, its entity and property instead
    warnings.filterwarnings("ignore", category=UserWarning, module=r"rdflib\.term")
    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _LiteralConversionFilter) for f in logger.filters):
        logger.addFilter(_LiteralConversionFilter())


@dataclass
class KnowledgeBase:
    """The asserted graph, split by origin so that stages can take the part they need."""

    ontology: list[ox.Triple] = field(default_factory=list)
    facts: list[ox.Triple] = field(default_factory=list)
    claims: list[ox.Triple] = field(default_factory=list)
    #: where each fact was stated: triple -> [(file, bundle IRI)]
    origins: dict[ox.Triple, list[tuple[Path, str | None]]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    #: the facts as a set, for membership tests while loading
    fact_set: set[ox.Triple] = field(default_factory=set, repr=False)

    @property
    def asserted(self) -> list[ox.Triple]:
        """Ontology + facts + generated claims: the content of ``serkg.ttl``."""
        seen: set[ox.Triple] = set()
        out: list[ox.Triple] = []
        for triple in (*self.ontology, *self.facts, *self.claims):
            if triple not in seen:
                seen.add(triple)
                out.append(triple)
        return out

    @property
    def data(self) -> list[ox.Triple]:
        """Facts and claims without the ontology (what SHACL validates)."""
        return self.facts + self.claims


def claim_iri(triple: ox.Triple, bundle: str) -> ox.NamedNode:
    """A stable IRI for the claim that BUNDLE states TRIPLE (same input, same IRI, every build)."""
    digest = hashlib.sha1(f"{triple} {bundle}".encode()).hexdigest()[:16]
    return ox.NamedNode(f"{KG}claim-{digest}")


def load_knowledge(ontology_files: Sequence[Path], data_files: Sequence[Path]) -> KnowledgeBase:
    """Parse the ontology and the data files and flatten the claim bundles."""
    kb = KnowledgeBase()
    for path in ontology_files:
        kb.ontology.extend(
            q.triple for q in stable_blank_nodes(path, parse_stored_as_written(path))
        )
        kb.files.append(path)
    for path in data_files:
        add_data_file(kb, path, stable_blank_nodes(path, parse_stored_as_written(path)))
        kb.files.append(path)
    return kb


def stable_blank_nodes(path: Path, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """QUADS with their blank nodes named by PATH's content and their order of first use.

    The parser names blank nodes at random, so every build would write different labels into
    serkg.ttl, .nt, .trig and .jsonld; a release must be byte-identical when its sources are
    (docs/releases.md). The label depends on the file's bytes, not on where it is installed.
    """
    if not any(_has_blank_node(q) for q in quads):
        return list(quads)
    salt = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def rename(term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        if term not in names:
            names[term] = ox.BlankNode(f"b{salt}n{len(names)}")
        return names[term]

    return [
        ox.Quad(rename(q.subject), q.predicate, rename(q.object), rename(q.graph_name))
        if _has_blank_node(q)
        else q
        for q in quads
    ]


def _has_blank_node(quad: ox.Quad) -> bool:
    return (
        isinstance(quad.subject, ox.BlankNode)
        or isinstance(quad.object, ox.BlankNode)
        or isinstance(quad.graph_name, ox.BlankNode)
    )


def parse_stored_as_written(path: Path) -> list[ox.Quad]:
    """Parse one knowledge file and refuse it if the store would rewrite one of its literals.

    What is validated must be what is stored, served and exported (see :mod:`serkg.literal_forms`).
    """
    quads = parse_file(path)
    rewrites = literal_forms.rewrites_in(path, quads)
    if rewrites:
        first = rewrites[0].lines
        raise InputError(literal_forms.describe(rewrites), path, first[0] if first else None)
    return quads


def add_data_file(kb: KnowledgeBase, path: Path, quads: Iterable[ox.Quad]) -> None:
    """Add one parsed data file: bundles flattened with claims, default graph kept as it is."""
    quads = list(quads)
    bundles = {q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    bundle_meta: dict[
        ox.NamedNode | ox.BlankNode,
        list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]],
    ] = defaultdict(list)
    claim_subjects = {
        q.subject for q in quads if q.predicate == RDF.type.node and q.object == SK.Claim.node
    }
    seen_facts = kb.fact_set
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            if quad.subject in bundles:
                bundle_meta[quad.subject].append((quad.predicate, quad.object))  # type: ignore[index]
            else:
                triple = quad.triple
                if triple not in seen_facts:
                    kb.facts.append(triple)
                    seen_facts.add(triple)
                kb.origins.setdefault(triple, []).append((path, None))
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        triple = quad.triple
        bundle = quad.graph_name
        if triple not in seen_facts:
            kb.facts.append(triple)
            seen_facts.add(triple)
        kb.origins.setdefault(triple, []).append((path, bundle.value))
        if quad.subject in claim_subjects:
            continue  # hand-written claims carry their own provenance
        claim = claim_iri(triple, bundle.value)
        kb.claims.append(ox.Triple(claim, RDF.type.node, SK.Claim.node))
        kb.claims.append(ox.Triple(claim, SK_CLAIM_SUBJECT, triple.subject))
        kb.claims.append(ox.Triple(claim, SK_CLAIM_PREDICATE, triple.predicate))
        kb.claims.append(ox.Triple(claim, SK_CLAIM_OBJECT, triple.object))
        for predicate, value in bundle_meta.get(bundle, []):
            kb.claims.append(ox.Triple(claim, predicate, value))


def interchangeable_claims(
    triples: Sequence[ox.Triple], exclude: Iterable[object] = ()
) -> list[list[Any]]:
    """Groups of claims that differ only in what they are about, each sorted, representative first.

    A claim that nothing points to (every generated claim) is described by its
    sk:claimSubject/Predicate/Object and its bundle's metadata. Claims with the same metadata and
    the same number and kinds of parts form a group: a check that looks at the parts only through
    their number and kind (SHACL, see :mod:`serkg.checks`), or not at all (OWL 2 RL under
    :mod:`serkg.reasoning`'s conditions), says of every member what it says of the first.
    Claims in EXCLUDE are left out.
    """
    claims = {
        t.subject for t in triples if t.predicate == RDF.type.node and t.object == SK.Claim.node
    }
    claims.difference_update(exclude)
    claims.difference_update([t.object for t in triples if t.object in claims])
    parts = {SK_CLAIM_SUBJECT, SK_CLAIM_PREDICATE, SK_CLAIM_OBJECT}
    metadata: dict[Any, list[tuple[ox.NamedNode, object]]] = defaultdict(list)
    kinds: dict[Any, list[tuple[str, str]]] = defaultdict(list)
    for t in triples:
        if t.subject not in claims:
            continue
        if t.predicate in parts:
            kinds[t.subject].append((t.predicate.value, type(t.object).__name__))
        else:
            metadata[t.subject].append((t.predicate, t.object))
    groups: dict[object, list[Any]] = defaultdict(list)
    for claim in claims:
        groups[(frozenset(metadata[claim]), tuple(sorted(kinds[claim])))].append(claim)
    return sorted(
        (sorted(members, key=str) for members in groups.values()), key=lambda m: str(m[0])
    )
