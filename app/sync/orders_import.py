"""Step 2 of a cycle: Back Market orders imported idempotently (one local order per order id, ever).

Choices, since the API leaves them open (api doc §4.2, §9):
- `GET /ws/orders` leaves out states 0 and 8, so each pass asks three times with the same
  `date_modification` lower bound: the default list, `state=0` (payment pending — Back Market has
  already taken the stock, so the order must reserve it here too) and `state=8` (payment failed —
  only to close orders we imported while they waited for payment; never created).
- The sort order is undocumented, and an order modified during the crawl can shift the pages so
  another order is skipped. A pass that saw an order modified after it started is crawled once more,
  and the checkpoint only moves forward after a quiet pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.orm import Session

from app.db import Database
from app.domain import settings
from app.domain.bm_orders import OrderSettings, parse_time, upsert_order
from app.domain.changes import Changes
from app.models.base import utcnow
from app.sync.client import BackMarketClient, rfc3339
from app.sync.mapping import resolve_unmapped_lines

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
PAGE_CHUNK = 50
Tick = Callable[[str | None], None]

@dataclass
class OrdersResult:
    imported: int = 0  # new local orders
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    checkpoint: str | None = None
    passes: int = 0


@dataclass
class _Pass:
    newest: datetime | None = None
    seen: int = 0


def _since(session: Session) -> datetime:
    values = settings.get_many(session, ["backmarket.orders_checkpoint", "backmarket.since_days"])
    checkpoint = parse_time(values["backmarket.orders_checkpoint"])
    if checkpoint is not None:
        return checkpoint - OVERLAP
    return utcnow() - timedelta(days=max(0, int(values["backmarket.since_days"])))


def _write(db: Database, batch: list[tuple[dict[str, Any], bool]], result: OrdersResult) -> None:
    with db.sessions.begin() as session:
        cfg = OrderSettings.load(session)
        for remote, may_create in batch:
            outcome = upsert_order(session, remote, cfg, may_create=may_create)
            if outcome is None:
                continue
            result.imported += outcome.created
            result.updated += outcome.updated
            result.warnings.extend(outcome.warnings)
            result.changes |= outcome.changes


def _crawl(db: Database, client: BackMarketClient, since: datetime, tick: Tick, result: OrdersResult) -> _Pass:
    this = _Pass()
    for state, may_create in ((None, True), (0, True), (8, False)):
        batch: list[tuple[dict[str, Any], bool]] = []
        for remote in client.iter_orders(date_modification=since, state=state):
            if not isinstance(remote, dict) or "order_id" not in remote:
                log.warning("skipped an order without order_id")
                continue
            modified = parse_time(remote.get("date_modification"))
            if modified is not None and (this.newest is None or modified > this.newest):
                this.newest = modified
            this.seen += 1
            batch.append((remote, may_create))
            if len(batch) >= PAGE_CHUNK:
                _write(db, batch, result)
                batch = []
                tick(f"Importing orders… ({this.seen})")
        if batch:
            _write(db, batch, result)
    return this


def import_orders(db: Database, client: BackMarketClient, tick: Tick) -> OrdersResult:
    result = OrdersResult()
    with db.reads() as session:
        since = _since(session)
    tick(f"Importing Back Market orders modified since {rfc3339(since)}…")
    quiet = False
    newest: datetime | None = None
    for _attempt in range(2):
        started = utcnow()
        crawl = _crawl(db, client, since, tick, result)
        result.passes += 1
        if crawl.newest is not None and (newest is None or crawl.newest > newest):
            newest = crawl.newest
        quiet = crawl.newest is None or crawl.newest < started
        if quiet:
            break
        log.info("orders changed while they were being read; reading them once more")
    with db.sessions.begin() as session:
        result.changes |= resolve_unmapped_lines(session)
        if quiet and newest is not None:
            result.checkpoint = rfc3339(newest)
            settings.set_(session, "backmarket.orders_checkpoint", result.checkpoint)
    tick(f"Orders: {result.imported} new, {result.updated} updated")
    return result
