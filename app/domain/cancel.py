"""A cancellation token a screen sets and a long job checks between its steps."""

from __future__ import annotations

import threading

from app.domain.errors import DomainError


class Cancelled(DomainError):
    reason = "cancelled"


class CancelToken:
    def __init__(self, event=None) -> None:
        self._event = event if event is not None else threading.Event()  # or a multiprocessing Event

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, message: str) -> None:
        if self._event.is_set():
            raise Cancelled(message)

    def wait(self, seconds: float) -> bool:
        """Pause up to `seconds` (pacing between short transactions); True as soon as cancelled."""
        return self._event.wait(seconds)
