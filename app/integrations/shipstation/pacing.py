"""Obeying ShipStation's rate limit: 40 requests per minute per key pair, told in every answer's
`X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` (seconds left in the window).

The headers are the only thing that holds across processes and stations sharing a key: a new process
knows nothing until its first answer, then paces by what ShipStation says is left. Within a process a
sliding window (the shared app.sync.ratelimit.RequestWindow) keeps us under 40 a minute even if the
headers go missing. Pure: time is passed in, so it is tested with a fake clock.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from app.sync.ratelimit import RequestWindow

LIMIT_PER_MINUTE = 40
DEFAULT_RESET_SECONDS = 60.0  # a 429 without a usable Reset: wait out a whole window
RESET_MARGIN_SECONDS = 0.5  # Reset is whole seconds; a little extra lands us in the new window


class HeaderPacer:
    def __init__(self, limit: int = LIMIT_PER_MINUTE, per_seconds: float = 60.0) -> None:
        self.lock = threading.Lock()
        self._window = RequestWindow(limit=limit, per_seconds=per_seconds)
        self._remaining: int | None = None  # unknown until an answer says
        self._reset_at: float | None = None

    def wait_time(self, now: float) -> float:
        """Seconds before one more request may start (0: go now)."""
        header_wait = 0.0
        if self._reset_at is not None and now >= self._reset_at:
            self._remaining, self._reset_at = None, None  # a new window: its count is unknown
        if self._remaining is not None and self._remaining <= 0 and self._reset_at is not None:
            header_wait = self._reset_at - now
        return max(header_wait, self._window.wait_time(now))

    def started(self, now: float) -> None:
        """One request is leaving now: count it before its answer tells us the new figure."""
        self._window.record(now)
        if self._remaining is not None:
            self._remaining -= 1

    def observe(self, headers: Mapping[str, str], now: float, *, throttled: bool = False) -> float | None:
        """Take in an answer's headers; returns the seconds to wait when it was a 429."""
        remaining = _number(headers.get("x-rate-limit-remaining"))
        reset = _number(headers.get("x-rate-limit-reset"))
        if throttled:
            wait = (reset if reset is not None and reset >= 0 else DEFAULT_RESET_SECONDS) + RESET_MARGIN_SECONDS
            self._remaining, self._reset_at = 0, now + wait
            return wait
        if remaining is not None:
            self._remaining = int(remaining)
            if reset is not None and reset >= 0:
                self._reset_at = now + reset + RESET_MARGIN_SECONDS
        return None

    @property
    def remaining(self) -> int | None:
        return self._remaining


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None
