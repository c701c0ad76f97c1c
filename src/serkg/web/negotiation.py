"""Content negotiation: which answer format a request wants, from Accept or ``format=``."""

from collections.abc import Sequence

from serkg.formats import HTTP_GRAPH_FORMATS, RESULT_FORMATS, format_names, negotiation_table
from serkg.web.refusals import QueryRefused

#: answer format key -> media types a client may ask for; the first is the Content-Type we answer
#: with and the only one a wildcard (``text/*``) matches, so ``text/*`` means CSV, not text/xml
SELECT_NEGOTIATION = negotiation_table(RESULT_FORMATS)
GRAPH_NEGOTIATION = negotiation_table(HTTP_GRAPH_FORMATS)
#: short names accepted in a ``format=`` parameter, per answer form: the same name may mean a
#: results format for SELECT/ASK and an RDF syntax for CONSTRUCT/DESCRIBE (SPARQLWrapper's XML
#: and JSON do), as Virtuoso and Fuseki read them
SELECT_FORMAT_NAMES = format_names(RESULT_FORMATS)
GRAPH_FORMAT_NAMES = format_names(HTTP_GRAPH_FORMATS)


def negotiate(
    accept: str | None, offers: Sequence[tuple[str, list[str]]]
) -> tuple[str, str] | None:
    """Pick (format key, media type) from OFFERS for an Accept header (q-values, wildcards)."""
    best: tuple[float, int, int, str, str] | None = None
    for q, media in _media_ranges(accept):
        if q <= 0:
            continue
        for rank, (key, types) in enumerate(offers):
            specificity, media_type = _match(media, types)
            if specificity < 0:
                continue
            candidate = (q, specificity, -rank, key, media_type)
            if best is None or candidate[:3] > best[:3]:
                best = candidate
    return None if best is None else (best[3], best[4])


def _media_ranges(accept: str | None) -> list[tuple[float, str]]:
    """(q, media range) for each item of an Accept header, in order; none given means ``*/*``."""
    if not accept or not accept.strip():
        accept = "*/*"
    ranges: list[tuple[float, str]] = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        if media:
            ranges.append((_quality(parts[1:]), media))
    return ranges


def _quality(params: list[str]) -> float:
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
    return q


def _match(media: str, types: list[str]) -> tuple[int, str]:
    """How closely MEDIA fits an offer's TYPES (2 exact, 1 ``type/*``, 0 ``*/*``, -1 not) and
    the media type answered; the first of TYPES that fits decides."""
    for media_type in types:
        if media == media_type:
            return 2, media_type
        if media == "*/*":
            return 0, types[0]
        if media.endswith("/*") and types[0].startswith(media[:-1]):
            return 1, types[0]
    return -1, ""


def content_type(media_type: str) -> str:
    """The Content-Type header for MEDIA_TYPE (text types say their charset)."""
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def wanted_formats(
    params: Sequence[tuple[str, str]], accept: str | None
) -> tuple[str | None, str | None]:
    """Answer formats for a SELECT/ASK and for a graph answer (None: 406 for that form).

    For each form, the first ``format=`` value that names a format of that form wins (a short
    name or media types, read like Accept; SPARQLWrapper sends ``format=xml`` with ``Accept: application/rdf+xml``
    for a CONSTRUCT, and ``format=tsv&format=text/tab-separated-values``); otherwise Accept
    decides. A ``format=`` that names nothing at all is a 400; an empty one is ignored
    (SPARQLWrapper sends ``format=`` empty beside its short name when it accepts ``*/*``).
    """
    given = [v for k, v in params if k == "format" and v.strip()]
    requested = [v.strip().lower() for v in given]
    for original, value in zip(given, requested, strict=True):
        named = value in SELECT_FORMAT_NAMES or value in GRAPH_FORMAT_NAMES
        if not named and not (
            "/" in value
            and (negotiate(value, SELECT_NEGOTIATION) or negotiate(value, GRAPH_NEGOTIATION))
        ):
            known = ", ".join(sorted({*SELECT_FORMAT_NAMES, *GRAPH_FORMAT_NAMES}))
            raise QueryRefused(
                400, f"unknown format {original!r}; use one of {known} or a media type", "format"
            )
    return (
        _wanted_format(requested, accept, SELECT_FORMAT_NAMES, SELECT_NEGOTIATION),
        _wanted_format(requested, accept, GRAPH_FORMAT_NAMES, GRAPH_NEGOTIATION),
    )


def _wanted_format(
    requested: list[str],
    accept: str | None,
    format_names: dict[str, str],
    offers: Sequence[tuple[str, list[str]]],
) -> str | None:
    """The format of one answer form: the first fitting ``format=`` value, else Accept's."""
    for value in requested:
        by_media = negotiate(value, offers) if "/" in value else None
        fmt = format_names.get(value) or (by_media[0] if by_media else None)
        if fmt:
            return fmt
    negotiated = negotiate(accept, offers)
    return negotiated[0] if negotiated else None
