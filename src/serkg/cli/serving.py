"""``serkg serve`` and ``serkg load``: the graph on the web, ours or another triple store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from serkg.cli.shared import fail, project_option, store_option, store_path

if TYPE_CHECKING:
    from serkg.projects import Project


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback unless told otherwise).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@store_option
@click.option(
    "--timeout",
    "timeout_s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Per-query time limit in seconds.",
)
@click.option(
    "--max-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(1, None),
    help="Result row cap.",
)
@click.option(
    "--max-query-bytes",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1024, None),
    help="Largest query or update text in bytes (larger ones get HTTP 413).",
)
@click.option(
    "--header-timeout",
    "header_timeout_s",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Seconds a client may take to send a request's headers (slow clients get 408).",
)
@click.option(
    "--cors",
    metavar="ORIGINS",
    default=None,
    help="Allow cross-origin requests from ORIGINS: * or comma-separated (off by default).",
)
@click.option(
    "--host-header",
    metavar="NAMES",
    default=None,
    help="Answer only requests whose Host header is one of NAMES (against DNS rebinding).",
)
@click.option(
    "--cache-mb",
    default=64.0,  # serkg.web.config.DEFAULT_CACHE_MB (not imported here: it loads uvicorn)
    show_default=True,
    type=click.FloatRange(0, None),
    help="Memory for repeated answers in MiB (named queries and /sparql queries; 0: no cache).",
)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (refused by default).")
@click.option("--allow-service", is_flag=True, help="Accept SERVICE clauses (refused by default).")
@project_option
def serve(
    host: str,
    port: int,
    store: Path | None,
    timeout_s: float,
    max_rows: int,
    max_query_bytes: int,
    header_timeout_s: float,
    cors: str | None,
    host_header: str | None,
    cache_mb: float,
    allow_update: bool,
    allow_service: bool,
    project: Project,
) -> None:
    """Serve the SPARQL 1.1 endpoint, the named-query API, the UI and linked data.

    A rebuilt store (the OUT/store link swapped by `serkg build`) is picked up without a
    restart; send SIGHUP to switch at once. Limits and options: docs/server.md.

    \b
    Example:  serkg serve --port 8000   then open http://127.0.0.1:8000/
    """
    from serkg.store import EmbeddedStore
    from serkg.web.app import serve
    from serkg.web.config import ServerConfig, parse_hosts, parse_origins

    path = store_path(store, project)
    EmbeddedStore.open(path)  # fail early, with the usual message, when there is no store
    try:
        origins = parse_origins(cors) if cors is not None else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--cors") from None
    try:
        hosts = parse_hosts(host_header) if host_header is not None else ()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host-header") from None
    config = ServerConfig(
        store_path=path,
        host=host,
        port=port,
        timeout_s=timeout_s,
        max_rows=max_rows,
        allow_update=allow_update,
        allow_service=allow_service,
        max_query_bytes=max_query_bytes,
        cors_origins=origins,
        allowed_hosts=hosts,
        header_timeout_s=header_timeout_s,
        cache_mb=cache_mb,
        project=project,
    )
    serve(config)


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The triple store's base URL (e.g. http://127.0.0.1:8890).",
)
@click.option(
    "--graph",
    "graph_base",
    default=None,
    metavar="IRI",
    help="Base IRI for the named graphs asserted, inferred and imports "
    "[default: https://w3id.org/serkg/graph/].",
)
@click.option("--user", default=None)
@click.option("--password", default=None)
@click.option(
    "--dist",
    "dist_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of a finished build [default: dist/ of the project].",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    default=None,
    help="SPARQL 1.1 Update URL for the final MOVE [default: Virtuoso's /sparql(-auth)].",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(0.1, None),
    help="Seconds for each request, start to last byte.",
)
@project_option
def load(
    endpoint: str,
    graph_base: str | None,
    user: str | None,
    password: str | None,
    dist_dir: Path | None,
    update_endpoint: str | None,
    timeout: float,
    project: Project,
) -> None:
    """Push the asserted, inferred and imports graphs to a triple store (SPARQL Graph Store
    Protocol).

    \b
    Each graph goes to a temporary graph first, then one SPARQL Update MOVEs them in place:
    a failed load leaves the store's graphs as they were.

    \b
    Example:  serkg load --endpoint http://127.0.0.1:8890 --user dba --password dba
    """
    from serkg.remote import load_to_endpoint

    dist_dir = dist_dir or project.out_dir
    asserted, inferred = dist_dir / "serkg.nt", dist_dir / "serkg-inferred.ttl"
    imports = dist_dir / "serkg-imports.ttl"
    for path in (asserted, inferred, imports):
        if not path.exists():
            fail(f"{path} not found: run `serkg build --out {dist_dir}` first")
    summary = load_to_endpoint(
        endpoint,
        asserted,
        inferred,
        graph_base=graph_base,
        user=user,
        password=password,
        timeout=timeout,
        update_endpoint=update_endpoint,
        imports=imports,
    )
    click.echo(str(summary))
