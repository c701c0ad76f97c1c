"""Checking the data before it is published: SHACL shapes and QC queries that must return nothing.

SHACL runs with pySHACL on an rdflib memory graph (over Oxigraph it is about 40x slower; see
shared/MEASUREMENTS.md), without inference: the ontology is passed as ``ont_graph`` so that
``sh:class`` and ``sh:targetClass`` follow its class hierarchy, and nothing else is inferred. What a
curator wrote is what gets checked (docs/validation.md says why). By default the SHACL-SPARQL
constraints run once each on Oxigraph and Core sees one generated claim per bundle: same results
as pySHACL alone (``engine="pyshacl"``, the reference), ten times sooner at 100k triples.

The QC queries (``queries/qc/<check>-violation.rq``) run on pyoxigraph: on the built store after
reasoning, and on an in-memory store of the asserted graph at validate time.
"""

from serkg.checks.locate import Origins, locate
from serkg.checks.nodes import SH
from serkg.checks.qc import QC_CHECKS, qc_check_names, qc_query, qc_query_file, qc_store, run_qc
from serkg.checks.report import ValidationOutcome
from serkg.checks.results import QcViolation, Violation
from serkg.checks.shapes import (
    ShapesChoiceError,
    ShapesError,
    count_shapes,
    shapes_graph,
    shapes_paths,
)
from serkg.checks.validate import knowledge_graphs, validate_files, validate_graph, validate_triples
from serkg.prefixes import SHP

__all__ = [
    "QC_CHECKS",
    "SH",
    "SHP",
    "Origins",
    "QcViolation",
    "ShapesChoiceError",
    "ShapesError",
    "ValidationOutcome",
    "Violation",
    "count_shapes",
    "knowledge_graphs",
    "locate",
    "qc_check_names",
    "qc_query",
    "qc_query_file",
    "qc_store",
    "run_qc",
    "shapes_graph",
    "shapes_paths",
    "validate_files",
    "validate_graph",
    "validate_triples",
]
