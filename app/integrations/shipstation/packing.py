"""The packing station and ShipStation: shipping an order ShipStation still has waiting for a label.

The packer is asked whether to mark it shipped in ShipStation too. "Yes" (the default) leaves it to
the next sync, which marks it shipped there (`markasshipped`, the sales channel not notified); "no"
records `leave_open` on the order's ShipStation link in the same transaction as the shipment, and the
mirroring step leaves it alone (the seller will deal with it in ShipStation).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import fulfilment
from app.domain.changes import Changes
from app.models import ShipStationOrder


def ship_at_packing(session: Session, order_number: str, tracking: str, carrier: str | None = None, *,
                    allow_incomplete: bool = False, mark_in_shipstation: bool | None = None) -> Changes:
    """fulfilment.ship_order, plus the packer's answer (None: not asked, nothing recorded)."""
    changes = fulfilment.ship_order(session, order_number, tracking, carrier, allow_incomplete=allow_incomplete)
    if mark_in_shipstation is not None:
        (order_id,) = changes.order_ids  # the one order just shipped
        leave_open(session, order_id, not mark_in_shipstation)
    return changes


def leave_open(session: Session, order_id: int | None, value: bool = True) -> bool:
    """Record whether the next sync should leave this order open in ShipStation; False when ShipStation
    does not know the order (nothing to record)."""
    link = session.get(ShipStationOrder, order_id, with_for_update=True) if order_id is not None else None
    if link is None:
        return False
    if link.leave_open != value:
        link.leave_open = value
    return True
