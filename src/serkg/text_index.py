"""The store's text index: substring search over labels without a scan of every label.

``label-search`` keeps a row when ``CONTAINS(LCASE(STR(?matched)), LCASE(?text))``: the store
has no index for that, so it folds and scans every label (140 ms at 1M triples, linear in the
graph). A named query whose header declares ``text_index`` (see queries/README.md) lets the
embedded store look the text up here first and bind ``?matched`` to the candidates with a
``VALUES`` block; the query's own FILTER still decides each row, so the answer is the same with
or without the index, and its cost follows the rows found rather than the labels stored. Remote
endpoints and stores without an index run the query as written.

The index is an SQLite FTS5 table with the ``trigram`` tokenizer, ``text-index.sqlite`` inside
the store folder: one row per distinct object (IRI or literal) of each indexed predicate, in any
graph, with its text folded by Oxigraph's own ``LCASE`` (``queries/views/text-index-*.rq``).
Python's ``str.lower`` is not used: its Unicode tables can be older than the store's (Python
3.11 has Unicode 14, Oxigraph 0.5 a newer one), and one character folded differently would lose
a row. A trigram match is a superset of the substring matches; each candidate is checked with
``in`` before it is bound.

Kept in sync by construction: ``serkg build`` writes the index from the closed store inside the
build folder, so it is published in the same rename; the index records a digest of the store
files' checksums and the store's ``SHA256SUMS`` records the index's, and both are checked when it
opens. A store without a recorded index (built before it existed, or changed since by
``serkg serve --allow-update``, which drops the checksums) runs queries without it; an index
that does not match its store is an error naming the file, like any damaged store file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from urllib.request import pathname2url

import pyoxigraph as ox

from serkg import resources, store_checksums
from serkg.query_model import TextSearch
from serkg.sparql_text import inject_value_rows
from serkg.terms import OxTerm

INDEX_FILE = "text-index.sqlite"
#: the shortest folded text the trigram index can look up; shorter ones scan the index's texts
MIN_TEXT = 3
#: the layout of the SQLite file; an index of another layout is not used
FORMAT = "1"
_PARTIAL = f".{INDEX_FILE}.part"


class TextIndexError(RuntimeError):
    """The store's text index is unreadable or belongs to another store: rebuild."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"the text index {path} {reason}; rebuild with `serkg build`")
        self.path = path


# ------------------------------------------------------------------------------- writing
def write_index(store_folder: Path, predicates: Iterable[str]) -> Path | None:
    """Write STORE_FOLDER/text-index.sqlite for PREDICATES (full IRIs) from the closed store
    there, and add its checksum to the store's ``SHA256SUMS``. None when there is nothing to
    index (no named query declares ``text_index``)."""
    wanted = sorted(set(predicates))
    if not wanted:
        return None
    digest = _store_digest(store_folder)
    if digest is None:
        raise RuntimeError(f"{store_folder} has no SHA256SUMS: write the store's checksums first")
    partial = store_folder / _PARTIAL
    partial.unlink(missing_ok=True)
    store = ox.Store.read_only(str(store_folder))
    entries = resources.view_query("text-index-entries")
    connection = sqlite3.connect(partial)
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE entry USING fts5(folded, predicate UNINDEXED, "
            "kind UNINDEXED, value UNINDEXED, language UNINDEXED, datatype UNINDEXED, "
            "tokenize = 'trigram case_sensitive 1')"
        )
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for predicate in wanted:
            solutions = store.query(
                entries,
                substitutions={ox.Variable("predicate"): ox.NamedNode(predicate)},
                use_default_graph_as_union=True,
            )
            assert isinstance(solutions, ox.QuerySolutions)
            # sorted here, so that the same store always gives the same index
            found = (_entry_row(predicate, row["object"], row["folded"]) for row in solutions)
            rows = sorted(row for row in found if row is not None)
            connection.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", rows)
        meta = {"format": FORMAT, "store": digest, "predicates": json.dumps(wanted)}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        connection.commit()
    finally:
        connection.close()
        del store
    target = store_folder / INDEX_FILE
    os.replace(partial, target)
    store_checksums.record_file(store_folder, INDEX_FILE)
    return target


def _entry_row(predicate: str, term: object, folded: object) -> tuple[str, ...] | None:
    """One row of the index: the folded text and the term, in columns (never as SPARQL text);
    None for what LCASE(STR()) cannot fold (a quoted triple), which no substring filter keeps."""
    if not isinstance(folded, ox.Literal):
        return None
    if isinstance(term, ox.NamedNode):
        return (folded.value, predicate, "iri", term.value, "", "")
    if isinstance(term, ox.Literal):
        language = term.language or ""
        return (folded.value, predicate, "literal", term.value, language, term.datatype.value)
    return None


def _store_digest(store_folder: Path) -> str | None:
    """A digest of the store files' recorded checksums (the index's own left out): what ties an
    index to the one store it was written from."""
    recorded = store_checksums.recorded_files(store_folder)
    if recorded is None:
        return None
    lines = sorted(f"{sha}  {name}\n" for name, sha in recorded.items() if name != INDEX_FILE)
    return hashlib.sha256("".join(lines).encode("ascii")).hexdigest()


# ------------------------------------------------------------------------------- reading
class TextIndex:
    """An open text index, read-only; one per open store."""

    def __init__(self, path: Path, connection: sqlite3.Connection, predicates: set[str]) -> None:
        self.path = path
        self._connection = connection
        self.predicates = predicates

    @classmethod
    def open(cls, store_folder: Path | str) -> TextIndex | None:
        """The index of the built store at STORE_FOLDER, or None when its checksums record none.

        Raises :class:`TextIndexError` when a recorded index cannot be read or was written from
        another store (the checksum check of :class:`serkg.store.EmbeddedStore` usually finds
        that first)."""
        folder = Path(store_folder)
        recorded = store_checksums.recorded_files(folder)
        if recorded is None or INDEX_FILE not in recorded:
            return None
        path = folder / INDEX_FILE
        try:
            # immutable: the file never changes, so SQLite takes no lock and writes no journal
            uri = f"file:{pathname2url(str(path.resolve()))}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise TextIndexError(path, f"cannot be read ({exc})") from None
        if meta.get("format") != FORMAT:
            connection.close()
            raise TextIndexError(path, f"has layout {meta.get('format')!r}, not {FORMAT}")
        if meta.get("store") != _store_digest(folder):
            connection.close()
            raise TextIndexError(path, "was written from another store")
        return cls(path, connection, set(json.loads(meta["predicates"])))

    def close(self) -> None:
        self._connection.close()

    def candidates(
        self, text: str, predicates: Sequence[str]
    ) -> list[tuple[ox.NamedNode, OxTerm]] | None:
        """Every (predicate, object) of PREDICATES whose object's folded text contains TEXT
        folded, or None when the index cannot answer (a predicate is not indexed, or TEXT holds
        a NUL character): then the query must scan the store.

        A text that folds to :data:`MIN_TEXT` characters or more is looked up by its trigrams;
        a shorter one (even the empty text) scans the index's folded texts, which is still far
        cheaper than the store's scan: no term to decode, no row to join."""
        folded = fold(text)
        if "\x00" in folded or not set(predicates) <= self.predicates:
            return None
        marks = ", ".join("?" for _ in predicates)
        columns = "SELECT folded, predicate, kind, value, language, datatype FROM entry"
        arguments: list[str]
        if len(folded) >= MIN_TEXT:
            sql = f"{columns} WHERE entry MATCH ? AND predicate IN ({marks}) ORDER BY rowid"
            arguments = ['"' + folded.replace('"', '""') + '"', *predicates]
        else:
            sql = f"{columns} WHERE instr(folded, ?) > 0 AND predicate IN ({marks}) ORDER BY rowid"
            arguments = [folded, *predicates]
        try:
            rows = self._connection.execute(sql, arguments).fetchall()
        except sqlite3.Error as exc:
            raise TextIndexError(self.path, f"cannot be read ({exc})") from None
        # a trigram match may be a near miss ("abcd bcde" for "abcde"): check the substring
        return [
            (ox.NamedNode(predicate), _term(kind, value, language, datatype))
            for row_text, predicate, kind, value, language, datatype in rows
            if folded in row_text
        ]

    def narrow(self, sparql: str, search: TextSearch, bindings: Mapping[str, OxTerm]) -> str:
        """SPARQL with ``?variable`` (and ``?predicate_variable``) bound to the index's
        candidates for the searched text, or SPARQL itself when the index cannot answer. Only
        terms read from the index enter the text, written by pyoxigraph's serialiser; the
        searched text stays a bound parameter."""
        text = bindings.get(search.param)
        if not isinstance(text, ox.Literal):
            return sparql
        found = self.candidates(text.value, search.predicates)
        if found is None:
            return sparql
        if search.predicate_variable is not None:
            variables = [search.predicate_variable, search.variable]
            return inject_value_rows(sparql, variables, [list(pair) for pair in found])
        objects = list(dict.fromkeys(term for _, term in found))  # once each, in index order
        return inject_value_rows(sparql, [search.variable], [[term] for term in objects])


def _term(kind: str, value: str, language: str, datatype: str) -> OxTerm:
    if kind == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


_FOLDER: ox.Store | None = None


def fold(text: str) -> str:
    """TEXT as SPARQL ``LCASE`` folds it in the store (``queries/views/text-index-fold.rq``)."""
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = ox.Store()
    solutions = _FOLDER.query(
        resources.view_query("text-index-fold"),
        substitutions={ox.Variable("text"): ox.Literal(text)},
    )
    assert isinstance(solutions, ox.QuerySolutions)
    folded = next(iter(solutions))["folded"]
    assert isinstance(folded, ox.Literal)
    return folded.value
