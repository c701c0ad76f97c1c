"""The named queries' model: parameters, their types and checks, and the query record.

Parameters are validated here and bound as RDF terms by the store: nothing a user types is
pasted into SPARQL text.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from serkg.prefixes import CURIE_LOCAL, CurieError, expand
from serkg.terms import XSD, OxTerm

if TYPE_CHECKING:  # pragma: no cover
    pass

ParamType = Literal["iri", "string", "integer", "decimal", "date", "enum"]
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "integer", "decimal", "date", "enum")
HEADER_KEYS = ("summary", "description", "params", "example", "tags", "inference")
#: header keys a query may leave out
OPTIONAL_HEADER_KEYS = ("text_index",)
TEXT_INDEX_KEYS = ("param", "variable", "predicates", "predicate_variable")
PARAM_KEYS = ("name", "type", "default", "description", "values")
INFERENCE_VALUES = {"required": True, "not required": False}
#: longest accepted string parameter (a label search, a reason fragment): a guard, not a limit
MAX_STRING_LENGTH = 500
#: longest accepted number parameter: xsd:decimal in Oxigraph holds 39 significant digits
MAX_NUMBER_LENGTH = 60

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: characters RFC 3987 forbids in an IRI (and that would end an IRI in SPARQL or N-Triples)
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20<>\"{}|^`\\\x7f]")
_IRI_RULE = "no spaces, quotes or <>{}|^`\\ allowed"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# ------------------------------------------------------------------------------------- errors
class UnknownQueryError(ValueError):
    """No named query has this name; the message lists the closest names."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        import difflib

        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"no named query {name!r}{hint} (run `serkg queries` for the list)")
        self.query = name
        self.suggestions = close


class QueryParameterError(ValueError):
    """A parameter is unknown, missing or of the wrong type; names the query, parameter and type."""

    def __init__(
        self, query: str, parameter: str, message: str, expected: str | None = None
    ) -> None:
        super().__init__(f"query {query!r}, parameter {parameter!r}: {message}")
        self.query = query
        self.parameter = parameter
        self.expected = expected


class QueryHeaderError(ValueError):
    """A ``.rq`` header is malformed: a defect of the library, reported as file:line."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


# ---------------------------------------------------------------------------------- parameters
@dataclass
class QueryParameter:
    """One declared parameter: the SPARQL variable ``?name``, bound as a term of ``type``."""

    name: str
    type: ParamType
    default: str | None = None
    description: str = ""
    values: list[str] = field(default_factory=list)
    query: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    def expected(self) -> str:
        """The accepted form, in words, for error messages and docs."""
        return {
            "iri": "an IRI (https://...) or a CURIE such as kg:l-serine",
            "string": f"a text of at most {MAX_STRING_LENGTH} characters",
            "integer": "an integer such as 20",
            "decimal": "a decimal number such as 2.5",
            "date": "a date as YYYY-MM-DD",
            "enum": "one of " + ", ".join(self.values),
        }[self.type]

    def _error(self, message: str) -> QueryParameterError:
        return QueryParameterError(self.query, self.name, message, self.type)

    def parse(self, raw: object) -> OxTerm:
        """Validate RAW (text from a CLI/HTTP user, or a Python value) and return the bound term."""
        if isinstance(raw, bool) or raw is None:
            raise self._error(f"expected {self.expected()}, got {raw!r}")
        if isinstance(raw, str) and not _is_utf8(raw):
            raise self._error("the value is not valid UTF-8 (a byte sequence no character has)")
        parser = getattr(self, "_parse_" + self.type)
        term: OxTerm = parser(raw)
        return term

    def _text(self, raw: object) -> str:
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int | Decimal | float | dt.date) and self.type in {
            "integer",
            "decimal",
            "date",
        }:
            return str(raw)
        raise self._error(f"expected {self.expected()}, got {type(raw).__name__} {raw!r}")

    def _parse_iri(self, raw: object) -> OxTerm:
        if isinstance(raw, ox.NamedNode):
            raw = raw.value
        text = self._text(raw).strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if _IRI_FORBIDDEN.search(text):
            raise self._error(f"{text!r} is not a valid IRI ({_iri_rule(text)})")
        iri = _expand(text)
        if iri is None:
            raise self._error(
                f"{text!r} is not an IRI or a CURIE with a known prefix; expected {self.expected()}"
            )
        if _IRI_FORBIDDEN.search(iri) or not _SCHEME.match(iri):
            raise self._error(f"{text!r} is not a valid IRI ({_iri_rule(iri)})")
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            from serkg.loading import plain_reason

            raise self._error(f"{text!r} is not a valid IRI: {plain_reason(str(exc))}") from None

    def _parse_string(self, raw: object) -> OxTerm:
        if not isinstance(raw, str):
            raise self._error(f"expected {self.expected()}, got {type(raw).__name__} {raw!r}")
        if len(raw) > MAX_STRING_LENGTH:
            raise self._error(
                f"the text is {len(raw)} characters long; at most {MAX_STRING_LENGTH}"
            )
        return ox.Literal(raw)

    def _parse_integer(self, raw: object) -> OxTerm:
        if isinstance(raw, float | Decimal) and math.isfinite(raw) and raw == int(raw):
            raw = int(raw)
        text = self._number_text(raw)
        if not _INTEGER.match(text):
            raise self._error(f"{text!r} is not an integer; expected {self.expected()}")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))

    def _parse_decimal(self, raw: object) -> OxTerm:
        text = self._number_text(raw)
        if not _DECIMAL.match(text):
            raise self._error(f"{text!r} is not a decimal number; expected {self.expected()}")
        # XSD 1.1 canonical form ("30", "2.5"): what Oxigraph and Jena both echo back
        return ox.Literal(_canonical_decimal(text), datatype=ox.NamedNode(XSD + "decimal"))

    def _number_text(self, raw: object) -> str:
        """RAW as text, refused when longer than any number a store can compare exactly."""
        text = self._text(raw).strip()
        if len(text) > MAX_NUMBER_LENGTH:
            raise self._error(
                f"the number is {len(text)} characters long; at most {MAX_NUMBER_LENGTH}"
            )
        return text

    def _parse_date(self, raw: object) -> OxTerm:
        text = self._text(raw).strip()
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise self._error(f"{text!r} is not a date; expected {self.expected()}") from None
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))

    def _parse_enum(self, raw: object) -> OxTerm:
        text = self._text(raw).strip()
        for value in self.values:
            if text.lower() == value.lower():
                return ox.Literal(value)
        raise self._error(f"{text!r} is not allowed; expected {self.expected()}")

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "description": self.description,
        }
        if self.type == "enum":
            out["values"] = list(self.values)
        return out

    def to_openapi(self, example: str | None = None) -> dict[str, Any]:
        """This parameter as an OpenAPI 3.1 query parameter object."""
        schemas: dict[str, dict[str, Any]] = {
            "iri": {"type": "string", "format": "iri"},
            "string": {"type": "string", "maxLength": MAX_STRING_LENGTH},
            "integer": {"type": "integer"},
            "decimal": {"type": "number"},
            "date": {"type": "string", "format": "date"},
            "enum": {"type": "string", "enum": list(self.values)},
        }
        schema = schemas[self.type]
        if self.default is not None:
            schema["default"] = _openapi_value(self.type, self.default)
        out: dict[str, Any] = {
            "name": self.name,
            "in": "query",
            "required": self.required,
            "description": self.description
            + (" (an IRI or a CURIE)" if self.type == "iri" else ""),
            "schema": schema,
        }
        if example is not None:
            out["example"] = _openapi_value(self.type, example)
        return out


def _iri_rule(text: str) -> str:
    return "IRIs cannot contain spaces" if " " in text else _IRI_RULE


def _canonical_decimal(text: str) -> str:
    """The XSD 1.1 canonical form of a decimal matched by ``_DECIMAL``: no "+", no leading or
    trailing zeros, no trailing "." ("-0.50" -> "-0.5", "+30.0" -> "30", "-0" -> "0")."""
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("+-").partition(".")
    whole, fraction = whole.lstrip("0") or "0", fraction.rstrip("0")
    if whole == "0" and not fraction:
        sign = ""
    return sign + whole + ("." + fraction if fraction else "")


def _openapi_value(kind: str, text: str) -> Any:
    if kind == "integer":
        return int(text)
    if kind == "decimal":
        return float(text)
    return text


def _expand(text: str) -> str | None:
    """A full IRI for TEXT (an IRI or a CURIE), or None when it is neither or its prefix is
    unknown; a CURIE's local part must be a plain name."""
    if text.startswith(("http://", "https://", "urn:")):
        return text
    prefix, sep, local = text.partition(":")
    if not sep or not prefix or (local and not CURIE_LOCAL.match(local)):
        return None
    try:
        return expand(text)
    except CurieError:
        return None


# ------------------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class TextSearch:
    """What a ``text_index`` header key declares: the string parameter ``param`` is a
    case-insensitive substring filter on ``?variable``, and ``?variable`` only takes objects of
    ``predicates`` (full IRIs), the predicate in ``?predicate_variable`` when one is named. The
    embedded store may then narrow ``?variable`` (and ``?predicate_variable``) to the candidates
    its text index finds (:mod:`serkg.text_index`); the query's own FILTER still decides, so the
    answer is the same with or without the index."""

    param: str
    variable: str
    predicates: tuple[str, ...]
    #: the variable in the predicate position of the pattern that binds ``?variable``: bound
    #: with it, Oxigraph looks each candidate up instead of scanning the predicates (3 s -> 0.1 s)
    predicate_variable: str | None = None


@dataclass
class NamedQuery:
    """One named query: its SPARQL text and what its header says about it."""

    name: str
    path: Path
    summary: str
    description: str
    params: list[QueryParameter]
    example: dict[str, str]
    tags: list[str]
    needs_inference: bool
    text: str
    form: str
    #: the ``text_index`` header key, when the query declares one
    text_search: TextSearch | None = None

    def parameter(self, name: str) -> QueryParameter:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryParameterError(self.name, name, f"unknown parameter (this query takes: {known})")

    def bind(self, raw: Mapping[str, object]) -> dict[str, OxTerm]:
        """Validate RAW against the declared parameters; every parameter gets a term.

        A value of None (or a missing key) means "use the default"; a parameter without a
        default must be given.
        """
        for key in raw:
            self.parameter(key)  # raises on an unknown name
        bound: dict[str, OxTerm] = {}
        for param in self.params:
            value = raw.get(param.name)
            if value is None:
                if param.default is None:
                    raise QueryParameterError(
                        self.name, param.name, f"missing; give {param.expected()}", param.type
                    )
                value = param.default
            bound[param.name] = param.parse(value)
        return bound

    def to_json_dict(self) -> dict[str, Any]:
        """What ``serkg queries --format json`` lists for this query."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "form": self.form,
            "inference": "required" if self.needs_inference else "not required",
            "tags": list(self.tags),
            "params": [p.to_json_dict() for p in self.params],
            "example": dict(self.example),
        }

    def to_openapi_parameters(self) -> list[dict[str, Any]]:
        """The parameters as OpenAPI 3.1 query parameters (for ``/api/queries/{name}``)."""
        return [p.to_openapi(self.example.get(p.name)) for p in self.params]

    def example_command(self) -> str:
        params = " ".join(f"--param {k}={_shell_word(v)}" for k, v in self.example.items())
        return f"serkg query {self.name}" + (f" {params}" if params else "")


def _shell_word(text: str) -> str:
    return (
        text
        if re.match(r"^[A-Za-z0-9_.:/@%+=-]+$", text)
        else "'" + text.replace("'", "'\\''") + "'"
    )


def _is_utf8(text: str) -> bool:
    """False for text holding lone surrogates: how Python keeps bytes of a command-line argument
    that are not UTF-8 (``'\\udcff'`` for ``0xff``)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
