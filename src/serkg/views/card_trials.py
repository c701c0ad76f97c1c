"""The trials section of a compound card: outcomes, phases and the trial registry links."""

from __future__ import annotations

from dataclasses import dataclass

from serkg.prefixes import SK, compress
from serkg.store import QueryStore
from serkg.terms import OxTerm, python_value
from serkg.views.card_model import Cell, Citations, Fragment, Section, Table
from serkg.views.run import compound_rows
from serkg.views.text import (
    Row,
    display,
    group_rows,
    term_number,
    term_text,
    term_value,
    trial_link,
    unique,
    unique_rows,
    unit_symbol,
)


@dataclass
class TrialFacts:
    section: Section
    rows: list[Row]
    unpublished: list[str]


def trial_facts(store: QueryStore, compound: str, cite: Citations) -> TrialFacts:
    section = Section(
        "trials", "Clinical trials", empty="The graph records no clinical trial of this compound."
    )
    trials = group_rows(compound_rows(store, "compound-trials", compound), "trial")
    links = group_rows(compound_rows(store, "compound-trial-links", compound), "trial")
    history = group_rows(compound_rows(store, "compound-trial-status-history", compound), "trial")
    outcomes = group_rows(compound_rows(store, "compound-trial-outcomes", compound), "trial")
    rows = []
    outcome_rows: list[list[Cell]] = []
    unpublished: list[str] = []
    flat: list[Row] = []
    for trial, group in trials.items():
        first = group[0]
        flat.append(first)
        registry_id = term_text(first["registryId"])
        conditions = [
            Fragment(display(r["entity"], r["entityLabel"]), None)
            for r in links.get(trial, [])
            if term_value(r["relation"]) == SK + "studiesCondition"
        ]
        designs = unique(
            display(r["entity"], r["entityLabel"])
            for r in links.get(trial, [])
            if term_value(r["relation"]) == SK + "design"
        )
        sponsors = unique(
            display(r["entity"], r["entityLabel"])
            for r in links.get(trial, [])
            if term_value(r["relation"]) == SK + "sponsor"
        )
        title = term_text(first["briefTitle"]) or term_text(first["title"])
        if first["acronym"] is not None:
            title = (
                f"{title} ({term_text(first['acronym'])})" if title else term_text(first["acronym"])
            )
        trial_cell = Cell(
            [Fragment(registry_id or compress(trial), trial_link(registry_id))]
            + ([Fragment(title)] if title else []),
            sep=" — ",
        )
        status_parts = _status_parts(first, history.get(trial, []))
        end = term_text(first["completionDate"]) or term_text(first["terminationDate"])
        dates = " – ".join(x for x in (term_text(first["startDate"]), end) if x)
        if first["completionDate"] is None and first["terminationDate"] is not None:
            dates += " (terminated)"
        enrollment = _enrollment_text(first)
        trial_outcomes = unique_rows(outcomes.get(trial, []), "outcome")
        outcome_parts = [Fragment(_outcome_text(o, short=True)) for o in trial_outcomes]
        for o in trial_outcomes:
            detail = _sentences(o["finding"], o["interpretation"], o["note"])
            outcome_rows.append(
                [
                    Cell.of(registry_id or compress(trial), trial_link(registry_id)),
                    Cell.of(_outcome_text(o)),
                    Cell.of(detail),
                    Cell.of(None, cites=cite.entity(term_value(o["outcome"]))),
                ]
            )
        published = (
            python_value(first["resultsPublished"])
            if first["resultsPublished"] is not None
            else None
        )
        if published is False:
            as_of = (
                f" as of {term_text(first['resultsStatusAsOf'])}"
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
                Cell.of(display(first["phase"], first["phaseLabel"])),
                Cell(status_parts, sep="; "),
                Cell(Cell.of(dates).parts, nowrap=True),
                Cell.of(enrollment),
                Cell.of(design_text),
                Cell(outcome_parts, sep="; "),
                Cell.of(", ".join(sponsors)),
                Cell.of(
                    None,
                    cites=cite.entity(
                        trial, *(term_value(o["outcome"]) for o in outcomes.get(trial, []))
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


def _status_parts(first: Row, history: list[Row]) -> list[Fragment]:
    """The trial's status, with its dated history when the status changed, and why it stopped."""
    status_text = display(first["status"], first["statusLabel"])
    status_parts = [Fragment(status_text)] if status_text else []
    dated = [r for r in history if r["statusDate"] is not None]
    if len(dated) > 1 or (dated and term_value(dated[0]["status"]) != term_value(first["status"])):
        timeline = "; ".join(
            f"{display(r['status'], r['statusLabel'])} {term_text(r['statusDate'])}" for r in dated
        )
        status_parts.append(Fragment(f"history: {timeline}"))
    if first["whyStopped"] is not None:
        status_parts.append(Fragment(f"why stopped: {term_text(first['whyStopped'])}"))
    return status_parts


def _enrollment_text(first: Row) -> str:
    """Actual enrollment with its kind, then the planned and completed counts when they differ."""
    enrollment = term_text(first["enrollment"])
    if enrollment and first["enrollmentType"] is not None:
        kind = display(first["enrollmentType"], first["enrollmentTypeLabel"]).lower()
        enrollment += f" ({kind.replace(' enrollment', '')})"
    if first["plannedEnrollment"] is not None and term_text(
        first["plannedEnrollment"]
    ) != term_text(first["enrollment"]):
        enrollment += f"; {term_text(first['plannedEnrollment'])} planned"
    if first["participantsCompleted"] is not None:
        enrollment += f"; {term_text(first['participantsCompleted'])} completed"
    return enrollment


def _outcome_text(row: Row, short: bool = False) -> str:
    """Measure, effect, P and (unless SHORT) comparator and significance of one outcome."""
    measure = (
        display(row["measure"], row["measureLabel"]) or term_text(row["outcomeLabel"]) or "outcome"
    )
    parts = [measure]
    if row["effectSize"] is not None:
        unit = (
            unit_symbol(row["effectUnit"], row["effectUnitLabel"])
            if row["effectUnit"] is not None
            else ""
        )
        spacer = "" if unit in {"", "%"} else " "
        parts.append(f"effect {term_number(row['effectSize'])}{spacer}{unit}")
    if row["pValue"] is not None:
        parts.append(f"P={term_number(row['pValue'])}")
    if short:
        return ", ".join(parts)
    if row["comparator"] is not None:
        size = (
            f" (n={term_text(row['comparatorSize'])})" if row["comparatorSize"] is not None else ""
        )
        parts.append(f"vs {term_text(row['comparator'])}{size}")
    if row["effectDirection"] is not None:
        parts.append(term_text(row["effectDirection"]))
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
    for text in unique(term_text(t).strip() for t in terms if t is not None):
        out.append(text if text.endswith((".", "!", "?")) else text + ".")
    return " ".join(out)
