"""Step 5 of a cycle (and the fast path after a local stock change): push calculated quantities.

Only listings whose calculated quantity differs from what Back Market shows are written; a listing
with no calculated quantity (empty match set) never is. Decreases go first: overselling costs more
than a late increase. Writes stay inside Back Market's 2,000 SKU lines/hour; a full reconciliation
leaves the last FAST_PATH_RESERVE lines of the hour to local stock changes, which matter more.
Quantities are re-read just before each small chunk is written, so a long budget-limited push
never writes a number that went stale while it waited.

Three guards keep a push from doing harm:
- a counted scope that resolves to nothing (Scope.problem) refuses the whole push: zeros caused by
  configuration are never written;
- `increases=False` (orders could not be imported, so Back Market may have sold what we would
  re-list) writes decreases only and counts the increases it held back;
- `before_write` runs just before every remote write (the engine's fence: the lease is still ours,
  the sync is still switched on).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import settings
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.quantities import Scope, calculated_quantities
from app.models import Listing
from app.models.base import utcnow
from app.sync.client import BackMarketClient
from app.sync.errors import MalformedResponse, RequestRejected
from app.sync.mapping import LISTING_GONE
from app.sync.ratelimit import SkuLineBudget
from app.domain.dates import counted

log = logging.getLogger(__name__)

FAST_PATH_RESERVE = 100
CHUNK = 10  # writes between a fresh read of the quantities and a commit
BUDGET_BUCKET_SECONDS = 60.0
Tick = Callable[[str | None], None]


class SkuBudget:
    """The hour's SKU-line budget, shared by every push in this process and kept in backmarket.sku_budget."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._budget = SkuLineBudget()

    def load(self, session: Session) -> None:
        with self._lock:
            self._budget = SkuLineBudget.from_state(settings.get(session, "backmarket.sku_budget"))

    def available(self) -> int:
        with self._lock:
            return self._budget.available(self.clock())

    def spend(self, n: int) -> None:
        with self._lock:
            self._budget.spend(n, self.clock())

    def save(self, session: Session) -> None:
        # One entry per minute, stamped with the minute's last write: the hour frees lines no earlier
        # than the real writes would, and the setting stays small (≤ 60 entries).
        with self._lock:
            self._budget.available(self.clock())  # forget what is older than the hour
            buckets: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
            for when, n in self._budget.to_state():
                entry = buckets[int(when // BUDGET_BUCKET_SECONDS)]
                entry[0], entry[1] = max(entry[0], when), entry[1] + int(n)
            state = [[when, n] for when, n in sorted(buckets.values())]
        settings.set_(session, "backmarket.sku_budget", state)


class ScopeEmpty(DomainError):
    """The counted statuses/warehouses resolve to nothing: every listing would be pushed as 0."""

    reason = "bad_settings"


def refuse_empty_scope(scope: Scope) -> None:
    if scope.problem:
        raise ScopeEmpty(f"Quantities not pushed: {scope.problem}; fix it in the Back Market tab "
                         "— nothing was written.")


@dataclass
class PushResult:
    pushed: int = 0
    held_back: int = 0  # increases not written because orders could not be imported first
    skipped_unmapped: int = 0
    left: int = 0  # differing listings left for a later cycle (budget spent)
    failed: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    def add(self, other: "PushResult") -> None:
        """Fold a second push of the same round into this one."""
        self.pushed += other.pushed
        self.held_back += other.held_back
        self.skipped_unmapped = max(self.skipped_unmapped, other.skipped_unmapped)
        self.left += other.left
        self.failed += other.failed
        self.warnings += other.warnings
        self.changes |= other.changes


@dataclass(frozen=True)
class _Write:
    listing_id: int
    uuid: str
    quantity: int
    shown: int


def _differing(session: Session, listing_ids: set[int] | None, scope: Scope) -> tuple[list[_Write], int]:
    quantities = calculated_quantities(session, listing_ids, scope)
    stmt = select(Listing.id, Listing.uuid, Listing.bm_quantity, Listing.publication_state)
    if listing_ids is not None:
        stmt = stmt.where(Listing.id.in_(sorted(listing_ids)))
    writes, unmapped = [], 0
    for lid, uuid, shown, state in session.execute(stmt):
        q = quantities.get(lid)
        if state == LISTING_GONE or q is None:
            continue
        if q.calculated is None:
            unmapped += 1
        elif q.calculated != shown:
            writes.append(_Write(lid, uuid, q.calculated, shown))
    # Decreases first, the biggest first; then increases.
    writes.sort(key=lambda w: (w.quantity > w.shown, -(abs(w.shown - w.quantity)), w.listing_id))
    return writes, unmapped


def _commit(db: Database, done: list[tuple[_Write, int]], errors: dict[int, str], budget: SkuBudget) -> None:
    if not done and not errors:
        return
    now = utcnow()
    with db.sessions.begin() as session:
        rows = {row.id: row for row in session.scalars(
            select(Listing).where(Listing.id.in_([w.listing_id for w, _ in done] + list(errors))))}
        for write, shown in done:
            row = rows[write.listing_id]
            row.bm_quantity, row.last_pushed_quantity, row.last_pushed_at, row.last_error = shown, write.quantity, now, None
        for lid, message in errors.items():
            rows[lid].last_error = message
        budget.save(session)
    done.clear()
    errors.clear()


def pending_increases(db: Database, listing_ids: set[int] | None) -> bool:
    """Whether pushing these listings now would raise any of them (so orders must be imported first)."""
    with db.reads() as session:
        scope = Scope.load(session)
        refuse_empty_scope(scope)
        plan, _ = _differing(session, listing_ids, scope)
    return any(w.quantity > w.shown for w in plan)


def push_quantities(db: Database, client: BackMarketClient, tick: Tick, budget: SkuBudget, *,
                    listing_ids: set[int] | None = None, keep_back: int = 0, increases: bool = True,
                    before_write: Callable[[], None] | None = None) -> PushResult:
    """Write the differing quantities (of `listing_ids`, or of every listing).

    Raises ScopeEmpty, writing nothing, when the counted scope resolves to nothing."""
    result = PushResult()
    with db.reads() as session:
        scope = Scope.load(session)
        refuse_empty_scope(scope)
        plan, result.skipped_unmapped = _differing(session, listing_ids, scope)
    if not increases:
        result.held_back = sum(1 for w in plan if w.quantity > w.shown)
        plan = [w for w in plan if w.quantity < w.shown]
        if result.held_back:
            result.warnings.append(
                f"{result.held_back} listing quantities were not raised: orders could not be imported first, "
                "and Back Market may have sold them; they go out once orders import.")
    if not plan:
        return result
    tick(f"Pushing {counted(len(plan), 'quantity')} to Back Market…")
    pushed_ids: set[int] = set()
    done: list[tuple[_Write, int]] = []
    errors: dict[int, str] = {}
    position = 0
    exhausted = False
    try:
        while position < len(plan) and not exhausted:
            ids = {w.listing_id for w in plan[position:position + CHUNK]}
            with db.reads() as session:
                fresh, _ = _differing(session, ids, scope)
            if not increases:
                fresh = [w for w in fresh if w.quantity < w.shown]
            for index, write in enumerate(fresh):
                if budget.available() - keep_back <= 0:
                    exhausted = True
                    result.left = (len(fresh) - index) + max(0, len(plan) - position - CHUNK)
                    break
                if before_write is not None:
                    before_write()
                try:
                    answer = client.update_listing(write.uuid, {"quantity": write.quantity})
                except (RequestRejected, MalformedResponse) as exc:
                    errors[write.listing_id] = exc.user_message  # about this listing only: carry on
                    result.failed += 1
                    continue
                budget.spend(1)
                shown = answer.get("quantity") if isinstance(answer.get("quantity"), int) else write.quantity
                done.append((write, shown))
                pushed_ids.add(write.listing_id)
                result.pushed += 1
            position += CHUNK
            _commit(db, done, errors, budget)
            if not exhausted:
                tick(None)  # after the commit: a nested fast push must see what we wrote
    finally:
        _commit(db, done, errors, budget)
    if result.left:
        result.warnings.append(f"{result.left} listing quantities wait for Back Market's hourly SKU-line budget "
                               "(2,000 per hour); they go out in the next cycles.")
    result.changes = Changes.of(listings=pushed_ids | set(errors))  # the rows a screen shows anew
    log.info("pushed %d quantities (%d left, %d refused)", result.pushed, result.left, result.failed)
    return result
