"""Read-side view of orders for listings and `refurbdesk orders --json`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.base import iso_z
from app.models import Commitment, Order, OrderLine, OrderStatus, Unit, Variation
from app.domain.catalog import variation_label


def orders_rows(session: Session, *, open_only: bool = False, order_ids=None) -> list[dict]:
    stmt = select(Order).order_by(Order.id)
    if open_only:
        stmt = stmt.join(OrderStatus, OrderStatus.id == Order.status_id).where(OrderStatus.is_open.is_(True))
    if order_ids is not None:
        stmt = stmt.where(Order.id.in_(list(order_ids)))
    orders = list(session.scalars(stmt))
    ids = [o.id for o in orders]
    lines: dict[int, list[OrderLine]] = {}
    committed: dict[int, list[str]] = {}
    variations: dict[int, Variation] = {}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for line in session.scalars(select(OrderLine).where(OrderLine.order_id.in_(chunk)).order_by(OrderLine.id)):
            lines.setdefault(line.order_id, []).append(line)
        for line_id, imei, serial in session.execute(
            select(Commitment.line_id, Unit.imei, Unit.serial)
            .join(Unit, Unit.id == Commitment.unit_id)
            .where(Commitment.order_id.in_(chunk), (Commitment.active.is_(True)) | (Commitment.shipped_at.is_not(None)))
            .order_by(Commitment.id)
        ):
            committed.setdefault(line_id, []).append(imei or serial)
    vids = {l.variation_id for ls in lines.values() for l in ls if l.variation_id}
    if vids:
        variations = {v.id: v for v in session.scalars(select(Variation).where(Variation.id.in_(vids)))}
    result = []
    for o in orders:
        result.append({
            "number": o.number,
            "channel": o.channel.name,
            "customer": o.customer.name,
            "status": o.status.name,
            "external_id": o.external_id,
            "created_at": iso_z(o.created_at),
            "shipped_at": iso_z(o.shipped_at),
            "tracking_number": o.tracking_number,
            "carrier": o.carrier,
            "lines": [
                {
                    "id": line.id,
                    "variation": line.variation_id,
                    "sku": line.sku,
                    "wants": (variation_label(variations[line.variation_id]) if line.variation_id
                              else f"SKU {line.sku}" if line.sku else f"unmapped listing {line.listing_sku}"),
                    "quantity": line.quantity,
                    "unmapped": line.unmapped,
                    "closed": line.closed,
                    "committed": committed.get(line.id, []),
                }
                for line in lines.get(o.id, [])
            ],
        })
    return result
