"""Compound cards: a printable page per compound, rendered from the graph (never from free text).

Every section is the answer to one documented view query in ``queries/views/`` run through the
:class:`~serkg.store.QueryStore` interface, so a card reads the same from the embedded store and
from a SPARQL endpoint. Each row cites the sources whose claims state it (numbered like a paper),
and the facts the graph records as disputed or missing are shown, not smoothed over.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import pyoxigraph as ox

from serkg import resources
from serkg.loading import plain_reason
from serkg.prefixes import KG, KGSRC, SK, CurieError, compress, expand
from serkg.store import QueryStore
from serkg.terms import OxTerm, python_value

CARD_FORMATS = ("html", "md")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: symbols for the QUDT units our data uses, where the graph carries no label or symbol
UNIT_SYMBOLS = {
    "GM": "g",
    "MilliGM": "mg",
    "MicroGM": "µg",
    "KiloGM": "kg",
    "Da": "Da",
    "GM-PER-MOL": "g/mol",
    "GM-PER-DAY": "g/day",
    "MilliGM-PER-DAY": "mg/day",
    "MilliGM-PER-KiloGM": "mg/kg",
    "GM-PER-KiloGM": "g/kg",
    "MilliGM-PER-KiloGM-DAY": "mg/kg/day",
    "GM-PER-KiloGM-DAY": "g/kg/day",
    "PERCENT": "%",
    "MicroMOL-PER-L": "µmol/L",
    "MilliMOL-PER-L": "mmol/L",
    "NUM": "",
    "UNITLESS": "",
    "HR": "h",
    "DAY": "days",
    "WK": "weeks",
    "MO": "months",
    "YR": "years",
}

MATCH_KINDS = {
    SKOS + "exactMatch": "exact",
    SKOS + "closeMatch": "close",
    SKOS + "broadMatch": "broad",
    SKOS + "narrowMatch": "narrow",
    SKOS + "relatedMatch": "related",
}

#: identity rows of the card, in reading order: (property IRI, row title)
IDENTITY_ROWS = [
    ("http://www.w3.org/2004/02/skos/core#altLabel", "Synonyms"),
    (SK + "productCategory", "Category"),
    (SK + "casNumber", "CAS number"),
    (SK + "molecularFormula", "Molecular formula"),
    (SK + "averageMass", "Average mass"),
    (SK + "monoisotopicMass", "Monoisotopic mass"),
    (SK + "iupacName", "IUPAC name"),
    (SK + "inchiKey", "InChIKey"),
    (SK + "inchi", "InChI"),
    (SK + "smiles", "SMILES"),
]

#: phases that count as a pivotal (confirmatory) trial for the open-questions section
LATE_PHASES = {SK + "Phase3", SK + "Phase4", SK + "Phase2Phase3"}


class UnknownCompoundError(ValueError):
    """NAME_OR_CURIE names no compound of the graph (the message lists close matches)."""


class AmbiguousCompoundError(UnknownCompoundError):
    """A name matches several compounds; the message lists them with their CURIEs."""


# ------------------------------------------------------------------------------- queries
@cache
def view_query(name: str) -> str:
    """The text of ``queries/views/NAME.rq``."""
    return resources.view_query(name)


Row = dict[str, OxTerm | None]


def run_view(
    store: QueryStore, name: str, bindings: Mapping[str, OxTerm] | None = None
) -> list[Row]:
    """Run view NAME with BINDINGS and return its rows as {variable: term}."""
    answer = store.query(view_query(name), bindings=bindings)
    return [dict(zip(answer.variables, row, strict=True)) for row in answer.rows]


def _compound_rows(store: QueryStore, name: str, compound_iri: str) -> list[Row]:
    return run_view(store, name, {"compound": ox.NamedNode(compound_iri)})


# ------------------------------------------------------------------------------- resolving
def resolve_compound(store: QueryStore, name_or_curie: str) -> str:
    """The IRI of the compound a researcher means: a CURIE/IRI (ours or a cross-link such as
    ``CHEBI:17115``), or a name, synonym, CAS number or InChIKey (case-insensitive).

    Raises :class:`UnknownCompoundError` listing close matches when nothing matches.
    """
    text = name_or_curie.strip()
    if not text:
        raise UnknownCompoundError(
            "no compound given: pass a name (L-serine) or a CURIE (kg:l-serine)"
        )
    curie_problem = ""
    if ":" in text:
        try:
            iri = expand(text)
        except CurieError as exc:
            curie_problem = str(exc)
        else:
            try:
                term = ox.NamedNode(iri)
            except ValueError as exc:
                curie_problem = f"{text!r} is not a valid IRI: {plain_reason(str(exc))}"
            else:
                rows = run_view(store, "compound-by-iri", {"iri": term})
                compounds = _unique(_value(r["compound"]) for r in rows)
                if compounds:
                    return compounds[0]
                curie_problem = (
                    f"{text} ({iri}) is not a compound of the graph nor a cross-link of one"
                )
    rows = run_view(store, "compound-lookup", {"name": ox.Literal(text)})
    compounds = _unique(_value(r["compound"]) for r in rows)
    if len(compounds) == 1:
        return compounds[0]
    names = _compound_names(store)
    if len(compounds) > 1:
        listed = ", ".join(f"{compress(c)} ({names.get(c, [''])[0]})" for c in compounds)
        raise AmbiguousCompoundError(f"{text!r} names several compounds: {listed}; pass a CURIE")
    message = curie_problem or f"no compound is named {text!r}"
    suggestions = _close_matches(text, names)
    if suggestions:
        message += "; did you mean: " + ", ".join(suggestions)
    elif names:
        message += f"; the graph has {len(names)} compound(s), e.g. " + ", ".join(
            f"{labels[0]} ({compress(iri)})" for iri, labels in list(names.items())[:5]
        )
    raise UnknownCompoundError(message)


def _compound_names(store: QueryStore) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for row in run_view(store, "compound-names"):
        names[_value(row["compound"])].append(_value(row["name"]))
    return dict(names)


def _close_matches(text: str, names: Mapping[str, list[str]], limit: int = 5) -> list[str]:
    by_lower: dict[str, tuple[str, str]] = {}
    for iri, labels in names.items():
        for label in labels:
            by_lower.setdefault(label.lower(), (label, iri))
    hits = difflib.get_close_matches(text.lower(), list(by_lower), n=limit * 3, cutoff=0.6)
    hits += [k for k in by_lower if text.lower() in k and k not in hits]
    out: list[str] = []
    seen: set[str] = set()
    for key in hits:
        label, iri = by_lower[key]
        if iri not in seen:
            seen.add(iri)
            out.append(f"{label} ({compress(iri)})")
    return out[:limit]


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
            source = _value(row["source"])
            key = (_value(row["subject"]), _value(row["predicate"]), _term_key(row["object"]))
            if source not in self._by_triple[key]:
                self._by_triple[key].append(source)
            if source not in self._by_subject[key[0]]:
                self._by_subject[key[0]].append(source)
        self.numbers: dict[str, int] = {}

    def _number(self, sources: Iterable[str]) -> list[int]:
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
        return self._number(self._by_triple.get((subject, predicate, _term_key(obj)), []))

    def entity(self, *subjects: str) -> list[int]:
        """Sources of every claim about SUBJECTS (a trial row cites its registry record, ...)."""
        found: list[str] = []
        for subject in subjects:
            found += self._by_subject.get(subject, [])
        return self._number(found)

    def sources_of(self, subject: str) -> list[str]:
        return list(self._by_subject.get(subject, []))


# ------------------------------------------------------------------------------- building
def build_card(store: QueryStore, compound_iri: str) -> Card:
    """Collect the card's content from the view queries (no rendering)."""
    from serkg import __version__

    claims = _compound_rows(store, "compound-claims", compound_iri)
    cite = Citations(claims)
    properties = _compound_rows(store, "compound-properties", compound_iri)
    if not properties:
        raise UnknownCompoundError(f"{compress(compound_iri)} has no facts in the graph")
    labels = [r["value"] for r in properties if _value(r["property"]) == RDFS_LABEL]
    title = _best_text(labels) or compress(compound_iri)
    summary = _best_text(
        r["value"]
        for r in properties
        if _value(r["property"]) in {SKOS + "definition", "http://purl.org/dc/terms/description"}
    )

    sections = [
        _identity_section(compound_iri, properties, cite),
        _regulatory_section(store, compound_iri, cite),
        _indication_section(store, compound_iri, cite),
        _mechanism_section(store, compound_iri, cite),
    ]
    trials = _trials(store, compound_iri, cite)
    sections += [
        trials.section,
        _dose_section(store, compound_iri, cite),
        _safety_section(store, compound_iri, cite),
        _open_questions_section(store, compound_iri, trials, cite),
        _conflict_section(store, compound_iri, cite),
    ]
    sources = _sources(store, compound_iri, cite)
    return Card(
        iri=compound_iri,
        curie=compress(compound_iri),
        title=title,
        summary=summary,
        sections=sections,
        sources=sources,
        origin=store.describe(),
        version=__version__,
    )


def _identity_section(compound: str, properties: Sequence[Row], cite: Citations) -> Section:
    by_property: dict[str, list[Row]] = defaultdict(list)
    for row in properties:
        by_property[_value(row["property"])].append(row)
    unit_rows = by_property.get(SK + "massUnit", [])
    mass_unit = (
        _unit_symbol(unit_rows[0]["value"], unit_rows[0]["valueLabel"]) if unit_rows else "Da"
    )
    section = Section("identity", "Identity and identifiers")
    section.facts.append(("Graph IRI", Cell.of(compress(compound), None, mono=True)))
    for prop, title in IDENTITY_ROWS:
        rows = by_property.get(prop, [])
        if not rows:
            continue
        cell = Cell(
            sep="; " if prop.endswith("altLabel") else ", ",
            mono=prop.startswith(SK) and "Mass" not in prop,
        )
        cites: set[int] = set()
        for row in sorted(rows, key=lambda r: _text(r["value"]).lower()):
            value = row["value"]
            text = _display(value, row["valueLabel"])
            if prop in {SK + "averageMass", SK + "monoisotopicMass"}:
                text = f"{text} {mass_unit}".strip()
            if prop == SK + "productCategory":
                cell.mono = False
            cell.parts.append(Fragment(text))
            cites.update(cite.fact(compound, prop, value))
        cell.cites = sorted(cites)
        section.facts.append((title, cell))

    xrefs = [r for r in properties if _value(r["property"]) in MATCH_KINDS]
    if xrefs:
        xref_rows: list[list[Cell]] = []
        for row in sorted(
            xrefs,
            key=lambda r: (
                list(MATCH_KINDS).index(_value(r["property"])),
                compress(_value(r["value"])),
            ),
        ):
            target = _value(row["value"])
            curie = compress(target)
            scheme, _, local = curie.partition(":") if curie != target else ("", "", target)
            xref_rows.append(
                [
                    Cell.of(_scheme_name(scheme) or "IRI"),
                    Cell.of(local or curie, _web_link(target), mono=True),
                    Cell.of(MATCH_KINDS[_value(row["property"])]),
                    Cell.of(None, cites=cite.fact(compound, _value(row["property"]), row["value"])),
                ]
            )
        section.tables.append(
            Table(["Scheme", "Identifier", "Match", "Sources"], xref_rows, "xrefs")
        )
    return section


def _regulatory_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "regulatory", "Regulatory and legal status", empty="The graph records no regulatory status."
    )
    rows = _group(_compound_rows(store, "compound-regulatory-status", compound), "status")
    table_rows = []
    for status, group in rows.items():
        first = group[0]
        notes = _unique(_text(r["note"]) for r in group if r["note"] is not None)
        scope = _unique(
            _display(r["forIndication"], r["forIndicationLabel"])
            for r in group
            if r["forIndication"] is not None
        )
        if first["anyIndication"] is not None and python_value(first["anyIndication"]):
            scope.insert(0, "any indication")
        if first["prescriptionRequired"] is not None:
            notes.insert(
                0,
                "prescription required."
                if python_value(first["prescriptionRequired"])
                else "no prescription required.",
            )
        table_rows.append(
            [
                Cell.of(_display(first["jurisdiction"], first["jurisdictionLabel"])),
                Cell.of(_display(first["kind"], first["kindLabel"]) or _text(first["statusLabel"])),
                Cell.of(", ".join(scope)),
                Cell.of(_display(first["authority"], first["authorityLabel"])),
                Cell.of(
                    _display(first["instrument"], first["instrumentLabel"]),
                    _web_link(_value(first["instrument"])),
                ),
                Cell.of(_text(first["asOf"])),
                Cell.of(" ".join(notes)),
                Cell.of(None, cites=cite.entity(status)),
            ]
        )
    if table_rows:
        section.tables.append(
            Table(
                [
                    "Jurisdiction",
                    "Status",
                    "Applies to",
                    "Authority",
                    "Instrument",
                    "As of",
                    "Note",
                    "Sources",
                ],
                table_rows,
                "regulatory",
            )
        )
    return section


def _mechanism_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "mechanisms", "Mechanisms of action", empty="The graph records no mechanism of action."
    )
    mechanisms = _group(_compound_rows(store, "compound-mechanisms", compound), "mechanism")
    links = _group(_compound_rows(store, "compound-mechanism-links", compound), "mechanism")
    rows = []
    for mechanism, group in mechanisms.items():
        first = group[0]
        classes = _unique(
            _display(r["class"], r["classLabel"]) for r in group if r["class"] is not None
        )
        related: dict[str, list[Fragment]] = defaultdict(list)
        for link in links.get(mechanism, []):
            relation = _value(link["relation"])
            entity = _value(link["entity"])
            text = _display(link["entity"], link["entityLabel"])
            href = _web_link(_value(link["xref"])) or _web_link(entity)
            if relation == SK + "hasTarget" and link["xref"] is not None:
                text = f"{text} ({compress(_value(link['xref']))})"
            if all(f.text != text for f in related[relation]):
                related[relation].append(Fragment(text, href))
        notes = _unique(_text(r["note"]) for r in group if r["note"] is not None)
        name = _best_text(r["mechanismLabel"] for r in group) or compress(mechanism)
        rows.append(
            [
                Cell([Fragment(name)] + ([Fragment(notes[0])] if notes else []), sep=" — "),
                Cell.of(", ".join(classes)),
                Cell.of(_display(first["action"], first["actionLabel"])),
                Cell(related.get(SK + "hasTarget", [])),
                Cell(related.get(SK + "actsOnProcess", [])),
                Cell.of(_display(first["evidence"], first["evidenceLabel"])),
                Cell(related.get(SK + "supportedBy", [])),
                Cell.of(None, cites=cite.entity(mechanism)),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                [
                    "Mechanism",
                    "Class",
                    "Action",
                    "Targets",
                    "Processes",
                    "Evidence",
                    "Supported by",
                    "Sources",
                ],
                rows,
                "mechanisms",
            )
        )
    return section


@dataclass
class TrialFacts:
    section: Section
    rows: list[Row]
    unpublished: list[str]


def _trials(store: QueryStore, compound: str, cite: Citations) -> TrialFacts:
    section = Section(
        "trials", "Clinical trials", empty="The graph records no clinical trial of this compound."
    )
    trials = _group(_compound_rows(store, "compound-trials", compound), "trial")
    links = _group(_compound_rows(store, "compound-trial-links", compound), "trial")
    history = _group(_compound_rows(store, "compound-trial-status-history", compound), "trial")
    outcomes = _group(_compound_rows(store, "compound-trial-outcomes", compound), "trial")
    rows = []
    outcome_rows: list[list[Cell]] = []
    unpublished: list[str] = []
    flat: list[Row] = []
    for trial, group in trials.items():
        first = group[0]
        flat.append(first)
        registry_id = _text(first["registryId"])
        conditions = [
            Fragment(_display(r["entity"], r["entityLabel"]), None)
            for r in links.get(trial, [])
            if _value(r["relation"]) == SK + "studiesCondition"
        ]
        designs = _unique(
            _display(r["entity"], r["entityLabel"])
            for r in links.get(trial, [])
            if _value(r["relation"]) == SK + "design"
        )
        sponsors = _unique(
            _display(r["entity"], r["entityLabel"])
            for r in links.get(trial, [])
            if _value(r["relation"]) == SK + "sponsor"
        )
        title = _text(first["briefTitle"]) or _text(first["title"])
        if first["acronym"] is not None:
            title = f"{title} ({_text(first['acronym'])})" if title else _text(first["acronym"])
        trial_cell = Cell(
            [Fragment(registry_id or compress(trial), _trial_link(registry_id))]
            + ([Fragment(title)] if title else []),
            sep=" — ",
        )
        status_text = _display(first["status"], first["statusLabel"])
        status_parts = [Fragment(status_text)] if status_text else []
        dated = [r for r in history.get(trial, []) if r["statusDate"] is not None]
        if len(dated) > 1 or (dated and _value(dated[0]["status"]) != _value(first["status"])):
            timeline = "; ".join(
                f"{_display(r['status'], r['statusLabel'])} {_text(r['statusDate'])}" for r in dated
            )
            status_parts.append(Fragment(f"history: {timeline}"))
        if first["whyStopped"] is not None:
            status_parts.append(Fragment(f"why stopped: {_text(first['whyStopped'])}"))
        end = _text(first["completionDate"]) or _text(first["terminationDate"])
        dates = " – ".join(x for x in (_text(first["startDate"]), end) if x)
        if first["completionDate"] is None and first["terminationDate"] is not None:
            dates += " (terminated)"
        enrollment = _text(first["enrollment"])
        if enrollment and first["enrollmentType"] is not None:
            kind = _display(first["enrollmentType"], first["enrollmentTypeLabel"]).lower()
            enrollment += f" ({kind.replace(' enrollment', '')})"
        if first["plannedEnrollment"] is not None and _text(first["plannedEnrollment"]) != _text(
            first["enrollment"]
        ):
            enrollment += f"; {_text(first['plannedEnrollment'])} planned"
        if first["participantsCompleted"] is not None:
            enrollment += f"; {_text(first['participantsCompleted'])} completed"
        trial_outcomes = _unique_rows(outcomes.get(trial, []), "outcome")
        outcome_parts = [Fragment(_outcome_text(o, short=True)) for o in trial_outcomes]
        for o in trial_outcomes:
            detail = _sentences(o["finding"], o["interpretation"], o["note"])
            outcome_rows.append(
                [
                    Cell.of(registry_id or compress(trial), _trial_link(registry_id)),
                    Cell.of(_outcome_text(o)),
                    Cell.of(detail),
                    Cell.of(None, cites=cite.entity(_value(o["outcome"]))),
                ]
            )
        published = (
            python_value(first["resultsPublished"])
            if first["resultsPublished"] is not None
            else None
        )
        if published is False:
            as_of = (
                f" as of {_text(first['resultsStatusAsOf'])}"
                if first["resultsStatusAsOf"] is not None
                else ""
            )
            outcome_parts.append(Fragment(f"results not published{as_of}"))
            unpublished.append(registry_id or compress(trial))
        elif not outcome_parts:
            outcome_parts = [Fragment("no outcome recorded")]
        design_text = ", ".join(designs)
        rows.append(
            [
                trial_cell,
                Cell(conditions),
                Cell.of(_display(first["phase"], first["phaseLabel"])),
                Cell(status_parts, sep="; "),
                Cell(Cell.of(dates).parts, nowrap=True),
                Cell.of(enrollment),
                Cell.of(design_text),
                Cell(outcome_parts, sep="; "),
                Cell.of(", ".join(sponsors)),
                Cell.of(
                    None,
                    cites=cite.entity(
                        trial, *(_value(o["outcome"]) for o in outcomes.get(trial, []))
                    ),
                ),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                [
                    "Trial",
                    "Condition",
                    "Phase",
                    "Status",
                    "Dates",
                    "Enrollment",
                    "Design",
                    "Outcome",
                    "Sponsor",
                    "Sources",
                ],
                rows,
                "trials",
            )
        )
    if outcome_rows:
        outcomes_section = Section("trial-outcomes", "Reported outcomes")
        outcomes_section.tables.append(
            Table(["Trial", "Outcome", "What the source says", "Sources"], outcome_rows, "outcomes")
        )
        section.subsections.append(outcomes_section)
    return TrialFacts(section, flat, unpublished)


def _outcome_text(row: Row, short: bool = False) -> str:
    """Measure, effect, P and (unless SHORT) comparator and significance of one outcome."""
    measure = (
        _display(row["measure"], row["measureLabel"]) or _text(row["outcomeLabel"]) or "outcome"
    )
    parts = [measure]
    if row["effectSize"] is not None:
        unit = (
            _unit_symbol(row["effectUnit"], row["effectUnitLabel"])
            if row["effectUnit"] is not None
            else ""
        )
        spacer = "" if unit in {"", "%"} else " "
        parts.append(f"effect {_number(row['effectSize'])}{spacer}{unit}")
    if row["pValue"] is not None:
        parts.append(f"P={_number(row['pValue'])}")
    if short:
        return ", ".join(parts)
    if row["comparator"] is not None:
        size = f" (n={_text(row['comparatorSize'])})" if row["comparatorSize"] is not None else ""
        parts.append(f"vs {_text(row['comparator'])}{size}")
    if row["effectDirection"] is not None:
        parts.append(_text(row["effectDirection"]))
    if row["significantDifference"] is not None:
        parts.append(
            "significant"
            if python_value(row["significantDifference"])
            else "no significant difference"
        )
    return ", ".join(parts)


def _sentences(*terms: OxTerm | None) -> str:
    """Texts joined as sentences (each ends with one full stop), duplicates dropped."""
    out = []
    for text in _unique(_text(t).strip() for t in terms if t is not None):
        out.append(text if text.endswith((".", "!", "?")) else text + ".")
    return " ".join(out)


def _dose_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("doses", "Doses", empty="The graph records no dose regimen.")
    rows = []
    for dose, group in _group(_compound_rows(store, "compound-doses", compound), "dose").items():
        first = group[0]
        context = _value(first["context"])
        if context == compound:
            context_cell = Cell.of("compound (general)")
        elif first["contextId"] is not None:
            context_cell = Cell.of(
                _text(first["contextId"]), _trial_link(_text(first["contextId"]))
            )
        else:
            context_cell = Cell.of(_display(first["context"], first["contextLabel"]))
        unit = (
            _unit_symbol(first["doseUnit"], first["doseUnitSymbol"] or first["doseUnitLabel"])
            if first["doseUnit"] is not None
            else ""
        )
        if (
            first["perBodyMass"] is not None
            and python_value(first["perBodyMass"])
            and "/kg" not in unit
        ):
            unit = f"{unit}/kg"
        amount = _range(first["doseMin"], first["doseMax"])
        daily = _range(first["dailyDoseMinGrams"], first["dailyDoseMaxGrams"])
        notes = _unique(_text(r["note"]) for r in group if r["note"] is not None)
        if first["route"] is not None:
            notes.insert(0, f"Route: {_text(first['route'])}.")
        if first["duration"] is not None:
            unit_text = (
                _unit_symbol(first["durationUnit"], None)
                if first["durationUnit"] is not None
                else ""
            )
            notes.insert(0, f"For {_number(first['duration'])} {unit_text}".strip() + ".")
        rows.append(
            [
                context_cell,
                Cell.of(f"{amount} {unit}".strip() if amount else ""),
                Cell.of(_display(first["frequency"], first["frequencyLabel"])),
                Cell.of(f"{daily} g/day" if daily else ""),
                Cell.of(_text(first["population"])),
                Cell.of(" ".join(notes) or _text(first["doseLabel"])),
                Cell.of(None, cites=cite.entity(dose)),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                ["Context", "Dose", "Frequency", "Daily total", "Population", "Note", "Sources"],
                rows,
                "doses",
            )
        )
    return section


def _safety_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("safety", "Safety", empty="The graph records no adverse effect.")
    rows = []
    for effect, group in _group(
        _compound_rows(store, "compound-adverse-effects", compound), "effect"
    ).items():
        first = group[0]
        transient = python_value(first["transient"]) if first["transient"] is not None else None
        notes = _unique(_text(r["note"]) for r in group if r["note"] is not None)
        phenotype = _value(first["phenotype"])
        rows.append(
            [
                Cell.of(_best_text(r["effectLabel"] for r in group) or compress(effect)),
                Cell.of(
                    _display(first["phenotype"], first["phenotypeLabel"])
                    + (f" ({compress(phenotype)})" if phenotype else ""),
                    _web_link(phenotype),
                ),
                Cell.of(_display(first["seriousness"], first["seriousnessLabel"])),
                Cell.of({True: "yes", False: "no", None: ""}[transient]),
                Cell.of(_display(first["evidence"], first["evidenceLabel"])),
                Cell.of(" ".join(notes)),
                Cell.of(None, cites=cite.entity(effect)),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                [
                    "Adverse effect",
                    "Phenotype",
                    "Seriousness",
                    "Transient",
                    "Evidence",
                    "Note",
                    "Sources",
                ],
                rows,
                "safety",
            )
        )
    return section


#: how the card words a gap fact (property local name -> sentence; {subject} is the subject's name)
GAP_SENTENCES = {
    "establishedTherapeuticDose": "No therapeutic dose has been established for any indication.",
    "phase3TrialConducted": "No Phase III trial has been conducted for any indication.",
    "pivotalTrialCompleted": "No pivotal (Phase II/III or Phase III) trial has been completed.",
    "establishedInHumans": "Not established in human disease: {subject}.",
    "longTermControlledData": "No long-term safety data from controlled trials.",
    "resultsPublished": "Results not published: {subject}.",
    "clinicalCombinationData": "No clinical data on combinations: {subject}.",
    "formallyStudied": "No formally studied combination protocol: {subject}.",
    "consistentAcrossStudies": "Studies disagree: {subject}.",
    "indicationStatus": "Efficacy not established (investigational): {subject}.",
}


def _open_questions_section(
    store: QueryStore, compound: str, trials: TrialFacts, cite: Citations
) -> Section:
    """What the graph records as unknown or not established, plus one gap read from its shape."""
    section = Section(
        "open-questions",
        "Open questions",
        paragraphs=[
            "What the graph records as unknown, not established or missing for this compound."
        ],
        empty="The graph records no open question.",
    )
    stated: set[str] = set()
    for row in _compound_rows(store, "compound-open-questions", compound):
        prop = _local(_value(row["property"]))
        stated.add(prop)
        subject = _value(row["subject"])
        name = _text(row["registryId"]) or _best_text([row["subjectLabel"]]) or compress(subject)
        sentence = GAP_SENTENCES.get(prop, prop + ": {subject}.").format(subject=name)
        section.bullets.append(
            Cell.of(sentence, cites=cite.fact(subject, _value(row["property"]), row["value"]))
        )
    if (
        trials.rows
        and "phase3TrialConducted" not in stated
        and not any(_value(r["phase"]) in LATE_PHASES for r in trials.rows)
    ):
        section.bullets.append(
            Cell.of(
                "No Phase III (or later) trial is recorded (read from the trials listed above)."
            )
        )
    if not section.bullets:
        section.paragraphs = []
    return section


def _indication_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("indications", "Indications", empty="The graph records no indication.")
    rows = []
    for indication, group in _group(
        _compound_rows(store, "compound-indications", compound), "indication"
    ).items():
        first = group[0]
        diseases = []
        for r in _unique_rows(group, "disease"):
            if r["disease"] is None:
                continue
            xref = _value(r["diseaseXref"]) if r["diseaseXref"] is not None else ""
            text = _display(r["disease"], r["diseaseLabel"]) + (
                f" ({compress(xref)})" if xref else ""
            )
            diseases.append(Fragment(text, _web_link(xref)))
        replacement = (
            python_value(first["replacementTherapy"])
            if first["replacementTherapy"] is not None
            else None
        )
        rows.append(
            [
                Cell(diseases)
                if diseases
                else Cell.of(_best_text(r["indicationLabel"] for r in group)),
                Cell.of(_display(first["status"], first["statusLabel"])),
                Cell.of({True: "yes", False: "no", None: ""}[replacement]),
                Cell.of(_text(first["rationale"])),
                Cell.of(_display(first["evidence"], first["evidenceLabel"])),
                Cell.of(None, cites=cite.entity(indication)),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                ["Disease", "Status", "Replacement therapy", "Rationale", "Evidence", "Sources"],
                rows,
                "indications",
            )
        )
    return section


def _conflict_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "conflicts",
        "Where sources disagree",
        empty="The graph records no conflict between sources about this compound.",
    )
    for conflict, group in _group(
        _compound_rows(store, "compound-conflicts", compound), "conflict"
    ).items():
        first = group[0]
        title = _best_text(r["conflictLabel"] for r in group) or compress(conflict)
        description = _best_text(r["description"] for r in group)
        sub = Section(f"conflict-{_local(conflict)}", title)
        if description:
            sub.paragraphs.append(description)
        if first["topic"] is not None:
            sub.facts.append(("About", Cell.of(_display(first["topic"], first["topicLabel"]))))
        rows = []
        for claim_rows in _group(group, "claim").values():
            claim = claim_rows[0]
            numbers = cite._number([_value(claim["source"])]) if claim["source"] is not None else []
            predicate = _display(claim["predicate"], claim["predicateLabel"])
            statement = f"{predicate}: {_display(claim['object'], claim['objectLabel'])}"
            sections = sorted({_text(r["section"]) for r in claim_rows if r["section"] is not None})
            rows.append(
                [
                    Cell.of(_display(claim["source"], claim["sourceLabel"]), cites=numbers),
                    Cell.of("; ".join(sections)),
                    Cell.of(statement),
                ]
            )
        sub.tables.append(Table(["Source", "Section", "States"], rows, "conflict"))
        section.subsections.append(sub)
    return section


def _sources(store: QueryStore, compound: str, cite: Citations) -> list[SourceEntry]:
    details = _group(_compound_rows(store, "compound-sources", compound), "source")
    # sources that no row cited yet (e.g. only for rdf:type claims) still get a number
    for source in details:
        cite._number([source])
    entries = []
    for source, number in sorted(cite.numbers.items(), key=lambda item: item[1]):
        group = details.get(source, [])
        links = _unique(
            link
            for r in group
            if r["link"] is not None and (link := _web_link(_value(r["link"])) or "")
        )
        links += [
            f"https://doi.org/{d}"
            for d in _unique(_text(r["doi"]) for r in group if r["doi"] is not None)
            if f"https://doi.org/{d}" not in links
        ]
        links.sort(key=lambda link: (not link.startswith("https://"), link))
        entries.append(
            SourceEntry(
                number=number,
                iri=source,
                label=_best_text(r["sourceLabel"] for r in group) or compress(source),
                kind=", ".join(
                    _unique(
                        _display(r["class"], r["classLabel"])
                        for r in group
                        if r["class"] is not None
                    )
                ),
                date=", ".join(_unique(_text(r["date"]) for r in group if r["date"] is not None)),
                links=links,
            )
        )
    return entries


# ------------------------------------------------------------------------------- rendering
def render_card(store: QueryStore, compound_iri: str, fmt: str = "html") -> str:
    """The card of COMPOUND_IRI: self-contained HTML (inline CSS, print-ready) or Markdown."""
    if fmt not in CARD_FORMATS:
        raise ValueError(f"unknown card format {fmt!r}; choose one of {', '.join(CARD_FORMATS)}")
    card = build_card(store, compound_iri)
    template = _templates().get_template("card.html.j2" if fmt == "html" else "card.md.j2")
    return template.render(card=card, md=_md_cell, md_escape=_md_escape)


@cache
def _templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("serkg", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _md_escape(text: str) -> str:
    return re.sub(r"([\\|*_`\[\]<>])", r"\\\1", text).replace("\n", " ")


def _md_cell(cell: Cell) -> str:
    parts = []
    for part in cell.parts:
        text = _md_escape(part.text)
        if cell.mono:
            text = f"`{part.text}`"
        parts.append(f"[{text}]({part.href})" if part.href else text)
    out = cell.sep.join(parts)
    if cell.cites:
        out += (" " if out else "") + "".join(f"[{n}]" for n in cell.cites)
    return out


# ------------------------------------------------------------------------------- small helpers
def _value(term: OxTerm | None) -> str:
    if term is None:
        return ""
    return term.value


def _text(term: OxTerm | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        value = python_value(term)
        if isinstance(value, Decimal):
            return _number(term)
        return term.value
    return compress(term.value)


def _number(term: OxTerm | None) -> str:
    """A decimal as written by a person: no exponent, no trailing zeros."""
    if term is None:
        return ""
    try:
        value = Decimal(term.value)
    except ArithmeticError:
        return term.value
    text = format(value.normalize(), "f")
    return text


def _range(low: OxTerm | None, high: OxTerm | None) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to {_number(high)}"
    if high is None or _number(low) == _number(high):
        return _number(low)
    return f"{_number(low)}–{_number(high)}"


def _term_key(term: OxTerm | None) -> str:
    return "" if term is None else str(term)


def _display(term: OxTerm | None, label: OxTerm | None = None) -> str:
    """A term as a reader sees it: its label, else a readable form of its local name."""
    if term is None:
        return ""
    if label is not None:
        return label.value
    if isinstance(term, ox.Literal):
        return _text(term)
    iri = term.value
    if iri.startswith(SK):
        return _humanise(iri[len(SK) :])
    return compress(iri)


def _humanise(local: str) -> str:
    """``Phase1Phase2`` -> ``Phase 1 Phase 2`` (only for terms the ontology gives no label)."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+[a-z]?", local)
    return " ".join(words) if words else local


def _best_text(terms: Iterable[OxTerm | None]) -> str:
    """The English (or untagged) text among TERMS, else the first one."""
    candidates = [t for t in terms if isinstance(t, ox.Literal)]
    for term in candidates:
        if term.language in (None, "", "en") or (term.language or "").startswith("en-"):
            return term.value
    return candidates[0].value if candidates else ""


def _unit_symbol(unit: OxTerm | None, label: OxTerm | None) -> str:
    if unit is None:
        return ""
    local = unit.value.rsplit("/", 1)[-1]
    if local in UNIT_SYMBOLS:  # researchers read "mg/kg", not "milligram per kilogram"
        return UNIT_SYMBOLS[local]
    return label.value if label is not None else local


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _scheme_name(prefix: str) -> str:
    return {
        "clinicaltrials": "ClinicalTrials.gov",
        "PUBCHEM.COMPOUND": "PubChem CID",
        "CHEMBL.COMPOUND": "ChEMBL",
        "KEGG.COMPOUND": "KEGG",
        "UniProtKB": "UniProt",
    }.get(prefix, prefix)


def _web_link(iri: str | None) -> str | None:
    """A link a browser can follow, or None for our own (not yet dereferenceable) IRIs."""
    if not iri or not iri.startswith(("http://", "https://")):
        return None
    if iri.startswith((KG, KGSRC, SK)):
        return None
    return iri


def _trial_link(registry_id: str | None) -> str | None:
    if registry_id and re.fullmatch(r"NCT\d{8}", registry_id):
        return f"https://clinicaltrials.gov/study/{registry_id}"
    return None


def _group(rows: Sequence[Row], key: str) -> dict[str, list[Row]]:
    """Rows grouped by the value of KEY, in first-seen order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(_value(row[key]), []).append(row)
    return groups


def _unique_rows(rows: Sequence[Row], key: str) -> list[Row]:
    return [group[0] for group in _group(rows, key).values()]


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)
