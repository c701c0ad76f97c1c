"""Import modules: the slice of an external ontology (MONDO, GO, HP, ChEBI, UBERON, NCBITaxon)
that our data uses, kept in ``ontology/imports/<ontology>_import.ttl`` as ODK projects keep theirs.

A module is a bottom-up extract (ROBOT's BOT method restricted to named classes): the seed terms
plus every ``rdfs:subClassOf`` ancestor reached through named classes, each with its label and
its named parents; definitions are not copied, obsolete terms are flagged ``owl:deprecated``.
Existential restrictions (``part_of`` and friends) are not followed. The source is a local OBO,
RDF/XML or Turtle release file, so a project can refresh its modules from a release it
downloaded, offline. The output is sorted, so the same inputs give the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from serkg.loading import InputError, parse_file
from serkg.prefixes import PREFIX_MAP
from serkg.vocab import OWL, RDF, RDFS

OBO = PREFIX_MAP["obo"]
IAO_REPLACED_BY = OBO + "IAO_0100001"

#: The ontologies we keep modules for: name used in file names -> OBO ID prefix.
IMPORTED_ONTOLOGIES = {
    "mondo": "MONDO",
    "go": "GO",
    "hp": "HP",
    "chebi": "CHEBI",
    "uberon": "UBERON",
    "ncbitaxon": "NCBITaxon",
}

SOURCE_FORMATS = {".obo": "OBO", ".owl": "RDF/XML", ".rdf": "RDF/XML", ".xml": "RDF/XML"}
SOURCE_FORMATS[".ttl"] = "Turtle"
SOURCE_FORMATS[".tsv"] = "TSV"

#: A TSV source is either an edge table (KGX ``*_edges.tsv``, as ODK writes for subsets):
#: ``subject``/``predicate``/``object`` columns, a subclass edge where the predicate is one of
#: ``_TSV_SUBCLASS``; or a label table (KGX ``*_nodes.tsv``, ROBOT report ``class-stats.tsv``):
#: an id column and a label column, the first of each list the header has.
_TSV_SUBCLASS = {"biolink:subclass_of", "rdfs:subClassOf"}
_TSV_ID_COLUMNS = ("id", "cls", "?cls", "c", "?c")
_TSV_LABEL_COLUMNS = ("name", "cls_label", "?cls_label", "clsLabel", "?clsLabel", "n", "?n")

EXTRACTION_METHOD = (
    "Extracted with `serkg imports extract` (BOT method over named classes): the seed terms "
    "plus every rdfs:subClassOf ancestor reached through named classes, up to the ontology's "
    "root. Labels are copied; definitions and other annotations are not; existential "
    "restrictions are not followed; obsolete terms are flagged owl:deprecated."
)

_OBO_ID = re.compile(r"^([A-Za-z][A-Za-z0-9_]*):([A-Za-z0-9_.\-]+)$")
_EXTERNAL_TERM = re.compile(
    r"^" + re.escape(OBO) + r"(" + "|".join(IMPORTED_ONTOLOGIES.values()) + r")_[0-9]+$"
)


class MissingTermsError(ValueError):
    """Seed terms the source ontology does not hold; the CLI exits 1 and writes nothing."""

    def __init__(self, missing: Sequence[str], sources: Sequence[Path]) -> None:
        names = ", ".join(str(p) for p in sources)
        super().__init__(
            f"{len(missing)} seed term(s) not found in {names}: " + ", ".join(map(curie, missing))
        )
        self.missing = list(missing)


@dataclass
class Term:
    """One class of a source ontology: what a module copies of it."""

    iri: str
    label: str | None = None
    parents: set[str] = field(default_factory=set)
    obsolete: bool = False
    replaced_by: set[str] = field(default_factory=set)


@dataclass
class SourceOntology:
    """A parsed release file: its terms and what it says about its own release."""

    path: Path
    terms: dict[str, Term]
    ontology: str | None = None
    version: str | None = None


@dataclass
class SourceRelease:
    """How a module header names one source file: its file name, where it was published
    (``iri``, e.g. a repository URL pinned to a commit) and the release it says it is."""

    file_name: str
    iri: str | None
    ontology: str | None
    version: str | None


@dataclass
class Module:
    """An extracted import module, ready to be written as Turtle."""

    iri: str
    terms: dict[str, Term]
    sources: list[SourceRelease]


def obo_iri(identifier: str) -> str:
    """``GO:0008150`` -> ``http://purl.obolibrary.org/obo/GO_0008150``; IRIs pass through."""
    identifier = identifier.strip()
    if identifier.startswith(("http://", "https://")):
        return identifier
    match = _OBO_ID.match(identifier)
    if match is None:
        raise ValueError(f"not an OBO identifier or IRI: {identifier!r}")
    return f"{OBO}{match.group(1)}_{match.group(2)}"


def curie(iri: str) -> str:
    """The OBO CURIE of an OBO PURL (``GO:0008150``), or the IRI itself."""
    if iri.startswith(OBO):
        local = iri[len(OBO) :]
        prefix, sep, rest = local.partition("_")
        if sep and prefix.isalnum() and rest:
            return f"{prefix}:{rest}"
    return iri


# ------------------------------------------------------------------------------------ reading
def read_source(path: Path) -> SourceOntology:
    """Parse a release file; the format comes from the suffix (.obo, .owl/.rdf/.xml, .ttl, .tsv)."""
    if not path.exists():
        raise InputError("no such file", path)
    if path.is_dir():
        raise InputError("is a folder, not an ontology file", path)
    fmt = SOURCE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(SOURCE_FORMATS))
        raise InputError(
            f"unknown ontology format for suffix {path.suffix!r} (known: {known})", path
        )
    if fmt == "OBO":
        return _read_obo(path)
    if fmt == "TSV":
        return _read_tsv(path)
    return _read_rdf(path)


def _obo_value(raw: str) -> str:
    """A tag's value without its trailing ``{qualifiers}`` and ``! comment``."""
    value = raw.split(" ! ", 1)[0].strip()
    if value.endswith("}") and "{" in value:
        value = value[: value.rindex("{")].strip()
    return value


def _unescape_obo(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def _read_obo(path: Path) -> SourceOntology:
    """A small reader of OBO 1.2/1.4 ``[Term]`` stanzas: id, name, is_a, is_obsolete,
    replaced_by, and the header's ``ontology`` and ``data-version``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path) from exc
    return _OboReader(path).read(lines)


@dataclass
class _OboReader:
    """The state of one pass over an OBO file: the header, the terms, the open stanza."""

    path: Path
    header: dict[str, str] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    stanza: str | None = None
    current: Term | None = None
    stanza_line: int = 0

    def read(self, lines: Iterable[str]) -> SourceOntology:
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith("!"):
                continue
            if text.startswith("[") and text.endswith("]"):
                self._finish_stanza()
                self.stanza, self.current, self.stanza_line = text[1:-1], None, number
                continue
            tag, sep, raw = text.partition(":")
            if not sep:
                raise InputError(f"expected 'tag: value', got {text[:60]!r}", self.path, number)
            self._read_tag(tag.strip(), raw.strip(), number)
        self._finish_stanza()
        version = self.header.get("data-version") or self.header.get("date")
        return SourceOntology(self.path, self.terms, self.header.get("ontology"), version)

    def _finish_stanza(self) -> None:
        if self.stanza == "Term" and self.current is None:
            raise InputError("[Term] stanza without an id", self.path, self.stanza_line)

    def _read_tag(self, tag: str, raw: str, number: int) -> None:
        if self.stanza is None:
            self.header.setdefault(tag, raw)
            return
        if self.stanza != "Term":
            return
        if tag == "id":
            if self.current is not None:
                raise InputError("second id in one [Term] stanza", self.path, number)
            try:
                iri = obo_iri(_obo_value(raw))
            except ValueError as exc:
                raise InputError(str(exc), self.path, number) from exc
            self.current = self.terms.setdefault(iri, Term(iri))
            return
        if self.current is None:
            raise InputError(f"{tag!r} before the stanza's id", self.path, number)
        try:
            _read_term_tag(self.current, tag, raw)
        except ValueError as exc:
            raise InputError(str(exc), self.path, number) from exc


def _read_term_tag(term: Term, tag: str, raw: str) -> None:
    """Copy one tag of a ``[Term]`` stanza onto ``term``; tags a module does not keep are skipped."""
    if tag == "name":
        term.label = _unescape_obo(raw)
    elif tag == "is_a":
        term.parents.add(obo_iri(_obo_value(raw)))
    elif tag == "is_obsolete":
        term.obsolete = _obo_value(raw) == "true"
    elif tag == "replaced_by":
        term.replaced_by.add(obo_iri(_obo_value(raw)))


def _read_rdf(path: Path) -> SourceOntology:
    """Named classes of an RDF/XML or Turtle file, their labels and named superclasses."""
    terms: dict[str, Term] = {}
    header: dict[str, str] = {}  # the ontology's IRI, versionIRI and versionInfo (last one wins)
    labels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for quad in parse_file(path):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if not isinstance(s, ox.NamedNode):
            continue  # restrictions, axiom annotations
        if isinstance(o, ox.NamedNode):
            _read_rdf_link(terms, header, s.value, p, o.value)
        elif isinstance(o, ox.Literal):
            _read_rdf_value(terms, header, labels, (s.value, p, o))
    for iri, found in labels.items():
        if iri in terms:
            # an untagged or English label first; the smallest one, so the choice is stable
            terms[iri].label = min(found, key=lambda lv: (lv[0] not in ("", "en"), lv))[1]
    ontology = header.get("ontology")
    terms.pop(ontology or "", None)
    version = header.get("versionInfo") or header.get("versionIRI")
    return SourceOntology(path, terms, ontology, version)


def _read_rdf_link(terms: dict[str, Term], header: dict[str, str], s: str, p: str, o: str) -> None:
    """A statement whose object is an IRI: a class, a superclass, a replacement, a version IRI."""
    if p == RDF.type:
        if o == OWL.Class:
            terms.setdefault(s, Term(s))
        elif o == OWL.Ontology:
            header["ontology"] = s
    elif p == RDFS.subClassOf:
        terms.setdefault(s, Term(s)).parents.add(o)
    elif p == IAO_REPLACED_BY:
        terms.setdefault(s, Term(s)).replaced_by.add(o)
    elif p == OWL.versionIRI:
        header["versionIRI"] = o


def _read_rdf_value(
    terms: dict[str, Term],
    header: dict[str, str],
    labels: dict[str, list[tuple[str, str]]],
    statement: tuple[str, str, ox.Literal],
) -> None:
    """A statement whose object is a literal: a label, a deprecation flag, a version."""
    s, p, o = statement
    if p == RDFS.label:
        labels[s].append((o.language or "", o.value))
    elif p == OWL.deprecated:
        if o.value in ("true", "1"):
            terms.setdefault(s, Term(s)).obsolete = True
    elif p == OWL.versionInfo:
        header["versionInfo"] = o.value


def _tsv_cell_iri(text: str) -> str:
    """A TSV cell naming a class: a CURIE, or an IRI (bare or in ``<...>``)."""
    return obo_iri(text.strip().removeprefix("<").removesuffix(">"))


def _tsv_label(text: str) -> str:
    """A label cell: SPARQL-report labels are quoted (``"disease"``), KGX labels are bare."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _unescape_obo(text[1:-1])
    return text


def _read_tsv(path: Path) -> SourceOntology:
    """An edge table's subclass edges, or a label table's labels; a TSV names no release."""
    try:
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path) from exc
    if not rows:
        raise InputError("empty table", path)
    header = [cell.strip() for cell in rows[0]]
    terms: dict[str, Term] = {}
    if {"subject", "predicate", "object"} <= set(header):
        s, p, o = (header.index(name) for name in ("subject", "predicate", "object"))
        for number, row in enumerate(rows[1:], start=2):
            if len(row) <= max(s, p, o) or row[p].strip() not in _TSV_SUBCLASS:
                continue
            try:
                child, parent = _tsv_cell_iri(row[s]), _tsv_cell_iri(row[o])
            except ValueError as exc:
                raise InputError(str(exc), path, number) from exc
            terms.setdefault(child, Term(child)).parents.add(parent)
        return SourceOntology(path, terms)
    id_col = next((header.index(c) for c in _TSV_ID_COLUMNS if c in header), None)
    label_col = next((header.index(c) for c in _TSV_LABEL_COLUMNS if c in header), None)
    if id_col is None or label_col is None:
        raise InputError(
            "a TSV source needs subject/predicate/object columns (edges) or an id and a "
            f"label column (labels); the header has {', '.join(header)}",
            path,
            1,
        )
    for number, row in enumerate(rows[1:], start=2):
        if len(row) <= max(id_col, label_col) or not row[id_col].strip():
            continue
        try:
            iri = _tsv_cell_iri(row[id_col])
        except ValueError as exc:
            raise InputError(str(exc), path, number) from exc
        label = _tsv_label(row[label_col])
        if label:
            terms.setdefault(iri, Term(iri)).label = label
    return SourceOntology(path, terms)


def read_seed_terms(path: Path) -> list[str]:
    """A terms file: one CURIE or IRI a line; ``#`` starts a comment, blank lines are skipped."""
    if not path.exists():
        raise InputError("no such file", path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path) from exc
    seeds: list[str] = []
    for number, line in enumerate(lines, start=1):
        words = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].split()
        if not words:
            continue
        try:
            seeds.append(obo_iri(words[0]))
        except ValueError as exc:
            raise InputError(str(exc), path, number) from exc
    if not seeds:
        raise InputError("lists no terms", path)
    return seeds


# ---------------------------------------------------------------------------------- extracting
def extract(
    sources: Sequence[SourceOntology],
    seeds: Iterable[str],
    module_iri: str,
    source_iris: Sequence[str | None] = (),
) -> Module:
    """The BOT module of ``seeds``: each seed and each named ancestor, with the union of the
    parents the sources give it and the label of the first source that labels it. A cycle in the
    source ends the walk where it closes (each term is visited once). ``source_iris`` name where
    each source was published, in the order of ``sources``."""
    if len(source_iris) not in (0, len(sources)):
        raise ValueError(f"{len(source_iris)} source IRIs for {len(sources)} source files")
    merged: dict[str, Term] = {}
    for source in sources:
        for iri, found in source.terms.items():
            have = merged.setdefault(iri, Term(iri))
            have.label = have.label or found.label
            have.parents |= found.parents
            have.obsolete = have.obsolete or found.obsolete
            have.replaced_by |= found.replaced_by
    seed_list = sorted(set(seeds))
    missing = [iri for iri in seed_list if iri not in merged]
    if missing:
        raise MissingTermsError(missing, [s.path for s in sources])
    chosen: dict[str, Term] = {}
    pending = list(seed_list)
    while pending:
        iri = pending.pop()
        if iri in chosen:
            continue
        found = merged.get(iri, Term(iri))  # a parent only named as a parent: IRI only
        chosen[iri] = found
        pending.extend(p for p in found.parents if p not in chosen)
    iris = list(source_iris) or [None] * len(sources)
    releases = [
        SourceRelease(s.path.name, iri, s.ontology, s.version)
        for s, iri in zip(sources, iris, strict=True)
    ]
    return Module(module_iri, chosen, releases)


# ------------------------------------------------------------------------------------ writing
_PREFIXES = {prefix: PREFIX_MAP[prefix] for prefix in ("dcterms", "obo", "owl", "rdfs")}
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]+$")


def _iri(iri: str) -> str:
    if iri.startswith(OBO) and _PN_LOCAL.match(iri[len(OBO) :]):
        return "obo:" + iri[len(OBO) :]
    return "<" + iri.replace(">", "%3E") + ">"


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return '"' + escaped.replace("\t", "\\t") + '"'


def _statement(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    body = " ;\n    ".join(f"{p} {' , '.join(objects)}" for p, objects in pairs if objects)
    return f"{subject} {body} .\n"


def module_turtle(module: Module) -> str:
    """The module as Turtle, every list sorted: the same module gives the same bytes."""
    out = [f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(_PREFIXES.items())]
    source_nodes: list[str] = []
    source_blocks: list[str] = []
    for release in module.sources:
        pairs = [
            ("dcterms:title", [_string(release.file_name)]),
            ("dcterms:isVersionOf", [_string(release.ontology)] if release.ontology else []),
            ("owl:versionInfo", [_string(release.version)] if release.version else []),
        ]
        if release.iri:
            source_nodes.append(_iri(release.iri))
            source_blocks.append(_statement(_iri(release.iri), pairs))
        else:
            inner = " ;\n        ".join(f"{p} {' , '.join(o)}" for p, o in pairs if o)
            source_nodes.append(f"[\n        {inner}\n    ]")
    header = [
        ("a", ["owl:Ontology"]),
        ("rdfs:comment", [_string(EXTRACTION_METHOD)]),
        ("dcterms:source", sorted(source_nodes)),
    ]
    out.append("\n" + _statement(_iri(module.iri), header))
    out.extend("\n" + block for block in sorted(source_blocks))
    for iri in sorted(module.terms):
        found = module.terms[iri]
        pairs = [
            ("a", ["owl:Class"]),
            ("rdfs:label", [_string(found.label)] if found.label else []),
            ("rdfs:subClassOf", sorted(_iri(p) for p in found.parents)),
            ("owl:deprecated", ["true"] if found.obsolete else []),
            ("obo:IAO_0100001", sorted(_iri(r) for r in found.replaced_by)),
        ]
        out.append("\n" + _statement(_iri(iri), pairs))
    return "".join(out)


# ------------------------------------------------------------------------ terms the data uses
@dataclass(frozen=True)
class UsedTerm:
    """An external term our data or ontology mentions, with the label we give it (our own
    ``rdfs:label`` of the term, else the labels of the resources that point at it)."""

    iri: str
    ontology: str
    label: str


def used_terms(files: Sequence[Path]) -> list[UsedTerm]:
    """Every MONDO, GO, HP, ChEBI, UBERON and NCBITaxon term in ``files``, sorted by ontology
    then IRI."""
    found: set[str] = set()
    own_labels: dict[str, set[str]] = defaultdict(set)
    pointers: dict[str, set[str]] = defaultdict(set)
    for path in files:
        for quad in parse_file(path):
            if isinstance(quad.subject, ox.Triple):
                continue  # RDF-star quoted triples name no term of ours
            for node in (quad.subject, quad.predicate, quad.object):
                if isinstance(node, ox.NamedNode) and _EXTERNAL_TERM.match(node.value):
                    found.add(node.value)
            if quad.predicate.value == RDFS.label and isinstance(quad.object, ox.Literal):
                own_labels[quad.subject.value].add(quad.object.value)
            elif isinstance(quad.object, ox.NamedNode) and _EXTERNAL_TERM.match(quad.object.value):
                pointers[quad.object.value].add(quad.subject.value)
    used = []
    for iri in found:
        labels = own_labels.get(iri) or {
            label for subject in pointers.get(iri, ()) for label in own_labels.get(subject, ())
        }
        prefix = curie(iri).split(":", 1)[0]
        used.append(UsedTerm(iri, prefix, "; ".join(sorted(labels))))
    return sorted(used, key=lambda t: (t.ontology, t.iri))


def module_name_of(prefix: str) -> str:
    """``NCBITaxon`` -> ``ncbitaxon``: the name of the module file that must hold the term."""
    for name, known in IMPORTED_ONTOLOGIES.items():
        if known == prefix:
            return name
    raise ValueError(f"no import module for prefix {prefix!r}")
