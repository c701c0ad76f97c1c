"""serkg's pipeline on a generated catalogue (or, without ``--data-dir``, the packaged project),
run as a child process (``python -m benchmarks.serkg_side --data-dir D --out O``) so its memory
is measured on its own.

Prints one JSON line: wall time of :func:`serkg.build.build`, its stage times and counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serkg_side")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="build the *.trig files under this folder [the packaged project: data and cards]",
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--reasoner", default=None)
    parser.add_argument(
        "--full", action="store_true", help="a full build even if --out holds a previous one"
    )
    parser.add_argument(
        "--progress", action="store_true", help="say each stage's start and end on stderr"
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from serkg.build import BuildFailed, build

    files = sorted(args.data_dir.rglob("*.trig")) if args.data_dir is not None else None
    failed = None
    try:
        summary = build(
            args.out,
            reasoner=args.reasoner,
            data_files=files,
            full=args.full,
            report=_stderr_report(started) if args.progress else None,
        )
    except BuildFailed as exc:
        summary, failed = exc.summary, str(exc)
    print(
        json.dumps(
            {
                "stage": "build",
                "seconds": time.perf_counter() - started,
                "stage_seconds": summary.stage_seconds,
                "background_seconds": summary.background_seconds,
                "asserted": summary.asserted_count,
                "inferred": summary.inferred_count,
                "violations": summary.violations,
                "qc_violations": summary.qc_violations,
                "reasoner": summary.reasoner,
                "kind": summary.kind,
                "validated": summary.validated,
                "reasoned": summary.reasoned,
                "failed": failed,
            }
        ),
        flush=True,
    )
    return 0 if failed is None else 1


def _stderr_report(started: float) -> Callable[[str, str], None]:
    """A build reporter that prints each stage event with the seconds since the start."""

    def report(stage: str, message: str) -> None:
        print(
            f"{time.perf_counter() - started:7.1f} s  {stage}: {message}",
            file=sys.stderr,
            flush=True,
        )

    return report


if __name__ == "__main__":
    sys.exit(main())
