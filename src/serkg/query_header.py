"""The ``#+`` header of a named query file (grlc style, YAML), read into a :class:`NamedQuery`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from serkg.query_model import (
    _NAME,
    _VARIABLE,
    HEADER_KEYS,
    INFERENCE_VALUES,
    OPTIONAL_HEADER_KEYS,
    PARAM_KEYS,
    PARAM_TYPES,
    TEXT_INDEX_KEYS,
    NamedQuery,
    QueryHeaderError,
    QueryParameter,
    QueryParameterError,
    TextSearch,
)
from serkg.sparql_text import query_form

_NULL_TAG = "tag:yaml.org,2002:null"


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
    if "text_index" in header:
        query.text_search = _text_search(header["text_index"], query, path)
    return query


#: the filter a ``text_index`` declaration promises (any spacing and letter case)
_SUBSTRING_FILTER = (
    r"CONTAINS\s*\(\s*LCASE\s*\(\s*STR\s*\(\s*\?{variable}\s*\)\s*\)\s*,"
    r"\s*LCASE\s*\(\s*\?{param}\s*\)\s*\)"
)


def _text_search(value: object, query: NamedQuery, path: Path) -> TextSearch:
    """The ``text_index`` key: which string parameter filters which variable, whose values are
    objects of which predicates. The query must hold the very filter the index stands in for."""
    from serkg.prefixes import CurieError, expand

    required = TEXT_INDEX_KEYS[:3]
    if not isinstance(value, dict) or not set(required) <= set(value) <= set(TEXT_INDEX_KEYS):
        raise QueryHeaderError(
            path,
            None,
            f"text_index: expected a mapping with {', '.join(required)} "
            f"(and optionally {TEXT_INDEX_KEYS[3]})",
        )
    param, variable = str(value["param"]), str(value["variable"])
    predicate_variable = value.get("predicate_variable")
    if not any(p.name == param and p.type == "string" for p in query.params):
        raise QueryHeaderError(path, None, f"text_index: {param!r} is not a string parameter")
    if not _VARIABLE.match(variable):
        raise QueryHeaderError(path, None, f"text_index: {variable!r} is not a variable name")
    pattern = _SUBSTRING_FILTER.format(variable=re.escape(variable), param=re.escape(param))
    if not re.search(pattern, without_header(query.text), re.IGNORECASE):
        raise QueryHeaderError(
            path,
            None,
            f"text_index: the query has no CONTAINS(LCASE(STR(?{variable})), LCASE(?{param}))",
        )
    if predicate_variable is not None:
        triple = (
            rf"\?[A-Za-z_]\w*\s+\?{re.escape(str(predicate_variable))}\s+\?{re.escape(variable)}\b"
        )
        if not re.search(triple, without_header(query.text)):
            raise QueryHeaderError(
                path,
                None,
                f"text_index: the query has no triple pattern ?s ?{predicate_variable} ?{variable}",
            )
    names = [str(p) for p in _as_list(value["predicates"], "text_index: predicates", path)]
    if not names:
        raise QueryHeaderError(path, None, "text_index: predicates: expected a non-empty list")
    try:
        predicates = tuple(expand(name) for name in names)
    except CurieError as exc:
        raise QueryHeaderError(path, None, f"text_index: predicates: {exc}") from None
    return TextSearch(
        param=param,
        variable=variable,
        predicates=predicates,
        predicate_variable=None if predicate_variable is None else str(predicate_variable),
    )


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
    """Text without the line break a YAML ``>`` or ``|`` block keeps at its end."""
    if isinstance(value, str) and value.strip():
        return value.strip()
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
    """Parse the ``#+`` lines as YAML (what grlc reads) into the header mapping.

    Errors name the file and line: a YAML syntax error, a header that is not a mapping, an
    unknown or repeated key. Scalars stay text as written (``no`` is not false, ``010`` is not
    8): a parameter's declared type decides what its values mean, not YAML 1.1's guesses.
    """
    lines = _header_lines(text)
    loader = _HeaderLoader("\n".join(body for _, body in lines))
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise QueryHeaderError(
                path, _file_line(lines, node.start_mark), "expected `key: value` in the #+ header"
            )
        _check_keys(node, lines, path)
        header: dict[str, Any] = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(exc, lines, path) from None
    finally:
        loader.dispose()
    return header


class _HeaderLoader(yaml.SafeLoader):
    """PyYAML's safe loader with two changes: a key given twice is an error (PyYAML keeps the
    last one silently), and only ``null`` is resolved implicitly; other scalars stay strings."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# only null is resolved implicitly (a copy of SafeLoader's table: theirs is left as it is)
_HeaderLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == _NULL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_keys(node: yaml.MappingNode, lines: list[tuple[int, str]], path: Path) -> None:
    """Every top-level key is a known header key, given once."""
    seen: set[str] = set()
    for key_node, _ in node.value:
        line = _file_line(lines, key_node.start_mark)
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or not _VARIABLE.match(key):
            raise QueryHeaderError(path, line, "expected `key: value` in the #+ header")
        if key not in HEADER_KEYS + OPTIONAL_HEADER_KEYS:
            known = ", ".join(HEADER_KEYS + OPTIONAL_HEADER_KEYS)
            raise QueryHeaderError(path, line, f"unknown header key {key!r} (known: {known})")
        if key in seen:
            raise QueryHeaderError(path, line, f"header key {key!r} given twice")
        seen.add(key)


def _yaml_error(
    exc: yaml.MarkedYAMLError, lines: list[tuple[int, str]], path: Path
) -> QueryHeaderError:
    """PyYAML's error as one line naming the file line it is about."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return QueryHeaderError(path, None, f"the #+ header is not YAML: {exc}")
    line = _file_line(lines, mark)
    problem = exc.problem or exc.context or ""
    if problem == "mapping values are not allowed here":
        value = lines[min(mark.line, len(lines) - 1)][1].partition(":")[2].strip()
        return QueryHeaderError(path, line, f"quote a value that contains ': ' ({value!r})")
    if isinstance(exc, yaml.constructor.ConstructorError):  # a repeated key, a !tag
        return QueryHeaderError(path, line, f"{problem} in the #+ header")
    if exc.context and exc.context_mark is not None and exc.context_mark.line != mark.line:
        problem += f" ({exc.context} on line {_file_line(lines, exc.context_mark)})"
    return QueryHeaderError(path, line, f"the #+ header is not YAML: {problem}")


def _file_line(lines: list[tuple[int, str]], mark: yaml.Mark) -> int | None:
    """The file line of a mark in the header text (the header skips plain ``#`` lines)."""
    if not lines:
        return None
    return lines[min(mark.line, len(lines) - 1)][0]


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
