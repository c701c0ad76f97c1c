"""Running the documented view queries (``queries/views/``) and finding the compound they are about.

Cards and diagrams read the graph only through :func:`run_view`, which binds parameters through
the :class:`~serkg.store.QueryStore` interface, so a view reads the same from the embedded store
and from a SPARQL endpoint.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping
from functools import cache

import pyoxigraph as ox

from serkg import resources
from serkg.loading import plain_reason
from serkg.prefixes import CurieError, compress, expand
from serkg.store import QueryStore
from serkg.terms import OxTerm
from serkg.views.text import Row, term_value, unique


class UnknownCompoundError(ValueError):
    """NAME_OR_CURIE names no compound of the graph (the message lists close matches)."""


class AmbiguousCompoundError(UnknownCompoundError):
    """A name matches several compounds; the message lists them with their CURIEs."""


# ------------------------------------------------------------------------------- queries
@cache
def view_query(name: str) -> str:
    """The text of ``queries/views/NAME.rq``."""
    return resources.view_query(name)


def run_view(
    store: QueryStore, name: str, bindings: Mapping[str, OxTerm] | None = None
) -> list[Row]:
    """Run view NAME with BINDINGS and return its rows as {variable: term}."""
    answer = store.query(view_query(name), bindings=bindings)
    return [dict(zip(answer.variables, row, strict=True)) for row in answer.rows]


def compound_rows(store: QueryStore, name: str, compound_iri: str) -> list[Row]:
    return run_view(store, name, {"compound": ox.NamedNode(compound_iri)})


# ------------------------------------------------------------------------------- resolving
def _given_name(name_or_curie: str) -> str:
    """The name as given, stripped; an empty one or one that is not UTF-8 (bytes a command-line
    argument kept as lone surrogates) is refused."""
    text = name_or_curie.strip()
    if not text:
        raise UnknownCompoundError(
            "no compound given: pass a name (L-serine) or a CURIE (kg:l-serine)"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UnknownCompoundError(
            f"the compound {text!r} is not valid UTF-8 (a byte sequence no character has)"
        ) from None
    return text


def resolve_compound(store: QueryStore, name_or_curie: str) -> str:
    """The IRI of the compound a researcher means: a CURIE/IRI (ours or a cross-link such as
    ``CHEBI:17115``), or a name, synonym, CAS number or InChIKey (case-insensitive).

    Raises :class:`UnknownCompoundError` listing close matches when nothing matches.
    """
    text = _given_name(name_or_curie)
    curie_problem = ""
    if ":" in text:
        try:
            iri = expand(text)
        except CurieError as exc:
            curie_problem = str(exc)
        else:
            try:
                term = ox.NamedNode(iri)
            except ValueError as exc:
                curie_problem = f"{text!r} is not a valid IRI: {plain_reason(str(exc))}"
            else:
                rows = run_view(store, "compound-by-iri", {"iri": term})
                compounds = unique(term_value(r["compound"]) for r in rows)
                if compounds:
                    return compounds[0]
                curie_problem = (
                    f"{text} ({iri}) is not a compound of the graph nor a cross-link of one"
                )
    rows = run_view(store, "compound-lookup", {"name": ox.Literal(text)})
    compounds = unique(term_value(r["compound"]) for r in rows)
    if len(compounds) == 1:
        return compounds[0]
    names = _compound_names(store)
    if len(compounds) > 1:
        listed = ", ".join(f"{compress(c)} ({names.get(c, [''])[0]})" for c in compounds)
        raise AmbiguousCompoundError(f"{text!r} names several compounds: {listed}; pass a CURIE")
    message = curie_problem or f"no compound is named {text!r}"
    suggestions = _close_matches(text, names)
    if suggestions:
        message += "; did you mean: " + ", ".join(suggestions)
    elif names:
        message += f"; the graph has {len(names)} compound(s), e.g. " + ", ".join(
            f"{labels[0]} ({compress(iri)})" for iri, labels in list(names.items())[:5]
        )
    raise UnknownCompoundError(message)


def _compound_names(store: QueryStore) -> dict[str, list[str]]:
    names: dict[str, list[str]] = defaultdict(list)
    for row in run_view(store, "compound-names"):
        names[term_value(row["compound"])].append(term_value(row["name"]))
    return dict(names)


def _close_matches(text: str, names: Mapping[str, list[str]], limit: int = 5) -> list[str]:
    by_lower: dict[str, tuple[str, str]] = {}
    for iri, labels in names.items():
        for label in labels:
            by_lower.setdefault(label.lower(), (label, iri))
    hits = difflib.get_close_matches(text.lower(), list(by_lower), n=limit * 3, cutoff=0.6)
    hits += [k for k in by_lower if text.lower() in k and k not in hits]
    out: list[str] = []
    seen: set[str] = set()
    for key in hits:
        label, iri = by_lower[key]
        if iri not in seen:
            seen.add(iri)
            out.append(f"{label} ({compress(iri)})")
    return out[:limit]
