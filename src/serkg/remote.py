"""Pushing a finished build to a production triple store (SPARQL 1.1 Graph Store HTTP Protocol).

The asserted and inferred graphs each go to their own named graph, so a store's default graph
(Virtuoso's holds its system graphs) never mixes with ours. The first request for a graph is a
PUT (replacing what an earlier load left there), the rest are POSTs of N-Triples chunks, so a
large graph never has to fit in one request. A blank node label names the same node only within
one request, so every triple with a blank node (the ontology's OWL lists) travels in one chunk.
Virtuoso takes authenticated writes at ``/sparql-graph-crud-auth`` with HTTP Digest auth; other
stores take them at the URL given.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
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


def graph_names(graph_base: str | None) -> tuple[str, str]:
    """The asserted and inferred graph IRIs: ``{base}asserted`` and ``{base}inferred``.

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
    return base + "asserted", base + "inferred"


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


def _chunks(path: Path, size: int) -> Iterator[bytes]:
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


def _send(client: httpx.Client, method: str, url: str, graph: str, body: bytes) -> None:
    import httpx

    try:
        response = client.request(
            method,
            url,
            params={"graph-uri": graph} if CRUD_PATH in url else {"graph": graph},
            content=body,
            headers={"Content-Type": "application/n-triples; charset=utf-8"},
        )
    except httpx.TimeoutException as exc:
        raise RemoteStoreError(
            f"{url} did not answer within the timeout ({exc.__class__.__name__}); raise --timeout"
        ) from exc
    except httpx.HTTPError as exc:
        raise RemoteStoreError(f"cannot reach {url}: {exc}") from exc
    if response.status_code in {401, 403}:
        raise RemoteStoreError(
            f"{url} refused the write (HTTP {response.status_code}): check --user and --password "
            "(Virtuoso: a user with SPARQL_UPDATE, e.g. dba)"
        )
    if response.status_code >= 300:
        raise RemoteStoreError(
            f"{url} answered HTTP {response.status_code} for <{graph}>: "
            + response.text.strip()[:500]
        )


def push_graph(
    client: httpx.Client, url: str, graph: str, source: Path, chunk_triples: int | None = None
) -> GraphLoad:
    """Replace GRAPH with the triples of SOURCE (first chunk PUT, the others POSTed)."""
    started = time.perf_counter()
    triples = requests = 0
    for body in _chunks(source, chunk_triples or CHUNK_TRIPLES):
        _send(client, "PUT" if requests == 0 else "POST", url, graph, body)
        requests += 1
        triples += body.count(b"\n")
    if requests == 0:  # an empty file still empties the graph
        _send(client, "PUT", url, graph, b"")
        requests = 1
    return GraphLoad(graph, source, triples, requests, time.perf_counter() - started)


def load_to_endpoint(
    endpoint: str,
    asserted_ttl_or_nt: Path,
    inferred: Path,
    *,
    graph_base: str | None,
    user: str | None,
    password: str | None,
    timeout: float,
) -> LoadSummary:
    """Load the asserted and inferred graphs of a build into the store at ENDPOINT.

    Example: ``load_to_endpoint("http://127.0.0.1:8890", Path("dist/serkg.nt"),
    Path("dist/serkg-inferred.ttl"), graph_base=None, user="dba", password="dba", timeout=120)``.
    Raises :class:`RemoteStoreError` (unreachable, refused, 401) or
    :class:`~serkg.loading.InputError` (missing, unreadable or unparsable file; checked before
    anything is sent).
    """
    import httpx

    if (user is None) != (password is None):
        raise LoadOptionError("--user and --password go together")
    for path in (asserted_ttl_or_nt, inferred):
        if not Path(path).is_file():
            raise InputError("no such file (run `serkg build` first)", Path(path))
        _check_parses(Path(path))  # a broken file must fail before a graph is half replaced
    asserted_graph, inferred_graph = graph_names(graph_base)
    url = graph_store_url(endpoint, authenticated=user is not None)
    auth = httpx.DigestAuth(user, password) if user is not None and password is not None else None
    summary = LoadSummary(endpoint)
    with httpx.Client(timeout=timeout, auth=auth) as client:
        for graph, source in ((asserted_graph, asserted_ttl_or_nt), (inferred_graph, inferred)):
            summary.graphs.append(push_graph(client, url, graph, Path(source)))
    return summary
