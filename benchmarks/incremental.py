"""Incremental builds against full builds on a generated catalogue (issue 20, part 3).

``python -m benchmarks.incremental --sizes 100k,1M`` generates each catalogue, builds it in full,
then EDITS times changes one compound's file (its label, a different text each time) and builds
again: incrementally into the same folder, and in full (``--full``) into a second one, each in a
fresh process (``benchmarks.serkg_side``, RSS sampled over the process tree). It reports the
median wall and CPU seconds of both kinds, the ratio, and checks after every edit that the two
builds published the same bytes and the same store. Prints JSON on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import generator
from benchmarks.measure import ChildRun, run_child
from benchmarks.run import ontology_triples, parse_sizes

#: the compound whose file is edited (the middle one of the smallest catalogue, 10k)
EDITED = "syn-compound-00005"


def _build(data_dir: Path, out: Path, *, full: bool, bound_s: float) -> ChildRun:
    args = ["--data-dir", str(data_dir), "--out", str(out), *(["--full"] if full else [])]
    child = run_child("benchmarks.serkg_side", args, bound_s=bound_s)
    record = child.record("build")
    if not child.finished or record is None or record.get("failed"):
        why = (record or {}).get("failed") or child.stderr_tail[-800:] or "no output"
        raise SystemExit(f"serkg build failed or did not finish: {why}")
    return child


def _edit(path: Path, number: int) -> None:
    """Give the compound of PATH a new label (a different one for each NUMBER)."""
    text = path.read_text(encoding="utf-8")
    start = text.index('rdfs:label "', text.index(f"kg:{EDITED} a ")) + len('rdfs:label "')
    end = text.index('"@en', start)
    path.write_text(text[:start] + f"synthetic compound 5, edit {number}" + text[end:], "utf-8")


def _same_builds(one: Path, other: Path) -> bool:
    import pyoxigraph as ox

    from serkg.build import ARTEFACTS

    if any((one / n).read_bytes() != (other / n).read_bytes() for n in ARTEFACTS):
        return False
    stores = [ox.Store.read_only(str(folder / "store")) for folder in (one, other)]
    return set(stores[0]) == set(stores[1])


def _stages(seconds: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in seconds.items())


def _summary(runs: list[ChildRun]) -> dict[str, Any]:
    records = [r.record("build") or {} for r in runs]
    middle = records[len(records) // 2]
    return {
        "wall_s": [round(r.seconds, 2) for r in runs],
        "median_wall_s": round(statistics.median(r.seconds for r in runs), 2),
        "median_cpu_s": round(statistics.median(r.cpu_seconds for r in runs), 2),
        "peak_rss_mb": round(max(r.peak_rss_mb for r in runs)),
        "stage_s": {k: round(v, 2) for k, v in middle.get("stage_seconds", {}).items()},
        "kind": sorted({str(r.get("kind")) for r in records}),
        "validated": sorted({str(r.get("validated")) for r in records}),
        "reasoned": sorted({str(r.get("reasoned")) for r in records}),
    }


def measure(label: str, triples: int, work: Path, edits: int, bound_s: float) -> dict[str, Any]:
    say = lambda text: print(f"[{label}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    folder = work / label
    shutil.rmtree(folder, ignore_errors=True)
    data = folder / "data"
    files = generator.generate(data, triples, ontology_triples=ontology_triples())
    edited = next(p for p in files if p.parent.name == EDITED)
    first = _build(data, folder / "incremental", full=True, bound_s=bound_s)
    say(f"first full build {first.seconds:.1f} s")
    incremental: list[ChildRun] = []
    full: list[ChildRun] = []
    same = []
    for number in range(1, edits + 1):
        _edit(edited, number)
        incremental.append(_build(data, folder / "incremental", full=False, bound_s=bound_s))
        full.append(_build(data, folder / "full", full=True, bound_s=bound_s))
        same.append(_same_builds(folder / "incremental", folder / "full"))
        stages = [
            (c.record("build") or {}).get("stage_seconds", {}) for c in (incremental[-1], full[-1])
        ]
        say(
            f"edit {number}: incremental {incremental[-1].seconds:.1f} s "
            f"({_stages(stages[0])}), full {full[-1].seconds:.1f} s ({_stages(stages[1])}), "
            f"same output: {same[-1]}"
        )
    result = {
        "triples": (first.record("build") or {}).get("asserted"),
        "edited_file": str(edited.relative_to(data)),
        "incremental": _summary(incremental),
        "full": _summary(full),
        "same_output_every_time": all(same),
    }
    result["ratio_wall"] = round(
        result["full"]["median_wall_s"] / result["incremental"]["median_wall_s"], 2
    )
    result["ratio_cpu"] = round(
        result["full"]["median_cpu_s"] / result["incremental"]["median_cpu_s"], 2
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.incremental", description=__doc__)
    parser.add_argument("--sizes", default="100k", help="comma-separated sizes [100k]")
    parser.add_argument("--edits", type=int, default=3, help="edits (build pairs) per size [3]")
    parser.add_argument("--work", type=Path, default=None, help="keep the catalogues here")
    parser.add_argument("--bound-s", type=float, default=1800.0, help="bound of one build [1800]")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    work = args.work or Path(tempfile.mkdtemp(prefix="serkg-incremental-"))
    results = {label: measure(label, n, work, args.edits, args.bound_s) for label, n in sizes}
    print(json.dumps(results, indent=1))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r["same_output_every_time"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
