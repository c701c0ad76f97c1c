"""Query answers independent of the store that produced them, and their standard serialisations.

The embedded store and a remote endpoint both produce a :class:`QueryAnswer`; writing every output
format here (not asking each store to) makes the same query print the same bytes everywhere.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import pyoxigraph as ox

from serkg import formats
from serkg.terms import XSD_STRING, OxTerm, python_value

AnswerKind = Literal["select", "ask", "graph"]
#: the CLI's `table` is a presentation, not a format: it comes first in every list of choices
SELECT_FORMATS = ("table", *formats.RESULT_FORMATS)
GRAPH_FORMATS = formats.GRAPH_FORMATS


FORM_NAMES = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT/DESCRIBE"}


class AnswerFormatError(ValueError):
    """An output format that does not fit the query's form (rows written as Turtle, triples as
    CSV); the message names the formats that fit."""

    def __init__(self, form: str, fmt: str, what: str = "the query") -> None:
        fitting = formats_for(form)
        super().__init__(
            f"{what} is a {FORM_NAMES.get(form, form)} query: its answer cannot be written as "
            f"{fmt!r}; use one of {', '.join(fitting)}"
        )
        self.form = form
        self.format = fmt
        self.fitting = fitting


def formats_for(form: str) -> tuple[str, ...]:
    """The output formats for a query of FORM ('select', 'ask' or 'graph'), table first."""
    return ("table", *(GRAPH_FORMATS if form == "graph" else SELECT_FORMATS[1:]))


def check_format(form: str, fmt: str, what: str = "the query") -> None:
    """Raise :class:`AnswerFormatError` unless FMT fits a query of FORM (checked before running)."""
    if fmt not in formats_for(form):
        raise AnswerFormatError(form, fmt, what)


@dataclass
class QueryAnswer:
    """The answer to one SPARQL query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: AnswerKind
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[OxTerm | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    @classmethod
    def from_oxigraph(cls, result: Any, row_limit: int | None = None) -> QueryAnswer:
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows: list[tuple[OxTerm | None, ...]] = []
            for solution in result:
                rows.append(tuple(solution[i] for i in range(len(variables))))
                if row_limit is not None and len(rows) > row_limit:
                    raise RowLimitExceeded(row_limit)
            return cls("select", variables=variables, rows=rows)
        if isinstance(result, ox.QueryBoolean):
            return cls("ask", boolean=bool(result))
        triples = []
        for triple in result:
            triples.append(triple)
            if row_limit is not None and len(triples) > row_limit:
                raise RowLimitExceeded(row_limit)
        return cls("graph", triples=triples)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def python_rows(self) -> list[dict[str, Any]]:
        """Rows as dicts of Python values (ASK: one row ``{"answer": bool}``; graph: s/p/o)."""
        if self.kind == "ask":
            return [{"answer": self.boolean}]
        if self.kind == "graph":
            return [
                {
                    "subject": python_value(t.subject),  # type: ignore[arg-type]
                    "predicate": python_value(t.predicate),
                    "object": python_value(t.object),  # type: ignore[arg-type]
                }
                for t in self.triples
            ]
        return [
            {v: python_value(row[i]) for i, v in enumerate(self.variables)} for row in self.rows
        ]

    # ---- serialisation -------------------------------------------------------------------------
    def serialize(self, fmt: str) -> str:
        """Serialise to FMT: one of :data:`formats.RESULT_FORMATS` (SELECT/ASK) or of
        :data:`formats.GRAPH_FORMATS` (graphs)."""
        if fmt == "table" or fmt not in formats_for(self.kind):
            raise AnswerFormatError(self.kind, fmt, "the answer")
        if self.kind == "graph":
            return serialize_triples(self.triples, fmt)
        if fmt == "json":
            return self._json()
        if fmt == "xml":
            return self._xml()
        if fmt in {"csv", "tsv"}:
            if self.kind == "ask":
                return (
                    f"{'true' if self.boolean else 'false'}\n"
                    if fmt == "csv"
                    else f"?answer\n{'true' if self.boolean else 'false'}\n"
                )
            return self._csv() if fmt == "csv" else self._tsv()
        raise AssertionError(f"no writer for {fmt!r}")  # formats_for() lists only written ones

    def _json(self) -> str:
        if self.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)}, indent=2) + "\n"
        bindings = []
        for row in self.rows:
            binding: dict[str, Any] = {}
            for var, term in zip(self.variables, row, strict=True):
                if term is not None:
                    binding[var] = _json_term(term)
            bindings.append(binding)
        doc = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def _csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow(
                [
                    ""
                    if t is None
                    else (t.value if not isinstance(t, ox.BlankNode) else "_:" + t.value)
                    for t in row
                ]
            )
        return out.getvalue()

    def _tsv(self) -> str:
        lines = ["\t".join("?" + v for v in self.variables)]
        for row in self.rows:
            lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
        return "\n".join(lines) + "\n"

    def _xml(self) -> str:
        from xml.sax.saxutils import quoteattr

        parts = [
            '<?xml version="1.0"?>',
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "  <head>",
        ]
        if self.kind == "ask":
            parts += [
                "  </head>",
                f"  <boolean>{'true' if self.boolean else 'false'}</boolean>",
                "</sparql>",
            ]
            return "\n".join(parts) + "\n"
        parts += [f"    <variable name={quoteattr(v)}/>" for v in self.variables]
        parts += ["  </head>", "  <results>"]
        for row in self.rows:
            parts.append("    <result>")
            for var, term in zip(self.variables, row, strict=True):
                if term is not None:
                    parts.append(
                        f"      <binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
                    )
            parts.append("    </result>")
        parts += ["  </results>", "</sparql>"]
        return "\n".join(parts) + "\n"


class RowLimitExceeded(RuntimeError):
    """A query produced more rows than the configured cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the query returned more than {limit} rows (the row cap); add a LIMIT or narrow it"
        )
        self.limit = limit


def _json_term(term: OxTerm) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: OxTerm) -> str:
    from xml.sax.saxutils import escape, quoteattr

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{escape(term.language)}">{escape(term.value)}</literal>'
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _tsv_term(term: OxTerm) -> str:
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value == XSD_STRING:
        return str(ox.Literal(term.value))
    return str(term)


def serialize_triples(triples: list[ox.Triple], fmt: str) -> str:
    """Triples in the RDF format FMT, written by :mod:`serkg.export` (JSON-LD compacted with the
    curated context), so the CLI, the endpoint and the export files write the same bytes."""
    from serkg.export import serialize_triples as write_rdf

    return write_rdf(triples, fmt).decode("utf-8")
