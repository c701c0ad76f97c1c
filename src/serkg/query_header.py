"""The ``#+`` header of a named query file (grlc style, YAML), read into a :class:`NamedQuery`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from serkg.query_model import (
    _NAME,
    _VARIABLE,
    HEADER_KEYS,
    INFERENCE_VALUES,
    PARAM_KEYS,
    PARAM_TYPES,
    NamedQuery,
    QueryHeaderError,
    QueryParameter,
    QueryParameterError,
)
from serkg.sparql_text import query_form


# --------------------------------------------------------------------------------- the header
def parse_query_text(text: str, path: Path) -> NamedQuery:
    """Parse a named query file's ``#+`` header and keep its SPARQL text as it is."""
    name = path.stem
    if not _NAME.match(name):
        raise QueryHeaderError(path, None, f"query name {name!r} is not kebab-case")
    header = read_header(text, path)
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
    _check_values(query, path)
    return query


def _check_values(query: NamedQuery, path: Path) -> None:
    """The example and the defaults parse as their parameters, and every parameter is used."""
    for key, value in query.example.items():
        try:
            query.parameter(key).parse(value)
        except QueryParameterError as exc:
            raise QueryHeaderError(path, None, f"example: {exc}") from None
    for param in query.params:
        if param.default is not None:
            try:
                param.parse(param.default)
            except QueryParameterError as exc:
                raise QueryHeaderError(path, None, f"default: {exc}") from None
        if not re.search(r"[?$]" + re.escape(param.name) + r"\b", without_header(query.text)):
            raise QueryHeaderError(
                path, None, f"parameter {param.name!r} is not used as ?{param.name}"
            )


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


def without_header(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def read_header(text: str, path: Path) -> dict[str, Any]:
    """Parse the ``#+`` lines: a YAML subset of ``key: value``, ``key: >`` folded text,
    ``[a, b]`` lists, nested ``key:``/``  sub: value`` mappings and ``- key: value`` item lists.

    Plain YAML tools (grlc) read the same header; a test checks PyYAML agrees.
    """
    lines = _header_lines(text)
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
        out[key] = _header_value(key, rest, block, path, number)
    return out


def _header_lines(text: str) -> list[tuple[int, str]]:
    """The ``#+`` lines before the query, as (line number, text after ``#+ ``)."""
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
    return lines


def _header_value(
    key: str, rest: str, block: list[tuple[int, str]], path: Path, number: int
) -> Any:
    """The value of KEY: folded or literal text, a one-line scalar, or an indented block."""
    if rest in {">", ">-", "|", "|-"}:
        joiner = " " if rest.startswith(">") else "\n"
        return joiner.join(b.strip() for _, b in block if b.strip())
    if rest:
        if block:
            raise QueryHeaderError(
                path, block[0][0], f"{key}: a value on the key line has no indented block"
            )
        return _scalar(rest, path, number)
    return _block(block, path, number)


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
