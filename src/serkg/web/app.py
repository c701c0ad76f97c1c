"""The FastAPI application: the routes of each module, the worker pools' lifespan, and serve().

Handlers find the configuration and the pools on ``app.state``; this module only wires them.
"""

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI

from serkg.web import api, linked_data, protocol, ui
from serkg.web.answer_cache import AnswerCache
from serkg.web.config import ServerConfig
from serkg.web.workers import StorePools


def create_app(config: ServerConfig) -> FastAPI:
    """The FastAPI application (the pools start with the app's lifespan)."""
    from serkg import __version__

    app = FastAPI(
        title="serkg SPARQL endpoint and named-query API",
        version=__version__,
        lifespan=_lifespan,
        docs_url=None,  # /api/docs is rendered from the same OpenAPI document, no CDN
        redoc_url=None,
        openapi_url=None,  # served by api.openapi, with one path per named query
    )
    app.state.config = config
    app.state.pools = StorePools(config)
    app.state.answers = AnswerCache(config.cache_bytes)
    _add_public_deployment_middleware(app, config)
    routes: list[tuple[str, Callable[..., Any], str]] = [
        ("/sparql", protocol.sparql_get, "GET"),
        ("/sparql", protocol.sparql_post, "POST"),
        ("/api/queries", api.list_named_queries, "GET"),
        ("/api/cache", api.cache_stats, "GET"),
        ("/api/queries/{name}", api.run_named_query, "GET"),
        ("/openapi.json", api.openapi, "GET"),
        ("/api/docs", api.api_docs, "GET"),
        ("/id/{local:path}", linked_data.entity, "GET"),
        ("/vocab/{term:path}", linked_data.vocab_term, "GET"),
        ("/vocab", linked_data.vocab, "GET"),
        ("/source/{local:path}", linked_data.source, "GET"),
        ("/", ui.index, "GET"),
        ("/ui/examples.json", ui.examples, "GET"),
        ("/.well-known/sparql-examples", ui.sparql_examples, "GET"),
        ("/ui/{name}", ui.ui_file, "GET"),
    ]
    for path, endpoint, method in routes:
        app.add_api_route(path, endpoint, methods=[method], include_in_schema=False)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the worker pools; SIGHUP checks at once for a rebuilt store."""
    pools: StorePools = app.state.pools
    await pools.start()
    loop = asyncio.get_running_loop()
    # no SIGHUP where it cannot be had: another platform, or the app run off the main thread
    # (in process, as the tests run it); the next request still notices a rebuilt store
    unavailable = (NotImplementedError, AttributeError, ValueError, RuntimeError)
    with contextlib.suppress(*unavailable):
        loop.add_signal_handler(signal.SIGHUP, lambda: asyncio.ensure_future(pools.current()))
    yield
    with contextlib.suppress(*unavailable):
        loop.remove_signal_handler(signal.SIGHUP)
    await pools.close()


def _add_public_deployment_middleware(app: FastAPI, config: ServerConfig) -> None:
    """CORS and the Host check, both off unless ``--cors`` / ``--host-header`` ask for them."""
    if config.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts))
    if config.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            max_age=86400,
        )


def serve(config: ServerConfig, *, access_log: bool = False) -> None:
    """Run the server until interrupted (uvicorn with the h11 parser: Jena's ``Upgrade: h2c``
    POSTs lose their body under httptools), request heads bounded by :mod:`serkg.http_limits`."""
    import uvicorn

    from serkg.http_limits import guarded_protocol

    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        http=guarded_protocol(config.header_timeout_s, config.header_limit),
        h11_max_incomplete_event_size=config.header_limit + 1024,  # ours answers first, with 431
        log_level="info",
        access_log=access_log,
        timeout_graceful_shutdown=5,
    )
