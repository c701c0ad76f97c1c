"""The card model: sections, tables, cells and the numbered source citations, before rendering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from serkg.terms import OxTerm
from serkg.views.text import Row, term_key, term_value


# ------------------------------------------------------------------------------- card model
@dataclass
class Fragment:
    """A piece of cell text, optionally a link."""

    text: str
    href: str | None = None


@dataclass
class Cell:
    """One table cell or list item: fragments joined by ``sep``, plus numbered source citations."""

    parts: list[Fragment] = field(default_factory=list)
    cites: list[int] = field(default_factory=list)
    sep: str = ", "
    mono: bool = False
    nowrap: bool = False

    @classmethod
    def of(
        cls,
        text: str | None,
        href: str | None = None,
        cites: Iterable[int] = (),
        mono: bool = False,
    ) -> Cell:
        return cls([Fragment(text, href)] if text else [], sorted(set(cites)), mono=mono)

    @property
    def text(self) -> str:
        return self.sep.join(p.text for p in self.parts)


@dataclass
class Table:
    """A table whose columns that are empty in every row are dropped (less noise on paper)."""

    headers: list[str]
    rows: list[list[Cell]]
    css: str = ""

    def __post_init__(self) -> None:
        keep = [
            i
            for i in range(len(self.headers))
            if i == 0 or any(row[i].parts or row[i].cites for row in self.rows)
        ]
        self.headers = [self.headers[i] for i in keep]
        self.rows = [[row[i] for i in keep] for row in self.rows]


@dataclass
class Section:
    """A card section: optional paragraphs, key/value facts, a table, bullets, and sub-sections."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[Cell] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    empty: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.paragraphs or self.facts or self.tables or self.bullets or self.subsections
        )


@dataclass
class SourceEntry:
    number: int
    iri: str
    label: str
    kind: str
    date: str
    links: list[str]


@dataclass
class Card:
    """Everything a rendered card shows, independent of the output format."""

    iri: str
    curie: str
    title: str
    summary: str
    sections: list[Section]
    sources: list[SourceEntry]
    origin: str
    version: str


class Citations:
    """Numbers sources in order of first citation and answers 'which sources state this?'."""

    def __init__(self, claims: Sequence[Row]) -> None:
        self._by_triple: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._by_subject: dict[str, list[str]] = defaultdict(list)
        self.sections: dict[str, set[str]] = defaultdict(set)
        for row in claims:
            source = term_value(row["source"])
            key = (
                term_value(row["subject"]),
                term_value(row["predicate"]),
                term_key(row["object"]),
            )
            if source not in self._by_triple[key]:
                self._by_triple[key].append(source)
            if source not in self._by_subject[key[0]]:
                self._by_subject[key[0]].append(source)
        self.numbers: dict[str, int] = {}

    def numbers_for(self, sources: Iterable[str]) -> list[int]:
        out = []
        for source in sources:
            if source not in self.numbers:
                self.numbers[source] = len(self.numbers) + 1
            out.append(self.numbers[source])
        return sorted(set(out))

    def fact(self, subject: str, predicate: str, obj: OxTerm | None) -> list[int]:
        """Sources of one triple."""
        if obj is None:
            return []
        return self.numbers_for(self._by_triple.get((subject, predicate, term_key(obj)), []))

    def entity(self, *subjects: str) -> list[int]:
        """Sources of every claim about SUBJECTS (a trial row cites its registry record, ...)."""
        found: list[str] = []
        for subject in subjects:
            found += self._by_subject.get(subject, [])
        return self.numbers_for(found)

    def sources_of(self, subject: str) -> list[str]:
        return list(self._by_subject.get(subject, []))
