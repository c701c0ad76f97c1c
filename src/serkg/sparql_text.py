"""The one SPARQL reader: the lexer, the query form and parameter binding by ``VALUES`` injection.

Everything in serkg that reads a query as text (the query library, the server, the web API,
remote endpoints) uses this module, so there is one dialect: comments, strings and IRIs are not
code; the top-level WHERE group is the one after a CONSTRUCT template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from serkg.terms import OxTerm


class QuerySyntaxError(ValueError):
    """The SPARQL text does not parse; the message is the parser's."""


def query_form(sparql: str) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), read from the first query keyword."""
    for token in words(sparql):
        upper = token.upper()
        if upper in {"SELECT"}:
            return "select"
        if upper == "ASK":
            return "ask"
        if upper in {"CONSTRUCT", "DESCRIBE"}:
            return "graph"
    raise QuerySyntaxError("no SELECT, ASK, CONSTRUCT or DESCRIBE keyword found in the query")


def inject_values(sparql: str, bindings: Mapping[str, OxTerm]) -> str:
    """Place ``VALUES (?a ?b) { (t1 t2) }`` first in the query's top-level group pattern.

    The terms are written by pyoxigraph's N-Triples serialiser, so no user text reaches the
    query except as an escaped RDF term.
    """
    position = where_open_brace(sparql)
    variables = " ".join("?" + name for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    block = f"\n  VALUES ({variables}) {{ ({values}) }}\n"
    return sparql[: position + 1] + block + sparql[position + 1 :]


def inject_value_rows(
    sparql: str, variables: Sequence[str], rows: Sequence[Sequence[OxTerm]]
) -> str:
    """Place ``VALUES (?a ?b) { (t1 t2) ... }`` first in the query's top-level group pattern:
    the text index's candidates (an empty block: no row can match). The terms are written by
    pyoxigraph's N-Triples serialiser, as in :func:`inject_values`."""
    position = where_open_brace(sparql)
    names = " ".join("?" + name for name in variables)
    values = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    block = f"\n  VALUES ({names}) {{ {values} }}\n"
    return sparql[: position + 1] + block + sparql[position + 1 :]


def words(sparql: str) -> list[str]:
    """The query's words (names, keywords, variables' names) outside comments, strings and IRIs."""
    words: list[str] = []
    current = ""
    for ch, in_code in code_chars(sparql):
        if in_code and (ch.isalnum() or ch == "_"):
            current += ch
        else:
            if current:
                words.append(current)
            current = ""
    if current:
        words.append(current)
    return words


def code_chars(sparql: str) -> Iterator[tuple[str, bool]]:
    """Yield (char, is_code) where is_code is False inside comments, strings and IRIs."""
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch == "#":
            while i < n and sparql[i] != "\n":
                yield sparql[i], False
                i += 1
            continue
        if ch in "\"'":
            quote = sparql[i : i + 3] if sparql[i : i + 3] in {'"""', "'''"} else ch
            yield from ((c, False) for c in quote)
            i += len(quote)
            while i < n and sparql[i : i + len(quote)] != quote:
                if sparql[i] == "\\":
                    yield sparql[i], False
                    i += 1
                yield sparql[i], False
                i += 1
            yield from ((c, False) for c in quote)
            i += len(quote)
            continue
        if ch == "<" and i + 1 < n and not sparql[i + 1].isspace() and sparql[i + 1] not in "=<":
            end = sparql.find(">", i)
            if end != -1 and " " not in sparql[i:end] and "\n" not in sparql[i:end]:
                for c in sparql[i : end + 1]:
                    yield c, False
                i = end + 1
                continue
        yield ch, True
        i += 1


def where_open_brace(sparql: str) -> int:
    """Index of the '{' that opens the top-level WHERE group (after a CONSTRUCT template)."""
    form = query_form(sparql)
    depth = 0
    skipped_template = form != "graph" or "CONSTRUCT" not in [t.upper() for t in words(sparql)]
    for index, (ch, in_code) in enumerate(code_chars(sparql)):
        if not in_code:
            continue
        if ch == "{":
            if depth == 0 and skipped_template:
                return index
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and not skipped_template:
                skipped_template = True
    raise QuerySyntaxError("the query has no WHERE group to bind parameters in")


def has_dataset_clause(sparql: str) -> bool:
    """Whether the query says FROM (the keyword only a dataset clause uses)."""
    lowered = sparql.lower()
    if "from" not in lowered and "\\u" not in lowered:
        return False  # the common case, without the scan of strings and comments
    return "FROM" in sparql_keywords(sparql)


def sparql_keywords(sparql: str) -> list[str]:
    """Only for choosing the dataset (is there a FROM?), never for deciding what may run.

    Upper-cased bare words of SPARQL text: not in strings, comments or IRIs, and not part of a
    variable, prefixed name or language tag. ``\\uXXXX`` escapes are decoded first, as in SPARQL.
    """
    text = _CODEPOINT_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    chars = [*code_chars(text), (" ", True)]
    words: list[str] = []
    start: int | None = None
    lead = previous = " "
    for index, (ch, in_code) in enumerate(chars):
        if in_code and (ch.isalnum() or ch == "_"):
            if start is None:
                start, lead = index, previous
            continue
        if start is not None:
            if lead not in "?$:@-" and not (in_code and ch == ":"):
                words.append("".join(c for c, _ in chars[start:index]).upper())
            start = None
        previous = ch if in_code else " "
    return words


_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
