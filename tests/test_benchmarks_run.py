"""``python -m benchmarks``: which sizes it accepts and what each size runs by default."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.run import SizePlan, build_parser, parse_sizes, plan_for


def test_sizes_up_to_ten_million_in_one_invocation() -> None:
    assert parse_sizes("100k,1M,10M") == [
        ("100k", 100_000),
        ("1M", 1_000_000),
        ("10M", 10_000_000),
    ]
    assert parse_sizes("2.5M, 20000") == [("2.5M", 2_500_000), ("20000", 20_000)]


@pytest.mark.parametrize("text", ["ten", "10X", ",", "500"])
def test_a_size_that_is_not_one_is_refused_by_name(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="--sizes"):
        parse_sizes(text)


def test_defaults_run_the_baselines_up_to_two_million_and_skip_them_above() -> None:
    args = build_parser().parse_args(["--sizes", "100k,1M,10M"])
    assert plan_for(100_000, args) == SizePlan(900.0, 600.0, 1800.0, 3, live=False)
    assert plan_for(1_000_000, args) == SizePlan(900.0, 600.0, 1800.0, 1, live=False)
    assert plan_for(10_000_000, args) == SizePlan(0.0, 0.0, 3600.0, 1, live=True)


def test_bounds_given_on_the_command_line_hold_at_every_size() -> None:
    args = build_parser().parse_args(
        ["--naive-bound-s", "60", "--rdflib-bound-s", "0", "--serkg-bound-s", "99", "--progress"]
    )
    assert plan_for(10_000_000, args) == SizePlan(60.0, 0.0, 99.0, 1, live=True)
    assert plan_for(10_000, args) == SizePlan(60.0, 0.0, 99.0, 3, live=True)
    repeated = build_parser().parse_args(["--repeat", "2"])
    assert plan_for(10_000_000, repeated).repeat == 2


def test_a_ten_million_row_says_the_naive_side_was_not_run_and_names_its_targets() -> None:
    from benchmarks.run import render_markdown

    row = {
        "triples": 9_998_000,
        "inferred_triples": 1_400_000,
        "serkg_build_s": 800.0,
        "serkg_cpu_s": 1500.0,
        "serkg_stage_s": {"load": 150.0},
        "serkg_background_s": {},
        "serkg_reasoner": "reasonable",
        "peak_rss_mb": 7000,
        "naive_build_s": None,
        "naive_bound_s": 0.0,
        "speedup": None,
        "queries": {},
    }
    report = {
        "date": "2026-12-07 08:00 UTC",
        "sizes_arg": "10M",
        "machine": {"cpu": "x", "cores": 2, "ram_gb": 24, "python": "3.12", "versions": {}},
        "sizes": {"10M": row},
    }
    text = render_markdown(report)
    assert "| 10M | 9,998,000 | 800.0 s (1500.0 s) | 7,000 MB | not run | 0 MB | — |" in text
    assert (
        "- 10M: SHACL violations serkg None, naive None; inferences not compared (naive not run at this size)"
        in text
    )
    assert "- 10M: build 800.0 s (target ≤ 900 s), peak RSS 7,000 MB (target ≤ 8192 MB)" in text
