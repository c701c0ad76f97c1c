"""The rules every named query follows beyond its header, as checks ``serkg validate`` runs.

The packaged queries are held to them by tests/queries/test_library.py; a project's queries are
held to the same rules here, so that a query a curator adds answers the same on the embedded store
and on any SPARQL 1.1 endpoint (queries/README.md says why each rule exists).
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from serkg.query_header import without_header
from serkg.query_model import NamedQuery
from serkg.sparql_text import words

#: prefixes of engine-specific functions that would tie a query to one store
ENGINE_EXTENSIONS = ("ofn:", "spif:", "bif:", "fn:", "apf:", "jena:", "oxigraph")


def query_problems(query: NamedQuery) -> list[str]:
    """What is wrong with QUERY, one message each (``path: rule``); empty when it is fine."""
    found = [*_header_problems(query), *_text_problems(query)]
    return [f"{query.path}: {problem}" for problem in found]


def _header_problems(query: NamedQuery) -> list[str]:
    problems = []
    for key in ("summary", "description", "tags"):
        if not getattr(query, key):
            problems.append(f"the #+ header's {key} is empty")
    for param in query.params:
        if not param.description:
            problems.append(f"parameter {param.name} has no description")
        if param.type == "enum" and param.default is not None and param.default not in param.values:
            problems.append(f"parameter {param.name}: default {param.default!r} is not a value")
    missing = sorted({p.name for p in query.params if p.required} - set(query.example))
    if missing:
        problems.append(f"the example lacks the required parameter(s) {', '.join(missing)}")
    return problems


def _text_problems(query: NamedQuery) -> list[str]:
    try:
        ox.Store().query(query.text)
    except SyntaxError as exc:
        return [f"not SPARQL 1.1: {exc}"]
    problems = []
    body = without_header(query.text)
    tokens = [t.upper() for t in words(query.text)]
    if query.form == "select" and not any(
        a == "ORDER" and b == "BY" for a, b in itertools.pairwise(tokens)
    ):
        problems.append("a SELECT needs an ORDER BY (stable answers across engines)")
    if query.form == "select":
        upper = body.upper()
        projection = body[upper.find("SELECT") : upper.find("WHERE")]
        problems += [
            f"?{p.name} is a parameter but is not projected by the SELECT"
            for p in query.params
            if not re.search(rf"\?{p.name}\b", projection)
        ]
    main_where = re.search(r"\bWHERE\s*\{", body, re.IGNORECASE)
    top_level = _top_level_text(body[main_where.end() :]) if main_where else ""
    problems += [
        f"?{p.name} is a parameter but is used only inside nested groups"
        for p in query.params
        if not re.search(rf"\?{p.name}\b", top_level)
    ]
    if re.search(r"subClassOf\s*\*", body):
        problems.append("use the inferred rdf:type, not a/rdfs:subClassOf*")
    problems += [
        f"uses the engine extension {prefix!r}"
        for prefix in ENGINE_EXTENSIONS
        if prefix in body.lower()
    ]
    return problems


def _top_level_text(group: str) -> str:
    """A group's text without its nested {...} groups."""
    out, depth = [], 0
    for ch in group:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)
