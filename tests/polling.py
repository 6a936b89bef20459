"""Waiting in tests without fixed sleeps: poll a condition until it holds or a deadline passes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_SECONDS = 0.02  # how often the condition is looked at, not how long anything is expected to take


def wait_until(condition: Callable[[], T], what: str, timeout: float = 30.0) -> T:
    """Return the condition's first truthy value; fail the test naming `what` if the deadline passes.

    The timeout is a generous upper bound for a stuck run, never an assertion about speed."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)
