"""A per-fact changelog between two builds or releases (``serkg diff OLD NEW``).

A text diff of Turtle files is useless to a curator: generated claim nodes are named by hashes
of their bundle, blank nodes are renamed on every parse, and one status change touches several
lines. So two snapshots are compared by content: facts (plain triples), claims (fact + source +
section + evidence level, never the claim node's name) and source conflicts (by their IRI, which
curators write by hand). Triples that involve blank nodes (OWL axioms of the ontology) are left
out: they have no name to compare by. The changes come out as Markdown (CHANGELOG.md) and as an
RDF change graph (``sk:Change`` nodes, documented in docs/releases.md).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from serkg import export
from serkg.loading import InputError, parse_file
from serkg.prefixes import ASSERTED_GRAPH
from serkg.terms import OxTerm
from serkg.vocab import DCTERMS, PROV, RDF, RDFS, SK, SKOS, display_term

#: the files of a build or release a snapshot is read from, first found wins
SNAPSHOT_FILES = ("serkg.ttl", "serkg.trig")
#: cross-links: a change of their object is an identifier change
IDENTIFIER_PREDICATES = frozenset(
    t.node
    for t in (
        SKOS.exactMatch,
        SKOS.closeMatch,
        SKOS.broadMatch,
        SKOS.narrowMatch,
        SKOS.relatedMatch,
    )
)


class ChangeKind(Enum):
    """What happened to a fact, a claim, a conflict or a cross-link; the value is its sk: class."""

    VALUE_CHANGED = SK.ValueChanged
    FACT_ADDED = SK.FactAdded
    FACT_REMOVED = SK.FactRemoved
    IDENTIFIER_REPLACED = SK.IdentifierReplaced
    IDENTIFIER_ADDED = SK.IdentifierAdded
    IDENTIFIER_REMOVED = SK.IdentifierRemoved
    CLAIM_ADDED = SK.ClaimAdded
    CLAIM_REMOVED = SK.ClaimRemoved
    CONFLICT_OPENED = SK.ConflictOpened
    CONFLICT_CLOSED = SK.ConflictClosed

    @property
    def title(self) -> str:
        """The words the Markdown changelog uses: "value changed", "claim added", ..."""
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True, order=True)
class Attribution:
    """Who states a fact: a source document, the section it is in, the evidence level."""

    source: str
    section: str = ""
    evidence: str = ""

    def describe(self) -> str:
        parts = [display_term(self.source)]
        if self.section:
            parts.append(f'"{self.section}"')
        if self.evidence:
            parts.append(display_term(self.evidence))
        return ", ".join(parts)


@dataclass(frozen=True)
class Change:
    """One changelog row, about ENTITY (the subject, or a conflict's topic)."""

    kind: ChangeKind
    entity: OxTerm
    predicate: ox.NamedNode | None = None
    old: OxTerm | None = None
    new: OxTerm | None = None
    attributions: tuple[Attribution, ...] = ()

    def sort_key(self) -> tuple[str, ...]:
        order = list(ChangeKind).index(self.kind)
        return (
            f"{order:02d}",
            display_term(self.predicate) if self.predicate else "",
            "" if self.old is None else str(self.old),
            "" if self.new is None else str(self.new),
            repr(self.attributions),
        )

    def node(self) -> ox.BlankNode:
        """A blank node named by the row's content: the same change, the same label, every run."""
        text = repr(
            (
                self.kind.name,
                str(self.entity),
                str(self.predicate),
                str(self.old),
                str(self.new),
                self.attributions,
            )
        )
        return ox.BlankNode("change" + hashlib.sha256(text.encode()).hexdigest()[:16])


class Fact(NamedTuple):
    """A plain triple without blank nodes: what a changelog can name."""

    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class ClaimKey:
    """A claim by its content; two claim nodes with the same key are the same claim."""

    fact: Fact
    attributions: tuple[Attribution, ...]


@dataclass
class Snapshot:
    """What one build or release says, indexed for comparison."""

    location: Path
    version: str
    facts: set[Fact] = field(default_factory=set)
    claims: dict[ClaimKey, set[OxTerm]] = field(default_factory=dict)
    #: conflict IRI -> (topic, the claim nodes it groups)
    conflicts: dict[OxTerm, tuple[OxTerm | None, set[OxTerm]]] = field(default_factory=dict)
    labels: dict[OxTerm, str] = field(default_factory=dict)
    _by_fact: dict[Fact, list[ClaimKey]] | None = field(default=None, repr=False)

    def attributions_of(self, fact: Fact) -> tuple[Attribution, ...]:
        return tuple(
            sorted({a for key in self._claims_by_fact().get(fact, ()) for a in key.attributions})
        )

    def _claims_by_fact(self) -> dict[Fact, list[ClaimKey]]:
        if self._by_fact is None:
            self._by_fact = defaultdict(list)
            for key in self.claims:
                self._by_fact[key.fact].append(key)
        return self._by_fact


class SnapshotError(ValueError):
    """A build or release folder that cannot be compared; the message names the file. Exit 2."""


# ---------------------------------------------------------------------------------- reading
def load_snapshot(location: Path) -> Snapshot:
    """Read the asserted graph of a build or release folder (or of one serkg.ttl/.trig file)."""
    location = Path(location)
    path = _snapshot_file(location)
    try:
        quads = parse_file(path)
    except InputError as exc:
        raise SnapshotError(str(exc)) from None
    triples = [
        q.triple
        for q in quads
        if isinstance(q.graph_name, ox.DefaultGraph) or q.graph_name.value == ASSERTED_GRAPH
    ]
    folder = location if location.is_dir() else location.parent
    return index_snapshot(folder, _version_of(folder), triples)


def _snapshot_file(location: Path) -> Path:
    if location.is_file():
        return location
    if not location.is_dir():
        raise SnapshotError(f"{location}: no such build or release folder")
    for name in SNAPSHOT_FILES:
        if (location / name).is_file():
            return location / name
    raise SnapshotError(f"{location}: holds neither {' nor '.join(SNAPSHOT_FILES)}; is it a build?")


def _version_of(folder: Path) -> str:
    """The version void.ttl states (``dcterms:hasVersion``), else the folder's name."""
    void = folder / "void.ttl"
    if void.is_file():
        try:
            for quad in parse_file(void):
                if quad.predicate.value == DCTERMS.hasVersion and isinstance(
                    quad.object, ox.Literal
                ):
                    return quad.object.value
        except InputError as exc:
            raise SnapshotError(str(exc)) from None
    return folder.resolve().name


def index_snapshot(location: Path, version: str, triples: Iterable[ox.Triple]) -> Snapshot:
    """Split TRIPLES into facts, claims by content and conflicts (see the module docstring)."""
    triples = list(triples)
    snapshot = Snapshot(location=location, version=version)
    claim_nodes = _typed(triples, SK.Claim)
    conflict_nodes = _typed(triples, SK.SourceConflict)
    records = claim_nodes | conflict_nodes
    described: dict[ox.NamedNode | ox.BlankNode, dict[str, set[OxTerm]]] = defaultdict(
        lambda: defaultdict(set)
    )
    for t in triples:
        if t.subject in records and not isinstance(t.object, ox.Triple):
            described[t.subject][t.predicate.value].add(t.object)  # type: ignore[index]
        else:
            fact = _as_fact(t)
            if fact is not None and fact.object not in claim_nodes:
                snapshot.facts.add(fact)
        if _is_label(t) and (t.subject not in snapshot.labels or t.object.language == "en"):  # type: ignore[union-attr]
            snapshot.labels[t.subject] = t.object.value  # type: ignore[index, union-attr]
    for node in claim_nodes:
        key = _claim_key(described[node])
        if key is not None and key.fact.subject not in records:
            snapshot.claims.setdefault(key, set()).add(node)
    for node in conflict_nodes:
        topic = next(iter(described[node].get(SK.conflictTopic, ())), None)
        snapshot.conflicts[node] = (topic, described[node].get(SK.hasClaim, set()))
    return snapshot


def _typed(triples: Sequence[ox.Triple], cls: str) -> set[ox.NamedNode | ox.BlankNode]:
    return {
        t.subject
        for t in triples
        if t.predicate == RDF.type.node
        and isinstance(t.object, ox.NamedNode)
        and t.object.value == cls
        and not isinstance(t.subject, ox.Triple)
    }


def _is_label(t: ox.Triple) -> bool:
    return t.predicate == RDFS.label.node and isinstance(t.object, ox.Literal)


def _as_fact(t: ox.Triple) -> Fact | None:
    """T as a :class:`Fact`, or None when it names a blank node or quotes a triple."""
    if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
        return Fact(t.subject, t.predicate, t.object)
    return None


def _claim_key(parts: dict[str, set[OxTerm]]) -> ClaimKey | None:
    """A claim's content; None for a node missing its subject, predicate or object."""
    subjects, predicates, objects = (
        parts.get(p, set()) for p in (SK.claimSubject, SK.claimPredicate, SK.claimObject)
    )
    if len(subjects) != 1 or len(predicates) != 1 or len(objects) != 1:
        return None
    fact = _as_fact(ox.Triple(next(iter(subjects)), next(iter(predicates)), next(iter(objects))))  # type: ignore[arg-type]
    if fact is None:
        return None
    sections = sorted(t.value for t in parts.get(SK.sourceSection, ()))
    levels = sorted(t.value for t in parts.get(SK.evidenceLevel, ()))
    attributions = tuple(
        sorted(
            Attribution(source.value, section, level)
            for source in parts.get(PROV.wasDerivedFrom, ())
            for section in sections or [""]
            for level in levels or [""]
        )
    )
    return ClaimKey(fact, attributions)


# ---------------------------------------------------------------------------------- comparing
def compare(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every change from OLD to NEW, sorted by entity then kind (see :class:`ChangeKind`)."""
    changes, covered = _fact_changes(old, new)
    conflict_changes, folded = _conflict_changes(old, new)
    changes += conflict_changes
    changes += _claim_changes(old, new, covered, folded)
    return sorted(changes, key=lambda c: (display_term(c.entity), *c.sort_key()))


def _gone(kind: ChangeKind, fact: Fact, old: Snapshot) -> Change:
    return Change(kind, fact.subject, fact.predicate, fact.object, None, old.attributions_of(fact))


def _came(kind: ChangeKind, fact: Fact, new: Snapshot) -> Change:
    return Change(kind, fact.subject, fact.predicate, None, fact.object, new.attributions_of(fact))


def _replaced(kind: ChangeKind, before: Fact, after: Fact, new: Snapshot) -> Change:
    """A value replaced by another; the sources are the new value's (who says it changed)."""
    return Change(
        kind,
        after.subject,
        after.predicate,
        before.object,
        after.object,
        new.attributions_of(after),
    )


def _fact_changes(old: Snapshot, new: Snapshot) -> tuple[list[Change], set[Fact]]:
    """Facts added, removed or changed in value; also the facts these rows cover."""
    removed = old.facts - new.facts
    added = new.facts - old.facts
    by_slot: dict[tuple[ox.NamedNode, ox.NamedNode], tuple[list[Fact], list[Fact]]] = defaultdict(
        lambda: ([], [])
    )
    for fact in removed:
        by_slot[(fact.subject, fact.predicate)][0].append(fact)
    for fact in added:
        by_slot[(fact.subject, fact.predicate)][1].append(fact)
    changes: list[Change] = []
    for (_, predicate), (gone, came) in by_slot.items():
        if predicate in IDENTIFIER_PREDICATES:
            changes += _identifier_changes(old, new, gone, came)
        elif len(gone) == 1 and len(came) == 1:
            changes.append(_replaced(ChangeKind.VALUE_CHANGED, gone[0], came[0], new))
        else:
            changes += [_gone(ChangeKind.FACT_REMOVED, fact, old) for fact in gone]
            changes += [_came(ChangeKind.FACT_ADDED, fact, new) for fact in came]
    return changes, removed | added


def _scheme(term: ox.NamedNode | ox.Literal) -> str:
    """The identifier scheme of a cross-link: its CURIE prefix, else the IRI up to its last /."""
    text = display_term(term) if isinstance(term, ox.NamedNode) else term.value
    if ":" in text and not text.startswith(("http:", "https:")):
        return text.split(":", 1)[0]
    return text.rstrip("/#").rsplit("/", 1)[0]


def _identifier_changes(
    old: Snapshot, new: Snapshot, gone: list[Fact], came: list[Fact]
) -> list[Change]:
    """Cross-links: the only one removed and the only one added in a scheme is a replacement."""
    by_scheme: dict[str, tuple[list[Fact], list[Fact]]] = defaultdict(lambda: ([], []))
    for fact in gone:
        by_scheme[_scheme(fact.object)][0].append(fact)
    for fact in came:
        by_scheme[_scheme(fact.object)][1].append(fact)
    changes: list[Change] = []
    for removed, added in by_scheme.values():
        if len(removed) == 1 and len(added) == 1:
            changes.append(_replaced(ChangeKind.IDENTIFIER_REPLACED, removed[0], added[0], new))
        else:
            changes += [_gone(ChangeKind.IDENTIFIER_REMOVED, fact, old) for fact in removed]
            changes += [_came(ChangeKind.IDENTIFIER_ADDED, fact, new) for fact in added]
    return changes


def _conflict_changes(old: Snapshot, new: Snapshot) -> tuple[list[Change], set[ClaimKey]]:
    """Conflicts opened and closed; also the claims they group (reported with them)."""
    changes: list[Change] = []
    folded: set[ClaimKey] = set()
    for kind, here, there in (
        (ChangeKind.CONFLICT_CLOSED, old, new),
        (ChangeKind.CONFLICT_OPENED, new, old),
    ):
        for conflict in here.conflicts.keys() - there.conflicts.keys():
            topic, members = here.conflicts[conflict]
            keys = {key for key, nodes in here.claims.items() if nodes & members}
            folded |= keys
            attributions = tuple(sorted({a for key in keys for a in key.attributions}))
            old_value, new_value = (conflict, None) if here is old else (None, conflict)
            changes.append(
                Change(kind, topic or conflict, None, old_value, new_value, attributions)
            )
    return changes, folded


def _claim_changes(
    old: Snapshot, new: Snapshot, covered: set[Fact], folded: set[ClaimKey]
) -> list[Change]:
    """Claims a source added or withdrew about a fact whose own row does not already say so."""
    changes: list[Change] = []
    for kind, here, there in (
        (ChangeKind.CLAIM_REMOVED, old, new),
        (ChangeKind.CLAIM_ADDED, new, old),
    ):
        for key in here.claims.keys() - there.claims.keys():
            if key.fact in covered or key in folded:
                continue
            subject, predicate, value = key.fact
            before, after = (value, None) if here is old else (None, value)
            changes.append(Change(kind, subject, predicate, before, after, key.attributions))
    return changes


# ---------------------------------------------------------------------------------- writing
def label_of(term: OxTerm | None, old: Snapshot, new: Snapshot) -> str:
    """The entity's label in NEW, else in OLD, else its CURIE."""
    if term is None:
        return ""
    return new.labels.get(term) or old.labels.get(term) or display_term(term)


def _value(term: OxTerm | None, old: Snapshot, new: Snapshot) -> str:
    if term is None:
        return ""
    text = display_term(term, turtle_literals=True)
    label = new.labels.get(term) or old.labels.get(term)
    return f"{text} ({label})" if label and not isinstance(term, ox.Literal) else text


def _row_text(change: Change, old: Snapshot, new: Snapshot) -> str:
    what = display_term(change.predicate) + " " if change.predicate else ""
    before, after = _value(change.old, old, new), _value(change.new, old, new)
    body = f"{before} → {after}" if before and after else before or after
    text = f"- **{change.kind.title}**: {what}{body}"
    if change.attributions:
        text += "; sources: " + "; ".join(a.describe() for a in change.attributions)
    return text


def to_markdown(changes: Sequence[Change], old: Snapshot, new: Snapshot) -> str:
    """The changelog for humans and CHANGELOG.md: one section per entity, one line per change."""
    lines = [f"## {new.version} (compared with {old.version})", ""]
    if not changes:
        return "\n".join([*lines, "No changes.", ""])
    by_entity: dict[OxTerm, list[Change]] = defaultdict(list)
    counts: Counter[ChangeKind] = Counter()
    for change in changes:
        by_entity[change.entity].append(change)
        counts[change.kind] += 1
    summary = ", ".join(f"{counts[k]} {k.title}" for k in ChangeKind if counts[k])
    entities = f"{len(by_entity)} entit{'y' if len(by_entity) == 1 else 'ies'}"
    lines += [f"{len(changes)} change(s) about {entities}: {summary}.", ""]
    for entity, rows in by_entity.items():
        lines += [f"### {label_of(entity, old, new)} ({display_term(entity)})", ""]
        lines += [_row_text(change, old, new) for change in rows]
        lines.append("")
    return "\n".join(lines)


def to_triples(changes: Sequence[Change]) -> list[ox.Triple]:
    """The change graph: one ``sk:Change`` node (of the kind's subclass) per row."""
    triples: list[ox.Triple] = []
    for change in changes:
        node = change.node()
        values: list[tuple[str, OxTerm | None]] = [
            (RDF.type, ox.NamedNode(change.kind.value)),
            (SK.changedEntity, change.entity),
            (SK.changedProperty, change.predicate),
            (SK.oldValue, change.old),
            (SK.newValue, change.new),
        ]
        values += [(PROV.wasDerivedFrom, ox.NamedNode(a.source)) for a in change.attributions]
        triples += [ox.Triple(node, ox.NamedNode(p), o) for p, o in values if o is not None]
        for attribution in change.attributions:
            triples += _qualified_derivation(node, attribution)
    return triples


def to_turtle(changes: Sequence[Change]) -> bytes:
    """The change graph as Turtle with the project's prefixes (the same rows, the same bytes)."""
    return export.serialize_triples(to_triples(changes), "ttl")


def _qualified_derivation(change: ox.BlankNode, attribution: Attribution) -> list[ox.Triple]:
    """PROV-O's qualified derivation: keeps a source with its own section and evidence level."""
    if not attribution.section and not attribution.evidence:
        return []
    text = f"{change.value} {attribution!r}"
    node = ox.BlankNode("derivation" + hashlib.sha256(text.encode()).hexdigest()[:16])
    triples = [
        ox.Triple(change, PROV.qualifiedDerivation.node, node),
        ox.Triple(node, RDF.type.node, PROV.Derivation.node),
        ox.Triple(node, PROV.entity.node, ox.NamedNode(attribution.source)),
    ]
    if attribution.section:
        triples.append(ox.Triple(node, SK.sourceSection.node, ox.Literal(attribution.section)))
    if attribution.evidence:
        triples.append(ox.Triple(node, SK.evidenceLevel.node, ox.NamedNode(attribution.evidence)))
    return triples


def diff(old: Path, new: Path) -> tuple[list[Change], Snapshot, Snapshot]:
    """Compare two build or release folders; raises :class:`SnapshotError` naming a bad input."""
    before, after = load_snapshot(old), load_snapshot(new)
    return compare(before, after), before, after
