"""``python -m benchmarks``: serkg's pipeline and queries against the naive rdflib baseline,
measured in the same run on the same generated data.

Every heavy step runs in a child process (see :mod:`benchmarks.measure`): its peak memory is its
own, and the naive stages can be stopped at a stated time bound (reported as ``null``).

Sizes above 2M triples (``10M``) skip the naive pipeline and the rdflib query runs unless their
bounds are given, as neither finishes there (the naive pipeline needs over 15 minutes at 1M), give
the serkg build a longer bound and print its stages on stderr as they happen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks import generator
from benchmarks.cases import Case, load_cases
from benchmarks.compare import compare_inferences
from benchmarks.measure import REPO, run_child

RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"
TARGETS = {
    "speedup_100k": 15.0,
    "build_1M_s": 150.0,
    "rss_1M_mb": 4096.0,
    "one_compound_ms": 50.0,
    "catalogue_ms": 250.0,
    "cold_start_s": 0.5,
    "build_10M_s": 900.0,
    "rss_10M_mb": 8192.0,
}
#: above this many triples the naive pipeline and rdflib queries are skipped unless asked for
LARGE = 2_000_000


@dataclass(frozen=True)
class SizePlan:
    """What one size runs: time bounds (0 = skip), serkg builds, live progress."""

    naive_bound_s: float
    rdflib_bound_s: float
    serkg_bound_s: float
    repeat: int
    live: bool


def plan_for(triples: int, args: argparse.Namespace) -> SizePlan:
    """The bounds for a size: the ones given on the command line, else what the size can finish
    (the naive side and rdflib are skipped above :data:`LARGE`, where they cannot)."""
    large = triples > LARGE

    def given(value: float | None, default: float) -> float:
        return default if value is None else value

    return SizePlan(
        naive_bound_s=given(args.naive_bound_s, 0.0 if large else 900.0),
        rdflib_bound_s=given(args.rdflib_bound_s, 0.0 if large else 600.0),
        serkg_bound_s=given(args.serkg_bound_s, 3600.0 if large else 1800.0),
        repeat=args.repeat or (3 if triples <= 200_000 else 1),
        live=large or args.progress,
    )


class BenchmarkError(RuntimeError):
    """A benchmark step failed (the message says which and why)."""


def parse_sizes(text: str) -> list[tuple[str, int]]:
    """``10k,100k`` -> [("10k", 10000), ("100k", 100000)]; also plain numbers, ``1M``, ``10M``."""
    sizes = []
    for raw in text.split(","):
        label = raw.strip()
        if not label:
            continue
        if label in generator.SIZES:
            sizes.append((label, generator.SIZES[label]))
            continue
        multiplier = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(label[-1], 1)
        number = label[:-1] if multiplier != 1 else label
        try:
            value = int(float(number) * multiplier)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--sizes: {label!r} is not a size such as 10k, 100k, 1M or 10M"
            ) from None
        if value < 1000:
            raise argparse.ArgumentTypeError(
                f"--sizes: {label!r} is below 1000 triples (the ontology alone is larger)"
            )
        sizes.append((label, value))
    if not sizes:
        raise argparse.ArgumentTypeError("--sizes: give at least one size, e.g. 10k,100k")
    return sizes


def machine() -> dict[str, Any]:
    """CPU model, core count and RAM, read from /proc."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    import owlrl
    import pyshacl
    import rdflib

    return {
        "cpu": cpu,
        "cores": len(__import__("os").sched_getaffinity(0)),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "versions": {
            "pyoxigraph": ox.__version__,
            "rdflib": rdflib.__version__,
            "pyshacl": pyshacl.__version__,
            "owlrl": owlrl.__version__,
        },
    }


def ontology_triples() -> int:
    from serkg import resources

    path = resources.ontology_file()
    return (
        sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)) if path.exists() else 0
    )


def write_naive_input(data_files: list[Path], target: Path) -> set[ox.Triple]:
    """The asserted data (facts + generated claims) as Turtle for the naive side (not timed).

    Returns the asserted triples including the ontology, to tell inferences from assertions.
    """
    from serkg import resources
    from serkg.loading import load_knowledge

    kb = load_knowledge([resources.ontology_file()], data_files)
    target.write_bytes(ox.serialize(kb.data, format=ox.RdfFormat.TURTLE) or b"")
    return set(kb.asserted)


def time_queries(store_dir: Path, cases: list[Case], runs: int) -> dict[str, dict[str, Any]]:
    """Median milliseconds of each case on the embedded store (after one warm-up run)."""
    from serkg.store import EmbeddedStore

    store = EmbeddedStore.open(store_dir)
    out: dict[str, dict[str, Any]] = {}
    for case in cases:
        try:
            answer = store.query(case.sparql, case.bindings, search=case.search)
        except Exception as exc:  # reported per query; one broken query must not hide the others
            out[case.name] = {"p50_ms": None, "error": str(exc)[:300]}
            continue
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = store.query(case.sparql, case.bindings, search=case.search)
            rows = (
                len(answer.rows)
                if answer.kind == "select"
                else len(answer.triples or [])
                if answer.kind == "graph"
                else 1
            )
            times.append(time.perf_counter() - started)
        out[case.name] = {"p50_ms": round(statistics.median(times) * 1000, 3), "rows": rows}
    return out


def cold_start(work: Path, runs: int = 5) -> dict[str, Any]:
    """Wall time of ``serkg query NAME`` in a fresh interpreter, on a build of the real data."""
    from serkg import resources

    if not resources.data_files() or not resources.named_query_files():
        return {"seconds": None, "note": "no packaged data or named queries yet"}
    out = work / "real"
    # the packaged project as `serkg build` builds it (its cards and Turtle files included)
    child = run_child("benchmarks.serkg_side", ["--out", str(out)], bound_s=600)
    build = child.record("build")
    if not child.finished or build is None:
        return {
            "seconds": None,
            "note": f"real-data build failed: {child.stderr_tail[-300:] or build}",
        }
    name = "compound-profile"  # the profile of L-serine: one compound, several joins
    command = [
        sys.executable,
        "-m",
        "serkg",
        "query",
        name,
        "--param",
        "compound=kg:l-serine",
        "--store",
        str(out / "store"),
        "--format",
        "json",
    ]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, cwd=work, check=False)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            return {
                "seconds": None,
                "query": name,
                "note": result.stderr.decode(errors="replace")[-300:],
            }
    return {"seconds": round(statistics.median(times), 3), "query": name, "runs": runs}


def run_size(
    label: str, triples: int, work: Path, args: argparse.Namespace, cases: list[Case]
) -> dict[str, Any]:
    """Generate, build with serkg (repeat times), run the naive pipeline once, time the queries."""
    say = _say(args)
    plan = plan_for(triples, args)
    folder = work / label
    data_dir = folder / "data"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()

    def generated(compounds: int, so_far: int) -> None:
        if plan.live:
            progress(f"[{label}] generating: {compounds} compounds, {so_far:,} triples")

    files = generator.generate(
        data_dir, triples, seed=args.seed, ontology_triples=ontology_triples(), progress=generated
    )
    say(f"[{label}] generated {len(files)} files in {time.perf_counter() - started:.1f} s")

    repeat = plan.repeat
    builds = []
    for attempt in range(repeat):
        out = folder / "dist"
        child = run_child(
            "benchmarks.serkg_side",
            ["--data-dir", str(data_dir), "--out", str(out), "--full"]
            + (["--progress"] if plan.live else []),
            bound_s=plan.serkg_bound_s,
            echo=(lambda line: progress(f"[{label}] {line}")) if plan.live else None,
        )
        record = child.record("build")
        if not child.finished or record is None or record.get("failed"):
            why = (record or {}).get("failed") or child.stderr_tail[-800:] or "no output"
            raise BenchmarkError(
                f"[{label}] serkg build failed or did not finish in "
                f"{plan.serkg_bound_s:.0f} s: {why}"
            )
        builds.append((child.seconds, child.peak_rss_mb, record, child.cpu_seconds))
        say(
            f"[{label}] serkg build {attempt + 1}/{repeat}: {child.seconds:.2f} s, "
            f"peak {child.peak_rss_mb:.0f} MB, stages "
            + ", ".join(f"{k} {v:.2f}" for k, v in record["stage_seconds"].items())
        )
    serkg_s = statistics.median(b[0] for b in builds)
    record = builds[len(builds) // 2][2]

    result: dict[str, Any] = {
        "triples": record["asserted"],
        "inferred_triples": record["inferred"],
        "serkg_build_s": round(serkg_s, 3),
        "serkg_cpu_s": round(statistics.median(b[3] for b in builds), 3),
        "serkg_stage_s": {k: round(v, 3) for k, v in record["stage_seconds"].items()},
        "serkg_background_s": {
            k: round(v, 3) for k, v in (record.get("background_seconds") or {}).items()
        },
        "serkg_reasoner": record["reasoner"],
        "peak_rss_mb": round(max(b[1] for b in builds)),
        "naive_build_s": None,
        "naive_bound_s": plan.naive_bound_s,
        "speedup": None,
    }

    if plan.naive_bound_s > 0:
        naive_input = folder / "naive-data.ttl"
        asserted = write_naive_input(files, naive_input)
        from serkg import resources

        naive_inferred = folder / "naive-inferred.nt"
        child = run_child(
            "benchmarks.naive",
            [
                "--data",
                str(naive_input),
                "--ontology",
                str(resources.ontology_file()),
                "--shapes",
                *map(str, resources.shapes_files()),
                "--out",
                str(folder / "naive-closure.ttl"),
                "--inferred-out",
                str(naive_inferred),
            ],
            bound_s=plan.naive_bound_s,
        )
        stages = {r["stage"]: round(r["seconds"], 3) for r in child.records if "seconds" in r}
        result["naive_stage_s"] = stages
        result["naive_peak_rss_mb"] = round(child.peak_rss_mb)
        result["naive_cpu_s"] = round(child.cpu_seconds, 3)
        validate = child.record("validate")
        result["validation"] = {
            "serkg_violations": record["violations"],
            "naive_conforms": validate["conforms"] if validate else None,
            "naive_violations": validate["violations"] if validate else None,
            "same": (validate["violations"] == record["violations"]) if validate else None,
        }
        if child.finished and child.record("done"):
            result["naive_build_s"] = round(child.seconds, 3)
            result["speedup"] = round(child.seconds / serkg_s, 1)
            result["inferences"] = compare_inferences(
                folder / "dist" / "serkg-inferred.ttl", naive_inferred, asserted
            )
        say(
            f"[{label}] naive: "
            + (
                f"{child.seconds:.1f} s"
                if result["naive_build_s"]
                else f"did not finish within {plan.naive_bound_s:.0f} s"
            )
            + f", peak {child.peak_rss_mb:.0f} MB, stages {stages}"
        )

    say(f"[{label}] queries on the embedded store")
    embedded = time_queries(folder / "dist" / "store", cases, args.query_runs)
    rdflib_side: dict[str, dict[str, Any]] = {}
    if plan.rdflib_bound_s > 0 and cases:
        cases_file = folder / "cases.json"
        cases_file.write_text(json.dumps([c.to_json() for c in cases]))
        child = run_child(
            "benchmarks.rdflib_queries",
            [
                "--cases",
                str(cases_file),
                "--graph",
                str(folder / "dist" / "serkg.nt"),
                "--graph",
                str(folder / "dist" / "serkg-inferred.ttl"),
                "--runs",
                str(args.query_runs),
            ],
            bound_s=plan.rdflib_bound_s,
        )
        rdflib_side = {r["name"]: r for r in child.records if r.get("stage") == "query"}
        if not child.finished and child.returncode not in (None, -9) and child.stderr_tail:
            say(f"[{label}] rdflib queries failed: {child.stderr_tail[-300:]}")
    result["queries"] = {}
    for case in cases:
        theirs = rdflib_side.get(case.name)
        result["queries"][case.name] = {
            "kind": case.kind,
            "embedded": embedded.get(case.name),
            "rdflib": (
                {"p50_ms": round(theirs["p50_ms"], 3), "rows": theirs["rows"]}
                if theirs and theirs.get("p50_ms") is not None
                else {"p50_ms": None, "error": (theirs or {}).get("error", "not reached")}
            ),
        }
    if not args.keep:
        shutil.rmtree(folder / "dist" / "store", ignore_errors=True)
    return result


def progress(message: str) -> None:
    """Live progress of a long step: always on stderr, so that stdout stays the report."""
    print(message, file=sys.stderr, flush=True)


def _say(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    def say(message: str) -> None:
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    return say


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def render_markdown(report: dict[str, Any]) -> str:
    """RESULTS.md: machine, date, one table per concern, targets met or not."""
    m = report["machine"]
    lines = [
        "# serkg benchmark results",
        "",
        f"Generated by `python -m benchmarks --sizes {report['sizes_arg']}` on {report['date']}.",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + ".",
        "",
        "Sizes are asserted triples (ontology + facts + generated claims) of the deterministic",
        "synthetic catalogue (`benchmarks/generator.py`, seed 1). serkg = `serkg.build.build` in a",
        "fresh process (wall time including imports). Naive = rdflib parse of the same asserted",
        "data, pyshacl `inference='rdfs'`, owlrl OWL 2 RL closure, rdflib Turtle serialisation, in",
        "a fresh process stopped at the bound shown (— = did not finish). The naive side gets the",
        "claims ready-made (serkg generates them inside its timed build). Peak RSS is the whole",
        "process tree, sampled every 0.1 s. CPU = user + system seconds of the process tree: the",
        "machine is shared, so wall times vary with other load; CPU seconds vary less. serkg",
        "reasons in a forked process while it validates, and writes its exports in one while it",
        "fills and checks the store: the `reason` and `export` stages show the time the build",
        "waited for them (the work itself, where recorded, in parentheses).",
        "",
        "## Build",
        "",
        "| size | triples | serkg build (CPU) | serkg peak RSS | naive (CPU) | naive peak RSS "
        "| speedup | serkg stages (s) | naive stages (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in report["sizes"].items():
        parallel = r.get("serkg_background_s") or {}
        stages = ", ".join(
            f"{k} {v:.1f}" + (f" (+{parallel[k]:.1f} in parallel)" if k in parallel else "")
            for k, v in r["serkg_stage_s"].items()
        )
        naive_stages = ", ".join(f"{k} {v:.1f}" for k, v in r.get("naive_stage_s", {}).items())
        naive = (
            f"{r['naive_build_s']:.1f} s ({_fmt(r.get('naive_cpu_s'), ' s')})"
            if r["naive_build_s"] is not None
            else f"— (bound {r['naive_bound_s']:.0f} s)"
            if r["naive_bound_s"]
            else "not run"
        )
        lines.append(
            f"| {label} | {r['triples']:,} | {r['serkg_build_s']:.1f} s ({r['serkg_cpu_s']:.1f} s) "
            f"| {r['peak_rss_mb']:,} MB "
            f"| {naive} | {r.get('naive_peak_rss_mb', 0):,} MB | {_fmt(r['speedup'], 'x')} "
            f"| {stages} | {naive_stages} |"
        )
    lines += ["", "## Same results", ""]
    for label, r in report["sizes"].items():
        v = r.get("validation") or {}
        inf = r.get("inferences")
        text = (
            f"- {label}: SHACL violations serkg {v.get('serkg_violations')}, "
            f"naive {v.get('naive_violations')}"
        )
        if inf:
            text += (
                "; non-trivial inferences (kg: subjects, no owl:sameAs / top classes) "
                f"serkg {inf['serkg']:,}, "
                f"owlrl {inf['naive']:,}, {'identical' if inf['same'] else 'DIFFERENT'}"
            )
            if not inf["same"]:
                examples = (inf["examples_only_serkg"] + inf["examples_only_naive"])[:2]
                text += (
                    f" (only serkg {inf['only_serkg']}, only owlrl {inf['only_naive']};"
                    f" e.g. {examples})"
                )
        else:
            text += "; inferences not compared (naive " + (
                "did not finish)" if r["naive_bound_s"] else "not run at this size)"
            )
        lines.append(text)
    lines += [
        "",
        "## Named queries (median ms; embedded pyoxigraph store vs rdflib memory Graph)",
        "",
    ]
    labels = list(report["sizes"])
    header = (
        "| query | kind | " + " | ".join(f"{lab} embedded | {lab} rdflib" for lab in labels) + " |"
    )
    lines += [header, "|---|---|" + "---|---|" * len(labels)]
    names = sorted({n for r in report["sizes"].values() for n in r["queries"]})
    for name in names:
        cells = []
        kind = ""
        for lab in labels:
            q = report["sizes"][lab]["queries"].get(name, {})
            kind = q.get("kind", kind)
            emb = (q.get("embedded") or {}).get("p50_ms")
            rdf = (q.get("rdflib") or {}).get("p50_ms")
            cells += [_fmt(emb, digits=2), _fmt(rdf, digits=1)]
        lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
    cold = report.get("cold_start") or {}
    lines += ["", "## Targets", ""]
    lines += [
        f"- `serkg query {cold.get('query', 'NAME')}` cold start on the real data: "
        f"{_fmt(cold.get('seconds'), ' s', 2)} "
        f"(target ≤ {TARGETS['cold_start_s']} s){' — ' + cold['note'] if cold.get('note') else ''}"
    ]
    for label, r in report["sizes"].items():
        if r["triples"] >= 80_000 and r["triples"] < 500_000:
            lines.append(
                f"- {label}: speedup {_fmt(r['speedup'], 'x')} "
                f"(target ≥ {TARGETS['speedup_100k']:.0f}x)"
            )
        if r["triples"] >= 5_000_000:
            lines.append(
                f"- {label}: build {r['serkg_build_s']:.1f} s "
                f"(target ≤ {TARGETS['build_10M_s']:.0f} s), "
                f"peak RSS {r['peak_rss_mb']:,} MB (target ≤ {TARGETS['rss_10M_mb']:.0f} MB)"
            )
        elif r["triples"] >= 500_000:
            lines.append(
                f"- {label}: build {r['serkg_build_s']:.1f} s "
                f"(target ≤ {TARGETS['build_1M_s']:.0f} s), "
                f"peak RSS {r['peak_rss_mb']:,} MB (target ≤ {TARGETS['rss_1M_mb']:.0f} MB)"
            )
        slow = [
            f"{n} {q['embedded']['p50_ms']:.0f} ms"
            for n, q in r["queries"].items()
            if q.get("embedded")
            and q["embedded"].get("p50_ms") is not None
            and q["embedded"]["p50_ms"]
            > (TARGETS["one_compound_ms"] if q["kind"] == "one entity" else TARGETS["catalogue_ms"])
        ]
        lines.append(
            f"- {label}: named queries over their target (50 ms one entity / 250 ms catalogue): "
            + (", ".join(slow) or "none")
        )
    lines += [
        "",
        "Regenerate: `python -m benchmarks --sizes 10k,100k` (add `,1M` or `,1M,10M` for the",
        "large runs; `--json` for machine-readable output).",
        "",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks``."""
    paragraphs = (__doc__ or "").split("\n\n")
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=paragraphs[0], epilog=paragraphs[-1]
    )
    parser.add_argument(
        "--sizes",
        default="10k,100k",
        help="comma-separated sizes: 10k, 100k, 1M, 10M or a number [10k,100k]",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the results as JSON on stdout (progress goes to stderr)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat", type=int, default=0, help="serkg builds per size [3 up to 200k triples, else 1]"
    )
    parser.add_argument("--query-runs", type=int, default=20)
    parser.add_argument(
        "--naive-bound-s",
        type=float,
        default=None,
        help="time bound of the naive pipeline; 0 skips it [900; above 2M triples skipped]",
    )
    parser.add_argument(
        "--rdflib-bound-s",
        type=float,
        default=None,
        help="time bound of the rdflib query runs; 0 skips them [600; above 2M skipped]",
    )
    parser.add_argument(
        "--serkg-bound-s",
        type=float,
        default=None,
        help="time bound of one serkg build [1800; above 2M triples 3600]",
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="print serkg's build stages on stderr as they run [on above 2M triples]",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep generated data and builds here [a temporary folder]",
    )
    parser.add_argument("--keep", action="store_true", help="keep the built stores in --work")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS_FILE,
        help="Markdown report to write [benchmarks/RESULTS.md]",
    )
    parser.add_argument(
        "--no-results", action="store_true", help="do not write the Markdown report"
    )
    parser.add_argument("--no-cold-start", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        sizes = parse_sizes(args.sizes)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    work = args.work or Path(tempfile.mkdtemp(prefix="serkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    say = _say(args)
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "sizes_arg": args.sizes,
        "sizes": {},
    }
    try:
        cases, skipped = load_cases()
        report["skipped_queries"] = skipped
        for name, why in skipped.items():
            say(f"query {name} not benchmarked: {why}")
        if not args.no_cold_start:
            report["cold_start"] = cold_start(work)
            say(f"cold start: {report['cold_start']}")
        for label, triples in sizes:
            report["sizes"][label] = run_size(label, triples, work, args, cases)
    except BenchmarkError as exc:
        print(f"benchmarks: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmarks: interrupted", file=sys.stderr)
        return 130
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if not args.no_results:
        args.results.write_text(render_markdown(report), encoding="utf-8")
        say(f"wrote {args.results}")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for label, r in report["sizes"].items():
            print(
                f"{label}: {r['triples']:,} triples; serkg {r['serkg_build_s']:.2f} s; "
                f"naive {_fmt(r['naive_build_s'], ' s')}; "
                f"speedup {_fmt(r['speedup'], 'x')}; peak RSS {r['peak_rss_mb']} MB"
            )
            for name, q in r["queries"].items():
                print(
                    f"  {name:40s} "
                    f"embedded {_fmt((q['embedded'] or {}).get('p50_ms'), ' ms', 2):>12}   "
                    f"rdflib {_fmt(q['rdflib'].get('p50_ms'), ' ms', 1):>12}"
                )
    return 0


__all__ = ["REPO", "SizePlan", "build_parser", "main", "parse_sizes", "plan_for"]
