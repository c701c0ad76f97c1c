"""The JSON Schema of curation cards, made from :mod:`serkg.cards.model` (``serkg card-schema``).

Editors with a YAML language server complete and check a card against it; the compiler checks
more (CAS check digits, real dates, ids used twice) and names the line.
"""

from __future__ import annotations

import json
from typing import Any

from serkg.cards import model

SCHEMA_ID = "https://w3id.org/serkg/card.schema.json"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def card_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict (draft 2020-12)."""
    provenance = model.GROUP_PROVENANCE
    defs: dict[str, Any] = {
        "identity": _object(
            (*provenance, *model.IDENTITY.fields, *model.IDENTITY_EXTRA),
            "Names and structure of the compound, from one source.",
        ),
        "facts": _object(
            (*provenance, *model.COMPOUND_FACTS), "Facts about the compound, from one source."
        ),
        "source": _object(
            (_ID, *model.SOURCE.fields), "A source document the card's facts come from."
        ),
    }
    for link in model.RECORD_LISTS:
        record = model.RECORDS[link.record]
        defs[record.name] = _object(
            (_ID, _CONTINUES, _LINK, *provenance, *record.fields),
            f"One {record.name.replace('_', ' ')}, from one source.",
            any_required=True,
        )
    for name in ("status_record", "outcome"):
        defs[name] = _object(
            (_ID, _CONTINUES, _LINK, *model.RECORDS[name].fields),
            f"A {name.replace('_', ' ')}.",
            any_required=True,
        )
    properties: dict[str, Any] = {
        "compound": {
            "type": "string",
            "description": "The compound's id: a name in kg: (d-serine) or a CURIE.",
        },
        "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
        "identity": {"type": "array", "items": {"$ref": "#/$defs/identity"}},
        "facts": {"type": "array", "items": {"$ref": "#/$defs/facts"}},
    }
    for link in model.RECORD_LISTS:
        properties[link.name] = {"type": "array", "items": {"$ref": f"#/$defs/{link.record}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "serkg curation card",
        "description": "One compound's curated facts, each group with its source, section and "
        "evidence level (docs/curating.md).",
        "type": "object",
        "required": ["compound"],
        "additionalProperties": False,
        "properties": properties,
        "$defs": defs,
    }


def card_schema_text() -> str:
    """The schema as the text ``serkg card-schema`` prints (stable key order, final newline)."""
    return json.dumps(card_schema(), indent=2, ensure_ascii=False) + "\n"


_ID = model.Field("id", "", model.REF, description="The record's id: a name in kg: or a CURIE.")
_CONTINUES = model.Field(
    "continues",
    "",
    model.BOOLEAN,
    description="true: more facts, from another source, about a record the card defines (same id).",
)
_LINK = model.Field(
    "link",
    "",
    model.BOOLEAN,
    description="Whether this source states that the record belongs to its compound (or trial); "
    "by default the defining item does and a continuing one does not.",
)


def _object(
    fields: tuple[model.Field, ...], description: str, *, any_required: bool = False
) -> dict[str, Any]:
    """A mapping with exactly FIELDS; a record item that continues another needs none of its
    required fields (ANY_REQUIRED) but its provenance."""
    properties = {f.name: _field(f) for f in fields}
    provenance = {f.name for f in model.GROUP_PROVENANCE}
    required = [f.name for f in fields if f.required]
    out: dict[str, Any] = {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "properties": properties,
    }
    if required and any_required:
        always = [name for name in required if name in provenance]
        out["if"] = {"properties": {"continues": {"const": True}}, "required": ["continues"]}
        out["then"] = {"required": ["id", *always]} if always else {"required": ["id"]}
        out["else"] = {"required": required}
    elif required:
        out["required"] = required
    return out


def _field(fld: model.Field) -> dict[str, Any]:
    if fld.kind == model.RECORD:
        return {"type": "array", "items": {"$ref": f"#/$defs/{fld.record}"}}
    one = _scalar(fld)
    if fld.description:
        one = {**one, "description": fld.description}
    if not fld.many:
        return one
    return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]}


def _scalar(fld: model.Field) -> dict[str, Any]:
    kind = fld.kind
    if kind in (model.TEXT, model.STRING, model.REF):
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if fld.pattern:
            out["pattern"] = fld.pattern
        return out
    if kind == model.CAS:
        return {"type": "string", "pattern": r"^[0-9]{2,7}-[0-9]{2}-[0-9]$"}
    if kind == model.IRI:
        return {"type": "string", "pattern": r"^https?://\S+$"}
    if kind == model.DECIMAL:
        return {"type": "number"}
    if kind == model.INTEGER:
        return {"type": "integer"}
    if kind == model.BOOLEAN:
        return {"type": "boolean"}
    if kind == model.DATE:
        return {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ]
        }
    if kind == model.UNIT_KIND:
        return {"enum": list(model.UNITS)}
    if kind == model.KIND:
        return {"enum": list(model.CLASS_LISTS[fld.enum])}
    return {"enum": list(model.ENUMS[fld.enum])}
