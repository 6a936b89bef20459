"""The Back Market sync engine: one full cycle at a time, plus fast pushes after local stock changes.

A cycle: import listings → import orders → auto-accept → send the outbox → push quantities. Each
step commits its own short transactions and never holds one across a network call. Only ids and the
frozen SyncReport leave the engine, so the GUI's QThread worker can wrap it as it is:

    engine = SyncEngine(db)                  # worker thread
    report = engine.run_once(progress, cancel)
    engine.request_push(changes)             # any thread, on STOCK_CHANGED
    engine.push_pending()                    # worker thread, ~1 s later
    engine.close()                           # releases the lease
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Callable

from app.db import Database
from app.domain.changes import NOTHING, Changes
from app.domain.errors import DomainError
from app.domain.events import SYNC_FINISHED, bus
from app.domain.quantities import affected_listings
from app.domain.station import current_actor
from app.models import SyncRun
from app.models.base import utcnow
from app.sync import lease
from app.sync.auto_accept import queue_accepts
from app.sync.client import BackMarketClient
from app.sync.config import client_factory as default_factory
from app.sync.errors import (AccountNotAllowed, BackMarketError, BotChallenge, FirewallBlocked, Offline,
                             RateLimited, TokenRejected)
from app.sync.listings_import import import_listings
from app.sync.orders_import import import_orders
from app.sync.auto_accept import AcceptResult
from app.sync.listings_import import ListingsResult
from app.sync.orders_import import OrdersResult
from app.sync.outbox import OutboxResult, send_pending
from app.sync.push import FAST_PATH_RESERVE, PushResult, SkuBudget, push_quantities

log = logging.getLogger(__name__)

# After these, every later step would fail the same way (or make things worse): stop the cycle.
STOPS_CYCLE = (TokenRejected, AccountNotAllowed, FirewallBlocked, BotChallenge, Offline, RateLimited)
TOKEN_REJECTED_MESSAGE = (
    "Back Market rejected the API token: it may have expired or been replaced. Create a new one in the "
    "Back Market Back Office (Options → Integrations) and set it in the Back Market tab or with "
    "`refurbdesk backmarket token set`."
)


@dataclass(frozen=True)
class SyncReport:
    """What one cycle did, in numbers and words; crosses threads (no ORM objects inside)."""

    started: datetime
    finished: datetime
    listings_imported: int = 0
    orders_imported: int = 0
    orders_updated: int = 0
    lines_accepted: int = 0
    outbox_sent: int = 0
    outbox_failed: int = 0
    quantities_pushed: int = 0
    quantities_left: int = 0  # differing quantities waiting for the hourly SKU-line budget
    skipped_unmapped: int = 0  # listings with no calculated quantity (never written)
    warnings: tuple[str, ...] = ()
    error: str | None = None  # the manager's words
    error_kind: str | None = None  # token_rejected, offline, rate_limited, firewall_blocked, ...
    skipped: str | None = None  # e.g. "another station is syncing: <holder>"
    changes: Changes = NOTHING
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("changes")
        data["started"], data["finished"] = self.started.isoformat(), self.finished.isoformat()
        data["warnings"] = list(self.warnings[:50])
        return data

    def summary_line(self) -> str:
        if self.skipped:
            return f"Sync skipped: {self.skipped}."
        text = (f"{self.listings_imported} listings, {self.orders_imported} new orders, {self.orders_updated} updated, "
                f"{self.lines_accepted} lines accepted, {self.outbox_sent} updates sent"
                + (f" ({self.outbox_failed} given up)" if self.outbox_failed else "")
                + f", {self.quantities_pushed} quantities pushed"
                + (f" ({self.quantities_left} wait for the hourly budget)" if self.quantities_left else ""))
        if self.warnings:
            text += f", {len(self.warnings)} warning(s)"
        return f"Sync failed: {self.error} ({text})" if self.error else f"Sync done: {text}."


@dataclass
class Tally:
    """The cycle's counts while it runs; frozen into a SyncReport at the end."""

    started: datetime
    run_id: int | None = None
    listings: int = 0
    imported: int = 0
    updated: int = 0
    accepted: int = 0
    sent: int = 0
    given_up: int = 0
    pushed: int = 0
    left: int = 0
    unmapped: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    skipped: str | None = None
    changes: Changes = NOTHING

    def fail(self, message: str, kind: str, *, detail: str | None = None) -> None:
        self.errors.append((message, kind))
        log.warning("sync: %s%s", message, f" ({detail})" if detail else "")

    def add_listings(self, r: ListingsResult) -> None:
        self.listings += r.imported
        self.changes |= Changes.of(listings=r.changed_ids)

    def add_orders(self, r: OrdersResult) -> None:
        self.imported, self.updated = self.imported + r.imported, self.updated + r.updated
        self.warnings += r.warnings
        self.changes |= r.changes

    def add_accepts(self, r: AcceptResult) -> None:
        self.accepted += r.queued
        self.changes |= r.changes

    def add_outbox(self, r: OutboxResult) -> None:
        self.sent, self.given_up = self.sent + r.sent, self.given_up + r.failed
        self.warnings += r.warnings
        self.changes |= r.changes

    def add_push(self, r: PushResult) -> None:
        self.pushed += r.pushed
        self.left, self.unmapped = r.left, r.skipped_unmapped
        self.warnings += r.warnings
        self.changes |= r.changes

    def freeze(self) -> SyncReport:
        error = "; ".join(message for message, _ in self.errors) or None
        return SyncReport(
            started=self.started, finished=utcnow(), listings_imported=self.listings, orders_imported=self.imported,
            orders_updated=self.updated, lines_accepted=self.accepted, outbox_sent=self.sent,
            outbox_failed=self.given_up, quantities_pushed=self.pushed, quantities_left=self.left,
            skipped_unmapped=self.unmapped, warnings=tuple(self.warnings), error=error,
            error_kind=self.errors[0][1] if self.errors else None, skipped=self.skipped, changes=self.changes,
            run_id=self.run_id)


_HOLDER = re.compile(r"^(.*) \(pid (\d+)\)$")


class Cancelled(Exception):
    """The caller's cancel flag was raised between two pieces of work."""


class LeaseLost(Exception):
    """Another station took the sync over (our lease ran out while we were busy)."""


class SyncEngine:
    def __init__(self, db: Database, client_factory: Callable[[], BackMarketClient] | None = None,
                 station: str | None = None, *, lease_ttl: float = lease.DEFAULT_TTL_SECONDS,
                 push_debounce: float = 0.3) -> None:
        self.db = db
        self._factory = client_factory or default_factory(db)
        self.station = station or f"{current_actor().station} (pid {os.getpid()})"
        self.lease_ttl = lease_ttl
        self.push_debounce = push_debounce
        self.budget = SkuBudget()
        self.last_report: SyncReport | None = None
        self.last_push_error: str | None = None
        self._lock = threading.RLock()  # one cycle or push at a time in this process
        self._renewed_at = 0.0
        self._pending: Changes | None = None
        self._pending_since = 0.0
        self._pending_lock = threading.Lock()
        self._in_urgent = False
        self._budget_loaded = False

    # ---- the lease -----------------------------------------------------------------------------

    def _take_lease(self) -> bool:
        if lease.acquire(self.db, self.station, self.lease_ttl) or self._take_from_dead_process():
            self._renewed_at = time.monotonic()
            return True
        return False

    def _take_from_dead_process(self) -> bool:
        """A process of this very station that crashed (kill -9, power cut) need not block us for the
        lease's whole life. Only checked on POSIX: os.kill(pid, 0) would terminate it on Windows."""
        holder = lease.current_holder(self.db)
        match = _HOLDER.match(holder or "")
        own = _HOLDER.match(self.station)
        if os.name != "posix" or not match or not own or match.group(1) != own.group(1):
            return False
        pid = int(match.group(2))
        if pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
            return False  # still running
        except ProcessLookupError:
            log.info("taking the sync lease over from %s, which is no longer running", holder)
            return lease.take_over(self.db, holder or "", self.station, self.lease_ttl)
        except OSError:
            return False

    def keep_lease(self) -> None:
        """Renew once a third of the lease has gone by; raise LeaseLost if another station took it."""
        if time.monotonic() - self._renewed_at < self.lease_ttl / 3:
            return
        if not lease.renew(self.db, self.station, self.lease_ttl):
            raise LeaseLost(f"another station took the sync over: {lease.current_holder(self.db) or 'unknown'}")
        self._renewed_at = time.monotonic()

    def close(self) -> None:
        with self._lock:
            lease.release(self.db, self.station)

    # ---- fast pushes -----------------------------------------------------------------------------

    def request_push(self, changes: Changes) -> None:
        """Thread-safe: remember a local stock change; push_pending (or a running cycle) sends it."""
        if not changes.stock:
            return
        with self._pending_lock:
            if self._pending is None:
                self._pending, self._pending_since = changes, time.monotonic()
            else:
                self._pending = self._pending | changes

    def has_pending_push(self) -> bool:
        with self._pending_lock:
            return self._pending is not None

    def _take_pending(self, min_age: float) -> Changes | None:
        with self._pending_lock:
            if self._pending is None or time.monotonic() - self._pending_since < min_age:
                return None
            changes, self._pending = self._pending, None
            return changes

    def push_pending(self) -> int:
        changes = self._take_pending(0.0)
        return self.push_changes(changes) if changes is not None else 0

    def push_changes(self, changes: Changes) -> int:
        """Recompute only the listings a change touched and push those that now differ."""
        with self._lock:
            if not self._take_lease():
                log.info("stock change not pushed here: %s holds the sync", lease.current_holder(self.db))
                return 0
            try:
                client = self._factory()
            except DomainError as exc:
                self.last_push_error = str(exc)
                return 0
            try:
                return self._push(client, changes).pushed
            except BackMarketError as exc:
                self.last_push_error = exc.user_message
                self.request_push(changes)  # keep it for the next try: a stock change must not be lost
                log.warning("fast push failed: %s", exc.message)
                return 0
            finally:
                client.close()

    def _push(self, client: BackMarketClient, changes: Changes) -> PushResult:
        with self.db.reads() as session:
            if not self._budget_loaded:
                self.budget.load(session)
                self._budget_loaded = True
            ids = affected_listings(session, changes)
        if ids is not None and not ids:
            return PushResult()
        result = push_quantities(self.db, client, lambda _text: None, self.budget, listing_ids=ids)
        self.last_push_error = None
        return result

    def _urgent(self, client: BackMarketClient, tally: Tally) -> None:
        """Inside a long cycle, a local stock change still reaches Back Market within seconds."""
        if self._in_urgent:
            return
        changes = self._take_pending(self.push_debounce)
        if changes is None:
            return
        self._in_urgent = True
        try:
            tally.pushed += self._push(client, changes).pushed
        except BackMarketError:
            self.request_push(changes)
            raise
        finally:
            self._in_urgent = False

    # ---- the full cycle --------------------------------------------------------------------------

    def run_once(self, progress: Callable[[str], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> SyncReport:
        with self._lock:
            report = self._run(progress, cancel)
        self.last_report = report
        bus.emit(SYNC_FINISHED, report)
        return report

    def _run(self, progress: Callable[[str], None] | None, cancel: Callable[[], bool] | None) -> SyncReport:
        tally = Tally(started=utcnow())
        if not self._take_lease():
            tally.skipped = f"another station is syncing: {lease.current_holder(self.db) or 'unknown'}"
            return tally.freeze()
        with self.db.sessions.begin() as session:
            run = SyncRun(station=self.station[:80], started_at=tally.started)
            session.add(run)
            session.flush()
            tally.run_id = run.id
            self.budget.load(session)  # another station may have spent some since we last synced
            self._budget_loaded = True
        try:
            client = self._factory()
        except DomainError as exc:
            tally.fail(str(exc), getattr(exc, "reason", "settings"))
            return self._finish(tally)
        try:
            self._steps(client, tally, progress, cancel)
        finally:
            client.close()
        return self._finish(tally)

    def _steps(self, client: BackMarketClient, tally: Tally, progress, cancel) -> None:
        def tick(text: str | None) -> None:
            if text:
                log.debug("sync: %s", text)
                if progress is not None:
                    progress(text)
            if cancel is not None and cancel():
                raise Cancelled()
            self.keep_lease()
            self._urgent(client, tally)

        steps = (("listings", lambda: tally.add_listings(import_listings(self.db, client, tick))),
                 ("orders", lambda: tally.add_orders(import_orders(self.db, client, tick))),
                 ("auto-accept", lambda: tally.add_accepts(queue_accepts(self.db))),
                 ("outbox", lambda: tally.add_outbox(send_pending(self.db, client, tick))),
                 ("push", lambda: tally.add_push(push_quantities(self.db, client, tick, self.budget,
                                                                 keep_back=FAST_PATH_RESERVE))))
        for name, step in steps:
            try:
                tick(None)
                step()
            except Cancelled:
                tally.fail("The sync was stopped before it finished.", "cancelled")
                return
            except LeaseLost as exc:
                tally.fail(f"The sync stopped: {exc}.", "lease_lost")
                return
            except TokenRejected as exc:
                tally.fail(TOKEN_REJECTED_MESSAGE, exc.kind, detail=exc.message)
                return
            except BackMarketError as exc:
                tally.fail(f"{name}: {exc.user_message}", exc.kind, detail=exc.message)
                if isinstance(exc, STOPS_CYCLE):
                    return
            except DomainError as exc:
                tally.fail(f"{name}: {exc}", getattr(exc, "reason", "refused"))
            except Exception as exc:  # a bug in one step must not hide what the others did
                log.exception("sync step %s failed", name)
                tally.fail(f"{name}: unexpected error ({type(exc).__name__}: {exc})", "internal")

    def _finish(self, tally: Tally) -> SyncReport:
        report = tally.freeze()
        with self.db.sessions.begin() as session:
            run = session.get(SyncRun, tally.run_id)
            if run is not None:
                run.finished_at = report.finished
                run.summary = json.dumps(report.summary_dict())
                run.error = report.error
                run.error_kind = report.error_kind
        log.info("sync cycle: %s", report.summary_line())
        return report
