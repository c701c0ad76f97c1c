"""A query job and how a worker runs it: dataset, bound terms, row cap and answer bytes.

Everything here runs inside a query worker process (:mod:`serkg.web.workers`) except the
construction of :class:`QueryJob`, which the route modules do.
"""

import pickle
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from serkg.prefixes import DEFAULT_GRAPH_PARTS
from serkg.query_model import TextSearch
from serkg.results import RowLimitExceeded
from serkg.sparql_text import has_dataset_clause
from serkg.store import query_bound
from serkg.text_index import TextIndex
from serkg.web.negotiation import GRAPH_NEGOTIATION, SELECT_NEGOTIATION
from serkg.web.refusals import operation_refusal


@dataclass
class QueryJob:
    """One query (or update) for a worker: text, bound terms, dataset and wanted answer formats.

    ``default_graphs``/``named_graphs`` are the protocol's ``default-graph-uri`` and
    ``named-graph-uri``; None for both means the request named no dataset (see
    :func:`dataset_options`). ``base_iri`` resolves relative IRIs in the query text.
    """

    sparql: str
    update: bool = False
    bindings: dict[str, Any] = field(default_factory=dict)
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    base_iri: str | None = None
    select_format: str | None = "json"
    graph_format: str | None = "ttl"
    raw: bool = False  # answer with the QueryAnswer itself (linked-data pages build on it)
    #: a named query's ``text_index`` declaration: the worker's text index may narrow it
    text_search: TextSearch | None = None


#: how pyoxigraph says that CREATE, DROP, CLEAR, ADD, MOVE or COPY met a graph in the wrong state
_GRAPH_STATE = re.compile(r"[Tt]he graph .* (does not exist|already exists)")


def run_job(
    store: ox.Store,
    job: QueryJob,
    max_rows: int,
    allow_service: bool,
    *,
    walled: bool,
    text_index: TextIndex | None = None,
) -> tuple[Any, ...]:
    """The worker's answer to JOB: ``("ok", kind, format, bytes)`` or ``("error", status, text)``.

    TEXT_INDEX, the store's text index, narrows a named query that declares ``text_index``."""
    from serkg.results import QueryAnswer

    refused = operation_refusal(
        job.sparql, update=job.update, allow_service=allow_service, walled=walled
    )
    if refused is not None:
        return ("error", *refused)
    try:
        if job.update:
            store.update(job.sparql)
            return ("ok", "update", None, b"")
        solutions = query_bound(
            store,
            job.sparql,
            job.bindings,
            search=job.text_search,
            index=text_index,
            **dataset_options(job),
        )
        answer = QueryAnswer.from_oxigraph(solutions, row_limit=max_rows)
    except SyntaxError as exc:
        return ("error", 400, f"SPARQL syntax error: {exc}")
    except RowLimitExceeded as exc:
        return ("error", 403, str(exc))
    except (RuntimeError, OSError, ValueError) as exc:
        if "projection" in str(exc):
            return ("error", 400, f"{exc}: a SELECT query must project every parameter variable")
        if job.update and _GRAPH_STATE.search(
            str(exc)
        ):  # the client's error (SPARQL 1.1 Update 3.1)
            return ("error", 400, f"the update failed: {exc} (SILENT ignores this)")
        return ("error", 500, f"the store could not answer: {exc}")
    if job.raw:
        return ("ok", answer.kind, "raw", pickle.dumps(answer))
    fmt = job.graph_format if answer.kind == "graph" else job.select_format
    if fmt is None:
        wanted = GRAPH_NEGOTIATION if answer.kind == "graph" else SELECT_NEGOTIATION
        offered = ", ".join(media for _, types in wanted for media in types[:1])
        return (
            "error",
            406,
            f"none of the accepted media types fits a {answer.kind.upper()} answer; "
            f"ask for one of {offered}",
        )
    return ("ok", answer.kind, fmt, serialize_answer(answer, fmt))


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """pyoxigraph's dataset and base IRI arguments for JOB, as SPARQL 1.1 says.

    Protocol parameters replace the query's FROM/FROM NAMED (Protocol 2.1.4), and like FROM and
    FROM NAMED, giving only one kind leaves the other empty (Query 13.2). A query with its own
    FROM or FROM NAMED gets exactly that dataset; any other gets :data:`DEFAULT_GRAPH_PARTS` as
    its default graph, with every graph available to GRAPH.
    """
    options: dict[str, Any] = {}
    if job.base_iri:
        options["base_iri"] = job.base_iri
    if job.default_graphs is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not has_dataset_clause(job.sparql):
        options["default_graph"] = [ox.DefaultGraph()] + [
            ox.NamedNode(g) for g in DEFAULT_GRAPH_PARTS
        ]
    return options


def serialize_answer(answer: Any, fmt: str) -> bytes:
    """The bytes of an answer in FMT (N3 is written as Turtle; see :mod:`serkg.formats`)."""
    from serkg.formats import FORMATS

    text: str = answer.serialize(FORMATS[fmt].writer_key)
    return text.encode("utf-8")
