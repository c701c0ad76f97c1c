"""Connection-level limits for ``serkg serve``: a time and a size bound on reading request headers.

uvicorn's h11 server waits for request headers as long as a client cares to trickle them (it
has a keep-alive timeout between requests, none while a request's head arrives), and answers an
over-long head with a bare 400. A public endpoint needs both bounded, or a few slow clients hold
connections and buffers for ever. This protocol counts from the first byte of each request head:
when the head is not complete within ``header_timeout`` seconds the client gets 408 and the
connection is closed (a connection that sends nothing at all is closed the same way); when it grows past ``header_limit`` bytes the client gets 431 naming the
limit (a long SPARQL query belongs in a POST body, which the app caps separately).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT_S = 10.0


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the request head bounded in time and size."""

    header_timeout: float = DEFAULT_HEADER_TIMEOUT_S
    header_limit: int = 64 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        reading_head = self.conn.their_state is h11.IDLE
        if reading_head:
            self._arm_head_timer()  # a no-op while the timer for this head runs
            self._head_bytes += len(data)
            if self._head_bytes > self.header_limit:
                self._refuse(
                    431,
                    f"the request line and headers are over this server's limit of "
                    f"{self.header_limit} bytes; send a long SPARQL query in a POST body",
                )
                return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._cancel_head_timer()  # the head is complete: the app's own limits apply
            self._head_bytes = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._head_bytes = 0

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        self._refuse(
            408,
            f"the request headers did not arrive within {self.header_timeout:g} s "
            "(--header-timeout)",
        )

    def _refuse(self, status: int, message: str) -> None:
        """Answer STATUS and close: written raw, as h11 sends no response before a request."""
        self._cancel_head_timer()
        self.logger.warning("closing a connection: %s", message)
        body = (message + "\n").encode("utf-8")
        reason = {408: "Request Timeout", 431: "Request Header Fields Too Large"}[status]
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + body)
        self.transport.close()


def guarded_protocol(header_timeout: float, header_limit: int) -> type[GuardedH11Protocol]:
    """A protocol class for ``uvicorn.run(http=...)`` with these limits (uvicorn builds it)."""
    return type(
        "SerkgH11Protocol",
        (GuardedH11Protocol,),
        {"header_timeout": header_timeout, "header_limit": header_limit},
    )
