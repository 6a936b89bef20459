"""Read-side view of orders for listings and `refurbdesk orders --json`.

`iter_order_rows` reads a page of orders at a time (keyset on the order id, plain rows), so the
JSON of 215,000 orders streams out in constant memory instead of being built whole first.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.catalog import variation_label
from app.models import Channel, Commitment, Customer, Order, OrderLine, OrderStatus, Unit, Variation
from app.models.base import iso_z

PAGE = 500


def _order_columns():
    return select(Order.id, Order.number, Channel.name, Customer.name, OrderStatus.name, Order.external_id,
                  Order.created_at, Order.shipped_at, Order.tracking_number, Order.carrier) \
        .join(Channel, Channel.id == Order.channel_id) \
        .join(Customer, Customer.id == Order.customer_id) \
        .join(OrderStatus, OrderStatus.id == Order.status_id)


def _rows(session: Session, orders: list) -> list[dict]:
    ids = [o[0] for o in orders]
    lines: dict[int, list] = {}
    committed: dict[int, list[str]] = {}
    for line in session.execute(
        select(OrderLine.order_id, OrderLine.id, OrderLine.variation_id, OrderLine.sku, OrderLine.listing_sku,
               OrderLine.quantity, OrderLine.unmapped, OrderLine.closed)
        .where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)
    ):
        lines.setdefault(line[0], []).append(line)
    for line_id, imei, serial in session.execute(
        select(Commitment.line_id, Unit.imei, Unit.serial)
        .join(Unit, Unit.id == Commitment.unit_id)
        .where(Commitment.order_id.in_(ids), (Commitment.active.is_(True)) | (Commitment.shipped_at.is_not(None)))
        .order_by(Commitment.id)
    ):
        committed.setdefault(line_id, []).append(imei or serial)
    vids = {l.variation_id for ls in lines.values() for l in ls if l.variation_id}
    labels = {v.id: variation_label(v) for v in session.scalars(select(Variation).where(Variation.id.in_(vids)))} \
        if vids else {}
    result = []
    for oid, number, channel, customer, status, external_id, created_at, shipped_at, tracking, carrier in orders:
        result.append({
            "number": number,
            "channel": channel,
            "customer": customer,
            "status": status,
            "external_id": external_id,
            "created_at": iso_z(created_at),
            "shipped_at": iso_z(shipped_at),
            "tracking_number": tracking,
            "carrier": carrier,
            "lines": [
                {
                    "id": line.id,
                    "variation": line.variation_id,
                    "sku": line.sku,
                    "wants": (labels[line.variation_id] if line.variation_id
                              else f"SKU {line.sku}" if line.sku else f"unmapped listing {line.listing_sku}"),
                    "quantity": line.quantity,
                    "unmapped": line.unmapped,
                    "closed": line.closed,
                    "committed": committed.get(line.id, []),
                }
                for line in lines.get(oid, [])
            ],
        })
    return result


def iter_order_rows(session: Session, *, open_only: bool = False, page: int = PAGE) -> Iterator[dict]:
    """Every order (or every open one) in id order, read `page` orders at a time."""
    after = 0
    while True:
        stmt = _order_columns().where(Order.id > after).order_by(Order.id).limit(page)
        if open_only:
            stmt = stmt.where(OrderStatus.is_open.is_(True))
        orders = session.execute(stmt).all()
        if not orders:
            return
        yield from _rows(session, orders)
        session.expunge_all()  # the page's variations: memory stays flat over 215,000 orders
        after = orders[-1][0]


def orders_rows(session: Session, *, open_only: bool = False, order_ids: Iterable[int] | None = None) -> list[dict]:
    if order_ids is None:
        return list(iter_order_rows(session, open_only=open_only))
    ids = sorted(set(order_ids))
    result: list[dict] = []
    for start in range(0, len(ids), PAGE):
        stmt = _order_columns().where(Order.id.in_(ids[start : start + PAGE])).order_by(Order.id)
        if open_only:
            stmt = stmt.where(OrderStatus.is_open.is_(True))
        result.extend(_rows(session, session.execute(stmt).all()))
    return result
