"""The production path: a build pushed to Virtuoso Open Source 7 answers every named query with
the same rows as the embedded store.

A session fixture starts Virtuoso on loopback with a fresh database in a temporary folder.
Without ``virtuoso-t`` these tests skip, except in CI (``SERKG_REQUIRE_SERVICES=1``), where
they fail.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from serkg import remote
from serkg.loading import InputError
from serkg.prefixes import ASSERTED_GRAPH, IMPORTS_GRAPH, INFERRED_GRAPH
from serkg.store import EmbeddedStore, EndpointStore
from serkg.terms import python_value
from tests.conftest import free_port, require_tool
from tests.virtuoso_fixture import PASSWORD, USER, Virtuoso, start_virtuoso

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    require_tool("virtuoso-t", "the production triple store tests")
    require_tool("isql-vt", "stopping Virtuoso cleanly")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()


def load_build(server: Virtuoso, dist: Path, graph_base: str | None) -> remote.LoadSummary:
    """Push a build's asserted, inferred and imports files to SERVER under GRAPH_BASE (None:
    standard), as ``serkg load`` does."""
    return remote.load_to_endpoint(
        server.base_url,
        dist / "serkg.nt",
        dist / "serkg-inferred.ttl",
        graph_base=graph_base,
        user=USER,
        password=PASSWORD,
        timeout=120,
        imports=dist / "serkg-imports.ttl",
    )


@pytest.fixture(scope="session")
def loaded(virtuoso: Virtuoso, built_dist: Path) -> Virtuoso:
    """Virtuoso holding the packaged build in the three standard named graphs."""
    load_build(virtuoso, built_dist, graph_base=None)
    return virtuoso


def term_kind(term: Any) -> str | None:
    """IRI, blank node or literal: an IRI and a literal with the same text are different answers."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return "iri"
    if isinstance(term, ox.BlankNode):
        return "bnode"
    return "literal"


def comparable(term: Any) -> tuple[str | None, Any]:
    """The kind of term and a value both stores agree on.

    Virtuoso writes booleans as 1/0 and may drop xsd:string, so literals compare by value; the
    kind is kept so that a query answering an IRI here and a literal there is a difference.
    """
    value = python_value(term)
    if isinstance(value, Decimal):
        value = value.normalize()
    return term_kind(term), value


def row_bag(answer: Any) -> Counter[tuple[Any, ...]]:
    if answer.kind == "ask":
        return Counter([(answer.boolean,)])
    if answer.kind == "graph":
        return Counter(
            (comparable(t.subject), comparable(t.predicate), comparable(t.object))
            for t in answer.triples
        )
    return Counter(tuple(comparable(v) for v in row) for row in answer.rows)


def graph_size(server: Virtuoso, graph: str) -> int:
    answer = EndpointStore(server.sparql_url, default_graphs=[graph], timeout=30).query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    )
    return int(answer.rows[0][0].value)  # type: ignore[union-attr]


def nt_lines(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def run_serkg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The serkg CLI in a fresh interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "serkg", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


def blank_node_triples(path: Path) -> int:
    return sum(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    )


def oxigraph_store_of(path: Path) -> EmbeddedStore:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return EmbeddedStore(store)


def list_links(store: EndpointStore | EmbeddedStore) -> int:
    """How many RDF list cells lead to a next cell that has a first element."""
    answer = store.query(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?cell rdf:rest ?next . ?next rdf:first ?item }"
    )
    return int(answer.rows[0][0].value)  # type: ignore[union-attr]


@pytest.mark.virtuoso
@pytest.mark.slow
def test_load_fills_the_three_named_graphs(loaded: Virtuoso, built_dist: Path) -> None:
    def turtle_triples(name: str) -> int:
        return sum(1 for _ in ox.parse(path=str(built_dist / name), format=ox.RdfFormat.TURTLE))

    assert graph_size(loaded, ASSERTED_GRAPH) == nt_lines(built_dist / "serkg.nt")
    assert graph_size(loaded, INFERRED_GRAPH) == turtle_triples("serkg-inferred.ttl")
    assert graph_size(loaded, IMPORTS_GRAPH) == turtle_triples("serkg-imports.ttl") > 500


CROSS_ONTOLOGY_QUERIES = [
    "trials-in-disease-class",
    "compounds-by-process-class",
    "adverse-effects-by-phenotype-class",
    "compounds-by-chemical-class",
]


@pytest.mark.virtuoso
@pytest.mark.slow
@pytest.mark.parametrize("name", CROSS_ONTOLOGY_QUERIES)
def test_cross_ontology_queries_give_their_golden_rows_on_virtuoso(
    loaded: Virtuoso, name: str
) -> None:
    """The hierarchy climbed in the imports graph loaded by `serkg load`: Virtuoso returns the
    reviewed rows of tests/queries/golden (not just the embedded store's, which could be empty)."""
    import json

    from serkg import querylib

    query = querylib.load_query(name)
    golden = json.loads((REPO / "tests/queries/golden" / f"{name}.json").read_text("utf-8"))
    expected = Counter(
        tuple((row[v]["value"] if v in row else None) for v in golden["head"]["vars"])
        for row in golden["results"]["bindings"]
    )
    answer = querylib.run_named_query(name, dict(query.example), endpoint=loaded.sparql_url)
    got = Counter(
        tuple((None if term is None else str(term.value)) for term in row)
        for row in answer.rows  # type: ignore[union-attr]
    )
    assert expected, f"{name}: the golden answer is empty"
    assert got == expected


@pytest.mark.virtuoso
@pytest.mark.slow
def test_every_named_query_returns_the_same_rows_as_the_embedded_store(
    loaded: Virtuoso, built_dist: Path
) -> None:
    from serkg import querylib

    queries = querylib.list_queries()
    assert queries, "no named queries to compare"
    differences = []
    for query in queries:
        name, params = query.name, dict(query.example)  # the documented example: real answers
        embedded = querylib.run_named_query(name, params, store_path=built_dist / "store")
        endpoint = querylib.run_named_query(name, params, endpoint=loaded.sparql_url)
        if row_bag(embedded) != row_bag(endpoint):
            only_here = row_bag(embedded) - row_bag(endpoint)
            only_there = row_bag(endpoint) - row_bag(embedded)
            differences.append(
                f"{name}: embedded-only {list(only_here)[:3]}, virtuoso-only {list(only_there)[:3]}"
            )
    assert not differences, "\n".join(differences)


@pytest.mark.virtuoso
@pytest.mark.slow
def test_reloading_replaces_instead_of_duplicating(
    virtuoso: Virtuoso, built_dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "CHUNK_TRIPLES", 500)  # many requests: first PUT, then POSTs
    base = "https://example.org/reload-test/"
    for _ in range(2):
        summary = load_build(virtuoso, built_dist, graph_base=base)
    expected = nt_lines(built_dist / "serkg.nt")
    with_blank_nodes = blank_node_triples(built_dist / "serkg.nt")
    asserted, inferred, imports = summary.graphs
    assert imports.triples == graph_size(virtuoso, base + "imports") > 500
    assert inferred.requests == -(-inferred.triples // 500) > 1
    # the asserted graph's triples with blank nodes (OWL lists) travel together, in one more request
    assert 0 < with_blank_nodes < 500
    assert asserted.requests == -(-(expected - with_blank_nodes) // 500) + 1
    assert asserted.triples == expected
    assert graph_size(virtuoso, base + "asserted") == expected
    # and the lists arrive whole: every list cell still reaches the next one's first element
    assert list_links(EndpointStore(virtuoso.sparql_url, default_graphs=[base + "asserted"])) == (
        list_links(oxigraph_store_of(built_dist / "serkg.nt"))
    )


@pytest.mark.virtuoso
@pytest.mark.slow
def test_a_broken_file_leaves_the_store_untouched(
    virtuoso: Virtuoso, built_dist: Path, tmp_path: Path
) -> None:
    base = "https://example.org/broken-file-test/"
    load_build(virtuoso, built_dist, graph_base=base)
    before = graph_size(virtuoso, base + "asserted"), graph_size(virtuoso, base + "inferred")
    broken = tmp_path / "dist"
    broken.mkdir()
    lines = (built_dist / "serkg.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    (broken / "serkg.nt").write_text("".join(lines[:100]), encoding="utf-8")  # valid, but smaller
    inferred_text = (built_dist / "serkg-inferred.ttl").read_text(encoding="utf-8")
    (broken / "serkg-inferred.ttl").write_text(inferred_text + "\nkg:x kg:y\n", encoding="utf-8")
    (broken / "serkg-imports.ttl").write_bytes((built_dist / "serkg-imports.ttl").read_bytes())
    result = run_serkg(
        "load",
        "--endpoint",
        virtuoso.base_url,
        "--graph",
        base,
        "--user",
        USER,
        "--password",
        PASSWORD,
        "--dist",
        str(broken),
    )
    assert result.returncode == 2, result.stderr
    assert "serkg-inferred.ttl" in result.stderr and "syntax error" in result.stderr
    assert "Traceback" not in result.stderr
    # the valid asserted file was not sent either: nothing was replaced
    assert (graph_size(virtuoso, base + "asserted"), graph_size(virtuoso, base + "inferred")) == (
        before
    )


@pytest.mark.virtuoso
@pytest.mark.slow
def test_cli_load_then_query_on_the_endpoint(virtuoso: Virtuoso, built_dist: Path) -> None:
    from serkg import querylib

    load = run_serkg(
        "load",
        "--endpoint",
        virtuoso.base_url,
        "--user",
        USER,
        "--password",
        PASSWORD,
        "--dist",
        str(built_dist),
        timeout=300,
    )
    assert load.returncode == 0, load.stderr
    assert f"<{ASSERTED_GRAPH}>" in load.stdout
    query = next(q for q in querylib.list_queries() if q.name == "compound-profile")
    common = ["query", query.name, "--format", "csv"]
    common += [arg for k, v in query.example.items() for arg in ("--param", f"{k}={v}")]
    on_endpoint = run_serkg(*common, "--endpoint", virtuoso.sparql_url)
    embedded = run_serkg(*common, "--store", str(built_dist / "store"))
    assert on_endpoint.returncode == 0, on_endpoint.stderr
    assert embedded.returncode == 0, embedded.stderr
    header_here, *rows_here = embedded.stdout.splitlines()
    header_there, *rows_there = on_endpoint.stdout.splitlines()
    assert header_there == header_here
    assert rows_here, "the example should have answers"
    assert sorted(rows_there) == sorted(rows_here)


@pytest.mark.virtuoso
@pytest.mark.slow
def test_wrong_password_is_a_clear_error(virtuoso: Virtuoso, built_dist: Path) -> None:
    result = run_serkg(
        "load",
        "--endpoint",
        virtuoso.base_url,
        "--user",
        USER,
        "--password",
        "not-the-password",
        "--dist",
        str(built_dist),
    )
    assert result.returncode == 2
    assert "HTTP 401" in result.stderr and "--password" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_endpoint_is_a_clear_error(tmp_path: Path) -> None:
    nt = tmp_path / "serkg.nt"
    nt.write_text(
        '<https://w3id.org/serkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    )
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(
        remote.RemoteStoreError,
        match=r"cannot reach http://127\.0\.0\.1:\d+/sparql-graph-crud-auth",
    ):
        remote.load_to_endpoint(url, nt, nt, graph_base=None, user="u", password="p", timeout=5)


def test_a_syntax_error_is_reported_before_anything_is_sent(tmp_path: Path) -> None:
    good = tmp_path / "serkg.nt"
    good.write_text(
        '<https://w3id.org/serkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    )
    bad = tmp_path / "serkg-inferred.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/serkg/id/> .\nkg:x kg:y kg:z .\nkg:x kg:y\n")
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there: sending would fail otherwise
    with pytest.raises(InputError) as caught:
        remote.load_to_endpoint(url, good, bad, graph_base=None, user="u", password="p", timeout=5)
    assert str(caught.value).startswith(f"{bad}:")
    assert "syntax error" in str(caught.value)


def test_chunks_keep_blank_node_triples_together(tmp_path: Path) -> None:
    source = tmp_path / "g.ttl"
    source.write_text(
        "@prefix ex: <http://example.org/> .\n"
        + "".join(f"ex:s{i} ex:p ex:o{i} .\n" for i in range(5))
        + "ex:chain ex:list ( ex:a ex:b ex:c ) .\n"
    )
    chunks = [
        list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        for body in remote.ntriples_chunks(source, 2)
    ]
    assert [len(chunk) for chunk in chunks] == [2, 2, 1, 7]  # 5 plain, then 1 + 3 x 2 list triples
    *plain, last = chunks
    assert not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
        for chunk in plain
        for t in chunk
    )
    merged = ox.Store()  # one request's worth: the list is whole (cell -> cell -> third item)
    merged.extend(ox.Quad(t.subject, t.predicate, t.object) for t in last)
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    assert bool(
        merged.query(f"ASK {{ ?l <{rdf}rest>/<{rdf}rest>/<{rdf}first> <http://example.org/c> }}")
    )


def test_graph_names_and_store_url() -> None:
    assert remote.graph_names(None) == (ASSERTED_GRAPH, INFERRED_GRAPH)
    assert remote.graph_names("http://example.org/g") == (
        "http://example.org/g/asserted",
        "http://example.org/g/inferred",
    )
    assert (
        remote.graph_store_url("http://127.0.0.1:8890/sparql", authenticated=True)
        == "http://127.0.0.1:8890/sparql-graph-crud-auth"
    )
    assert (
        remote.graph_store_url("http://127.0.0.1:8890", authenticated=False)
        == "http://127.0.0.1:8890/sparql-graph-crud"
    )
    assert (
        remote.graph_store_url("http://fuseki:3030/ds/data", authenticated=True)
        == "http://fuseki:3030/ds/data"
    )
    with pytest.raises(remote.LoadOptionError, match="--graph"):
        remote.graph_names("not an iri")
    with pytest.raises(remote.LoadOptionError, match="--endpoint"):
        remote.graph_store_url("ftp://x", authenticated=False)
