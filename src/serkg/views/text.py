"""Display text for the terms of view rows: numbers, ranges, units, links, labels.

Shared by the card sections; the unit symbols cover the QUDT units our data uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import pyoxigraph as ox

from serkg.prefixes import KG, KGSRC, SK, compress
from serkg.terms import OxTerm, python_value
from serkg.vocab import SKOS

CARD_FORMATS = ("html", "md")

#: one result row of a view query: {variable: term}, None where unbound
Row = dict[str, OxTerm | None]

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

MATCH_KINDS: dict[str, str] = {
    SKOS.exactMatch: "exact",
    SKOS.closeMatch: "close",
    SKOS.broadMatch: "broad",
    SKOS.narrowMatch: "narrow",
    SKOS.relatedMatch: "related",
}

#: identity rows of the card, in reading order: (property IRI, row title)
IDENTITY_ROWS: list[tuple[str, str]] = [
    (SKOS.altLabel, "Synonyms"),
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


# ------------------------------------------------------------------------------- small helpers
def term_value(term: OxTerm | None) -> str:
    if term is None:
        return ""
    return term.value


def term_text(term: OxTerm | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        value = python_value(term)
        if isinstance(value, Decimal):
            return term_number(term)
        return term.value
    return compress(term.value)


def term_number(term: OxTerm | None) -> str:
    """A decimal as written by a person: no exponent, no trailing zeros."""
    if term is None:
        return ""
    try:
        value = Decimal(term.value)
    except ArithmeticError:
        return term.value
    text = format(value.normalize(), "f")
    return text


def range_text(low: OxTerm | None, high: OxTerm | None) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        return f"up to {term_number(high)}"
    if high is None or term_number(low) == term_number(high):
        return term_number(low)
    return f"{term_number(low)}–{term_number(high)}"


def term_key(term: OxTerm | None) -> str:
    return "" if term is None else str(term)


def display(term: OxTerm | None, label: OxTerm | None = None) -> str:
    """A term as a reader sees it: its label, else a readable form of its local name."""
    if term is None:
        return ""
    if label is not None:
        return label.value
    if isinstance(term, ox.Literal):
        return term_text(term)
    iri = term.value
    if iri.startswith(SK):
        return humanise(iri[len(SK) :])
    return compress(iri)


def humanise(local: str) -> str:
    """``Phase1Phase2`` -> ``Phase 1 Phase 2`` (only for terms the ontology gives no label)."""
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+[a-z]?", local)
    return " ".join(words) if words else local


def best_text(terms: Iterable[OxTerm | None]) -> str:
    """The English (or untagged) text among TERMS, else the first one."""
    candidates = [t for t in terms if isinstance(t, ox.Literal)]
    for term in candidates:
        if term.language in (None, "", "en") or (term.language or "").startswith("en-"):
            return term.value
    return candidates[0].value if candidates else ""


def unit_symbol(unit: OxTerm | None, label: OxTerm | None) -> str:
    if unit is None:
        return ""
    local = unit.value.rsplit("/", 1)[-1]
    if local in UNIT_SYMBOLS:  # researchers read "mg/kg", not "milligram per kilogram"
        return UNIT_SYMBOLS[local]
    return label.value if label is not None else local


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def scheme_name(prefix: str) -> str:
    return {
        "clinicaltrials": "ClinicalTrials.gov",
        "PUBCHEM.COMPOUND": "PubChem CID",
        "CHEMBL.COMPOUND": "ChEMBL",
        "KEGG.COMPOUND": "KEGG",
        "UniProtKB": "UniProt",
    }.get(prefix, prefix)


def web_link(iri: str | None) -> str | None:
    """A link a browser can follow, or None for our own (not yet dereferenceable) IRIs."""
    if not iri or not iri.startswith(("http://", "https://")):
        return None
    if iri.startswith((KG, KGSRC, SK)):
        return None
    return iri


def trial_link(registry_id: str | None) -> str | None:
    if registry_id and re.fullmatch(r"NCT\d{8}", registry_id):
        return f"https://clinicaltrials.gov/study/{registry_id}"
    return None


def group_rows(rows: Sequence[Row], key: str) -> dict[str, list[Row]]:
    """Rows grouped by the value of KEY, in first-seen order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(term_value(row[key]), []).append(row)
    return groups


def unique_rows(rows: Sequence[Row], key: str) -> list[Row]:
    return [group[0] for group in group_rows(rows, key).values()]


def unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)
