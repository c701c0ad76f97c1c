"""Citable answers (``serkg query NAME --cite FILE``, ``serkg cite --verify FILE``).

A citation record pins what a reader needs to check an answer a year later, as the RDA
recommendations on dynamic data citation ask: the release (version IRI), the named query (IRI and
SHA-256 of its text), the parameters as bound RDF terms, and the answer in a canonical form with
its SHA-256, row count, time and the store it ran on. The canonical form is one line per row,
each term in N-Triples form (an unbound variable is an empty cell), cells joined by tabs, the rows
sorted, after a header of the variable names: the same answer gives the same bytes whatever order
the store returned the rows in. The record is JSON-LD (PROV-O and schema.org terms) and keeps
the canonical rows, so a failed verification can say which rows differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from serkg import __version__, safe_write
from serkg.prefixes import METADATA_GRAPH
from serkg.querylib import load_query
from serkg.releases.bundle import release_iri
from serkg.results import QueryAnswer
from serkg.store import QueryStore
from serkg.terms import OxTerm
from serkg.void import DATASET

if TYPE_CHECKING:
    from serkg.projects import Project

QUERY_BASE = "https://w3id.org/serkg/queries/"
CONTEXT: dict[str, Any] = {
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "release": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "generatedAtTime": {"@id": "prov:generatedAtTime", "@type": "xsd:dateTime"},
    "wasGeneratedBy": {"@id": "prov:wasGeneratedBy"},
    "query": {"@id": "prov:used", "@type": "@id"},
    "atLocation": {"@id": "prov:atLocation"},
    "name": {"@id": "schema:name"},
    "sha256": {"@id": "schema:sha256"},
    "rows": {"@id": "schema:numberOfItems"},
    "parameters": {"@id": "schema:additionalProperty"},
    "value": {"@id": "schema:value"},
    "answer": {"@id": "schema:text", "@container": "@list"},
}
SAME, DIFFERENT_ANSWER, DIFFERENT_QUERY = "same answer", "different answer", "different query text"


class CitationError(ValueError):
    """A citation record that cannot be read; the message names the file and field. Exit 2."""


@dataclass(frozen=True)
class Citation:
    """What a record says (see the module docstring)."""

    release: str
    query_name: str
    query_sha256: str
    parameters: dict[str, OxTerm]
    answer_lines: tuple[str, ...]
    answer_sha256: str
    rows: int
    time: str
    location: str


@dataclass(frozen=True)
class Verification:
    """The outcome of re-running a cited query: VERDICT is one of "same answer", "different
    answer" or "different query text"; the rows only the record or only the new answer has."""

    verdict: str
    cited_only: tuple[str, ...] = ()
    current_only: tuple[str, ...] = ()

    @property
    def same(self) -> bool:
        return self.verdict == SAME


# ---------------------------------------------------------------------------------- canonical form
def _cell(term: OxTerm | ox.Triple | None) -> str:
    return "" if term is None else str(term).replace("\t", "\\t").replace("\n", "\\n")


def canonical_lines(answer: QueryAnswer) -> list[str]:
    """The answer as sorted lines of N-Triples terms, after a header (see the module docstring)."""
    if answer.kind == "ask":
        return ["?boolean", "true" if answer.boolean else "false"]
    if answer.kind == "graph":
        return [
            "?subject\t?predicate\t?object",
            *sorted(
                f"{_cell(t.subject)}\t{_cell(t.predicate)}\t{_cell(t.object)}"
                for t in answer.triples
            ),
        ]
    header = "\t".join(f"?{v}" for v in answer.variables)
    return [header, *sorted("\t".join(_cell(term) for term in row) for row in answer.rows)]


def sha256_of_lines(lines: Sequence[str]) -> str:
    return hashlib.sha256(("\n".join(lines) + "\n").encode("utf-8")).hexdigest()


def sha256_of_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: the store's own description says which release it holds (void.ttl, the metadata graph)
RELEASE_QUERY = f"""SELECT ?version WHERE {{
  GRAPH <{METADATA_GRAPH}> {{ {DATASET} <http://purl.org/dc/terms/hasVersion> ?version }}
}}"""


def release_of(answer: QueryAnswer) -> str:
    """The version IRI from the answer to :data:`RELEASE_QUERY` (serkg's version when empty)."""
    versions = sorted(row[0].value for row in answer.rows if row[0] is not None)
    return release_iri(versions[0] if versions else __version__)


def store_release(store: QueryStore) -> str:
    """The version IRI of the release STORE holds: its metadata graph's ``dcterms:hasVersion``."""
    return release_of(store.query(RELEASE_QUERY))


# ---------------------------------------------------------------------------------- citing
def cite(
    name: str,
    bindings: Mapping[str, OxTerm],
    answer: QueryAnswer,
    *,
    release: str,
    location: str,
    now: dt.datetime | None = None,
    project: Project | None = None,
) -> dict[str, Any]:
    """The citation record (JSON-LD, as a dict) of ANSWER to the named query NAME (of PROJECT)
    with BINDINGS, run on the RELEASE (its version IRI) held by the store at LOCATION."""
    query = load_query(name, project)
    lines = canonical_lines(answer)
    when = (now or dt.datetime.now(tz=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {
        "@context": CONTEXT,
        "@type": "prov:Entity",
        "name": f"answer of the serkg named query {name}",
        "release": release,
        "generatedAtTime": when.isoformat().replace("+00:00", "Z"),
        "wasGeneratedBy": {
            "@type": "prov:Activity",
            "atLocation": location,
            "query": {
                "@id": QUERY_BASE + name,
                "name": name,
                "sha256": sha256_of_text(query.text),
            },
            "parameters": [
                {"@type": "schema:PropertyValue", "name": key, "value": str(bindings[key])}
                for key in sorted(bindings)
            ],
        },
        "sha256": sha256_of_lines(lines),
        "rows": len(lines) - 1,
        "answer": lines,
    }


def cite_on(
    store: QueryStore,
    name: str,
    bindings: Mapping[str, OxTerm],
    answer: QueryAnswer,
    *,
    now: dt.datetime | None = None,
    project: Project | None = None,
) -> dict[str, Any]:
    """:func:`cite` for an answer STORE gave: the release it holds, and where it is."""
    release = store_release(store)
    return cite(
        name,
        bindings,
        answer,
        release=release,
        location=store.describe(),
        now=now,
        project=project,
    )


def write_record(path: Path, record: Mapping[str, Any]) -> None:
    """Write RECORD to PATH atomically (a reader never sees half a record)."""
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    safe_write.write_output(Path(path), text.encode("utf-8"))


# ---------------------------------------------------------------------------------- reading
def _field(data: Mapping[str, Any], key: str, kind: type, path: Path) -> Any:
    value = data.get(key)
    if not isinstance(value, kind):
        raise CitationError(f"{path}: field {key!r} is missing or not a {kind.__name__}")
    return value


def _term(text: str, path: Path, name: str) -> OxTerm:
    """An N-Triples term back from its text (parsed as the object of a dummy triple)."""
    line = f"<urn:x:s> <urn:x:p> {text} ."
    try:
        quads = list(ox.parse(line.encode(), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        quads = []
    term = quads[0].object if len(quads) == 1 else None
    if not isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        raise CitationError(f"{path}: parameter {name!r}: {text!r} is not an N-Triples term")
    return term


def read_record(path: Path) -> Citation:
    """Read a citation record; raises :class:`CitationError` naming the file and the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CitationError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CitationError(f"{path}: not a JSON citation record ({exc})") from None
    if not isinstance(data, dict):
        raise CitationError(f"{path}: not a JSON citation record (no object)")
    activity = _field(data, "wasGeneratedBy", dict, path)
    query = _field(activity, "query", dict, path)
    parameters = {}
    for item in _field(activity, "parameters", list, path):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not isinstance(item.get("value"), str)
        ):
            raise CitationError(f"{path}: field 'parameters': each needs a name and a value")
        parameters[item["name"]] = _term(item["value"], path, item["name"])
    lines = _field(data, "answer", list, path)
    if not all(isinstance(line, str) for line in lines):
        raise CitationError(f"{path}: field 'answer' must be a list of text lines")
    answer_sha256 = _field(data, "sha256", str, path)
    if sha256_of_lines(lines) != answer_sha256:
        raise CitationError(f"{path}: field 'answer' does not hash to the record's 'sha256'")
    return Citation(
        release=_field(data, "release", str, path),
        query_name=_field(query, "name", str, path),
        query_sha256=_field(query, "sha256", str, path),
        parameters=parameters,
        answer_lines=tuple(lines),
        answer_sha256=answer_sha256,
        rows=_field(data, "rows", int, path),
        time=_field(data, "generatedAtTime", str, path),
        location=_field(activity, "atLocation", str, path),
    )


# ---------------------------------------------------------------------------------- verifying
def verify(citation: Citation, store: QueryStore) -> Verification:
    """Re-run the cited query on STORE and compare its canonical answer with the record's."""
    query = load_query(citation.query_name)
    if sha256_of_text(query.text) != citation.query_sha256:
        return Verification(DIFFERENT_QUERY)
    lines = canonical_lines(store.query(query.text, citation.parameters))
    if sha256_of_lines(lines) == citation.answer_sha256:
        return Verification(SAME)
    cited, current = set(citation.answer_lines), set(lines)
    return Verification(
        DIFFERENT_ANSWER, tuple(sorted(cited - current)), tuple(sorted(current - cited))
    )


def describe(verification: Verification, citation: Citation) -> str:
    """What ``serkg cite --verify`` prints: the verdict, then the differing rows."""
    head = f"{verification.verdict}: {citation.query_name} as cited from {citation.release} at {citation.time}"
    lines = [head]
    lines += [f"- {row}" for row in verification.cited_only]
    lines += [f"+ {row}" for row in verification.current_only]
    return "\n".join(lines) + "\n"
