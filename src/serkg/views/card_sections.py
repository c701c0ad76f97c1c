"""The sections of a compound card other than trials, one view query each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from serkg.prefixes import SK, compress
from serkg.store import QueryStore
from serkg.terms import python_value
from serkg.views.card_model import Cell, Citations, Fragment, Section, SourceEntry, Table
from serkg.views.card_trials import TrialFacts
from serkg.views.run import compound_rows
from serkg.views.text import (
    IDENTITY_ROWS,
    LATE_PHASES,
    MATCH_KINDS,
    Row,
    best_text,
    display,
    group_rows,
    local_name,
    range_text,
    scheme_name,
    term_number,
    term_text,
    term_value,
    trial_link,
    unique,
    unique_rows,
    unit_symbol,
    web_link,
)


def identity_section(compound: str, properties: Sequence[Row], cite: Citations) -> Section:
    by_property: dict[str, list[Row]] = defaultdict(list)
    for row in properties:
        by_property[term_value(row["property"])].append(row)
    unit_rows = by_property.get(SK + "massUnit", [])
    mass_unit = (
        unit_symbol(unit_rows[0]["value"], unit_rows[0]["valueLabel"]) if unit_rows else "Da"
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
        for row in sorted(rows, key=lambda r: term_text(r["value"]).lower()):
            value = row["value"]
            text = display(value, row["valueLabel"])
            if prop in {SK + "averageMass", SK + "monoisotopicMass"}:
                text = f"{text} {mass_unit}".strip()
            if prop == SK + "productCategory":
                cell.mono = False
            cell.parts.append(Fragment(text))
            cites.update(cite.fact(compound, prop, value))
        cell.cites = sorted(cites)
        section.facts.append((title, cell))

    xrefs = [r for r in properties if term_value(r["property"]) in MATCH_KINDS]
    if xrefs:
        xref_rows: list[list[Cell]] = []
        for row in sorted(
            xrefs,
            key=lambda r: (
                list(MATCH_KINDS).index(term_value(r["property"])),
                compress(term_value(r["value"])),
            ),
        ):
            target = term_value(row["value"])
            curie = compress(target)
            scheme, _, local = curie.partition(":") if curie != target else ("", "", target)
            xref_rows.append(
                [
                    Cell.of(scheme_name(scheme) or "IRI"),
                    Cell.of(local or curie, web_link(target), mono=True),
                    Cell.of(MATCH_KINDS[term_value(row["property"])]),
                    Cell.of(
                        None, cites=cite.fact(compound, term_value(row["property"]), row["value"])
                    ),
                ]
            )
        section.tables.append(
            Table(["Scheme", "Identifier", "Match", "Sources"], xref_rows, "xrefs")
        )
    return section


def regulatory_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "regulatory", "Regulatory and legal status", empty="The graph records no regulatory status."
    )
    rows = group_rows(compound_rows(store, "compound-regulatory-status", compound), "status")
    table_rows = []
    for status, group in rows.items():
        first = group[0]
        notes = unique(term_text(r["note"]) for r in group if r["note"] is not None)
        scope = unique(
            display(r["forIndication"], r["forIndicationLabel"])
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
                Cell.of(display(first["jurisdiction"], first["jurisdictionLabel"])),
                Cell.of(
                    display(first["kind"], first["kindLabel"]) or term_text(first["statusLabel"])
                ),
                Cell.of(", ".join(scope)),
                Cell.of(display(first["authority"], first["authorityLabel"])),
                Cell.of(
                    display(first["instrument"], first["instrumentLabel"]),
                    web_link(term_value(first["instrument"])),
                ),
                Cell.of(term_text(first["asOf"])),
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


def mechanism_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "mechanisms", "Mechanisms of action", empty="The graph records no mechanism of action."
    )
    mechanisms = group_rows(compound_rows(store, "compound-mechanisms", compound), "mechanism")
    links = group_rows(compound_rows(store, "compound-mechanism-links", compound), "mechanism")
    rows = []
    for mechanism, group in mechanisms.items():
        first = group[0]
        classes = unique(
            display(r["class"], r["classLabel"]) for r in group if r["class"] is not None
        )
        related: dict[str, list[Fragment]] = defaultdict(list)
        for link in links.get(mechanism, []):
            relation = term_value(link["relation"])
            entity = term_value(link["entity"])
            text = display(link["entity"], link["entityLabel"])
            href = web_link(term_value(link["xref"])) or web_link(entity)
            if relation == SK + "hasTarget" and link["xref"] is not None:
                text = f"{text} ({compress(term_value(link['xref']))})"
            if all(f.text != text for f in related[relation]):
                related[relation].append(Fragment(text, href))
        notes = unique(term_text(r["note"]) for r in group if r["note"] is not None)
        name = best_text(r["mechanismLabel"] for r in group) or compress(mechanism)
        rows.append(
            [
                Cell([Fragment(name)] + ([Fragment(notes[0])] if notes else []), sep=" — "),
                Cell.of(", ".join(classes)),
                Cell.of(display(first["action"], first["actionLabel"])),
                Cell(related.get(SK + "hasTarget", [])),
                Cell(related.get(SK + "actsOnProcess", [])),
                Cell.of(display(first["evidence"], first["evidenceLabel"])),
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


def dose_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("doses", "Doses", empty="The graph records no dose regimen.")
    rows = []
    for dose, group in group_rows(compound_rows(store, "compound-doses", compound), "dose").items():
        first = group[0]
        context = term_value(first["context"])
        if context == compound:
            context_cell = Cell.of("compound (general)")
        elif first["contextId"] is not None:
            context_cell = Cell.of(
                term_text(first["contextId"]), trial_link(term_text(first["contextId"]))
            )
        else:
            context_cell = Cell.of(display(first["context"], first["contextLabel"]))
        unit = (
            unit_symbol(first["doseUnit"], first["doseUnitSymbol"] or first["doseUnitLabel"])
            if first["doseUnit"] is not None
            else ""
        )
        if (
            first["perBodyMass"] is not None
            and python_value(first["perBodyMass"])
            and "/kg" not in unit
        ):
            unit = f"{unit}/kg"
        amount = range_text(first["doseMin"], first["doseMax"])
        daily = range_text(first["dailyDoseMinGrams"], first["dailyDoseMaxGrams"])
        notes = unique(term_text(r["note"]) for r in group if r["note"] is not None)
        if first["route"] is not None:
            notes.insert(0, f"Route: {term_text(first['route'])}.")
        if first["duration"] is not None:
            unit_text = (
                unit_symbol(first["durationUnit"], None)
                if first["durationUnit"] is not None
                else ""
            )
            notes.insert(0, f"For {term_number(first['duration'])} {unit_text}".strip() + ".")
        rows.append(
            [
                context_cell,
                Cell.of(f"{amount} {unit}".strip() if amount else ""),
                Cell.of(display(first["frequency"], first["frequencyLabel"])),
                Cell.of(f"{daily} g/day" if daily else ""),
                Cell.of(term_text(first["population"])),
                Cell.of(" ".join(notes) or term_text(first["doseLabel"])),
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


def safety_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("safety", "Safety", empty="The graph records no adverse effect.")
    rows = []
    for effect, group in group_rows(
        compound_rows(store, "compound-adverse-effects", compound), "effect"
    ).items():
        first = group[0]
        transient = python_value(first["transient"]) if first["transient"] is not None else None
        notes = unique(term_text(r["note"]) for r in group if r["note"] is not None)
        phenotype = term_value(first["phenotype"])
        rows.append(
            [
                Cell.of(best_text(r["effectLabel"] for r in group) or compress(effect)),
                Cell.of(
                    display(first["phenotype"], first["phenotypeLabel"])
                    + (f" ({compress(phenotype)})" if phenotype else ""),
                    web_link(phenotype),
                ),
                Cell.of(display(first["seriousness"], first["seriousnessLabel"])),
                Cell.of({True: "yes", False: "no", None: ""}[transient]),
                Cell.of(display(first["evidence"], first["evidenceLabel"])),
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


def open_questions_section(
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
    for row in compound_rows(store, "compound-open-questions", compound):
        prop = local_name(term_value(row["property"]))
        stated.add(prop)
        subject = term_value(row["subject"])
        name = term_text(row["registryId"]) or best_text([row["subjectLabel"]]) or compress(subject)
        sentence = GAP_SENTENCES.get(prop, prop + ": {subject}.").format(subject=name)
        section.bullets.append(
            Cell.of(sentence, cites=cite.fact(subject, term_value(row["property"]), row["value"]))
        )
    if (
        trials.rows
        and "phase3TrialConducted" not in stated
        and not any(term_value(r["phase"]) in LATE_PHASES for r in trials.rows)
    ):
        section.bullets.append(
            Cell.of(
                "No Phase III (or later) trial is recorded (read from the trials listed above)."
            )
        )
    if not section.bullets:
        section.paragraphs = []
    return section


def indication_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section("indications", "Indications", empty="The graph records no indication.")
    rows = []
    for indication, group in group_rows(
        compound_rows(store, "compound-indications", compound), "indication"
    ).items():
        first = group[0]
        diseases = []
        for r in unique_rows(group, "disease"):
            if r["disease"] is None:
                continue
            xref = term_value(r["diseaseXref"]) if r["diseaseXref"] is not None else ""
            text = display(r["disease"], r["diseaseLabel"]) + (
                f" ({compress(xref)})" if xref else ""
            )
            diseases.append(Fragment(text, web_link(xref)))
        replacement = (
            python_value(first["replacementTherapy"])
            if first["replacementTherapy"] is not None
            else None
        )
        rows.append(
            [
                Cell(diseases)
                if diseases
                else Cell.of(best_text(r["indicationLabel"] for r in group)),
                Cell.of(display(first["status"], first["statusLabel"])),
                Cell.of({True: "yes", False: "no", None: ""}[replacement]),
                Cell.of(term_text(first["rationale"])),
                Cell.of(display(first["evidence"], first["evidenceLabel"])),
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


def conflict_section(store: QueryStore, compound: str, cite: Citations) -> Section:
    section = Section(
        "conflicts",
        "Where sources disagree",
        empty="The graph records no conflict between sources about this compound.",
    )
    for conflict, group in group_rows(
        compound_rows(store, "compound-conflicts", compound), "conflict"
    ).items():
        first = group[0]
        title = best_text(r["conflictLabel"] for r in group) or compress(conflict)
        description = best_text(r["description"] for r in group)
        sub = Section(f"conflict-{local_name(conflict)}", title)
        if description:
            sub.paragraphs.append(description)
        if first["topic"] is not None:
            sub.facts.append(("About", Cell.of(display(first["topic"], first["topicLabel"]))))
        rows = []
        for claim_rows in group_rows(group, "claim").values():
            claim = claim_rows[0]
            numbers = (
                cite.numbers_for([term_value(claim["source"])])
                if claim["source"] is not None
                else []
            )
            predicate = display(claim["predicate"], claim["predicateLabel"])
            statement = f"{predicate}: {display(claim['object'], claim['objectLabel'])}"
            sections = sorted(
                {term_text(r["section"]) for r in claim_rows if r["section"] is not None}
            )
            rows.append(
                [
                    Cell.of(display(claim["source"], claim["sourceLabel"]), cites=numbers),
                    Cell.of("; ".join(sections)),
                    Cell.of(statement),
                ]
            )
        sub.tables.append(Table(["Source", "Section", "States"], rows, "conflict"))
        section.subsections.append(sub)
    return section


def source_entries(store: QueryStore, compound: str, cite: Citations) -> list[SourceEntry]:
    details = group_rows(compound_rows(store, "compound-sources", compound), "source")
    # sources that no row cited yet (e.g. only for rdf:type claims) still get a number
    for source in details:
        cite.numbers_for([source])
    entries = []
    for source, number in sorted(cite.numbers.items(), key=lambda item: item[1]):
        group = details.get(source, [])
        links = unique(
            link
            for r in group
            if r["link"] is not None and (link := web_link(term_value(r["link"])) or "")
        )
        links += [
            f"https://doi.org/{d}"
            for d in unique(term_text(r["doi"]) for r in group if r["doi"] is not None)
            if f"https://doi.org/{d}" not in links
        ]
        links.sort(key=lambda link: (not link.startswith("https://"), link))
        entries.append(
            SourceEntry(
                number=number,
                iri=source,
                label=best_text(r["sourceLabel"] for r in group) or compress(source),
                kind=", ".join(
                    unique(
                        display(r["class"], r["classLabel"])
                        for r in group
                        if r["class"] is not None
                    )
                ),
                date=", ".join(
                    unique(term_text(r["date"]) for r in group if r["date"] is not None)
                ),
                links=links,
            )
        )
    return entries
