"""Client-side pacing, kept pure (time is always passed in) so it can be unit-tested with a fake clock.

Back Market's edge allows about 200 requests per 10 s and then blocks for 10 s; its data limit is
about 2,000 SKU lines per hour across listing writes. We stay under both rather than discover them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class RequestWindow:
    """A sliding log: at most `limit` requests may start inside any `per_seconds` span."""

    def __init__(
        self,
        limit: int = 190,
        per_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or per_seconds <= 0:
            raise ValueError("a request window needs limit >= 1 and a positive span")
        self.limit = limit
        self.per_seconds = per_seconds
        self.clock = clock  # only used when a caller leaves `now` out
        # Several clients (full sync, fast pushes) may share one window from different threads;
        # a caller holds this while it waits for a slot so starts are recorded in time order.
        self.lock = threading.Lock()
        self._starts: deque[float] = deque()

    def _forget_before(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - self.per_seconds:
            self._starts.popleft()

    def wait_time(self, now: float | None = None) -> float:
        """Seconds to wait before the next request may start (0 when it may start now)."""
        now = self.clock() if now is None else now
        self._forget_before(now)
        if len(self._starts) < self.limit:
            return 0.0
        # The window frees up when the oldest start we still count slides out of it.
        oldest = self._starts[len(self._starts) - self.limit]
        return max(0.0, oldest + self.per_seconds - now)

    def record(self, now: float | None = None) -> None:
        """Note that a request started at `now`."""
        self._starts.append(self.clock() if now is None else now)

    def __len__(self) -> int:
        return len(self._starts)


class SkuLineBudget:
    """SKU lines written to listings in the last hour; a single update is 1 line, a batch its rows.

    `now` should be wall-clock seconds (time.time) when the state is persisted across processes,
    because monotonic clocks restart with the machine.
    """

    def __init__(self, limit: int = 2000, per_seconds: float = 3600.0) -> None:
        self.limit = limit
        self.per_seconds = per_seconds
        self._spent: list[tuple[float, int]] = []

    def _forget_before(self, now: float) -> None:
        cutoff = now - self.per_seconds
        self._spent = [(when, n) for when, n in self._spent if when > cutoff]

    def available(self, now: float) -> int:
        self._forget_before(now)
        return max(0, self.limit - sum(n for _, n in self._spent))

    def spend(self, n: int, now: float) -> None:
        if n < 0:
            raise ValueError("cannot spend a negative number of SKU lines")
        if n:
            self._spent.append((now, n))

    def wait_time(self, n: int, now: float) -> float | None:
        """Seconds until `n` lines are available; None when `n` is more than the whole budget."""
        if n > self.limit:
            return None
        self._forget_before(now)
        excess = sum(k for _, k in self._spent) + n - self.limit
        if excess <= 0:
            return 0.0
        for when, k in self._spent:  # oldest first: lines free up as their hour passes
            excess -= k
            if excess <= 0:
                return max(0.0, when + self.per_seconds - now)
        return 0.0  # pragma: no cover - unreachable, the loop frees everything

    def to_state(self) -> list[list[float]]:
        return [[when, n] for when, n in self._spent]

    @classmethod
    def from_state(
        cls, state: list[list[float]] | None, *, limit: int = 2000, per_seconds: float = 3600.0
    ) -> SkuLineBudget:
        budget = cls(limit, per_seconds)
        for item in state or []:
            try:
                when, n = float(item[0]), int(item[1])
            except (TypeError, ValueError, IndexError):
                continue  # a damaged entry should not stop the sync; it just frees its lines early
            if n > 0:
                budget._spent.append((when, n))
        budget._spent.sort()
        return budget
