"""The named queries on rdflib's in-memory Graph (the baseline for the embedded store), run as a
child process with a time bound: ``python -m benchmarks.rdflib_queries --cases cases.json
--graph serkg.nt --graph serkg-inferred.ttl``.

``cases.json`` is a list of ``{"name", "sparql", "bindings": {var: N-Triples term}}``. One JSON
line per query: median milliseconds over the runs that fit in the per-query budget, and rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def count_rows(result: Any) -> int:
    if result.type == "SELECT":
        return len(list(result))
    if result.type == "ASK":
        return 1
    return len(result.graph) if result.graph is not None else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rdflib_queries")
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--graph", type=Path, action="append", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--budget-s", type=float, default=3.0, help="stop repeating a query after this long"
    )
    args = parser.parse_args(argv)

    import pyoxigraph as ox
    from rdflib import Graph

    from serkg.terms import ox_to_rdflib

    started = time.perf_counter()
    graph = Graph()
    for path in args.graph:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    print(
        json.dumps(
            {"stage": "load", "seconds": time.perf_counter() - started, "triples": len(graph)}
        ),
        flush=True,
    )

    for case in json.loads(args.cases.read_text()):
        bindings = {
            k: ox_to_rdflib(
                ox.parse(f"<urn:s> <urn:p> {v} .", format=ox.RdfFormat.N_TRIPLES).__next__().object
            )
            for k, v in case["bindings"].items()
        }
        times: list[float] = []
        rows = 0
        spent = 0.0
        try:
            while len(times) < args.runs and (not times or spent < args.budget_s):
                t0 = time.perf_counter()
                rows = count_rows(graph.query(case["sparql"], initBindings=bindings))
                elapsed = time.perf_counter() - t0
                times.append(elapsed)
                spent += elapsed
        except Exception as exc:  # an rdflib failure on one query is a result, not the end
            record = {
                "stage": "query",
                "name": case["name"],
                "p50_ms": None,
                "error": repr(exc)[:200],
            }
            print(json.dumps(record), flush=True)
            continue
        record = {"stage": "query", "name": case["name"], "p50_ms": statistics.median(times) * 1000}
        print(json.dumps({**record, "runs": len(times), "rows": rows}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
