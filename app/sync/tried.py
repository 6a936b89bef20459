"""Pending rows the fast push has tried and could not finish, so it does not read them every second.

A fast push forgets its rows only when every listing they name went out. While this cycle's orders
are not imported yet, a raised quantity is held back; once the hour's SKU-line budget is spent, the
rest waits. Those rows stay pending, rightly — but reading the same 50,000 rows again every second
and comparing their thousands of listings again kept the sync thread on the interpreter lock while
packers scanned (measured, issue 12: scans on the full window waited 100–300 ms behind it).

So after such a push the next rounds read only rows written since. The tried rows are read again:
- as soon as the condition that held them changes (inside a cycle: its orders are in; between
  cycles is another condition);
- when the database holds a different number of rows up to the last one tried (a row committed late
  by a slow station inside the tried range, or rows forgotten by the cycle's full push) — one
  indexed COUNT, counted by the database;
- for a spent budget, after RETRY_SECONDS (the budget refills as the hour slides).
Between cycles a held-back increase is not noted at all: each round imports orders again first, and
the first that succeeds must raise the listing at once.
"""

from __future__ import annotations

import time
from typing import Callable

RETRY_SECONDS = 10.0


class TriedRows:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_id: int | None = None
        self._count = 0  # rows with an id up to _last_id when they were read
        self._condition: object = None
        self._since = 0.0
        self._by_time = False

    def after_id(self, condition: object, rows_through: Callable[[int], int]) -> int | None:
        """Read only rows after this id (None: read from the oldest row). `rows_through(id)` counts
        the pending rows with an id up to `id`, now."""
        if self._last_id is None:
            return None
        if (condition != self._condition or (self._by_time and self._clock() - self._since >= RETRY_SECONDS)
                or rows_through(self._last_id) != self._count):
            self._last_id = None
            return None
        return self._last_id

    def note(self, after_id: int | None, row_ids: tuple[int, ...], *, held: bool, budget_spent: bool,
             condition: object) -> None:
        """After a push of `row_ids` (read after `after_id`): remember them if some of their listings wait."""
        if not (held or budget_spent) or not row_ids:
            return
        if after_id is None or self._last_id is None:
            self._count, self._since, self._by_time = 0, self._clock(), False
        self._condition = condition
        self._by_time = self._by_time or budget_spent
        self._count += len(row_ids)
        self._last_id = row_ids[-1]
