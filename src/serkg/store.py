"""One small interface over the places a query can run: the embedded store or a SPARQL endpoint.

The embedded store is pyoxigraph, persisted by ``serkg build`` (parsing once; queries never
reparse). A remote store is any SPARQL 1.1 Protocol endpoint (Virtuoso, Fuseki, GraphDB, ...).
Parameters are bound, never pasted: the embedded store substitutes variables in the parsed query
(SEP-0007 ``substitutions``); for a remote endpoint a ``VALUES`` block built from serialised terms
is placed first in the top-level group, so filters of that group see the bound values.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from serkg.prefixes import ASSERTED_GRAPH, INFERRED_GRAPH
from serkg.results import QueryAnswer
from serkg.terms import OxTerm

DEFAULT_STORE_DIR = Path("dist") / "store"


class StoreError(RuntimeError):
    """The store could not be opened or could not answer (not a problem with the query text)."""


class QuerySyntaxError(ValueError):
    """The SPARQL text does not parse; the message is the parser's."""


class QueryStore(Protocol):
    """Anything that answers SPARQL 1.1 queries with bound parameters."""

    def query(self, sparql: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryAnswer: ...

    def describe(self) -> str: ...


class EmbeddedStore:
    """The pyoxigraph store that ``serkg build`` persists; asserted and inferred graphs queried as one."""

    def __init__(self, store: ox.Store, location: str = "memory") -> None:
        self._store = store
        self.location = location

    @classmethod
    def open(cls, path: Path | str | None = None) -> EmbeddedStore:
        """Open a built store read-only (several processes may read at once)."""
        location = Path(path) if path is not None else DEFAULT_STORE_DIR
        if not (location / "CURRENT").exists():
            raise StoreError(
                f"no built store at {location}: run `serkg build` first "
                "(or pass --store DIR / --endpoint URL)"
            )
        try:
            return cls(ox.Store.read_only(str(location)), str(location))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {location}: {exc}") from exc

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def describe(self) -> str:
        return f"embedded store {self.location}"

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, OxTerm] | None = None,
        row_limit: int | None = None,
    ) -> QueryAnswer:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()
        }
        try:
            result = self._store.query(
                sparql, use_default_graph_as_union=True, substitutions=substitutions or None
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except RuntimeError as exc:
            if "projection" in str(exc):
                # SEP-0007 substitution keeps bound variables in the results: a SELECT must project them
                raise QuerySyntaxError(
                    f"{exc}: a SELECT query must project every parameter variable"
                ) from exc
            raise StoreError(str(exc)) from exc
        return QueryAnswer.from_oxigraph(result, row_limit=row_limit)


class EndpointStore:
    """A SPARQL 1.1 Protocol endpoint. Queries go as GET (or form POST when long), never as a
    raw ``application/sparql-query`` POST, which some servers (Virtuoso) can leave hanging."""

    def __init__(
        self,
        url: str,
        default_graphs: list[str] | None = None,
        timeout: float = 60.0,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.url = url
        self.default_graphs = (
            [ASSERTED_GRAPH, INFERRED_GRAPH] if default_graphs is None else default_graphs
        )
        self.timeout = timeout
        self.auth = auth

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def query(self, sparql: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryAnswer:
        import httpx

        text = inject_values(sparql, bindings) if bindings else sparql
        kind = query_form(sparql)
        accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
        params: list[tuple[str, str | int | float | bool | None]] = [("query", text)]
        params += [("default-graph-uri", g) for g in self.default_graphs]
        try:
            with httpx.Client(timeout=self.timeout) as client:
                if len(text) < 1500:
                    response = client.get(self.url, params=params, headers={"Accept": accept})
                else:  # form-encoded POST: repeated default-graph-uri keys survive
                    response = client.post(
                        self.url,
                        content=str(httpx.QueryParams(params)).encode(),
                        headers={
                            "Accept": accept,
                            "Content-Type": "application/x-www-form-urlencoded",
                        },
                    )
        except httpx.HTTPError as exc:
            raise StoreError(f"the endpoint {self.url} did not answer: {exc}") from exc
        if response.status_code == 400:
            raise QuerySyntaxError(
                f"the endpoint rejected the query: {response.text.strip()[:500]}"
            )
        if response.status_code >= 300:
            raise StoreError(
                f"the endpoint {self.url} answered HTTP {response.status_code}: {response.text.strip()[:500]}"
            )
        if kind == "graph":
            triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
            return QueryAnswer("graph", triples=triples)
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return QueryAnswer.from_oxigraph(result)


def query_form(sparql: str) -> str:
    """'select', 'ask' or 'graph' (CONSTRUCT/DESCRIBE), read from the first query keyword."""
    for token in _tokens(sparql):
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
    position = _where_open_brace(sparql)
    variables = " ".join("?" + name for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    block = f"\n  VALUES ({variables}) {{ ({values}) }}\n"
    return sparql[: position + 1] + block + sparql[position + 1 :]


def _tokens(sparql: str) -> list[str]:
    words: list[str] = []
    current = ""
    for ch, in_code in _code_chars(sparql):
        if in_code and (ch.isalnum() or ch == "_"):
            current += ch
        else:
            if current:
                words.append(current)
            current = ""
    if current:
        words.append(current)
    return words


def _code_chars(sparql: str):  # type: ignore[no-untyped-def]
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


def _where_open_brace(sparql: str) -> int:
    """Index of the '{' that opens the top-level WHERE group (after a CONSTRUCT template)."""
    form = query_form(sparql)
    depth = 0
    skipped_template = form != "graph" or "CONSTRUCT" not in [t.upper() for t in _tokens(sparql)]
    for index, (ch, in_code) in enumerate(_code_chars(sparql)):
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
