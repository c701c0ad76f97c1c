"""A second engine: every named query, bound the way a remote endpoint gets it (VALUES block),
gives Apache Jena ARQ the same answer as the embedded store. Proves the files are portable
SPARQL 1.1, not Oxigraph's dialect."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from serkg import querylib
from serkg.prefixes import IMPORTS_GRAPH
from serkg.sparql_text import inject_values
from serkg.store import EmbeddedStore

JAVA_DIR = Path("/usr/share/java")
NAMES = [q.name for q in querylib.list_queries()]


@pytest.fixture(scope="session")
def jena_classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Jena 4.5 as Debian ships it, with the start-up workaround of tests/jena.py."""
    from tests import jena

    return jena.classpath(tmp_path_factory.getbasetemp() / "jena")


@pytest.fixture(scope="session")
def union_file(kg_store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset an endpoint would query: the asserted and inferred graphs merged into the
    default graph, the import modules in their own named graph (N-Quads)."""
    imports = ox.NamedNode(IMPORTS_GRAPH)
    quads = {
        q if q.graph_name == imports else ox.Quad(q.subject, q.predicate, q.object)
        for q in kg_store.oxigraph
    }
    path = tmp_path_factory.mktemp("jena-data") / "dataset.nq"
    ox.serialize(sorted(quads, key=str), str(path), format=ox.RdfFormat.N_QUADS)
    return path


@pytest.mark.java
@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_jena_arq_agrees(
    name: str, kg_store: EmbeddedStore, union_file: Path, jena_classpath: str, tmp_path: Path
) -> None:
    query = querylib.load_query(name)
    bindings = query.bind(dict(query.example))
    text = tmp_path / f"{name}.rq"
    text.write_text(inject_values(query.text, bindings), encoding="utf-8")
    ours = kg_store.query(query.text, bindings)
    results = "json" if query.form == "select" else "nt"
    done = subprocess.run(
        [
            "java",
            "-cp",
            jena_classpath,
            "arq.sparql",
            "--data",
            str(union_file),
            "--query",
            str(text),
            f"--results={results}",
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    if query.form == "graph":
        theirs = {q.triple for q in ox.parse(done.stdout, format=ox.RdfFormat.N_TRIPLES)}
        assert theirs == set(ours.triples)
    else:
        solutions = ox.parse_query_results(done.stdout, format=ox.QueryResultsFormat.JSON)
        variables = [v.value for v in solutions.variables]
        rows = [tuple(s[v] for v in variables) for s in solutions]
        assert variables == ours.variables
        assert rows == ours.rows
