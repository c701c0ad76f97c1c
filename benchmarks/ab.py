"""``python -m benchmarks.ab``: full builds of two or more checkouts of serkg on the same data,
interleaved, for a before/after comparison on a noisy machine.

Round after round, each checkout builds the data in a fresh process (``benchmarks.serkg_side
--full``, with that checkout's ``src/`` on the path), so that a machine that slows down or speeds
up during the run affects every checkout alike; the first build of a fresh checkout also pays
for compiling its bytecode, so give it a round more than you will read. Prints one line per
build (wall and CPU seconds and peak RSS of the process tree, stage times) and the medians.
The data is a folder of ``*.trig`` files: the catalogue ``python -m benchmarks --work W
--keep`` generated (``W/100k/data``), or ``python -m benchmarks.generator``'s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import ChildRun, run_child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__)
    parser.add_argument("checkouts", type=Path, nargs="+", help="serkg checkouts (git clones)")
    parser.add_argument("--data-dir", type=Path, required=True, help="the *.trig files to build")
    parser.add_argument("--rounds", type=int, default=3, help="builds per checkout [3]")
    parser.add_argument("--bound-s", type=float, default=1800.0, help="bound of one build [1800]")
    args = parser.parse_args(argv)
    problem = _problem(args.checkouts, args.data_dir, args.rounds)
    if problem:
        parser.error(problem)
    runs: dict[Path, list[ChildRun]] = {checkout: [] for checkout in args.checkouts}
    with tempfile.TemporaryDirectory(prefix="serkg-ab-") as scratch:
        for _ in range(args.rounds):
            for checkout in args.checkouts:
                out = Path(scratch) / "dist"
                shutil.rmtree(out, ignore_errors=True)
                run = run_child(
                    "benchmarks.serkg_side",
                    ["--data-dir", str(args.data_dir), "--out", str(out), "--full"],
                    args.bound_s,
                    repo=checkout,
                )
                runs[checkout].append(run)
                print(_line(checkout, run), flush=True)
    for checkout, done in runs.items():
        print(
            f"{checkout.name}: median wall {_median(done, 'seconds'):.2f} s, "
            f"CPU {_median(done, 'cpu_seconds'):.1f} s, peak {_median(done, 'peak_rss_mb'):,.0f} MB"
            f" ({sum(r.finished for r in done)} of {len(done)} builds finished)"
        )
    return 0 if all(r.finished for done in runs.values() for r in done) else 1


def _problem(checkouts: list[Path], data_dir: Path, rounds: int) -> str | None:
    if len(set(checkouts)) < len(checkouts):
        return "a checkout is given twice"
    for checkout in checkouts:
        if not (checkout / "src" / "serkg").is_dir() or not (checkout / "benchmarks").is_dir():
            return f"{checkout} is not a serkg checkout (no src/serkg and benchmarks/ in it)"
    if not any(data_dir.rglob("*.trig")):
        return f"--data-dir {data_dir}: no *.trig files in it"
    if rounds < 1:
        return "--rounds must be at least 1"
    return None


def _line(checkout: Path, run: ChildRun) -> str:
    record = run.record("build") or {}
    stages = ", ".join(f"{k} {v:.1f}" for k, v in (record.get("stage_seconds") or {}).items())
    state = "" if run.finished else f" FAILED (exit {run.returncode}): {run.stderr_tail[-300:]}"
    return (
        f"{checkout.name}: {run.seconds:.2f} s wall, {run.cpu_seconds:.1f} s CPU, "
        f"{run.peak_rss_mb:,.0f} MB peak; {stages}{state}"
    )


def _median(runs: list[ChildRun], name: str) -> float:
    return float(statistics.median(float(getattr(r, name)) for r in runs))


if __name__ == "__main__":
    sys.exit(main())
