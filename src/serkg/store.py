"""One small interface over the places a query can run: the embedded store or a SPARQL endpoint.

The embedded store is pyoxigraph, persisted by ``serkg build`` (parsing once; queries never
reparse). A remote store is any SPARQL 1.1 Protocol endpoint (Virtuoso, Fuseki, GraphDB, ...).
Parameters are bound, never pasted: the embedded store substitutes variables in the parsed query
(SEP-0007 ``substitutions``); for a remote endpoint a ``VALUES`` block built from serialised terms
is placed first in the top-level group, so filters of that group see the bound values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox

from serkg.prefixes import ASSERTED_GRAPH, DEFAULT_GRAPH_PARTS, IMPORTS_GRAPH, INFERRED_GRAPH
from serkg.results import QueryAnswer
from serkg.sparql_text import QuerySyntaxError, has_dataset_clause, inject_values, query_form
from serkg.store_checksums import checksum_problem
from serkg.terms import OxTerm
from serkg.text_index import TextIndex, TextIndexError

if TYPE_CHECKING:
    from serkg.query_model import TextSearch

DEFAULT_STORE_DIR = Path("dist") / "store"


class StoreError(RuntimeError):
    """The store could not be opened or could not answer (not a problem with the query text)."""


class DamagedStoreError(StoreError):
    """The store's files are unreadable (garbage or empty CURRENT, a missing, truncated or
    corrupt SST file): nothing to do but rebuild it. Raised when it is opened, or while it is
    read, since RocksDB checks a data block's checksum only when a query reads that block."""

    def __init__(self, location: Path | str, reason: str) -> None:
        super().__init__(
            f"cannot open the store at {location}: {reason}; rebuild with `serkg build`"
        )
        self.location = str(location)
        self.reason = reason


#: how RocksDB's status messages begin (pyoxigraph passes them on as RuntimeError or OSError)
_STORAGE_FAILURE = re.compile(r"^(Corruption|IO error|Invalid argument|Not implemented|Incomplete)")


def _storage_reason(exc: BaseException) -> str | None:
    """RocksDB's reason for EXC, shortened, or None when EXC is not a storage failure."""
    text = " ".join(str(exc).split())
    if not _STORAGE_FAILURE.match(text):
        return None
    text = re.sub(r"^(Corruption: )+", "Corruption: ", text)
    return text.split(" The file ", 1)[0].rstrip(". ")


class QueryStore(Protocol):
    """Anything that answers SPARQL 1.1 queries with bound parameters."""

    def query(self, sparql: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryAnswer: ...

    def describe(self) -> str: ...


class EmbeddedStore:
    """The pyoxigraph store that ``serkg build`` persists; asserted and inferred graphs queried as one."""

    def __init__(
        self, store: ox.Store, location: str = "memory", text_index: TextIndex | None = None
    ) -> None:
        self._store = store
        self.location = location
        #: the build's text index (:mod:`serkg.text_index`), None when the store has none
        self.text_index = text_index

    @classmethod
    def open(cls, path: Path | str | None = None) -> EmbeddedStore:
        """Open a built store read-only (several processes may read at once)."""
        location = Path(path) if path is not None else DEFAULT_STORE_DIR
        if not (location / "CURRENT").exists():
            raise StoreError(
                f"no built store at {location}: run `serkg build` first "
                "(or pass --store DIR / --endpoint URL)"
            )
        # before RocksDB reads a byte: some damage it only notices mid-query, or not at all
        problem = checksum_problem(location)
        if problem is not None:
            raise DamagedStoreError(location, problem)
        try:
            store = ox.Store.read_only(str(location))
        except (OSError, RuntimeError) as exc:
            raise DamagedStoreError(location, _storage_reason(exc) or str(exc)) from exc
        try:
            index = TextIndex.open(location)
        except TextIndexError as exc:
            raise DamagedStoreError(location, str(exc).split("; rebuild")[0]) from exc
        return cls(store, str(location), index)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Report a storage failure met while reading (a corrupt data block) as
        :class:`DamagedStoreError`; wrap every use of :attr:`oxigraph` in it."""
        try:
            yield
        except (OSError, RuntimeError) as exc:
            reason = _storage_reason(exc)
            if reason is None:
                raise
            raise DamagedStoreError(self.location, reason) from exc

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
        search: TextSearch | None = None,
    ) -> QueryAnswer:
        """Answer SPARQL with BINDINGS; SEARCH, a named query's ``text_index`` declaration,
        lets the store's text index narrow the search (same answer, found faster)."""
        with self.reading():
            try:
                result = query_bound(
                    self._store,
                    sparql,
                    bindings,
                    search=search,
                    index=self.text_index,
                    **default_dataset(sparql),
                )
            except SyntaxError as exc:
                raise QuerySyntaxError(str(exc)) from exc
            except RuntimeError as exc:
                if "projection" in str(exc):
                    # SEP-0007 substitution keeps bound variables in the results: a SELECT must project them
                    raise QuerySyntaxError(
                        f"{exc}: a SELECT query must project every parameter variable"
                    ) from exc
                if _storage_reason(exc) is not None:
                    raise
                raise StoreError(str(exc)) from exc
            return QueryAnswer.from_oxigraph(result, row_limit=row_limit)


def default_dataset(sparql: str) -> dict[str, Any]:
    """pyoxigraph's dataset options for SPARQL as the endpoint runs it: a query with its own
    FROM gets exactly that; any other gets :data:`DEFAULT_GRAPH_PARTS` as its default graph
    (not the import modules nor the metadata), with every graph available to GRAPH."""
    if has_dataset_clause(sparql):
        return {}
    return {"default_graph": [ox.DefaultGraph(), *map(ox.NamedNode, DEFAULT_GRAPH_PARTS)]}


def query_bound(
    store: ox.Store,
    sparql: str,
    bindings: Mapping[str, OxTerm] | None = None,
    *,
    search: TextSearch | None = None,
    index: TextIndex | None = None,
    **dataset: Any,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run SPARQL on a pyoxigraph store with BINDINGS substituted in the parsed query (SEP-0007).

    The one embedded binding: :class:`EmbeddedStore` and the server's query worker both call it,
    so a parameter is bound the same way wherever the query runs in process. DATASET holds
    pyoxigraph's dataset options (``use_default_graph_as_union``, ``default_graph``, ...).
    With SEARCH (a named query's ``text_index`` declaration) and the store's text INDEX, the
    searched variable is first narrowed to the index's candidates (:mod:`serkg.text_index`).
    """
    if search is not None and index is not None and bindings:
        sparql = index.narrow(sparql, search, bindings)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in (bindings or {}).items()
    }
    return store.query(sparql, substitutions=substitutions or None, **dataset)


class EndpointStore:
    """A SPARQL 1.1 Protocol endpoint. Queries go as GET (or form POST when long), never as a
    raw ``application/sparql-query`` POST, which some servers (Virtuoso) can leave hanging."""

    def __init__(
        self,
        url: str,
        default_graphs: list[str] | None = None,
        timeout: float = 60.0,
        auth: tuple[str, str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> None:
        self.url = url
        self.default_graphs = (
            [ASSERTED_GRAPH, INFERRED_GRAPH] if default_graphs is None else default_graphs
        )
        #: sent as ``named-graph-uri`` along with the default graphs (SPARQL 1.1 Protocol: with
        #: only ``default-graph-uri`` a query could reach no named graph), so ``GRAPH`` over the
        #: import modules works; none when DEFAULT_GRAPHS is given without them
        self.named_graphs = (
            ([IMPORTS_GRAPH] if default_graphs is None else [])
            if named_graphs is None
            else named_graphs
        )
        self.timeout = timeout
        self.auth = auth

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def query(self, sparql: str, bindings: Mapping[str, OxTerm] | None = None) -> QueryAnswer:
        """Ask the endpoint; :attr:`timeout` bounds the whole exchange, not each read."""
        import httpx

        from serkg.bounded_http import DeadlineExceeded, send_within

        text = inject_values(sparql, bindings) if bindings else sparql
        kind = query_form(sparql)
        accept = "application/n-triples" if kind == "graph" else "application/sparql-results+json"
        params: list[tuple[str, str | int | float | bool | None]] = [("query", text)]
        params += [("default-graph-uri", g) for g in self.default_graphs]
        params += [("named-graph-uri", g) for g in self.named_graphs]
        try:
            with httpx.Client(timeout=self.timeout) as client:
                if len(text) < 1500:
                    request = client.build_request(
                        "GET", self.url, params=params, headers={"Accept": accept}
                    )
                else:  # form-encoded POST: repeated default-graph-uri keys survive
                    request = client.build_request(
                        "POST",
                        self.url,
                        content=str(httpx.QueryParams(params)).encode(),
                        headers={
                            "Accept": accept,
                            "Content-Type": "application/x-www-form-urlencoded",
                        },
                    )
                reply = send_within(client, request, self.timeout)
        except DeadlineExceeded as exc:
            raise StoreError(
                f"the endpoint {self.url} sent no complete answer within {self.timeout:g} s "
                "(raise --timeout if it is just slow)"
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise StoreError(f"the endpoint {self.url} did not answer: {exc}") from exc
        if reply.status == 400:
            raise QuerySyntaxError(f"the endpoint rejected the query: {reply.text.strip()[:500]}")
        if reply.status >= 300 or reply.status < 200:
            raise StoreError(
                f"the endpoint {self.url} answered HTTP {reply.status}: {reply.text.strip()[:500]}"
            )
        return _read_answer(self.url, kind, reply.media_type, reply.body)


#: media types a SPARQL endpoint may answer with, and how pyoxigraph reads them
_GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # N-Triples' media type before RDF 1.1
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_RESULTS_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def _read_answer(url: str, kind: str, media_type: str, body: bytes) -> QueryAnswer:
    """The endpoint's 2xx answer as a QueryAnswer, or a StoreError that says what was wrong."""
    expected = _GRAPH_TYPES if kind == "graph" else _RESULTS_TYPES
    fmt = expected.get(media_type)
    if fmt is None:
        sent = f"Content-Type {media_type}" if media_type else "no Content-Type"
        looks_html = body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
        hint = " (an HTML page: is the URL the SPARQL endpoint itself?)" if looks_html else ""
        raise StoreError(
            f"the endpoint {url} answered with {sent}{hint}; expected one of {', '.join(expected)}"
        )
    try:
        if isinstance(fmt, ox.RdfFormat):
            triples = [q.triple for q in ox.parse(body, format=fmt)]
            return QueryAnswer("graph", triples=triples)
        answer = QueryAnswer.from_oxigraph(ox.parse_query_results(body, format=fmt))
    except (SyntaxError, ValueError, MemoryError) as exc:
        reason = " ".join(str(exc).split())[:300]
        raise StoreError(
            f"the endpoint {url} sent an unreadable {media_type} answer ({len(body)} bytes): {reason}"
        ) from exc
    if answer.kind != kind:
        raise StoreError(
            f"the endpoint {url} answered a {kind.upper()} query with a {answer.kind} result"
        )
    return answer
