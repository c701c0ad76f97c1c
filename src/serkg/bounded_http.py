"""HTTP exchanges with a limit on the whole exchange, not on each read.

httpx's timeouts bound each network operation, so a server that trickles a byte every few
seconds never trips them and a client waits for ever. Here the exchange (connect, send, status,
headers, whole body) runs in a worker thread and the caller waits for it at most LIMIT seconds;
past that the client is closed, which makes the worker's next read fail, and the caller gets
:class:`DeadlineExceeded`. The worker also stops between body chunks once the caller gave up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class DeadlineExceeded(TimeoutError):
    """The server had not sent its whole answer when the limit passed."""

    def __init__(self, limit_s: float) -> None:
        super().__init__(f"no complete answer within {limit_s:g} s")
        self.limit_s = limit_s


@dataclass(frozen=True)
class Reply:
    """A whole HTTP answer: status, media type (without parameters) and body."""

    status: int
    media_type: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def send_within(client: httpx.Client, request: httpx.Request, limit_s: float) -> Reply:
    """Send REQUEST with CLIENT and return the whole answer, or raise :class:`DeadlineExceeded`
    after LIMIT_S seconds (httpx errors are raised as they are)."""
    outcome: list[Reply | BaseException] = []
    finished = threading.Event()
    abandoned = threading.Event()

    def exchange() -> None:
        try:
            response = client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                for chunk in response.iter_bytes():
                    if abandoned.is_set():
                        return
                    chunks.append(chunk)
                media_type = response.headers.get("content-type", "").split(";", 1)[0]
                outcome.append(
                    Reply(response.status_code, media_type.strip().lower(), b"".join(chunks))
                )
            finally:
                response.close()
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)
        finally:
            finished.set()

    worker = threading.Thread(target=exchange, name="serkg-http", daemon=True)
    worker.start()
    if not finished.wait(limit_s):
        abandoned.set()
        client.close()  # the worker's next read fails; it ends on its own
        raise DeadlineExceeded(limit_s)
    worker.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
