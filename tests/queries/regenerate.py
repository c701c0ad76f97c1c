"""Regenerate the golden answers: ``python tests/queries/regenerate.py`` (from any folder).

Runs every named query with its header's example parameters on the packaged data (asserted and
inferred graphs) and writes ``tests/queries/golden/<name>.json`` (SPARQL JSON results) or
``<name>.nt`` (sorted N-Triples for CONSTRUCT). Review the diff by eye against the sources
before committing it.
"""

from __future__ import annotations

import sys

from golden_io import GOLDEN_DIR, answer_text, build_store, golden_path

from serkg.querylib import list_queries


def main() -> int:
    store = build_store()
    GOLDEN_DIR.mkdir(exist_ok=True)
    names = set()
    for query in list_queries():
        answer = store.query(query.text, query.bind(query.example))
        path = golden_path(query)
        path.write_text(answer_text(answer), encoding="utf-8")
        names.add(path.name)
        print(f"{path.name}: {len(answer)} {'triples' if answer.kind == 'graph' else 'rows'}")
    for stale in GOLDEN_DIR.iterdir():
        if stale.name not in names:
            stale.unlink()
            print(f"removed stale {stale.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
