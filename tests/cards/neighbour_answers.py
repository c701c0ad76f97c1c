"""Golden answers of every named query that takes a compound, for D-serine and glycine.

``python tests/cards/neighbour_answers.py`` rewrites ``tests/cards/golden/`` from a fresh build
of the packaged data. The goldens in the repository were written from the data before D-serine
and glycine moved from TriG to cards, so the test proves the move changed no answer.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from serkg.query_model import NamedQuery
from serkg.querylib import list_queries
from serkg.results import QueryAnswer
from serkg.store import EmbeddedStore

GOLDEN = Path(__file__).resolve().parent / "golden"
COMPOUNDS = ("d-serine", "glycine")


def compound_queries() -> list[NamedQuery]:
    """The named queries with a ``compound`` parameter."""
    return [q for q in list_queries() if any(p.name == "compound" for p in q.params)]


def params_for(query: NamedQuery, compound: str) -> dict[str, Any]:
    """The query's example parameters with COMPOUND in place of its example compound; a query
    comparing two compounds compares it with L-serine."""
    params = dict(query.example)
    params["compound"] = f"kg:{compound}"
    if "other" in params:
        params["other"] = "kg:l-serine"
    return params


def golden_file(query: NamedQuery, compound: str) -> Path:
    return GOLDEN / f"{query.name}--{compound}.json"


def answer_rows(answer: QueryAnswer) -> Any:
    """What must be equal: the rows in order (graphs: their sorted N-Triples lines)."""
    if answer.kind == "graph":
        from serkg.results import serialize_triples

        return sorted(set(serialize_triples(answer.triples, "nt").splitlines()))
    doc = json.loads(answer.serialize("json"))
    return doc.get("boolean", doc.get("results", {}).get("bindings"))


def main() -> int:
    from serkg.build import build

    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder) / "dist")
        store = EmbeddedStore.open(Path(folder) / "dist" / "store")
        GOLDEN.mkdir(exist_ok=True)
        for query in compound_queries():
            for compound in COMPOUNDS:
                answer = store.query(query.text, query.bind(params_for(query, compound)))
                text = json.dumps(answer_rows(answer), indent=1, sort_keys=True) + "\n"
                golden_file(query, compound).write_text(text, encoding="utf-8")
                print(f"{query.name} {compound}: {len(answer)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
