"""Step 2 of a cycle: Back Market orders imported idempotently (one local order per order id, ever).

Choices, since the API leaves them open (api doc §4.2, §9):
- `GET /ws/orders` leaves out states 0 and 8, so each pass asks three times with the same
  `date_modification` lower bound: the default list, `state=0` (payment pending — Back Market has
  already taken the stock, so the order must reserve it here too) and `state=8` (payment failed —
  only to close orders we imported while they waited for payment; never created).
- One bad record blocks nothing: each order is written in its own savepoint; one that does not parse
  is set aside (bm_quarantine, with its reason) and a warning goes in the sync report, while every
  other order is imported. Set-aside orders are read again by id each cycle, and imported as soon as
  they read cleanly.
- The sort order is undocumented, and an order modified during the crawl can shift the pages so
  another order is skipped. The checkpoint therefore moves only when two passes in a row read the
  same orders with the same `date_modification` — Back Market's own timestamps; its clock is never
  compared with ours, which may be hours apart. A pass that saw nothing newer than the checkpoint
  leaves it where it is (nothing to move), so a calm shop needs one pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import settings
from app.domain.bm_orders import OrderSettings, UnreadableRecord, parse_time, upsert_order
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.models.base import utcnow
from app.sync import quarantine
from app.sync.client import BackMarketClient, rfc3339
from app.sync.errors import NotFound
from app.sync.mapping import resolve_unmapped_lines

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
PAGE_CHUNK = 50
MAX_PASSES = 3
RECHECK_LIMIT = 50  # set-aside orders read again by id per cycle
PAYMENT_FAILED = 8
Tick = Callable[[str | None], None]
# What a record that does not parse raises on its way in (beyond our own check): set aside, not fatal.
_RECORD_ERRORS = (UnreadableRecord, DomainError, TypeError, ValueError, KeyError, AttributeError, DataError, IntegrityError)


@dataclass
class OrdersResult:
    imported: int = 0  # new local orders
    updated: int = 0
    set_aside: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    checkpoint: str | None = None
    passes: int = 0


@dataclass
class _Pass:
    newest: datetime | None = None
    seen: dict[tuple[Any, str], str] = field(default_factory=dict)  # (state asked, order id) → date_modification
    shifted: bool = False  # an order came twice in one listing: the pages moved under us


def _since(session: Session) -> tuple[datetime, datetime | None]:
    values = settings.get_many(session, ["backmarket.orders_checkpoint", "backmarket.since_days"])
    checkpoint = parse_time(values["backmarket.orders_checkpoint"])
    if checkpoint is not None:
        return checkpoint - OVERLAP, checkpoint
    return utcnow() - timedelta(days=max(0, int(values["backmarket.since_days"]))), None


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnreadableRecord):
        return exc.reason
    if isinstance(exc, DomainError):
        return str(exc).rstrip(".")
    return f"it could not be read ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else 'no details'})"


def _write(db: Database, batch: list[tuple[Any, bool]], result: OrdersResult) -> None:
    clean: set[str] = set()
    with db.sessions.begin() as session:
        cfg = OrderSettings.load(session)
        for remote, may_create in batch:
            key = quarantine.record_key(remote, "order_id")
            try:
                with session.begin_nested():
                    outcome = upsert_order(session, remote, cfg, may_create=may_create)
            except _RECORD_ERRORS as exc:
                reason = _reason(exc)
                quarantine.set_aside(session, quarantine.ORDER, key, reason, remote)
                result.set_aside += 1
                result.warnings.append(f"Back Market order {key} set aside: {reason}. The other orders were imported; "
                                       "it is read again every sync.")
                log.warning("Back Market order %s set aside: %s", key, reason)
                continue
            clean.add(key)
            if outcome is None:
                continue
            result.imported += outcome.created
            result.updated += outcome.updated
            result.warnings.extend(outcome.warnings)
            result.changes |= outcome.changes
        if quarantine.resolve(session, quarantine.ORDER, clean):
            log.info("Back Market orders read cleanly again: %s", ", ".join(sorted(clean)))


def _crawl(db: Database, client: BackMarketClient, since: datetime, tick: Tick, result: OrdersResult,
           written: dict[str, Any]) -> _Pass:
    this = _Pass()
    for state, may_create in ((None, True), (0, True), (PAYMENT_FAILED, False)):
        batch: list[tuple[Any, bool]] = []
        for remote in client.iter_orders(date_modification=since, state=state):
            key = quarantine.record_key(remote, "order_id")
            modified = remote.get("date_modification") if isinstance(remote, dict) else None
            stamp = parse_time(modified)
            if stamp is not None and (this.newest is None or stamp > this.newest):
                this.newest = stamp
            if (state, key) in this.seen:
                this.shifted = True
            this.seen[(state, key)] = str(modified)
            if written.get(key) == (modified, may_create) and modified is not None:
                continue  # read earlier in this import, unchanged since
            written[key] = (modified, may_create)
            batch.append((remote, may_create))
            if len(batch) >= PAGE_CHUNK:
                _write(db, batch, result)
                batch = []
                tick(f"Importing orders… ({len(this.seen)})")
        if batch:
            _write(db, batch, result)
    return this


def _recheck(db: Database, client: BackMarketClient, tick: Tick, result: OrdersResult, written: dict[str, Any]) -> None:
    """Orders set aside earlier and not read in this import: read again by id."""
    with db.reads() as session:
        waiting = sorted(quarantine.waiting_ids(session, quarantine.ORDER) - set(written))
    batch: list[tuple[Any, bool]] = []
    for key in [k for k in waiting if k.isdigit()][:RECHECK_LIMIT]:
        tick(None)
        try:
            remote = client.get_order(int(key))
        except NotFound:
            continue
        batch.append((remote, not (isinstance(remote, dict) and remote.get("state") == PAYMENT_FAILED)))
    if batch:
        _write(db, batch, result)


def import_orders(db: Database, client: BackMarketClient, tick: Tick) -> OrdersResult:
    result = OrdersResult()
    with db.reads() as session:
        since, checkpoint = _since(session)
    tick(f"Importing Back Market orders modified since {rfc3339(since)}…")
    written: dict[str, Any] = {}
    previous: _Pass | None = None
    agreed: datetime | None = None
    for _attempt in range(MAX_PASSES):
        crawl = _crawl(db, client, since, tick, result, written)
        result.passes += 1
        if crawl.newest is None or (checkpoint is not None and crawl.newest <= checkpoint):
            break  # nothing newer than the checkpoint: it stays where it is
        if previous is not None and not crawl.shifted and not previous.shifted and crawl.seen == previous.seen:
            agreed = crawl.newest
            break
        previous = crawl
        log.info("orders changed since the checkpoint; reading them once more to confirm nothing moved")
    _recheck(db, client, tick, result, written)
    with db.sessions.begin() as session:
        result.changes |= resolve_unmapped_lines(session)
        if agreed is not None:
            result.checkpoint = agreed.isoformat()  # to the microsecond: the next pass compares with it
            settings.set_(session, "backmarket.orders_checkpoint", result.checkpoint)
    tick(f"Orders: {result.imported} new, {result.updated} updated"
         + (f", {result.set_aside} set aside" if result.set_aside else ""))
    return result
