"""Pushing a finished build to a production triple store (SPARQL 1.1 Graph Store HTTP Protocol).

The asserted and inferred graphs each go to their own named graph, so a store's default graph
(Virtuoso's holds its system graphs) never mixes with ours. A load leaves those graphs either
fully replaced or untouched: each is first written to a fresh temporary graph (the first request
a PUT, the rest POSTs of N-Triples chunks, so a large graph never has to fit in one request),
and only when both arrived whole does one SPARQL 1.1 Update request ``MOVE`` them onto the real
graphs. A failure before that drops the temporary graphs and leaves the real ones as they were.
Without an update endpoint (a bare Graph Store URL and no ``--update-endpoint``) the graphs are
written in place, and a failure says which graph may be half replaced.

A blank node label names the same node only within one request, so every triple with a blank
node (the ontology's OWL lists) travels in one chunk. Virtuoso takes authenticated writes at
``/sparql-graph-crud-auth`` and updates at ``/sparql-auth``, with HTTP Digest auth; other stores
take them at the URLs given. Every request is bounded as a whole by the timeout (see
:mod:`serkg.bounded_http`), so a server that trickles or hangs cannot hold a load for ever.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from serkg.loading import FORMATS_BY_SUFFIX, InputError
from serkg.prefixes import GRAPH_BASE
from serkg.store import StoreError

if TYPE_CHECKING:
    import httpx

#: triples per request: about 10 MB of N-Triples, well under servers' default body limits
CHUNK_TRIPLES = 50_000
CRUD_AUTH_PATH = "/sparql-graph-crud-auth"
CRUD_PATH = "/sparql-graph-crud"
UPDATE_AUTH_PATH = "/sparql-auth"
UPDATE_PATH = "/sparql"


class RemoteStoreError(StoreError):
    """The triple store could not be reached or refused the data (message says which and why)."""


class LoadOptionError(ValueError):
    """An option of ``serkg load`` is unusable (the message names it)."""


@dataclass
class GraphLoad:
    """What was sent to one named graph."""

    graph: str
    source: Path
    triples: int
    requests: int
    seconds: float


@dataclass
class LoadSummary:
    """The outcome of :func:`load_to_endpoint`."""

    endpoint: str
    graphs: list[GraphLoad] = field(default_factory=list)

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    def __str__(self) -> str:
        lines = [f"loaded {self.triples} triples into {self.endpoint}"]
        for g in self.graphs:
            lines.append(
                f"  <{g.graph}>: {g.triples} triples from {g.source.name} "
                f"({g.requests} request(s), {g.seconds:.1f} s)"
            )
        return "\n".join(lines)


def graph_names(
    graph_base: str | None, parts: Sequence[str] = ("asserted", "inferred")
) -> tuple[str, ...]:
    """The named graphs' IRIs: ``{base}asserted`` and ``{base}inferred`` (and ``{base}imports``
    when PARTS names it).

    A base that ends in neither ``/`` nor ``#`` gets a ``/``, so ``--graph http://x/g`` gives
    ``http://x/g/asserted``.
    """
    base = graph_base or GRAPH_BASE
    if not base.startswith(("http://", "https://", "urn:")):
        raise LoadOptionError(
            f"--graph must be an absolute IRI (http://, https:// or urn:), got {base!r}"
        )
    if not base.endswith(("/", "#")):
        base += "/"
    for name in (base + part for part in parts):
        try:
            ox.NamedNode(name)  # MOVE and DROP write these as IRIs: check before anything is sent
        except ValueError as exc:
            from serkg.loading import plain_reason

            raise LoadOptionError(
                f"--graph {base!r} does not make a valid IRI: {plain_reason(str(exc))}"
            ) from None
    return tuple(base + part for part in parts)


def _check_utf8(option: str, value: str | None) -> None:
    """Refuse an option holding bytes that are not UTF-8 (kept by Python as lone surrogates)."""
    if value is None:
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise LoadOptionError(f"{option} {value!r} is not valid UTF-8") from None


def graph_store_url(endpoint: str, authenticated: bool) -> str:
    """The Graph Store Protocol URL for ENDPOINT.

    A server base URL (``http://host:8890``) or its ``/sparql`` URL maps to Virtuoso's
    ``/sparql-graph-crud[-auth]``; any other path is taken as the store's own GSP URL.
    """
    import httpx

    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL as exc:
        raise LoadOptionError(f"--endpoint is not a URL: {endpoint!r} ({exc})") from exc
    if url.scheme not in {"http", "https"} or not url.host:
        raise LoadOptionError(
            f"--endpoint must be an http(s) URL such as http://127.0.0.1:8890, got {endpoint!r}"
        )
    path = url.path.rstrip("/")
    if path in {"", "/sparql"}:
        return str(url.copy_with(path=CRUD_AUTH_PATH if authenticated else CRUD_PATH, query=None))
    return endpoint


def update_url(endpoint: str, authenticated: bool, given: str | None = None) -> str | None:
    """The SPARQL 1.1 Update URL: GIVEN, or for a Virtuoso-style ENDPOINT (a server base URL or
    its ``/sparql``) ``/sparql[-auth]``; None when it cannot be known (a bare GSP URL)."""
    import httpx

    if given is not None:
        try:
            url = httpx.URL(given)
        except httpx.InvalidURL as exc:
            raise LoadOptionError(f"--update-endpoint is not a URL: {given!r} ({exc})") from exc
        if url.scheme not in {"http", "https"} or not url.host:
            raise LoadOptionError(f"--update-endpoint must be an http(s) URL, got {given!r}")
        return given
    url = httpx.URL(endpoint)
    if url.path.rstrip("/") in {"", "/sparql"}:
        path = UPDATE_AUTH_PATH if authenticated else UPDATE_PATH
        return str(url.copy_with(path=path, query=None))
    return None


def _triples(path: Path) -> Iterator[ox.Triple]:
    """The triples of an RDF file of any known format; a syntax error names the file and line."""
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown RDF format for suffix {path.suffix!r}", path)
    try:
        for quad in ox.parse(path=str(path), format=fmt):
            yield quad.triple
    except SyntaxError as exc:
        raise InputError(f"syntax error: {str(exc).split(' (', 1)[0]}", path, exc.lineno) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", path) from exc


def _check_parses(path: Path) -> None:
    """Parse PATH through once before sending (Oxigraph: about 2 s per million triples)."""
    deque(_triples(path), maxlen=0)  # consume, keeping nothing


def ntriples_chunks(path: Path, size: int) -> Iterator[bytes]:
    """N-Triples chunks of at most SIZE triples, streamed from an RDF file of any known format.

    Triples with a blank node are held back and sent together as the last chunk (whatever its
    size): split over two requests, one blank node would become two nodes in the store.
    """
    batch: list[ox.Triple] = []
    with_blank_nodes: list[ox.Triple] = []
    for triple in _triples(path):
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            with_blank_nodes.append(triple)
            continue
        batch.append(triple)
        if len(batch) >= size:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            batch = []
    for last in (batch, with_blank_nodes):
        if last:
            yield ox.serialize(last, format=ox.RdfFormat.N_TRIPLES) or b""


def _send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    timeout: float,
    params: dict[str, str] | None = None,
    body: bytes,
    content_type: str,
    what: str,
) -> None:
    """One write request, bounded as a whole by TIMEOUT; WHAT says what it was for."""
    import httpx

    from serkg.bounded_http import DeadlineExceeded, send_within

    try:
        request = client.build_request(
            method, url, params=params, content=body, headers={"Content-Type": content_type}
        )
        reply = send_within(client, request, timeout)
    except DeadlineExceeded as exc:
        raise RemoteStoreError(
            f"{url} sent no complete answer within {timeout:g} s ({what}); raise --timeout "
            "if the store is just slow"
        ) from exc
    except httpx.HTTPError as exc:
        raise RemoteStoreError(f"cannot reach {url}: {exc}") from exc
    if reply.status in {401, 403}:
        raise RemoteStoreError(
            f"{url} refused the write (HTTP {reply.status}): check --user and --password "
            "(Virtuoso: a user with SPARQL_UPDATE, e.g. dba)"
        )
    if reply.status >= 300 or reply.status < 200:
        raise RemoteStoreError(
            f"{url} answered HTTP {reply.status} ({what}): " + reply.text.strip()[:500]
        )


def _send_triples(
    client: httpx.Client, method: str, url: str, graph: str, body: bytes, timeout: float
) -> None:
    _send(
        client,
        method,
        url,
        timeout=timeout,
        params={"graph-uri": graph} if CRUD_PATH in url else {"graph": graph},
        body=body,
        content_type="application/n-triples; charset=utf-8",
        what=f"{method} of <{graph}>",
    )


def push_graph(
    client: httpx.Client,
    url: str,
    graph: str,
    source: Path,
    chunk_triples: int | None = None,
    *,
    timeout: float = 120.0,
    reported_as: str | None = None,
) -> GraphLoad:
    """Replace GRAPH with the triples of SOURCE (first chunk PUT, the others POSTed)."""
    started = time.perf_counter()
    triples = requests = 0
    for body in ntriples_chunks(source, chunk_triples or CHUNK_TRIPLES):
        _send_triples(client, "PUT" if requests == 0 else "POST", url, graph, body, timeout)
        requests += 1
        triples += body.count(b"\n")
    if requests == 0:  # an empty file still empties the graph
        _send_triples(client, "PUT", url, graph, b"", timeout)
        requests = 1
    seconds = time.perf_counter() - started
    return GraphLoad(reported_as or graph, source, triples, requests, seconds)


def _iri(text: str) -> str:
    """TEXT as a SPARQL IRI term. Graph management operations (MOVE, DROP) take IRIs, not
    variables, so the term is written by pyoxigraph, which refuses anything but a valid IRI."""
    return str(ox.NamedNode(text))


def swap_update(moves: list[tuple[str, str, int]]) -> str:
    """One SPARQL Update request that puts each temporary graph in its target's place.

    MOVES holds (temporary, target, triples); a graph with no triples does not exist in a quad
    store, and SPARQL 1.1 leaves MOVE from a missing graph undefined, so its target is dropped.
    """
    operations = [
        f"MOVE GRAPH {_iri(temporary)} TO {_iri(target)}"
        if triples
        else f"DROP SILENT GRAPH {_iri(target)}"
        for temporary, target, triples in moves
    ]
    return " ;\n".join(operations) + "\n"


def drop_update(graphs: list[str]) -> str:
    """One SPARQL Update request that drops GRAPHS (if they exist)."""
    return " ;\n".join(f"DROP SILENT GRAPH {_iri(graph)}" for graph in graphs) + "\n"


def _run_update(client: httpx.Client, url: str, text: str, timeout: float, what: str) -> None:
    """POST TEXT as a form-encoded SPARQL 1.1 Update request (the Protocol's ``update=``)."""
    import httpx

    _send(
        client,
        "POST",
        url,
        timeout=timeout,
        body=str(httpx.QueryParams({"update": text})).encode(),
        content_type="application/x-www-form-urlencoded",
        what=what,
    )


def load_to_endpoint(
    endpoint: str,
    asserted_ttl_or_nt: Path,
    inferred: Path,
    *,
    graph_base: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
    update_endpoint: str | None = None,
    imports: Path | None = None,
) -> LoadSummary:
    """Load the asserted and inferred graphs of a build into the store at ENDPOINT, and the
    import modules (IMPORTS, a build's ``serkg-imports.ttl``) into ``{base}imports`` when given.

    Example: ``load_to_endpoint("http://127.0.0.1:8890", Path("dist/serkg.nt"),
    Path("dist/serkg-inferred.ttl"), graph_base=None, user="dba", password="dba", timeout=120)``.
    TIMEOUT bounds each request as a whole. Raises :class:`RemoteStoreError` (unreachable,
    refused, 401, too slow; the message says what the store holds now) or
    :class:`~serkg.loading.InputError` (missing, unreadable or unparsable file; checked before
    anything is sent).
    """
    import httpx

    if (user is None) != (password is None):
        raise LoadOptionError("--user and --password go together")
    for option, value in (
        ("--endpoint", endpoint),
        ("--update-endpoint", update_endpoint),
        ("--user", user),
        ("--password", password),
        ("--graph", graph_base),
    ):
        _check_utf8(option, value)
    sources, parts = _checked_sources(asserted_ttl_or_nt, inferred, imports)
    targets = graph_names(graph_base, parts)
    url = graph_store_url(endpoint, authenticated=user is not None)
    updates = update_url(endpoint, user is not None, update_endpoint)
    auth = httpx.DigestAuth(user, password) if user is not None and password is not None else None

    def client() -> httpx.Client:
        return httpx.Client(timeout=timeout, auth=auth)

    summary = LoadSummary(endpoint)
    if updates is None:
        with client() as http:
            for target, source in zip(targets, sources, strict=True):
                try:
                    summary.graphs.append(push_graph(http, url, target, source, timeout=timeout))
                except RemoteStoreError as exc:
                    raise RemoteStoreError(
                        f"{exc}; with no --update-endpoint the graphs were written in place: "
                        f"<{target}> may hold part of the new data, "
                        + _written_in_place(summary, targets)
                        + "; run serkg load again"
                    ) from exc
        return summary
    token = secrets.token_hex(6)
    temporaries = [f"{target}-loading-{token}" for target in targets]
    touched: list[str] = []
    try:
        with client() as http:
            for target, temporary, source in zip(targets, temporaries, sources, strict=True):
                touched.append(temporary)
                summary.graphs.append(
                    push_graph(http, url, temporary, source, timeout=timeout, reported_as=target)
                )
    except RemoteStoreError as exc:
        raise RemoteStoreError(
            f"{exc}; {_untouched(targets)}; " + _drop_temporaries(client, updates, touched, timeout)
        ) from exc
    moves = [
        (temporary, load.graph, load.triples)
        for temporary, load in zip(temporaries, summary.graphs, strict=True)
    ]
    try:
        with client() as http:
            _run_update(http, updates, swap_update(moves), timeout, "MOVE onto the target graphs")
    except RemoteStoreError as exc:
        held = ", ".join(f"<{t}>" for t in temporaries)
        raise RemoteStoreError(
            f"{exc}; the new data is in {held}; whether {_listed(targets)} were "
            "replaced depends on whether the store applied the MOVE request (query them), "
            "then run serkg load again"
        ) from exc
    return summary


def _checked_sources(
    asserted: Path, inferred: Path, imports: Path | None
) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    """The files to load and their graphs' names, each file checked to parse."""
    sources: tuple[Path, ...] = (Path(asserted), Path(inferred))
    parts: tuple[str, ...] = ("asserted", "inferred")
    if imports is not None:
        sources, parts = (*sources, Path(imports)), (*parts, "imports")
    for path in sources:
        if not path.is_file():
            raise InputError("no such file (run `serkg build` first)", path)
        _check_parses(path)  # a broken file must fail before a graph is half replaced
    return sources, parts


def _listed(graphs: Sequence[str]) -> str:
    names = [f"<{g}>" for g in graphs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _untouched(targets: Sequence[str]) -> str:
    return f"{_listed(targets)} are untouched"


def _written_in_place(summary: LoadSummary, targets: Sequence[str]) -> str:
    """What a failed in-place load left: the graphs already written hold the new data."""
    done = [g.graph for g in summary.graphs]
    rest = [t for t in targets if t not in done and t != targets[len(done)]]
    said = []
    if done:
        said.append(f"{_listed(done)} {'holds' if len(done) == 1 else 'hold'} the new data")
    if rest:
        said.append(
            f"{'the other graph is' if len(rest) == 1 else _listed(rest) + ' are'} untouched"
        )
    return ", ".join(said)


def _drop_temporaries(
    client: Callable[[], httpx.Client], url: str, graphs: list[str], timeout: float
) -> str:
    """Drop the temporary GRAPHS after a failed load; says what is left."""
    if not graphs:
        return "nothing was written"
    listed = ", ".join(f"<{g}>" for g in graphs)
    try:
        with client() as http:
            _run_update(http, url, drop_update(graphs), timeout, "DROP of the temporary graphs")
    except RemoteStoreError as exc:
        return f"the temporary graph(s) {listed} may be left (dropping them failed: {exc})"
    return f"the temporary graph(s) {listed} were dropped"
