"""Step 3 of a cycle: accept paid Back Market lines (state 1) that stock covers, through the outbox.

A line is covered when, counting it as outstanding, its listing's available − outstanding is still
≥ 0 (quantities before the reserve/max-listed rules: those limit what is listed, not what is sold).
Lines are judged oldest first, and a later paid line does not block an earlier one: the unaccepted
candidates are taken out of `outstanding` and added back one at a time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import func, select

from app.db import Database
from app.domain import reference, settings
from app.domain.changes import Changes
from app.domain.quantities import Scope, calculated_quantities
from app.models import Commitment, Listing, Order, OrderLine, OrderStatus, OutboxMessage

log = logging.getLogger(__name__)

PAID_LINE_STATE = 1
ACCEPT_LINE = "accept_line"


@dataclass
class AcceptResult:
    queued: int = 0
    not_covered: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def pending_accepts(session, refs: Iterable[str] | None = None) -> set[str]:
    """Remote line ids ever queued for acceptance: one accept per line, even after the outbox gave up
    (the manager then retries it, or accepts or cancels it in the Back Office). Read from the indexed
    line_ref column, never by parsing payloads; with `refs`, only those lines are looked up (a cycle
    asks about its few paid lines, not every accept ever queued)."""
    base = select(OutboxMessage.line_ref).where(OutboxMessage.kind == ACCEPT_LINE, OutboxMessage.line_ref.is_not(None))
    if refs is None:
        return set(session.scalars(base))
    wanted = sorted({str(r) for r in refs if r})
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(session.scalars(base.where(OutboxMessage.line_ref.in_(wanted[start : start + 500]))))
    return found


def queue_accepts(db: Database) -> AcceptResult:
    result = AcceptResult()
    with db.sessions.begin() as session:
        if not settings.get(session, "backmarket.auto_accept"):
            return result
        channel = reference.channel(session, reference.BACK_MARKET)
        rows = session.execute(
            select(OrderLine, Order.external_id, Order.number)
            .join(Order, Order.id == OrderLine.order_id)
            .join(OrderStatus, OrderStatus.id == Order.status_id)
            .where(Order.channel_id == channel.id, OrderStatus.is_open.is_(True), OrderLine.closed.is_(False),
                   OrderLine.unmapped.is_(False), OrderLine.remote_state == PAID_LINE_STATE)
            .order_by(Order.created_at, OrderLine.id)
        ).all()
        already = pending_accepts(session, (line.external_id for line, _, _ in rows))
        candidates = [(line, ext, number) for line, ext, number in rows if line.external_id not in already and ext]
        if not candidates:
            return result
        norms = {(line.listing_sku or "").lower() for line, _, _ in candidates}
        listing_of = dict(session.execute(select(Listing.sku_norm, Listing.id).where(Listing.sku_norm.in_(norms))).all())
        quantities = calculated_quantities(session, set(listing_of.values()), Scope.load(session))
        committed = dict(session.execute(
            select(Commitment.line_id, func.count(Commitment.id))
            .where(Commitment.line_id.in_([line.id for line, _, _ in candidates]), Commitment.active.is_(True))
            .group_by(Commitment.line_id)).all())
        remaining = {line.id: max(0, line.quantity - committed.get(line.id, 0)) for line, _, _ in candidates}
        # What each listing could still give once the waiting candidates are set aside.
        headroom: dict[int, int] = {}
        for line, _, _ in candidates:
            lid = listing_of.get((line.listing_sku or "").lower())
            q = quantities.get(lid) if lid is not None else None
            if q is None or q.calculated is None:
                continue
            headroom.setdefault(lid, q.available - q.outstanding)
            headroom[lid] += remaining[line.id]
        orders: set[int] = set()
        for line, external_id, number in candidates:
            lid = listing_of.get((line.listing_sku or "").lower())
            if lid not in headroom or headroom[lid] - remaining[line.id] < 0:
                result.not_covered.append(f"{number} {line.listing_sku}")
                continue
            headroom[lid] -= remaining[line.id]
            session.add(OutboxMessage(kind=ACCEPT_LINE, order_id=line.order_id, line_ref=str(line.external_id),
                                      payload=json.dumps({"order_id": int(external_id), "sku": line.listing_sku,
                                                          "line_id": int(line.external_id)})))
            orders.add(line.order_id)
            result.queued += 1
        session.flush()
        result.changes = Changes.of(orders=orders)
    if result.queued:
        log.info("auto-accept: %d line(s) queued; %d not covered by stock", result.queued, len(result.not_covered))
    return result
