"""Orders out: new and changed orders in the pushed statuses go to ShipStation, 100 per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import Database
from app.integrations.shipstation.client import BULK_LIMIT, ShipStationApi
from app.integrations.shipstation.config import ShipStationSettings
from app.integrations.shipstation.outgoing import ToPush, order_key_for, orders_to_push
from app.integrations.shipstation.records import PushResult
from app.models import ShipStationOrder
from app.models.base import utcnow


@dataclass
class PushTally:
    pushed: int = 0
    failed: int = 0
    not_pushable: int = 0
    warnings: list[str] = field(default_factory=list)


def push_orders(db: Database, client: ShipStationApi, cfg: ShipStationSettings, tick, tally: PushTally) -> None:
    with db.reads() as session:
        todo = orders_to_push(session, cfg)
    unsendable = [t for t in todo if t.order is None]
    if unsendable:
        _record_problems(db, unsendable)
        tally.not_pushable += len(unsendable)
        tally.warnings += [f"Order {t.number}: {t.problem}" for t in unsendable]
    sendable = [t for t in todo if t.order is not None]
    for start in range(0, len(sendable), BULK_LIMIT):
        batch = sendable[start:start + BULK_LIMIT]
        tick(f"ShipStation: sending orders {start + 1}–{start + len(batch)} of {len(sendable)}")
        results = client.push_orders([t.order for t in batch])
        _record_results(db, batch, results, tally)


def _link(session, item: ToPush) -> ShipStationOrder:
    link = session.get(ShipStationOrder, item.order_id, with_for_update=True)
    if link is None:
        key = item.order.order_key if item.order is not None else order_key_for(item.number)
        link = ShipStationOrder(order_id=item.order_id, order_key=key, remote_status="", fingerprint="")
        session.add(link)
    return link


def _record_problems(db: Database, items: list[ToPush]) -> None:
    with db.sessions.begin() as session:
        for item in items:
            _link(session, item).problem = item.problem


def _record_results(db: Database, batch: list[ToPush], results: list[PushResult], tally: PushTally) -> None:
    by_key = {r.order_key: r for r in results}
    now = utcnow()
    with db.sessions.begin() as session:
        for item in batch:
            result = by_key.get(item.order.order_key)
            link = _link(session, item)
            if result is not None and result.success:
                link.remote_id = result.order_id or link.remote_id
                link.fingerprint = item.fingerprint
                link.remote_status = item.order.status
                link.pushed_at = now
                link.problem = None
                tally.pushed += 1
            else:
                reason = result.error if result is not None else "no answer for this order"
                link.problem = f"ShipStation refused it: {reason}"
                tally.failed += 1
                tally.warnings.append(f"Order {item.number}: ShipStation refused it: {reason}")
