"""The named SPARQL query library: one documented ``queries/<name>.rq`` file per question.

Each file starts with a ``#+`` comment header (grlc style, a small YAML subset) that names the
query's parameters, their types and defaults. Parameters are validated here and bound as RDF
terms by the store (SEP-0007 substitution, or a ``VALUES`` block for a remote endpoint): nothing a
user types is pasted into SPARQL text.

Importing this module costs only pyoxigraph and the standard library, so that ``serkg query``
starts fast; rich is imported by the table renderers only.

Run ``python -m serkg.querylib --write-docs`` to regenerate ``queries/README.md`` from the headers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from serkg import resources
from serkg.prefixes import PREFIX_MAP
from serkg.sparql_text import query_form
from serkg.store import EmbeddedStore, EndpointStore, QueryStore
from serkg.terms import XSD, OxTerm

if TYPE_CHECKING:  # pragma: no cover
    from rich.table import Table

    from serkg.results import QueryAnswer

ParamType = Literal["iri", "string", "integer", "decimal", "date", "enum"]
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "integer", "decimal", "date", "enum")
HEADER_KEYS = ("summary", "description", "params", "example", "tags", "inference")
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
_CURIE_LOCAL = re.compile(r"^[A-Za-z0-9_.~%-][A-Za-z0-9_.~%:/-]*$")


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
    """A full IRI for TEXT (an IRI or a CURIE), or None when the CURIE's prefix is unknown.

    Exact prefixes are expanded here without importing ``curies`` (0.3 s); other spellings go
    through :func:`serkg.prefixes.expand`, which knows the case synonyms.
    """
    if text.startswith(("http://", "https://", "urn:")):
        return text
    prefix, sep, local = text.partition(":")
    if not sep or not prefix:
        return None
    if local and not _CURIE_LOCAL.match(local):
        return None
    if prefix in PREFIX_MAP:
        return PREFIX_MAP[prefix] + local
    from serkg.prefixes import CurieError, expand

    try:
        return expand(text)
    except CurieError:
        return None


# ------------------------------------------------------------------------------------- queries
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


_CACHE: dict[Path, tuple[int, NamedQuery]] = {}


def query_names() -> list[str]:
    """The names of all named queries, sorted."""
    return [p.stem for p in resources.named_query_files()]


def load_query(name: str) -> NamedQuery:
    """The named query NAME, read from ``queries/NAME.rq`` (raises :class:`UnknownQueryError`)."""
    files = {p.stem: p for p in resources.named_query_files()}
    path = files.get(name)
    if path is None:
        raise UnknownQueryError(name, sorted(files))
    return load_query_file(path)


def load_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file (cached until the file changes)."""
    stamp = path.stat().st_mtime_ns
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    query = parse_query_text(path.read_text(encoding="utf-8"), path)
    _CACHE[path] = (stamp, query)
    return query


def list_queries() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return [load_query_file(p) for p in resources.named_query_files()]


def run_named_query(
    name: str,
    params: Mapping[str, object],
    *,
    store_path: str | Path | None = None,
    endpoint: str | None = None,
    store: QueryStore | None = None,
) -> QueryAnswer:
    """Run the named query NAME with PARAMS on STORE, an ENDPOINT URL, or the built store.

    The query and its parameters are checked before any store is opened, so a typo fails fast.
    """
    query = load_query(name)
    bindings = query.bind(params)
    if store is None:
        store = EndpointStore(endpoint) if endpoint else EmbeddedStore.open(store_path)
    return store.query(query.text, bindings)


# --------------------------------------------------------------------------------- the header
def parse_query_text(text: str, path: Path) -> NamedQuery:
    """Parse a named query file's ``#+`` header and keep its SPARQL text as it is."""
    name = path.stem
    if not _NAME.match(name):
        raise QueryHeaderError(path, None, f"query name {name!r} is not kebab-case")
    header = _read_header(text, path)
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise QueryHeaderError(path, None, f"the #+ header lacks {', '.join(missing)}")
    params = [_make_param(item, name, path) for item in _as_list(header["params"], "params", path)]
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryHeaderError(path, None, "a parameter is declared twice")
    example = header["example"]
    if example is None:
        example = {}
    if not isinstance(example, dict):
        raise QueryHeaderError(path, None, "example: expected a mapping of parameter values")
    inference = header["inference"]
    if inference not in INFERENCE_VALUES:
        raise QueryHeaderError(path, None, "inference: expected 'required' or 'not required'")
    query = NamedQuery(
        name=name,
        path=path,
        summary=_as_text(header["summary"], "summary", path),
        description=_as_text(header["description"], "description", path),
        params=params,
        example={str(k): str(v) for k, v in example.items()},
        tags=[str(t) for t in _as_list(header["tags"], "tags", path)],
        needs_inference=INFERENCE_VALUES[inference],
        text=text,
        form=query_form(text),
    )
    for key, value in query.example.items():
        try:
            query.parameter(key).parse(value)
        except QueryParameterError as exc:
            raise QueryHeaderError(path, None, f"example: {exc}") from None
    for param in params:
        if param.default is not None:
            try:
                param.parse(param.default)
            except QueryParameterError as exc:
                raise QueryHeaderError(path, None, f"default: {exc}") from None
        if not re.search(r"[?$]" + re.escape(param.name) + r"\b", _without_header(text)):
            raise QueryHeaderError(
                path, None, f"parameter {param.name!r} is not used as ?{param.name}"
            )
    return query


def _make_param(item: object, query: str, path: Path) -> QueryParameter:
    if not isinstance(item, dict):
        raise QueryHeaderError(
            path, None, "params: each item is a mapping (- name: ..., type: ...)"
        )
    unknown = set(item) - set(PARAM_KEYS)
    if unknown:
        raise QueryHeaderError(path, None, f"params: unknown key(s) {', '.join(sorted(unknown))}")
    name = str(item.get("name", ""))
    if not _VARIABLE.match(name):
        raise QueryHeaderError(path, None, f"params: {name!r} is not a SPARQL variable name")
    kind = str(item.get("type", ""))
    if kind not in PARAM_TYPES:
        raise QueryHeaderError(
            path, None, f"params: {name}: type must be one of {', '.join(PARAM_TYPES)}"
        )
    values = [str(v) for v in _as_list(item.get("values", []), "values", path)]
    if (kind == "enum") != bool(values):
        raise QueryHeaderError(
            path, None, f"params: {name}: values are given for (and only for) an enum"
        )
    default = item.get("default")
    return QueryParameter(
        name=name,
        type=kind,  # type: ignore[arg-type]
        default=None if default is None else str(default),
        description=_as_text(item.get("description", ""), "description", path),
        values=values,
        query=query,
    )


def _as_text(value: object, key: str, path: Path) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise QueryHeaderError(path, None, f"{key}: expected text")


def _as_list(value: object, key: str, path: Path) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise QueryHeaderError(path, None, f"{key}: expected a list")


def _without_header(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _read_header(text: str, path: Path) -> dict[str, Any]:
    """Parse the ``#+`` lines: a YAML subset of ``key: value``, ``key: >`` folded text,
    ``[a, b]`` lists, nested ``key:``/``  sub: value`` mappings and ``- key: value`` item lists.

    Plain YAML tools (grlc) read the same header; a test checks PyYAML agrees.
    """
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#+"):
            body = stripped[2:]
            if body.startswith(" "):
                body = body[1:]
            lines.append((number, body.rstrip()))
        elif stripped and not stripped.startswith("#"):
            break
    out: dict[str, Any] = {}
    i = 0
    while i < len(lines):
        number, body = lines[i]
        if not body.strip():
            i += 1
            continue
        if body.startswith(" "):
            raise QueryHeaderError(path, number, "unexpected indentation in the #+ header")
        key, sep, rest = body.partition(":")
        if not sep or not _VARIABLE.match(key):
            raise QueryHeaderError(path, number, "expected `key: value` in the #+ header")
        if key not in HEADER_KEYS:
            raise QueryHeaderError(
                path, number, f"unknown header key {key!r} (known: {', '.join(HEADER_KEYS)})"
            )
        if key in out:
            raise QueryHeaderError(path, number, f"header key {key!r} given twice")
        rest = rest.strip()
        block: list[tuple[int, str]] = []
        i += 1
        while i < len(lines) and (lines[i][1].startswith(" ") or not lines[i][1].strip()):
            block.append(lines[i])
            i += 1
        if rest in {">", ">-", "|", "|-"}:
            joiner = " " if rest.startswith(">") else "\n"
            out[key] = joiner.join(b.strip() for _, b in block if b.strip())
        elif rest:
            if block:
                raise QueryHeaderError(
                    path, block[0][0], f"{key}: a value on the key line has no indented block"
                )
            out[key] = _scalar(rest, path, number)
        else:
            out[key] = _block(block, path, number)
    return out


def _block(block: list[tuple[int, str]], path: Path, number: int) -> Any:
    """An indented block: a list of ``- key: value`` mappings or a mapping of ``key: value``."""
    block = [(n, b) for n, b in block if b.strip()]
    if not block:
        return None
    indent = len(block[0][1]) - len(block[0][1].lstrip())
    if block[0][1].strip().startswith("- "):
        items: list[dict[str, Any]] = []
        for n, b in block:
            content = b[indent:]
            if content.startswith("- "):
                items.append({})
                content = "  " + content[2:]
            if not items or not content.startswith("  ") or content[2:3] == " ":
                raise QueryHeaderError(path, n, "list items are `- key: value` with aligned keys")
            _put(items[-1], content[2:], path, n)
        return items
    mapping: dict[str, Any] = {}
    for n, b in block:
        if len(b) - len(b.lstrip()) != indent:
            raise QueryHeaderError(path, n, "mapping keys must be aligned")
        _put(mapping, b.strip(), path, n)
    return mapping


def _put(target: dict[str, Any], content: str, path: Path, number: int) -> None:
    key, sep, rest = content.partition(":")
    if not sep or not _VARIABLE.match(key.strip()):
        raise QueryHeaderError(path, number, "expected `key: value`")
    if key in target:
        raise QueryHeaderError(path, number, f"key {key!r} given twice")
    target[key.strip()] = _scalar(rest.strip(), path, number)


def _scalar(text: str, path: Path, number: int) -> Any:
    if text.startswith("["):
        if not text.endswith("]"):
            raise QueryHeaderError(path, number, "a [list] must close on the same line")
        inner = text[1:-1].strip()
        return [_unquote(item.strip(), path, number) for item in inner.split(",")] if inner else []
    if text.startswith(("{", "&", "*", "!", "|", ">", "%", "@", "`")):
        raise QueryHeaderError(
            path, number, f"unsupported YAML syntax {text[:1]!r} in the #+ header"
        )
    if " #" in text:
        raise QueryHeaderError(path, number, "no comments after values in the #+ header")
    return _unquote(text, path, number)


def _unquote(text: str, path: Path, number: int) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if ": " in text or text.endswith(":"):
        raise QueryHeaderError(path, number, f"quote a value that contains ': ' ({text!r})")
    return text


# -------------------------------------------------------------------------------- presentation
def compress_iri(iri: str) -> str:
    """A CURIE for IRI with the project prefixes (longest namespace wins), else the IRI.

    Avoids importing ``curies`` on the ``serkg query`` path; a test keeps it equal to
    :func:`serkg.prefixes.compress`.
    """
    best = ""
    for prefix, namespace in PREFIX_MAP.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIX_MAP.get(best, "")):
            local = iri[len(namespace) :]
            if _CURIE_LOCAL.match(local):
                best = prefix
    return f"{best}:{iri[len(PREFIX_MAP[best]) :]}" if best else iri


def display_term(term: OxTerm | None) -> str:
    """A short text for a term in a table: CURIEs for IRIs, the lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress_iri(term.value)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


def render_table(answer: QueryAnswer, hide: Sequence[str] = ()) -> Table:
    """A rich table of a SELECT answer (ASK: one ``answer`` cell; graphs: s/p/o rows).

    HIDE names columns to leave out, e.g. the parameter columns a query echoes back.
    """
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    if answer.kind == "ask":
        table.add_column("answer")
        table.add_row("yes" if answer.boolean else "no")
        return table
    if answer.kind == "graph":
        for column in ("subject", "predicate", "object"):
            table.add_column(column, overflow="fold")
        for triple in answer.triples:
            terms: list[Any] = [triple.subject, triple.predicate, triple.object]
            table.add_row(*(display_term(t) for t in terms))
        table.caption = f"{len(answer.triples)} triple(s)"
        return table
    shown = [i for i, v in enumerate(answer.variables) if v not in hide] or list(
        range(len(answer.variables))
    )
    for i in shown:
        table.add_column(answer.variables[i], overflow="fold")
    for row in answer.rows:
        table.add_row(*(display_term(row[i]) for i in shown))
    table.caption = f"{len(answer.rows)} row(s)"
    return table


def _params_text(query: NamedQuery) -> str:
    parts = []
    for p in query.params:
        kind = "|".join(p.values) if p.type == "enum" else p.type
        default = '""' if p.default == "" else p.default
        parts.append(
            f"{p.name}: {kind}" + (f" = {default}" if p.default is not None else " (required)")
        )
    return "\n".join(parts) or "-"


def queries_table() -> Table:
    """The list of named queries for ``serkg queries``: summary, parameters and an example."""
    from rich.table import Table

    table = Table(show_lines=True, header_style="bold")
    table.add_column("query", no_wrap=True)
    table.add_column("summary")
    table.add_column("parameters (name: type = default)")
    table.add_column("example", overflow="fold")
    for query in list_queries():
        table.add_row(query.name, query.summary, _params_text(query), query.example_command())
    return table


def queries_json() -> str:
    """The list of named queries as JSON (``serkg queries --format json``)."""
    return (
        json.dumps([q.to_json_dict() for q in list_queries()], indent=2, ensure_ascii=False) + "\n"
    )


DOCS_PREAMBLE = """\
# The named query library

<!-- Generated from the #+ headers of queries/*.rq by
     `python -m serkg.querylib --write-docs`; do not edit by hand. -->

Each `queries/<name>.rq` file is one question, asked by name:

```sh
serkg queries                                   # the list, with parameters and examples
serkg query NAME --param KEY=VALUE --format table|json|csv|tsv|xml   # SELECT / ASK
serkg query NAME --param KEY=VALUE --format ttl|jsonld|nt            # CONSTRUCT
```

From Python: `serkg.run_query("NAME", key=value)` returns rows as dicts
(`serkg.run_query_df` a pandas DataFrame). Over HTTP (`serkg serve`):
`GET /api/queries/NAME?key=value`.
The files are plain SPARQL 1.1 (no engine extensions) and run unchanged on the embedded store or on
any SPARQL 1.1 endpoint holding the asserted and inferred graphs (`--endpoint URL`).

## The header

Each file starts with `#+` comment lines, a small YAML subset that grlc-style tools also read:
`summary`, `description`, `params` (each with `name`, `type`, `default`, `description`, and
`values` for an enum), `example` (parameter values), `tags`, and `inference: required` when the
answer needs the OWL 2 RL inferred graph (class membership through the hierarchy, inverse or
transitive properties, property chains) or `not required` when asserted triples suffice.

## Parameters are bound, never pasted

A parameter `foo` is the SPARQL variable `?foo`. Its value is checked against the declared type and
turned into one RDF term:

| type | accepts | bound as |
|---|---|---|
| `iri` | an IRI or a CURIE with a known prefix (`kg:l-serine`, `CHEBI:17115`) | an IRI; text \
with spaces, quotes or `<>{}\\|^` is refused |
| `string` | any text up to 500 characters | a plain (`xsd:string`) literal |
| `integer` | `20`, `-3` | `xsd:integer` |
| `decimal` | `2.5`, `30` | `xsd:decimal` |
| `date` | `2022-12-31` | `xsd:date` |
| `enum` | one of the listed values (any letter case) | a plain literal with the listed spelling |

The embedded store substitutes the term for the variable (SEP-0007); a remote endpoint receives a
`VALUES` block placed first in the query's top-level group. Neither ever pastes user text into
the query, so quotes, braces, `} UNION {`, newlines or `#` in a value stay inside one literal.

Rules the query files follow so that both ways return the same rows:

- **Every parameter always has a value.** An optional filter is a parameter with a default that
  means "no filter": enums use the value `any` (`FILTER(?status = "any" || ...)`), substring
  filters default to the empty text (`CONTAINS(..., "")` is true), numeric thresholds default to
  a bound that admits every row. A variable left unbound would behave differently under
  substitution (no constraint) and `VALUES` (an `UNDEF` join), so we never leave one unbound.
- Parameter variables are used in the top-level group (triple patterns and `FILTER`s there),
  never only inside `OPTIONAL`, `MINUS` or a sub-query, and a `SELECT` projects every parameter
  variable (SEP-0007 keeps bound variables in the results).
- Every query that returns rows has an `ORDER BY` (strings ordered with `STR()`), so answers are
  stable across engines.
- Queries about one compound start from the compound's IRI; class membership uses the inferred
  `rdf:type` instead of `rdf:type/rdfs:subClassOf*` paths over the whole graph (a
  `rdfs:subClassOf+` path is used only from a fixed ontology class, which touches the ontology).
- `inference: not required` is checked by a test: the asserted graph alone gives the same answer.

A parameter error (unknown query, unknown or missing parameter, wrong type) is reported with the
query, the parameter and the expected type; `serkg query` then exits with status 2.

## The queries
"""


def _inference(query: NamedQuery) -> str:
    return "required" if query.needs_inference else "not required"


def render_query_docs() -> str:
    """``queries/README.md``: how the library works and one section per query, from the headers."""
    parts = [DOCS_PREAMBLE]
    queries = list_queries()
    parts.append("\n| query | form | inference | summary |\n|---|---|---|---|\n")
    parts.extend(
        f"| [`{q.name}`](#{q.name}) | {q.form} | {_inference(q)} | {q.summary} |\n" for q in queries
    )
    for query in queries:
        parts.append(f"\n### {query.name}\n\n{query.summary}\n\n{query.description}\n\n")
        if query.params:
            parts.append("| parameter | type | default | description |\n|---|---|---|---|\n")
            for p in query.params:
                kind = p.type + (
                    " (" + ", ".join(f"`{v}`" for v in p.values) + ")" if p.values else ""
                )
                default = (
                    "required" if p.default is None else f"`{p.default}`" if p.default else '`""`'
                )

                parts.append(f"| `{p.name}` | {kind} | {default} | {p.description} |\n")
            parts.append("\n")
        else:
            parts.append("No parameters.\n\n")
        tags = ", ".join(query.tags)
        parts.append(
            f"Form: {query.form}; inference: {_inference(query)}; "
            f"tags: {tags}. File: `queries/{query.path.name}`.\n\n"
        )
        parts.append(f"```sh\n{query.example_command()}\n```\n")
    return "".join(parts)


def docs_file() -> Path:
    return resources.queries_dir() / "README.md"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m serkg.querylib --write-docs | --check-docs``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--write-docs"]:
        docs_file().write_text(render_query_docs(), encoding="utf-8")
        print(f"wrote {docs_file()}")
        return 0
    if args == ["--check-docs"]:
        current = docs_file().read_text(encoding="utf-8") if docs_file().exists() else ""
        if current != render_query_docs():
            print(
                f"{docs_file()} is out of date: run `python -m serkg.querylib --write-docs`",
                file=sys.stderr,
            )
            return 1
        return 0
    print("usage: python -m serkg.querylib --write-docs | --check-docs", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
