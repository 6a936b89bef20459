"""Local decisions mirrored into ShipStation: an order cancelled or refunded here (or on Back Market)
is cancelled there; an order shipped at the packing station is marked shipped there, without
notifying the sales channel (the app tells Back Market itself, through its outbox)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from app.db import Database
from app.integrations.shipstation.carriers import carrier_code_for
from app.integrations.shipstation.client import ShipStationApi
from app.integrations.shipstation.config import ShipStationSettings
from app.integrations.shipstation.errors import RequestRejected
from app.integrations.shipstation.outgoing import build_outgoing
from app.models import Order, OrderStatus, ShipStationOrder
from app.models.base import utcnow

log = logging.getLogger(__name__)

OPEN_REMOTE = ("awaiting_shipment", "on_hold", "awaiting_payment")


@dataclass
class MirrorTally:
    cancelled: int = 0
    marked_shipped: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _ToMirror:
    order_id: int
    number: str
    remote_id: int
    order_key: str
    shipped: bool
    tracking: str
    carrier: str | None
    shipped_at: object


def _pending(db: Database) -> list[_ToMirror]:
    """Orders ShipStation still has open that are no longer open here."""
    with db.reads() as session:
        rows = session.execute(
            select(ShipStationOrder.order_id, Order.number, ShipStationOrder.remote_id, ShipStationOrder.order_key,
                   Order.shipped_at, Order.tracking_number, Order.carrier)
            .join(Order, Order.id == ShipStationOrder.order_id).join(OrderStatus, OrderStatus.id == Order.status_id)
            .where(ShipStationOrder.remote_status.in_(OPEN_REMOTE), ShipStationOrder.remote_id.is_not(None),
                   ShipStationOrder.label_shipment_id.is_(None), OrderStatus.is_open.is_(False),
                   # the packer answered "no" to marking it shipped there (a cancellation still goes)
                   or_(ShipStationOrder.leave_open.is_(False), Order.shipped_at.is_(None)),
                   # shipped here from a ShipStation label since voided: a new label is expected there
                   or_(ShipStationOrder.label_tracking.is_(None), Order.tracking_number.is_(None),
                       ShipStationOrder.label_tracking != Order.tracking_number))
            .order_by(ShipStationOrder.order_id)).all()
    return [_ToMirror(r[0], r[1], r[2], r[3], r[4] is not None, r[5] or "", r[6], r[4]) for r in rows]


def mirror_local_changes(db: Database, client: ShipStationApi, cfg: ShipStationSettings, tick,
                         tally: MirrorTally) -> None:
    for item in _pending(db):
        tick(f"ShipStation: {'marking shipped' if item.shipped else 'cancelling'} {item.number}")
        if item.shipped:
            _mark_shipped(db, client, item, tally)
        else:
            _cancel(db, client, cfg, item, tally)


def _mark_shipped(db: Database, client: ShipStationApi, item: _ToMirror, tally: MirrorTally) -> None:
    try:
        client.mark_as_shipped(item.remote_id, carrier_code=carrier_code_for(item.carrier),
                               tracking_number=item.tracking, ship_date=item.shipped_at or utcnow())
    except RequestRejected as exc:
        # Not repeatable blindly: read the order back. Already shipped there (by us a moment ago, or
        # by someone in ShipStation) is the state we wanted.
        remote = client.find_order(item.order_key, item.number)
        if remote is None or remote.status != "shipped":
            _record(db, item.order_id, None, f"could not mark it shipped in ShipStation: {exc.detail}")
            tally.warnings.append(f"Order {item.number}: could not mark it shipped in ShipStation: {exc.detail}")
            return
    _record(db, item.order_id, "shipped", None, marked=True)
    tally.marked_shipped += 1


def _cancel(db: Database, client: ShipStationApi, cfg: ShipStationSettings, item: _ToMirror,
            tally: MirrorTally) -> None:
    with db.reads() as session:
        links = {item.order_id: session.get(ShipStationOrder, item.order_id)}
        built = build_outgoing(session, [item.order_id], cfg, links, status="cancelled")
    order = built[0].order if built else None
    if order is None:  # the address was removed since: ShipStation still needs the whole order
        tally.warnings.append(f"Order {item.number}: cancel it in ShipStation by hand (it has no address here now).")
        _record(db, item.order_id, None, "cancel it in ShipStation by hand")
        return
    result = client.push_orders([order])[0]
    if not result.success:
        remote = client.find_order(item.order_key, item.number)
        if remote is not None and remote.status in ("cancelled", "shipped"):
            _record(db, item.order_id, remote.status, None)
            if remote.status == "shipped":
                tally.warnings.append(f"Order {item.number} is cancelled here but already shipped in ShipStation.")
            return
        _record(db, item.order_id, None, f"could not cancel it in ShipStation: {result.error}")
        tally.warnings.append(f"Order {item.number}: could not cancel it in ShipStation: {result.error}")
        return
    _record(db, item.order_id, "cancelled", None)
    tally.cancelled += 1


def _record(db: Database, order_id: int, remote_status: str | None, problem: str | None, *,
            marked: bool = False) -> None:
    with db.sessions.begin() as session:
        link = session.get(ShipStationOrder, order_id, with_for_update=True)
        if link is None:
            return
        if remote_status is not None:
            link.remote_status = remote_status
        link.problem = problem
        if marked:
            link.marked_shipped_at = utcnow()
