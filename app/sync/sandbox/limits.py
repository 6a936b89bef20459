"""Back Market's limits as the sandbox enforces them: requests per window per token, SKU lines per hour."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class _TokenTraffic:
    starts: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0
    sku_lines: list[tuple[float, int]] = field(default_factory=list)


class Limits:
    def __init__(
        self,
        *,
        request_limit: int = 200,
        window_seconds: float = 10.0,
        block_seconds: float = 10.0,
        sku_lines_per_hour: int = 2000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.request_limit = request_limit
        self.window_seconds = window_seconds
        self.block_seconds = block_seconds
        self.sku_lines_per_hour = sku_lines_per_hour
        self.clock = clock
        self._traffic: dict[str, _TokenTraffic] = {}

    def _of(self, token: str) -> _TokenTraffic:
        return self._traffic.setdefault(token, _TokenTraffic())

    def admit(self, token: str) -> float | None:
        """Count one request; None when admitted, else the seconds left in the block."""
        now = self.clock()
        traffic = self._of(token)
        if now < traffic.blocked_until:
            return traffic.blocked_until - now
        while traffic.starts and traffic.starts[0] <= now - self.window_seconds:
            traffic.starts.popleft()
        if len(traffic.starts) >= self.request_limit:
            # Like the edge: block for a fixed time, then count afresh.
            traffic.blocked_until = now + self.block_seconds
            traffic.starts.clear()
            return self.block_seconds
        traffic.starts.append(now)
        return None

    def spend_sku_lines(self, token: str, lines: int) -> bool:
        """Count listing-write lines in the last hour; False (nothing spent) when over the limit."""
        now = self.clock()
        traffic = self._of(token)
        traffic.sku_lines = [(when, n) for when, n in traffic.sku_lines if when > now - 3600.0]
        if sum(n for _, n in traffic.sku_lines) + lines > self.sku_lines_per_hour:
            return False
        traffic.sku_lines.append((now, lines))
        return True

    def reset(self) -> None:
        self._traffic.clear()


def retry_after_header(seconds_left: float) -> str:
    """Retry-After is whole seconds; round up so a client that obeys it never lands inside the block."""
    return str(max(1, math.ceil(seconds_left)))
