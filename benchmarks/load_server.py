"""Load benchmark of ``serkg serve``: named-query requests per second and latency under load.

Starts the server on a free loopback port (a second process), measures a sequential baseline
(one client, one request at a time), then runs ``wrk`` for a fixed duration with a Lua script
cycling over every named query with its example parameters. Passes when the server holds at
least ``--min-rps`` with p99 latency at most ``--max-p99-ms`` and zero errors.

    python benchmarks/load_server.py --store dist/store            # 60 s, prints the results
    python benchmarks/load_server.py --store dist/store --record   # also writes LOAD_RESULTS.md
    python benchmarks/load_server.py --store dist/store --no-cache # the server's answer cache off

The report gives the answer cache's hit ratio of each run (``GET /api/cache`` before and after).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "LOAD_RESULTS.md"

LUA = r"""
-- One connection per wrk thread, so request() and response() alternate on each thread and the
-- time between them is that request's latency (the same span wrk measures), kept per query.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } serkg_timespec;
int clock_gettime(int clock, serkg_timespec *tp);
]]
local now = ffi.new("serkg_timespec")
local function clock_us()
  ffi.C.clock_gettime(1, now)  -- CLOCK_MONOTONIC
  return tonumber(now.tv_sec) * 1e6 + tonumber(now.tv_nsec) / 1e3
end
local paths = {%(paths)s}
local names = {%(names)s}
local accept = "application/sparql-results+json, text/turtle;q=0.9"
local threads = {}
local created = 0
setup = function(thread)
  created = created + 1
  thread:set("offset", math.floor((created - 1) * #paths / %(threads)d))
  table.insert(threads, thread)
end
local counter, current, started = 0, 1, 0
timings = {}
init = function(args)
  counter = offset
end
request = function()
  counter = counter + 1
  current = (counter %% #paths) + 1
  started = clock_us()
  return wrk.format("GET", paths[current], {["Accept"] = accept})
end
response = function(status, headers, body)
  local name = names[current]
  timings[name] = (timings[name] or "") .. string.format("%%d %%.0f,", status, clock_us() - started)
end
%(delay)s
done = function(summary, latency, requests)
  local e = summary.errors
  local fields = {
    "\"requests\": " .. summary.requests,
    "\"seconds\": " .. summary.duration / 1e6,
    "\"non2xx\": " .. e.status, "\"connect\": " .. e.connect, "\"read\": " .. e.read,
    "\"write\": " .. e.write, "\"timeout\": " .. e.timeout,
    "\"p50_us\": " .. latency:percentile(50), "\"p90_us\": " .. latency:percentile(90),
    "\"p99_us\": " .. latency:percentile(99), "\"max_us\": " .. latency.max,
  }
  io.write("RESULT {" .. table.concat(fields, ", ") .. "}\n")
  for _, thread in ipairs(threads) do
    for name, text in pairs(thread:get("timings")) do
      io.write("QUERY " .. name .. " " .. text .. "\n")
    end
  end
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def query_paths() -> list[str]:
    """One URL path per named query, with the query's example parameters."""
    from serkg import querylib

    paths = []
    for query in querylib.list_queries():
        suffix = "?" + urlencode(query.example) if query.example else ""
        paths.append(f"/api/queries/{query.name}{suffix}")
    return paths


def synthetic_compounds(store: Path) -> int:
    """How many synthetic compounds (``kg:syn-compound-NNNNN``) the store holds."""
    import pyoxigraph as ox

    from serkg.prefixes import KG, SK

    sparql = (
        f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{SK}ChemicalCompound> "
        f'FILTER(STRSTARTS(STR(?c), "{KG}syn-compound-")) }}'
    )
    rows = ox.Store.read_only(str(store)).query(sparql, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    count = next(iter(rows))["n"]
    assert isinstance(count, ox.Literal)
    return int(count.value)


def synthetic_values(i: int, compounds: int) -> dict[str, str]:
    """Parameter values (as a user types them) about synthetic compound I of COMPOUNDS.

    Keyed by parameter name; the identifiers follow ``benchmarks/generator.py`` (compound I has
    trials ``NCT9IIIII01``/``02``, ChEBI ``9000000 + I``, diseases ``1..COMPOUNDS // 4``).
    Parameters not named here keep the query's example (ontology classes, which the synthetic
    catalogue imports like the real one) or their default.
    """
    from benchmarks.generator import MECHANISM_CLASSES, STATUSES

    diseases = max(4, compounds // 4)
    trial = f"NCT9{i:05d}{1 + i % 2:02d}"
    return {
        "compound": f"kg:syn-compound-{i:05d}",
        "other": f"kg:syn-compound-{i - 1 if i > 1 else i + 1:05d}",
        "trial": f"kg:{trial}",
        "subject": f"kg:{trial}",
        "xref": f"CHEBI:{9000000 + i}",
        "text": f"SYN-{i:05d}" if i % 2 else f"synthetic compound {i}",
        "topic": trial,
        "status": STATUSES[i % len(STATUSES)],
        "condition": f"synthetic disease {1 + i % diseases}" if i % 2 else "",
        "since": f"{2005 + i % 18}-01-01",
        "atLeastGramsPerDay": ("0", "1", "5", "10")[i % 4],
        "mechanismClass": f"sk:{MECHANISM_CLASSES[i % len(MECHANISM_CLASSES)]}",
    }


def synthetic_paths(store: Path, entities: int) -> list[str]:
    """URL paths for every named query about ENTITIES compounds of the synthetic STORE."""
    compounds = synthetic_compounds(store)
    if compounds == 0:
        raise SystemExit(f"{store} holds no synthetic compounds: use --params examples")
    return synthetic_mix(compounds, entities)


def synthetic_mix(compounds: int, entities: int) -> list[str]:
    """URL paths for every named query about ENTITIES of COMPOUNDS compounds, evenly spread.

    The mix goes round the queries (compound 1, every query; compound 2, every query; ...) so
    each query weighs the same as with the example parameters, but no two rounds ask the same.
    """
    from serkg import querylib

    count = min(entities, compounds)
    picked = sorted({1 + (k * compounds) // count for k in range(count)})
    queries = querylib.list_queries()
    paths = []
    for i in picked:
        values = synthetic_values(i, compounds)
        for query in queries:
            raw: dict[str, str] = {}
            for param in query.params:
                value = values.get(param.name, query.example.get(param.name))
                if value is not None:
                    raw[param.name] = value
            suffix = "?" + urlencode(raw) if raw else ""
            paths.append(f"/api/queries/{query.name}{suffix}")
    return paths


def query_cpu(store: Path, paths: list[str], per_query: int = 4) -> dict[str, float]:
    """CPU ms per query in this process, by the worker's own code (bind, evaluate, serialise).

    No HTTP and no other request in the way: what each query costs the cores, whatever the
    load of the machine does to wall-clock time. Median over its first PER_QUERY paths (after
    one untimed run)."""
    import pyoxigraph as ox

    from serkg.web.api import named_query_job
    from serkg.web.config import DEFAULT_MAX_ROWS
    from serkg.web.jobs import run_job

    database = ox.Store.read_only(str(store))
    by_query: dict[str, list[str]] = {}
    for path in paths:
        by_query.setdefault(query_name(path), []).append(path)
    costs = {}
    for name, mine in by_query.items():
        timings = []
        for index, path in enumerate([mine[0], *mine[:per_query]]):
            params = parse_qsl(path.partition("?")[2], keep_blank_values=True)
            job = named_query_job(name, params, "application/sparql-results+json, text/turtle")
            started = time.process_time()
            outcome = run_job(database, job, DEFAULT_MAX_ROWS, False, walled=True)
            if index:
                timings.append((time.process_time() - started) * 1000)
            if outcome[0] != "ok":
                raise SystemExit(f"{path}: {outcome}")
        costs[name] = statistics.median(timings)
    return costs


def start_server(
    store: Path, port: int, log: Path, workers: int, cache: bool = True
) -> subprocess.Popen[bytes]:
    """The server on STORE; without CACHE, with its answer cache off (``--cache-mb 0``)."""
    command = [sys.executable, "-m", "serkg.web", "--store", str(store), "--port", str(port)]
    command += ["--workers", str(workers), *([] if cache else ["--cache-mb", "0"])]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sparql", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def cache_counts(base: str) -> dict[str, int]:
    """The server's answer-cache counters (``GET /api/cache``): hits, misses, entries, bytes."""
    counts: dict[str, int] = httpx.get(base + "/api/cache", timeout=10).json()
    return counts


def hit_ratio(before: dict[str, int], after: dict[str, int]) -> float | None:
    """The share of cache hits among the lookups between two readings (None: no lookup)."""
    hits = after["hits"] - before["hits"]
    lookups = hits + after["misses"] - before["misses"]
    return hits / lookups if lookups else None


def query_name(path: str) -> str:
    return path.split("?", 1)[0].rsplit("/", 1)[-1]


def answer_rows(response: httpx.Response) -> int:
    """Rows of a SPARQL JSON answer (triples of a graph answer: its non-blank lines)."""
    if "json" in response.headers.get("content-type", ""):
        body = response.json()
        return len(body["results"]["bindings"]) if "results" in body else 1
    return sum(1 for line in response.text.splitlines() if line.strip())


def baseline(
    base: str, paths: list[str], rounds: int
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Sequential latency (one client): what a request costs without contention.

    Every path is asked once first (all must answer 200; this also warms the workers up), then
    ROUNDS requests in turn are timed, overall and per query; per query also how many of its
    answers have rows."""
    timings = []
    per_query: dict[str, list[float]] = {}
    with_rows: dict[str, int] = {}
    asked: dict[str, int] = {}
    headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
        for path in paths:  # every query must answer before the load starts
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
            name = query_name(path)
            asked[name] = asked.get(name, 0) + 1
            with_rows[name] = with_rows.get(name, 0) + (answer_rows(response) > 0)
        for index in range(rounds):
            path = paths[index % len(paths)]
            started = time.perf_counter()
            client.get(path).raise_for_status()
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            per_query.setdefault(query_name(path), []).append(elapsed)
    timings.sort()
    overall = {
        "requests": len(timings),
        "p50_ms": statistics.median(timings),
        "p99_ms": percentile(timings, 99),
        "max_ms": timings[-1],
        "rps": 1000 / statistics.mean(timings),
    }
    queries = {
        name: {
            "requests": len(values),
            "p50_ms": statistics.median(values),
            "max_ms": max(values),
            "with_rows": with_rows[name],
            "asked": asked[name],
        }
        for name, values in per_query.items()
    }
    return overall, queries


def percentile(ordered: list[float], pct: float) -> float:
    """The nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def run_wrk(
    base: str, paths: list[str], seconds: int, connections: int, rate: float | None
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Run wrk; with RATE, each connection waits between requests so the total is about RATE/s.

    One thread per connection (the Lua script times each request per query). Returns wrk's
    summary and, per query, its requests, latency percentiles and non-200 answers."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: install it (scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "named-queries.lua"
        delay = f"delay = function() return {connections * 1000 / rate:.1f} end" if rate else ""
        script.write_text(
            LUA
            % {
                "paths": ", ".join(json.dumps(p) for p in paths),
                "names": ", ".join(json.dumps(query_name(p)) for p in paths),
                "threads": connections,
                "delay": delay,
            }
        )
        result = subprocess.run(
            [
                wrk,
                f"-t{connections}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "5s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    lines = result.stdout.splitlines()
    line = next((x for x in lines if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line[len("RESULT ") :])
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    summary = {
        "requests": raw["requests"],
        "seconds": raw["seconds"],
        "rps": raw["requests"] / raw["seconds"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
    }
    return summary, per_query_latency(x for x in lines if x.startswith("QUERY "))


def per_query_latency(lines: Iterable[str]) -> dict[str, dict[str, float]]:
    """``QUERY name status us,status us,...`` lines (one per wrk thread) -> stats per query."""
    samples: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    for line in lines:
        _, name, text = line.split(" ", 2)
        for item in text.strip().rstrip(",").split(","):
            status, micros = item.split()
            samples.setdefault(name, []).append(float(micros) / 1000)
            failed[name] = failed.get(name, 0) + (status != "200")
    stats = {}
    for name, values in samples.items():
        values.sort()
        stats[name] = {
            "requests": len(values),
            "p50_ms": percentile(values, 50),
            "p99_ms": percentile(values, 99),
            "max_ms": values[-1],
            "errors": failed[name],
            "over_100ms": sum(1 for v in values if v > 100),
        }
    return stats


def store_size(store: Path) -> int:
    import pyoxigraph as ox

    return len(ox.Store.read_only(str(store)))


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores (nproc), {model}, {system}, Python {platform.python_version()}"


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process PID and its live descendants.

    The server's share of the cores, whatever else runs on them: with the requests answered it
    gives the CPU cost of a request, hence what dedicated cores could serve."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        proc = Path("/proc") / str(current)
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in (proc / "task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
    return total


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the same cores shows here)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=Path("dist") / "store",
        help="built store (default: dist/store)",
    )
    parser.add_argument(
        "--params",
        choices=("examples", "synthetic"),
        default="examples",
        help="examples: each query's example parameters (the real data); synthetic: parameters "
        "about compounds of a store built from benchmarks/generator.py (default: examples)",
    )
    parser.add_argument(
        "--entities",
        type=int,
        default=32,
        help="with --params synthetic: how many compounds the mix asks about (default: 32)",
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--connections", type=int, default=8, help="wrk connections, one thread each (default: 8)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="server query workers (default: 0, its own choice)"
    )
    parser.add_argument(
        "--rate", type=float, default=300, help="offered load of the timed run (requests/s)"
    )
    parser.add_argument(
        "--saturation-seconds", type=int, default=20, help="length of the unthrottled run"
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="start the server with its answer cache off (--cache-mb 0), for the uncached figure",
    )
    parser.add_argument("--min-rps", type=float, default=200)
    parser.add_argument("--max-p99-ms", type=float, default=100)
    parser.add_argument(
        "--record",
        action="store_true",
        help=f"add the results to {RESULTS.name} (newest run first, earlier runs kept)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.store / "CURRENT").exists():
        print(f"no built store at {args.store}: run `serkg build` first", file=sys.stderr)
        return 2
    paths = (
        query_paths() if args.params == "examples" else synthetic_paths(args.store, args.entities)
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cpu = query_cpu(args.store, paths)
    load_before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "server.log"
        server = start_server(args.store, port, log, args.workers, cache=not args.no_cache)
        try:
            sequential, per_query = baseline(
                base, paths, rounds=max(10 * len({query_name(p) for p in paths}), len(paths))
            )
            cpu_before, cache_before = tree_cpu_seconds(server.pid), cache_counts(base)
            load, load_queries = run_wrk(base, paths, args.seconds, args.connections, args.rate)
            load["cpu_ms"] = 1000 * (tree_cpu_seconds(server.pid) - cpu_before) / load["requests"]
            cache_after = cache_counts(base)
            hits = {"timed": hit_ratio(cache_before, cache_after)}
            saturation, _ = run_wrk(base, paths, args.saturation_seconds, args.connections, None)
            hits["ceiling"] = hit_ratio(cache_after, cache_counts(base))
        finally:
            server.terminate()
            server.wait(timeout=15)
    passed = (
        load["rps"] >= args.min_rps and load["p99_ms"] <= args.max_p99_ms and load["errors"] == 0
    )
    run = Run(args, paths, sequential, per_query, cpu, load, load_queries, saturation, passed, hits)
    report = render(run, load_before, load_average(), argv)
    print(report)
    if args.record:
        record(report)
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 0 if passed else 1


TITLE = "# serkg serve under load\n"


def record(section: str) -> None:
    """Put SECTION first under the title of LOAD_RESULTS.md, keeping the earlier runs."""
    earlier = RESULTS.read_text() if RESULTS.exists() else TITLE
    rest = earlier[len(TITLE) :] if earlier.startswith(TITLE) else earlier
    RESULTS.write_text(TITLE + "\n" + section + rest)


@dataclasses.dataclass
class Run:
    """One benchmark run: its options and what was measured."""

    args: argparse.Namespace
    paths: list[str]
    sequential: dict[str, float]
    per_query: dict[str, dict[str, float]]
    cpu: dict[str, float]
    load: dict[str, float]
    load_queries: dict[str, dict[str, float]]
    saturation: dict[str, float]
    passed: bool
    #: the answer cache's hit ratio in the timed and the unthrottled run (None: no lookup)
    cache_hits: dict[str, float | None]


def _row(label: str, m: dict[str, float]) -> str:
    cells = [f"{m['requests']:.0f}", f"{m['rps']:.0f}", f"{m['p50_ms']:.1f}"]
    cells += [f"{m[k]:.1f}" if k in m else "" for k in ("p90_ms", "p99_ms", "max_ms")]
    cells.append(f"{m.get('errors', 0):.0f}")
    return f"| {label} | " + " | ".join(cells) + " |"


def query_table(run: Run) -> list[str]:
    """Per query, slowest p99 under load first: its share of the tail and its cost alone."""
    lines = [
        "| query | requests (timed) | p50 ms | p99 ms | max ms | over 100 ms | errors "
        "| alone: p50 ms | alone: max ms | CPU ms | answers with rows |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(run.per_query, key=lambda n: -run.load_queries.get(n, {}).get("p99_ms", 0))
    for name in order:
        timed = run.load_queries.get(name, {})
        alone = run.per_query[name]
        cells = [f"{timed[k]:.1f}" if k in timed else "" for k in ("p50_ms", "p99_ms", "max_ms")]
        lines.append(
            f"| {name} | {timed.get('requests', 0):.0f} | "
            + " | ".join(cells)
            + f" | {timed.get('over_100ms', 0):.0f} | {timed.get('errors', 0):.0f}"
            f" | {alone['p50_ms']:.1f} | {alone['max_ms']:.1f} | {run.cpu[name]:.1f}"
            f" | {alone['with_rows']:.0f}/{alone['asked']:.0f} |"
        )
    return lines


def cache_summary(run: Run) -> str:
    """How the run used the server's answer cache (hits among lookups, timed and ceiling)."""
    if run.args.no_cache:
        return "off (`--no-cache`: the server runs with `--cache-mb 0`), every request is evaluated"

    def share(ratio: float | None) -> str:
        return "no lookups" if ratio is None else f"{100 * ratio:.1f}% hits"

    return (
        f"on (default bound); timed run {share(run.cache_hits['timed'])}, unthrottled run "
        f"{share(run.cache_hits['ceiling'])} (the baseline asked every URL first, so a mix "
        "that repeats its URLs is then answered from the cache; compare a `--no-cache` run)"
    )


def render(run: Run, load_before: str, load_after: str, argv: list[str] | None) -> str:
    """One run's section of LOAD_RESULTS.md."""
    from serkg.web.config import ServerConfig

    args = run.args
    verdict = "PASS" if run.passed else "FAIL"
    workers = ServerConfig(store_path=args.store, workers=args.workers).worker_count
    given = " ".join(sys.argv[1:] if argv is None else argv)
    names = {query_name(p) for p in run.paths}
    if args.params == "examples":
        mix = f"the {len(names)} named queries of `queries/`, each with its example parameters"
    else:
        mix = (
            f"the {len(names)} named queries of `queries/`, each about {len(run.paths) // len(names)}"
            " synthetic compounds spread over the catalogue (`--params synthetic`: compound, "
            "its trials, ChEBI number, label, diseases, mechanism classes; ontology classes "
            "from the examples)"
        )
    rows = [
        _row("baseline: one client, sequential", run.sequential),
        _row(
            f"timed: {args.rate:g}/s offered, {args.connections} connections, {args.seconds} s",
            run.load,
        ),
        _row(
            f"ceiling: unthrottled, {args.connections} connections, {args.saturation_seconds} s",
            run.saturation,
        ),
    ]
    return "\n".join(
        [
            f"## {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')} UTC: "
            f"{args.store} ({store_size(args.store)} quads), {verdict}",
            "",
            f"Command: `python benchmarks/load_server.py {given}`.",
            "",
            f"- Machine: {machine()}; load average (1/5/15 min) {load_before} before, "
            f"{load_after} after (other work shares these cores).",
            f"- Server: `python -m serkg.web` (uvicorn with h11, {workers} query worker processes) "
            "on 127.0.0.1; the load generator (wrk) runs on the same cores.",
            f"- Answer cache: {cache_summary(run)}.",
            f"- Requests: {mix}, in turn (`/api/queries/NAME?...`): {len(run.paths)} URLs.",
            f"- Timed run: {args.seconds} s at an offered {args.rate:g} requests/s "
            f"(`wrk -t{args.connections} -c{args.connections}`, a Lua `delay` per connection); "
            f"then {args.saturation_seconds} s unthrottled to show the ceiling.",
            f"- Target (timed run): at least {args.min_rps:g} requests/s, p99 latency at most "
            f"{args.max_p99_ms:g} ms, no errors. **Result: {verdict}.**",
            f"- CPU of the server and its workers in the timed run: {run.load['cpu_ms']:.1f} ms "
            f"per request, so {os.cpu_count()} cores given to serkg alone could answer at most "
            f"about {1000 * (os.cpu_count() or 1) / run.load['cpu_ms']:.0f} requests/s of this "
            "mix.",
            "",
            "| run | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Per query: in the timed run (latency as the client saw it, from the Lua script); "
            "alone (the sequential baseline, over HTTP); CPU ms (in-process, the worker's code, "
            f"median of 4 parameter sets; mean over the mix {statistics.mean(run.cpu.values()):.1f}"
            " ms per request); how many of its parameter sets have a non-empty answer:",
            "",
            *query_table(run),
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
