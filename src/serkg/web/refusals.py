"""What the server will not run, and why: the checks made before and inside a query worker."""

import pyoxigraph as ox

from serkg import sparql_guard
from serkg.sparql_guard import LOAD, SERVICE


class QueryRefused(Exception):
    """A request the server will not run; carries the HTTP status and the message for the client."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


UPDATE_REFUSED = (
    "SPARQL Update is not accepted: this endpoint is read-only "
    "(start the server with --allow-update to change that)"
)
SERVICE_REFUSED = (
    "SERVICE clauses are refused: the server does not call other endpoints "
    "(start it with --allow-service to allow that)"
)
LOAD_REFUSED = (
    "LOAD is refused: the server does not fetch URLs "
    "(start it with --allow-update --allow-service to allow that)"
)


def refusals(sparql: str, *, update: bool, allow_update: bool, allow_service: bool) -> None:
    """Raise :class:`QueryRefused` for what is refused before a worker gets the job.

    Only cheap checks, fit for the event loop: updates on a read-only server, and nesting too
    deep for the parsers (400). SERVICE and LOAD are read from the parse tree in the worker
    (:func:`operation_refusal`), where parsing a big query delays no other client.
    """
    if update and not allow_update:
        raise QueryRefused(403, UPDATE_REFUSED)
    try:
        sparql_guard.check_nesting(sparql)
    except sparql_guard.TooDeep as exc:
        raise QueryRefused(400, str(exc)) from None


def operation_refusal(
    sparql: str, *, update: bool, allow_service: bool, walled: bool = False
) -> tuple[int, str] | None:
    """(status, message) when SPARQL may not run: SERVICE or LOAD in its parse tree without
    ``--allow-service``, or a text the guard's parser (rdflib) cannot read.

    A text rdflib cannot read is refused with 400: were it run, nothing would say it calls no
    URL. In a worker without network (WALLED) Oxigraph first tries it on an empty store, so that
    a syntax error gets Oxigraph's message, as every other query does.
    """
    if allow_service:
        return None
    try:
        found = sparql_guard.network_operations(sparql, update=update)
    except sparql_guard.TooDeep as exc:
        return (400, str(exc))
    except sparql_guard.UnreadableSparql as exc:
        if walled and (syntax := _oxigraph_syntax_error(sparql, update=update)) is not None:
            return (400, syntax)
        return (
            400,
            f"the {'update' if update else 'query'} is refused because the server cannot check "
            f"it for SERVICE and LOAD: its SPARQL parser (rdflib) says: {exc}",
        )
    if SERVICE in found:
        return (403, SERVICE_REFUSED)
    if LOAD in found:
        return (403, LOAD_REFUSED)
    return None


def _oxigraph_syntax_error(sparql: str, *, update: bool) -> str | None:
    """Oxigraph's syntax error for SPARQL, tried on an empty store (only where no network is)."""
    try:
        if update:
            ox.Store().update(sparql)
        else:
            ox.Store().query(sparql)
    except SyntaxError as syntax:
        return f"SPARQL syntax error: {syntax}"
    except (RuntimeError, OSError, ValueError):
        pass  # valid for Oxigraph; it failed without a network, as it must
    return None
