"""Running one function in a forked process, so that a build keeps both cores busy.

``serkg build`` reasons while it validates, and writes its exports while it fills and checks the
store: neither depends on the other. The work is forked (the child shares the parent's memory
copy-on-write, nothing is pickled on the way in) and its picklable result comes back through a
pipe. Where ``fork`` does not exist, the function runs when its result is asked for.

A child never outlives its parent: on Linux it asks the kernel for SIGKILL when the parent dies
(``PR_SET_PDEATHSIG``), so a ``kill -9`` of ``serkg build`` does not leave a worker blocked on its
result pipe holding the build's stderr. The kernel sends that signal when the *thread* that forked
exits, so create a :class:`Forked` from a thread that outlives it (``serkg build`` uses the main
thread).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


class ForkedError(RuntimeError):
    """The function raised in the child (its type and message are kept) or the child died."""


class Forked(Generic[T]):
    """FUNCTION(*ARGS) running in a child process from construction until :meth:`result`."""

    def __init__(
        self, function: Callable[..., T], *args: Any, niceness: int = 0, fork: bool = True
    ) -> None:
        """NICENESS above 0 lowers the child's CPU priority (:func:`os.nice`): work that is needed
        later yields the cores to the work the parent waits for now. FORK false runs FUNCTION
        in this process when its result is asked for (as where ``fork`` does not exist)."""
        self._function, self._args = function, args
        self._child: Any = None
        self._reader: Any = None
        if fork and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._reader, writer = context.Pipe(duplex=False)
            self._child = context.Process(
                target=_run_and_send,
                args=(function, args, writer, os.getpid(), niceness),
                daemon=True,
            )
            # Ctrl-C is held back while forking: a child that has not yet run far enough to ignore
            # it (a niced one may wait for a core) would otherwise print a KeyboardInterrupt
            # traceback; the parent gets it as soon as the child is started
            with _sigint_held():
                self._child.start()
            writer.close()

    def result(self) -> T:
        """Wait for the function's value; raises :class:`ForkedError` if it raised or died.

        An :class:`OSError` in the child is raised as an :class:`OSError` with the same errno
        and message (a full disk must stay recognisable as one).
        """
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
        if outcome[0] == "oserror":
            _, errno, message, filename = outcome
            raise OSError(errno, message, filename) if errno is not None else OSError(message)
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

    @property
    def pid(self) -> int | None:
        """The child's process id while it has one (a watchdog or a test can signal it)."""
        return None if self._child is None else int(self._child.pid)


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT blocked in this thread (and so in a child forked meanwhile) until the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this child when its parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _run_and_send(
    function: Callable[..., Any],
    args: tuple[Any, ...],
    writer: Any,
    parent_pid: int,
    niceness: int,
) -> None:
    # Ctrl-C is the parent's to handle: it stops this child (close) and reports the interruption
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held back by the parent while it forked this child
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent(parent_pid)
    if niceness > 0:
        os.nice(niceness)
    outcome: tuple[Any, ...]
    try:
        outcome = ("ok", function(*args))
    except KeyboardInterrupt:
        outcome = ("interrupted",)
    except OSError as exc:
        message = exc.strerror if exc.errno is not None else str(exc)
        outcome = ("oserror", exc.errno, message, exc.filename)
    except BaseException as exc:  # the parent raises it as ForkedError
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    try:
        writer.send(outcome)
    except BrokenPipeError:  # the parent no longer wants the result
        pass
    finally:
        writer.close()
