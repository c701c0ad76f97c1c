"""serkg.forked: a function in a forked process, its value or its failure back in the parent."""

from __future__ import annotations

import os
import time

import pytest

from serkg.forked import Forked, ForkedError


def _square(x: int) -> int:
    return x * x


def _fail(message: str) -> None:
    raise ValueError(message)


def _interrupt() -> None:
    raise KeyboardInterrupt


def _die() -> None:
    os._exit(3)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_the_value_comes_back() -> None:
    assert Forked(_square, 12).result() == 144


def test_an_exception_in_the_child_is_raised_with_its_type_and_message() -> None:
    with pytest.raises(ForkedError, match=r"^ValueError: bad input file$"):
        Forked(_fail, "bad input file").result()


def test_ctrl_c_in_the_child_interrupts_the_parent() -> None:
    with pytest.raises(KeyboardInterrupt):
        Forked(_interrupt).result()


def test_a_child_that_dies_is_reported_with_its_exit_code() -> None:
    with pytest.raises(ForkedError, match=r"died \(exit code 3\)"):
        Forked(_die).result()


def test_close_stops_a_running_child() -> None:
    work = Forked(_sleep, 60)
    assert work.running
    started = time.monotonic()
    work.close()
    assert not work.running
    assert time.monotonic() - started < 10
    work.close()  # twice is harmless
