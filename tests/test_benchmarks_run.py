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
