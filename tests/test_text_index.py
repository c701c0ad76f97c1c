"""The store's text index (serkg.text_index): written by every build, tied to its store, and
never a different answer: label search returns the same rows with and without it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import querylib, store_checksums, text_index
from serkg.query_model import QueryHeaderError
from serkg.results import QueryAnswer
from serkg.store import DamagedStoreError, EmbeddedStore
from serkg.text_index import INDEX_FILE, TextIndex, TextIndexError

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"

#: texts a user may search: substrings, exact labels, short and empty texts, characters that
#: mean something to SQL LIKE, FTS5, SPARQL or shells, letter case pairs, no match
TEXTS = [
    "ser",
    "L-Ser",
    "SERINE",
    "serine",
    "L-serine",
    "acid",
    "ine",
    "disease",
    "",
    "a",
    "Se",
    "zz",
    "no such label anywhere",
    '"',
    'a"b',
    "'s",
    "%",
    "100%",
    "_",
    "a_b",
    "*",
    "ser*",
    "\\",
    "\\u0041",
    "(",
    " - ",
    "İ",
    "ß",
    "é",
    "É",
    "NEAR",
    "AND",
    "}",
]


def _answer(store: EmbeddedStore, text: str) -> QueryAnswer:
    return querylib.run_named_query("label-search", {"text": text}, store=store)


def _without_index(store: EmbeddedStore) -> EmbeddedStore:
    return EmbeddedStore(store.oxigraph, store.location)


def _assert_same_rows(store: EmbeddedStore, texts: Sequence[str]) -> int:
    """Each text gives the same rows, in the same order, with and without the index; returns
    how many of the texts matched something (so a test can insist that some do)."""
    assert store.text_index is not None
    plain = _without_index(store)
    matched = 0
    for text in texts:
        indexed, scanned = _answer(store, text), _answer(plain, text)
        assert indexed.variables == scanned.variables, text
        assert indexed.rows == scanned.rows, text
        matched += bool(scanned.rows)
    return matched


# ------------------------------------------------------------------------- the packaged build
def test_every_build_writes_the_index_and_records_its_checksum(built_dist: Path) -> None:
    folder = built_dist / "store"
    assert INDEX_FILE in (store_checksums.recorded_files(folder) or {})
    index = TextIndex.open(folder)
    assert index is not None
    assert index.predicates == {RDFS_LABEL, SKOS_ALT}


def test_label_search_gives_the_same_rows_with_and_without_the_index(
    built_store: EmbeddedStore,
) -> None:
    assert _assert_same_rows(built_store, TEXTS) >= 10


def test_the_index_narrows_every_text(built_store: EmbeddedStore) -> None:
    index = built_store.text_index
    assert index is not None
    search = querylib.load_query("label-search").text_search
    assert search is not None and search.predicate_variable == "labelKind"
    label = ox.NamedNode(RDFS_LABEL)
    serine = index.candidates("L-SERINE", search.predicates)
    assert serine is not None and (label, ox.Literal("L-serine")) in serine
    assert index.candidates("no such label anywhere", search.predicates) == []
    # shorter than a trigram: the index's own texts are scanned
    for short in ("", "a", "Se"):
        found = index.candidates(short, search.predicates)
        assert found is not None and len(found) > 0, short
    assert index.candidates("İ", search.predicates) == []  # i + a combining dot: no label has it
    assert len(index.candidates("", search.predicates) or []) == len(
        index.candidates("", [RDFS_LABEL]) or []
    ) + len(index.candidates("", [SKOS_ALT]) or [])
    assert index.candidates("ser\x00ine", search.predicates) is None
    assert index.candidates("serine", [*search.predicates, "https://example.org/p"]) is None
    text = querylib.load_query("label-search").text
    narrowed = index.narrow(text, search, {"text": ox.Literal("serine")})
    assert "\n  VALUES (?labelKind ?matched) { (<" in narrowed
    assert f'(<{RDFS_LABEL}> "L-serine")' in narrowed
    assert index.narrow(text, search, {"text": ox.Literal("ser\x00")}) == text


def test_the_server_worker_uses_the_index(built_store: EmbeddedStore) -> None:
    from serkg.web.api import named_query_job
    from serkg.web.jobs import run_job

    for text in ("serine", "acid", "se", "no such label anywhere"):
        job = named_query_job("label-search", [("text", text)], "application/json")
        assert job.text_search is not None
        store = built_store.oxigraph
        indexed = run_job(
            store, job, 10_000, False, walled=False, text_index=built_store.text_index
        )
        scanned = run_job(store, job, 10_000, False, walled=False)
        assert indexed[0] == "ok", indexed
        assert indexed == scanned, text


# ------------------------------------------------------------------- stale or damaged indexes
@pytest.fixture
def store_copy(built_dist: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built_dist / "store", target)
    return target


def test_an_index_from_another_store_is_refused(store_copy: Path, tmp_path: Path) -> None:
    other = _small_store(tmp_path / "other", [("x", RDFS_LABEL, ox.Literal("serine"))])
    shutil.copy(other / INDEX_FILE, store_copy / INDEX_FILE)
    with pytest.raises(DamagedStoreError, match=r"text-index\.sqlite has changed since the build"):
        EmbeddedStore.open(store_copy)
    store_checksums.record_file(store_copy, INDEX_FILE)  # even with its checksum recorded
    with pytest.raises(TextIndexError, match=r"was written from another store; rebuild"):
        TextIndex.open(store_copy)
    with pytest.raises(DamagedStoreError, match=r"text-index\.sqlite was written from another"):
        EmbeddedStore.open(store_copy)


def test_a_missing_or_unreadable_index_is_a_damaged_store(store_copy: Path) -> None:
    (store_copy / INDEX_FILE).unlink()
    with pytest.raises(DamagedStoreError, match=r"text-index\.sqlite is missing; rebuild"):
        EmbeddedStore.open(store_copy)
    (store_copy / INDEX_FILE).write_bytes(b"not a database")
    store_checksums.record_file(store_copy, INDEX_FILE)
    with pytest.raises(TextIndexError, match=r"cannot be read \(file is not a database\)"):
        TextIndex.open(store_copy)


def test_a_store_without_recorded_checksums_runs_without_the_index(store_copy: Path) -> None:
    """What `serkg serve --allow-update` leaves: a store that may have changed since its index."""
    assert store_checksums.remove_checksums(store_copy)
    store = EmbeddedStore.open(store_copy)
    assert store.text_index is None
    rows = _answer(store, "serine").rows
    assert rows and all("serine" in str(row[3]).lower() for row in rows)


# ------------------------------------------------------------ folding: Unicode letter case
def _small_store(folder: Path, triples: Sequence[tuple[str, str, ox.Literal]]) -> Path:
    """A store as the build leaves it (checksums, then the index) holding TRIPLES."""
    store = ox.Store(str(folder))
    graph = ox.NamedNode("https://w3id.org/serkg/graph/asserted")
    for subject, predicate, obj in triples:
        store.add(
            ox.Quad(
                ox.NamedNode(f"https://example.org/{subject}"), ox.NamedNode(predicate), obj, graph
            )
        )
    store.flush()
    del store
    store_checksums.write_checksums(folder)
    text_index.write_index(folder, [RDFS_LABEL, SKOS_ALT])
    return folder


UNICODE_LABELS = [
    "İstanbul",
    "ISTANBUL",
    "Straße",
    "STRASSE",
    "ΟΔΥΣΣΕΥΣ",
    "Οδυσσεύς",
    "Café CRÈME",
    "ǅemal",
    "Ǆ Ǉ Ǌ",
    "\u1c89\u1c89\u1c89 (Cyrillic TJE, Unicode 16)",
    "Ꟊ ꟊ ꟊ (Unicode 16)",
    "ＦＵＬＬ ｗｉｄｔｈ",
    "𐐀𐐁𐐂 Deseret",
]


def test_unicode_case_pairs_give_the_same_rows(tmp_path: Path) -> None:
    triples = [(f"e{i}", RDFS_LABEL, ox.Literal(text)) for i, text in enumerate(UNICODE_LABELS)]
    triples += [
        ("e0", SKOS_ALT, ox.Literal("İSTANBUL", language="tr")),
        ("e2", SKOS_ALT, ox.Literal("strasse", language="de")),
        ("e7", RDFS_LABEL, ox.Literal("typed café", datatype=ox.NamedNode(f"{SKOS_ALT}Text"))),
    ]
    folder = _small_store(tmp_path / "store", triples)
    store = EmbeddedStore.open(folder)
    texts = [
        "istanbul",
        "İSTANBUL",
        "i̇st",
        "STRASSE",
        "straße",
        "ß",
        "ΣΣΕΥΣ",
        "οδυσσευς",
        "σσε",
        "ύς",
        "CAFÉ",
        "café",
        "Cafe",
        "ǆem",
        "ǅEM",
        "ǈ ǌ",
        "\u1c8a\u1c8a\u1c8a",
        "\u1c89\u1c89",
        "ꟊ ꟊ",
        "ｆｕｌｌ",
        "𐐨𐐩",
        "deseret",
    ]
    assert _assert_same_rows(store, texts) >= 15


def test_the_index_folds_text_as_the_store_does() -> None:
    """LCASE, not Python's str.lower: the two disagree on characters newer than Python's
    Unicode tables, and one disagreement would lose a row."""
    samples = ["İ", "ẞ", "ΟΔΟΣ ΟΔΟΣ.", "ǅ", "\u1c89", "\ua7cb", "\U00010d50", "Ä Ö Ü"]
    store = ox.Store()
    for text in samples:
        (row,) = store.query(
            "SELECT ?t (LCASE(?t) AS ?l) WHERE {}",
            substitutions={ox.Variable("t"): ox.Literal(text)},
        )
        assert text_index.fold(text) == row["l"].value, text
    assert text_index.fold("ΟΔΟΣ ΟΔΟΣ.") == "οδος οδος."
    assert text_index.fold("İ") == "i̇"


def test_trigram_candidates_are_checked_as_substrings(tmp_path: Path) -> None:
    """ "abcd" and "bcde" share every trigram of "abcde" split in two: not a match."""
    folder = _small_store(tmp_path / "store", [("x", RDFS_LABEL, ox.Literal("abcd bcde"))])
    index = TextIndex.open(folder)
    assert index is not None
    assert index.candidates("abcde", [RDFS_LABEL]) == []
    assert index.candidates("d bc", [RDFS_LABEL]) == [
        (ox.NamedNode(RDFS_LABEL), ox.Literal("abcd bcde"))
    ]
    rows = sqlite3.connect(folder / INDEX_FILE).execute("SELECT folded FROM entry").fetchall()
    assert rows == [("abcd bcde",)]


# ----------------------------------------------------------------- a generated catalogue
@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    from benchmarks.generator import generate
    from serkg.build import build

    folder = tmp_path_factory.mktemp("generated")
    files = generate(folder / "data", 10_000)
    build(folder / "dist", data_files=files)
    return EmbeddedStore.open(folder / "dist" / "store")


def test_generated_catalogue_gives_the_same_rows_with_and_without_the_index(
    generated_store: EmbeddedStore,
) -> None:
    texts = [
        "compound",
        "compound 6",
        "Compound 1",
        "syn",
        "synthetic disease 1",
        "DISEASE",
        "000",
        "-0",
        "co",
        "",
        "x",
        "nothing like this",
        "'",
        "%",
        "_",
    ]
    assert _assert_same_rows(generated_store, texts) >= 7


# ---------------------------------------------------------------------- the header key
LABELS_QUERY = """\
#+ summary: Labels containing a text.
#+ description: A test query.
#+ params:
#+   - name: text
#+     type: {type}
#+     description: the text
#+ example:
#+   text: {example}
#+ tags: [search]
#+ inference: not required
#+ text_index:
{declaration}
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?text ?matched WHERE {{
  ?entity rdfs:label ?matched .
  FILTER(CONTAINS(LCASE(STR(?matched)), LCASE(?text)))
}}
ORDER BY STR(?matched)
"""
DECLARATION = "#+   param: text\n#+   variable: matched\n#+   predicates: [rdfs:label]"


def _header_query(tmp_path: Path, declaration: str = DECLARATION, kind: str = "string") -> Path:
    path = tmp_path / "labels.rq"
    example = "kg:l-serine" if kind == "iri" else "ser"
    text = LABELS_QUERY.format(type=kind, declaration=declaration, example=example)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_header_key_is_read(tmp_path: Path) -> None:
    query = querylib.load_query_file(_header_query(tmp_path))
    assert query.text_search is not None
    assert query.text_search.predicates == (RDFS_LABEL,)
    assert (query.text_search.param, query.text_search.variable) == ("text", "matched")
    assert query.text_search.predicate_variable is None
    with_kind = DECLARATION.replace("matched", "matched\n#+   predicate_variable: kind", 1)
    text = _header_query(tmp_path, with_kind).read_text(encoding="utf-8")
    _header_query(tmp_path).write_text(text.replace("rdfs:label ?matched", "?kind ?matched"))
    query = querylib.load_query_file(tmp_path / "labels.rq")
    assert query.text_search is not None and query.text_search.predicate_variable == "kind"


@pytest.mark.parametrize(
    ("declaration", "kind", "message"),
    [
        ("#+   param: text", "string", "text_index: expected a mapping with param, variable"),
        (
            DECLARATION + "\n#+   predicate_variable: kind",
            "string",
            r"the query has no triple pattern \?s \?kind \?matched",
        ),
        (DECLARATION.replace("param: text", "param: other"), "string", "'other' is not a string"),
        (DECLARATION, "iri", "'text' is not a string parameter"),
        (
            DECLARATION.replace("matched", "entity"),
            "string",
            r"the query has no CONTAINS\(LCASE\(STR\(\?entity\)\), LCASE\(\?text\)\)",
        ),
        (DECLARATION.replace("[rdfs:label]", "[]"), "string", "predicates: expected a non-empty"),
        (DECLARATION.replace("rdfs:label", "nope:label"), "string", "unknown prefix 'nope'"),
    ],
)
def test_a_wrong_declaration_names_the_file(
    tmp_path: Path, declaration: str, kind: str, message: str
) -> None:
    with pytest.raises(QueryHeaderError, match=r"labels\.rq: .*" + message):
        querylib.load_query_file(_header_query(tmp_path, declaration, kind))
