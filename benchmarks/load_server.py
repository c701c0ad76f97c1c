"""Load benchmark of ``serkg serve``: named-query requests per second and latency under load.

Starts the server on a free loopback port (a second process), measures a sequential baseline
(one client, one request at a time), then runs ``wrk`` for a fixed duration with a Lua script
cycling over every named query with its example parameters. Passes when the server holds at
least ``--min-rps`` with p99 latency at most ``--max-p99-ms`` and zero errors.

    python benchmarks/load_server.py --store dist/store            # 60 s, prints the results
    python benchmarks/load_server.py --store dist/store --record   # also writes LOAD_RESULTS.md
"""

from __future__ import annotations

import argparse
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
from pathlib import Path
from urllib.parse import urlencode

import httpx

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "LOAD_RESULTS.md"

LUA = r"""
local paths = {%(paths)s}
local accept = "application/sparql-results+json, text/turtle;q=0.9"
local counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  return wrk.format("GET", path, {["Accept"] = accept})
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


def start_server(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "serkg.web", "--store", str(store), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
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


def baseline(base: str, paths: list[str], rounds: int) -> dict[str, float]:
    """Sequential latency (one client): what a request costs without contention."""
    timings = []
    headers = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as client:
        for path in paths:  # every query must answer before the load starts
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
        for index in range(rounds):
            started = time.perf_counter()
            client.get(paths[index % len(paths)]).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "requests": len(timings),
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[int(len(timings) * 0.99) - 1],
        "max_ms": timings[-1],
        "rps": 1000 / statistics.mean(timings),
    }


def run_wrk(
    base: str, paths: list[str], seconds: int, connections: int, threads: int, rate: float | None
) -> dict[str, float]:
    """Run wrk; with RATE, each connection waits between requests so the total is about RATE/s."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk not found: install it (scripts/install-system-deps.sh)")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "named-queries.lua"
        delay = f"delay = function() return {connections * 1000 / rate:.1f} end" if rate else ""
        script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "delay": delay})
        result = subprocess.run(
            [
                wrk,
                f"-t{threads}",
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
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line[len("RESULT ") :])
    errors = raw["non2xx"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "seconds": raw["seconds"],
        "rps": raw["requests"] / raw["seconds"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
    }


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=Path("dist") / "store",
        help="built store (default: dist/store)",
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--rate", type=float, default=300, help="offered load of the timed run (requests/s)"
    )
    parser.add_argument(
        "--saturation-seconds", type=int, default=20, help="length of the unthrottled run"
    )
    parser.add_argument("--min-rps", type=float, default=200)
    parser.add_argument("--max-p99-ms", type=float, default=100)
    parser.add_argument(
        "--record", action="store_true", help=f"write the results to {RESULTS.name}"
    )
    args = parser.parse_args(argv)
    if not (args.store / "CURRENT").exists():
        print(f"no built store at {args.store}: run `serkg build` first", file=sys.stderr)
        return 2
    paths = query_paths()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(args.store, port, Path(folder) / "server.log")
        try:
            sequential = baseline(base, paths, rounds=max(200, 10 * len(paths)))
            load = run_wrk(base, paths, args.seconds, args.connections, args.threads, args.rate)
            saturation = run_wrk(
                base, paths, args.saturation_seconds, args.connections, args.threads, None
            )
        finally:
            server.terminate()
            server.wait(timeout=15)
    passed = (
        load["rps"] >= args.min_rps and load["p99_ms"] <= args.max_p99_ms and load["errors"] == 0
    )
    report = render(args, paths, sequential, load, saturation, passed)
    print(report)
    if args.record:
        RESULTS.write_text(report)
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 0 if passed else 1


def _row(label: str, m: dict[str, float]) -> str:
    cells = [f"{m['requests']:.0f}", f"{m['rps']:.0f}", f"{m['p50_ms']:.1f}"]
    cells += [f"{m[k]:.1f}" if k in m else "" for k in ("p90_ms", "p99_ms", "max_ms")]
    cells.append(f"{m.get('errors', 0):.0f}")
    return f"| {label} | " + " | ".join(cells) + " |"


def render(
    args: argparse.Namespace,
    paths: list[str],
    sequential: dict[str, float],
    load: dict[str, float],
    saturation: dict[str, float],
    passed: bool,
) -> str:
    """The Markdown report (LOAD_RESULTS.md)."""
    verdict = "PASS" if passed else "FAIL"
    rows = [
        _row("baseline: one client, sequential", sequential),
        _row(
            f"timed: {args.rate:g}/s offered, {args.connections} connections, {args.seconds} s",
            load,
        ),
        _row(
            f"ceiling: unthrottled, {args.connections} connections, {args.saturation_seconds} s",
            saturation,
        ),
    ]
    return "\n".join(
        [
            "# serkg serve under load",
            "",
            f"Recorded {dt.date.today().isoformat()} by "
            f"`python benchmarks/load_server.py --store {args.store} --record`.",
            "",
            f"- Machine: {machine()}",
            f"- Store: {args.store} ({store_size(args.store)} quads).",
            "- Server: `python -m serkg.web` (uvicorn with h11, default query worker processes) "
            "on 127.0.0.1; the load generator (wrk) runs on the same cores.",
            f"- Requests: the {len(paths)} named queries of `queries/`, each with its example "
            "parameters, in turn (`/api/queries/NAME?...`).",
            f"- Timed run: {args.seconds} s at an offered {args.rate:g} requests/s "
            f"(`wrk -t{args.threads} -c{args.connections}`, a Lua `delay` per connection); "
            f"then {args.saturation_seconds} s unthrottled to show the ceiling.",
            f"- Target (timed run): at least {args.min_rps:g} requests/s, p99 latency at most "
            f"{args.max_p99_ms:g} ms, no errors. **Result: {verdict}.**",
            "",
            "| run | requests | requests/s | p50 ms | p90 ms | p99 ms | max ms | errors |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
