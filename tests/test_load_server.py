"""The load benchmark's request mix and its parsing of the wrk script's per-query timings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox

from benchmarks import generator
from benchmarks.load_server import hit_ratio, per_query_latency, query_name, synthetic_mix
from serkg import querylib
from serkg.prefixes import KG, SK
from serkg.web.api import named_query_job


def test_synthetic_mix_asks_every_query_about_entities_the_catalogue_holds(tmp_path: Path) -> None:
    files = generator.generate(tmp_path, 10_000)
    quads = [q for path in files for q in ox.parse(path=str(path), format=ox.RdfFormat.TRIG)]
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    objects = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
    compounds = sum(1 for path in files if path.parent.name.startswith("syn-compound-"))
    paths = synthetic_mix(compounds, entities=4)
    names = [q.name for q in querylib.list_queries()]
    assert [query_name(p) for p in paths] == names * 4
    asked, xrefs = set(), set()
    for path in paths:  # each parameter set passes the server's own checks
        params = parse_qsl(path.partition("?")[2], keep_blank_values=True)
        job = named_query_job(query_name(path), params, "application/sparql-results+json")
        asked |= {t.value for t in job.bindings.values() if t.value.startswith(KG)}
        xrefs |= {t.value for t in job.bindings.values() if "CHEBI_9" in t.value}
    assert {KG + f"syn-compound-{i:05d}" for i in (1, 1 + compounds // 4)} <= asked
    assert asked <= subjects, sorted(asked - subjects)
    assert any(v.startswith(KG + "NCT9") for v in asked)
    assert len(xrefs) == 4
    assert xrefs <= objects
    mechanism_class = {
        job.bindings["mechanismClass"].value
        for path in paths
        if query_name(path) == "mechanisms-by-class"
        for job in [named_query_job("mechanisms-by-class", parse_qsl(path.split("?")[1]), None)]
    }
    assert mechanism_class <= {SK + name for name in generator.MECHANISM_CLASSES}
    assert len(mechanism_class) == 4


def test_per_query_latency_reads_the_wrk_script_lines() -> None:
    lines = [
        "QUERY label-search 200 1500,503 250000,",
        "QUERY label-search 200 900,",
        "QUERY compound-profile 200 2100,",
    ]
    assert per_query_latency(lines) == {
        "label-search": {
            "requests": 3,
            "p50_ms": 1.5,
            "p99_ms": 250.0,
            "max_ms": 250.0,
            "errors": 1,
            "over_100ms": 1,
        },
        "compound-profile": {
            "requests": 1,
            "p50_ms": 2.1,
            "p99_ms": 2.1,
            "max_ms": 2.1,
            "errors": 0,
            "over_100ms": 0,
        },
    }


def test_hit_ratio_counts_the_lookups_between_two_readings() -> None:
    before = {"hits": 10, "misses": 30, "entries": 30, "bytes": 9000, "max_bytes": 1 << 26}
    after = {**before, "hits": 40, "misses": 40}
    assert hit_ratio(before, after) == 0.75
    assert hit_ratio(after, after) is None
