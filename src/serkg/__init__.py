"""serkg: a knowledge graph of compound facts, checked by SHACL, enriched by OWL 2 RL, queried by name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["__version__", "run_query", "run_query_df"]


def run_query(
    name: str, *, store: str | None = None, endpoint: str | None = None, **params: Any
) -> list[dict[str, Any]]:
    """Run the named query NAME with keyword parameters; rows as dicts of Python values.

    Imported lazily so that ``import serkg`` stays cheap.
    """
    from serkg.querylib import run_named_query

    return run_named_query(name, params, store_path=store, endpoint=endpoint).python_rows()


def run_query_df(
    name: str, *, store: str | None = None, endpoint: str | None = None, **params: Any
) -> pandas.DataFrame:
    """Like :func:`run_query` but as a pandas DataFrame (needs the ``pandas`` extra)."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("run_query_df needs pandas: pip install 'serkg[pandas]'") from exc
    from serkg.querylib import run_named_query

    answer = run_named_query(name, params, store_path=store, endpoint=endpoint)
    return pd.DataFrame(
        answer.python_rows(), columns=answer.variables if answer.kind == "select" else None
    )
