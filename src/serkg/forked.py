"""Running one function in a forked process, so that a build keeps both cores busy.

``serkg build`` reasons while it validates, and writes its exports while it fills and checks the
store: neither depends on the other. The work is forked (the child shares the parent's memory
copy-on-write, nothing is pickled on the way in) and its picklable result comes back through a
pipe. Where ``fork`` does not exist, the function runs when its result is asked for.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ForkedError(RuntimeError):
    """The function raised in the child (its type and message are kept) or the child died."""


class Forked(Generic[T]):
    """FUNCTION(*ARGS) running in a child process from construction until :meth:`result`."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._function, self._args = function, args
        self._child: Any = None
        self._reader: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._child = context.Process(
                target=_run_and_send, args=(function, args, writer), daemon=True
            )
            self._child.start()
            writer.close()

    def result(self) -> T:
        """Wait for the function's value; raises :class:`ForkedError` if it raised or died."""
        if self._child is None:
            return self._function(*self._args)
        try:
            outcome = self._reader.recv()
        except EOFError:
            self._child.join()
            code = self._child.exitcode
            raise ForkedError(f"the worker process died (exit code {code})") from None
        finally:
            self.close()
        if outcome[0] == "interrupted":  # Ctrl-C reached the child first
            raise KeyboardInterrupt
        if outcome[0] == "error":
            raise ForkedError(outcome[1])
        value: T = outcome[1]
        return value

    def close(self) -> None:
        """Stop the child if it still runs (its result is then lost); harmless to repeat."""
        if self._child is None:
            return
        self._reader.close()
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._child = None

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._child is not None and self._child.is_alive()


def _run_and_send(function: Callable[..., Any], args: tuple[Any, ...], writer: Any) -> None:
    try:
        writer.send(("ok", function(*args)))
    except KeyboardInterrupt:
        writer.send(("interrupted",))
    except BaseException as exc:  # the parent raises it as ForkedError
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()
