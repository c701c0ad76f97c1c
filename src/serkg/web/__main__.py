"""``python -m serkg.web --store DIR [--port N]``: the same server as ``serkg serve``."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from serkg.http_limits import DEFAULT_HEADER_TIMEOUT_S
from serkg.web.config import (
    DEFAULT_CACHE_MB,
    DEFAULT_HOST,
    DEFAULT_MAX_QUERY_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT_S,
    ServerConfig,
    parse_hosts,
    parse_origins,
)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m serkg.web --store DIR [--port N]``: the same server as ``serkg serve``."""
    from serkg.store import DEFAULT_STORE_DIR, EmbeddedStore, StoreError

    parser = argparse.ArgumentParser(
        prog="python -m serkg.web",
        description="Serve the SPARQL endpoint, the named-query API, the UI and linked data.",
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)"
    )
    parser.add_argument(
        "--store",
        type=Path,
        default=DEFAULT_STORE_DIR,
        help="the built store folder (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help="per-query time limit in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="result row cap (default: %(default)s)",
    )
    parser.add_argument(
        "--max-query-bytes",
        type=int,
        default=DEFAULT_MAX_QUERY_BYTES,
        help="largest query or update text in bytes; larger ones get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        help="seconds a client may take to send a request's headers (default: %(default)s)",
    )
    parser.add_argument(
        "--cors", metavar="ORIGINS", help="allow cross-origin requests from ORIGINS (or *)"
    )
    parser.add_argument(
        "--host-header", metavar="NAMES", help="answer only requests whose Host is one of NAMES"
    )
    parser.add_argument(
        "--allow-update", action="store_true", help="accept SPARQL Update (refused by default)"
    )
    parser.add_argument(
        "--allow-service", action="store_true", help="accept SERVICE and LOAD (refused by default)"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="query worker processes (default: cores + 1, 2 to 4)"
    )
    parser.add_argument(
        "--cache-mb",
        type=float,
        default=DEFAULT_CACHE_MB,
        help="memory for repeated answers in MiB (named queries and /sparql queries; "
        "0: no cache; default: %(default)s)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.max_rows < 1:
        parser.error("--max-rows must be at least 1")
    if args.max_query_bytes < 1024:
        parser.error("--max-query-bytes must be at least 1024")
    if args.header_timeout <= 0:
        parser.error("--header-timeout must be positive")
    if args.cache_mb < 0:
        parser.error("--cache-mb must be 0 (no cache) or more")
    if args.workers < 0:
        parser.error("--workers must be 0 (automatic) or more")
    try:
        cors = parse_origins(args.cors) if args.cors is not None else ()
    except ValueError as exc:
        parser.error(f"--cors: {exc}")
    try:
        hosts = parse_hosts(args.host_header) if args.host_header is not None else ()
    except ValueError as exc:
        parser.error(f"--host-header: {exc}")
    try:
        EmbeddedStore.open(args.store)
    except StoreError as exc:
        print(f"serkg: error: {exc}", file=sys.stderr)
        return 2
    config = ServerConfig(
        store_path=args.store,
        host=args.host,
        port=args.port,
        timeout_s=args.timeout,
        max_rows=args.max_rows,
        allow_update=args.allow_update,
        allow_service=args.allow_service,
        workers=args.workers,
        max_query_bytes=args.max_query_bytes,
        cors_origins=cors,
        allowed_hosts=hosts,
        header_timeout_s=args.header_timeout,
        cache_mb=args.cache_mb,
    )
    from serkg.web.app import serve  # not at import: spawned query workers re-import this module

    serve(config, access_log=args.access_log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
