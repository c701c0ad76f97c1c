"""The HTTP responses every route module shares: refusals as text or JSON, and answers."""

import pickle
from typing import Any

from fastapi.responses import JSONResponse, Response

from serkg.formats import media_type_of
from serkg.results import QueryAnswer
from serkg.web.answer_cache import CACHE_HEADER
from serkg.web.negotiation import content_type
from serkg.web.refusals import QueryRefused


def error_response(status: int, message: str, *, close: bool = False) -> Response:
    """A refusal as plain text (the SPARQL endpoint and linked data answer so)."""
    return Response(
        message + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={"Connection": "close"} if close else None,
    )


def json_error_response(status: int, message: str, parameter: str | None = None) -> Response:
    """A refusal as ``{"detail", "parameter"}`` JSON (the named-query API answers so)."""
    body: dict[str, Any] = {"detail": message}
    if parameter:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status)


def outcome_response(
    outcome: tuple[Any, ...], *, json_errors: bool = False, cache: str | None = None
) -> Response:
    """The response for a worker's outcome: the answer bytes, 204 for an update, or the error.

    CACHE (``hit`` or ``miss``), when the answer cache was asked, goes in ``X-Serkg-Cache``."""
    if outcome[0] == "error":
        error = json_error_response if json_errors else error_response
        response = error(outcome[1], outcome[2])
    elif outcome[1] == "update":
        response = Response(status_code=204)
    else:
        _, _, fmt, data = outcome
        media_type = content_type(media_type_of(fmt))
        response = Response(data, media_type=media_type, headers={"Vary": "Accept"})
    if cache is not None:
        response.headers[CACHE_HEADER] = cache
    return response


def raw_answer(outcome: tuple[Any, ...]) -> QueryAnswer:
    """The answer a ``raw`` job's outcome carries (a worker's refusal is raised as such)."""
    if outcome[0] == "error":
        raise QueryRefused(outcome[1], outcome[2])
    answer: QueryAnswer = pickle.loads(outcome[3])
    return answer
