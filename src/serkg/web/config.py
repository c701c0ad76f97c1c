"""What ``serkg serve`` can be told: the server's settings and the checks of its options."""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from serkg.http_limits import DEFAULT_HEADER_TIMEOUT_S

if TYPE_CHECKING:
    from serkg.projects import Project

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_QUERY_BYTES = 1 << 20
#: the answer cache's bound in MiB (0: no cache); see serkg.web.answer_cache. ``serkg serve``
#: repeats it (this module loads uvicorn); tests/server/test_answer_cache.py keeps them equal
DEFAULT_CACHE_MB = 64.0
#: a form-encoded body may percent-encode every byte of a query at the cap, plus other fields
FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ServerConfig:
    """Everything ``serkg serve`` can be told; defaults are the safe ones."""

    store_path: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_rows: int = DEFAULT_MAX_ROWS
    allow_update: bool = False
    allow_service: bool = False
    workers: int = 0  # 0: chosen from the number of cores (1 when updates are allowed)
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES
    cors_origins: tuple[str, ...] = ()  # ("*",): any origin, as public read-only endpoints do
    allowed_hosts: tuple[str, ...] = ()  # Host header values accepted (DNS rebinding); (): any
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    cache_mb: float = DEFAULT_CACHE_MB  # the answer cache's bound; 0: off
    #: whose named queries /api/queries offers (None: the packaged ones)
    project: "Project | None" = None

    @property
    def header_limit(self) -> int:
        """Bytes a request line and headers may take: a GET may carry a query at the cap."""
        return self.max_query_bytes + FORM_OVERHEAD_BYTES

    @property
    def cache_bytes(self) -> int:
        """The answer cache's bound in bytes (0: no cache)."""
        return int(self.cache_mb * (1 << 20))

    @property
    def worker_count(self) -> int:
        if self.allow_update:
            return 1  # one writer: RocksDB allows a single read-write handle
        return self.workers or max(2, min(4, (os.cpu_count() or 2) + 1))


def parse_origins(value: str) -> tuple[str, ...]:
    """``--cors``: ``*`` or comma-separated origins (``https://example.org``), checked."""
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[^/\s]+", origin):
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port]) or *")
    if not origins:
        raise ValueError("give * or at least one origin")
    return origins


def parse_hosts(value: str) -> tuple[str, ...]:
    """``--host-header``: comma-separated host names (``*.example.org`` allowed), no ports."""
    hosts = tuple(h.strip().lower() for h in value.split(",") if h.strip())
    for host in hosts:
        if not re.fullmatch(r"(\*\.)?[a-z0-9.\-]+|\[[0-9a-f:.]+\]", host):
            raise ValueError(f"{host!r} is not a host name (the Host header without its port)")
    if not hosts:
        raise ValueError("give at least one host name")
    return hosts
