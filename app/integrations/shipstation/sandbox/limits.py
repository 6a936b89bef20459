"""ShipStation's limit as the sandbox enforces it: a fixed 60 s window of 40 requests per key pair,
announced in X-Rate-Limit-Limit / -Remaining / -Reset on every answer (shipstation-api.md §2)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Window:
    started: float
    used: int = 0


class Limits:
    def __init__(self, *, limit: int = 40, window_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self.throttled = 0  # 429s sent, for tests that prove a client never earned one

    def admit(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count one request for this key: (admitted, the headers to send with the answer)."""
        now = self.clock()
        window = self._windows.get(key)
        if window is None or now >= window.started + self.window_seconds:
            window = self._windows[key] = _Window(started=now)
        admitted = window.used < self.limit
        if admitted:
            window.used += 1
        else:
            self.throttled += 1
        reset = max(0, math.ceil(window.started + self.window_seconds - now))
        headers = {"X-Rate-Limit-Limit": str(self.limit),
                   "X-Rate-Limit-Remaining": str(max(0, self.limit - window.used)),
                   "X-Rate-Limit-Reset": str(reset)}
        return admitted, headers

    def reset(self) -> None:
        self._windows.clear()
        self.throttled = 0
