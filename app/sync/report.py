"""What one sync cycle did: the frozen SyncReport that crosses threads, and the Tally that counts it."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from app.domain.changes import NOTHING, Changes
from app.models.base import utcnow
from app.sync.auto_accept import AcceptResult
from app.sync.listings_import import ListingsResult
from app.sync.orders_import import OrdersResult
from app.sync.outbox import OutboxResult
from app.sync.push import PushResult
from app.domain.dates import counted

log = logging.getLogger("app.sync.engine")


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
        text = (f"{counted(self.listings_imported, 'listing')}, {counted(self.orders_imported, 'new order')}, "
                f"{self.orders_updated} updated, {counted(self.lines_accepted, 'line')} accepted, "
                f"{counted(self.outbox_sent, 'update')} sent"
                + (f" ({self.outbox_failed} given up)" if self.outbox_failed else "")
                + f", {counted(self.quantities_pushed, 'quantity')} pushed"
                + (f" ({self.quantities_left} wait for the hourly budget)" if self.quantities_left else ""))
        if self.warnings:
            text += f", {counted(len(self.warnings), 'warning')}"
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
        self.warnings += r.warnings
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

    def add_push(self, r: PushResult, *, full: bool = True) -> None:
        self.pushed += r.pushed
        if full:
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
