"""The naive pipeline, the baseline serkg is measured against: rdflib all the way.

Run as a subprocess (``python -m benchmarks.naive ...``) so that the parent can stop it at a
time bound and read its own peak memory. It prints one JSON line per finished stage, so a run
stopped at the bound still reports the stages it finished:

1. ``parse``: rdflib parses the asserted data (facts + generated claims, Turtle), the ontology
   and the shapes;
2. ``validate``: pyshacl with ``inference='rdfs'`` (and SHACL-SPARQL);
3. ``reason``: owlrl's OWL 2 RL closure over ontology + data;
4. ``serialize``: rdflib writes the closure as Turtle.

The non-trivial inferences (see :func:`benchmarks.compare.non_trivial`) are written to
``--inferred-out`` as N-Triples so the parent can compare them with serkg's.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.naive")
    parser.add_argument(
        "--data", type=Path, required=True, help="asserted data (facts + claims), Turtle"
    )
    parser.add_argument("--ontology", type=Path, required=True)
    parser.add_argument("--shapes", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, required=True, help="where the closure is serialised")
    parser.add_argument("--inferred-out", type=Path, default=None)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    import owlrl
    import pyshacl
    from rdflib import Graph

    emit(stage="import", seconds=time.perf_counter() - started, rss_mb=peak_rss_mb())

    started = time.perf_counter()
    data = Graph().parse(args.data, format="turtle")
    ontology = Graph().parse(args.ontology, format="turtle")
    shapes = Graph()
    for path in args.shapes:
        shapes.parse(path, format="turtle")
    emit(
        stage="parse",
        seconds=time.perf_counter() - started,
        rss_mb=peak_rss_mb(),
        triples=len(data) + len(ontology),
    )

    started = time.perf_counter()
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    from rdflib import RDF, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in report.subjects(RDF.type, sh.ValidationResult))
    emit(
        stage="validate",
        seconds=time.perf_counter() - started,
        rss_mb=peak_rss_mb(),
        conforms=bool(conforms),
        violations=violations,
    )

    started = time.perf_counter()
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in data:
        closure.add(triple)
    asserted = len(closure)
    asserted_set = set(closure) if args.inferred_out else set()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    emit(
        stage="reason",
        seconds=time.perf_counter() - started,
        rss_mb=peak_rss_mb(),
        inferred=len(closure) - asserted,
    )

    started = time.perf_counter()
    closure.serialize(destination=args.out, format="turtle")
    emit(stage="serialize", seconds=time.perf_counter() - started, rss_mb=peak_rss_mb())

    if args.inferred_out:
        from benchmarks.compare import non_trivial_rdflib

        inferred = Graph()
        for triple in non_trivial_rdflib(t for t in closure if t not in asserted_set):
            inferred.add(triple)
        inferred.serialize(destination=args.inferred_out, format="nt", encoding="utf-8")
    emit(stage="done", rss_mb=peak_rss_mb())
    return 0


if __name__ == "__main__":
    sys.exit(main())
