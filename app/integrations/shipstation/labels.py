"""Shipments back from ShipStation: a live label ships the local order exactly as the packing station
would (app.domain.fulfilment.ship_order: every unit committed, units Sold, Back Market told through
the outbox); a label for an order not fully packed flags it "label bought, not packed"; a voided
label is undone; a new label after a void replaces the tracking number.

Each remote record is applied in its own short transaction; nothing here touches the network.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database, lock_first
from app.domain import fulfilment, reference
from app.domain.changes import NOTHING, Changes
from app.domain.errors import DomainError
from app.integrations.shipstation.carriers import carrier_display_name
from app.integrations.shipstation.config import SKIP, ShipStationSettings
from app.integrations.shipstation.records import Fulfillment, Shipment
from app.models import Channel, Order, OrderStatus, OutboxMessage, ShipStationOrder
from app.models.base import utcnow

log = logging.getLogger(__name__)

NOT_PACKED = "label bought, not packed"


@dataclass
class LabelTally:
    shipped: int = 0
    waiting: int = 0
    voided: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = NOTHING


@dataclass(frozen=True)
class RemoteShipment:
    """A label (shipment) or a marked-as-shipped (fulfillment), as the rules here need it."""

    order_id: int | None
    order_key: str
    order_number: str
    tracking: str
    carrier: str  # display name
    cost: Decimal | None
    created: datetime | None
    voided: bool
    shipment_id: int | None  # labels only

    @classmethod
    def of_label(cls, s: Shipment) -> RemoteShipment:
        return cls(s.order_id, s.order_key, s.order_number, s.tracking_number, carrier_display_name(s.carrier_code),
                   s.cost, s.created, s.voided, s.shipment_id)

    @classmethod
    def of_fulfillment(cls, f: Fulfillment) -> RemoteShipment:
        return cls(f.order_id, "", f.order_number, f.tracking_number, carrier_display_name(f.carrier_code),
                   None, f.created, f.voided, None)


def _locked_order(session: Session, order_id: int) -> Order:
    """The order, locked the way the packing station locks it (its joined rows read after the lock)."""
    lock_first(session, select(Order.id).where(Order.id == order_id))
    return session.get(Order, order_id, populate_existing=True)


def note(order: Order, text: str) -> None:
    """Tell the packer on the order's note, once."""
    if text in (order.note or ""):
        return
    stamp = utcnow().strftime("%Y-%m-%d %H:%M")
    order.note = f"{order.note}\n{stamp} {text}".strip()


def find_link(session: Session, remote: RemoteShipment, cfg: ShipStationSettings) -> ShipStationOrder | None:
    """The local order a ShipStation record belongs to; None when it is not one of ours."""
    link = None
    if remote.order_id is not None:
        link = session.scalars(select(ShipStationOrder).where(ShipStationOrder.remote_id == remote.order_id)).first()
    if link is None and remote.order_key:
        link = session.scalars(select(ShipStationOrder).where(ShipStationOrder.order_key == remote.order_key)).first()
    if link is not None or cfg.backmarket_orders != SKIP or not remote.order_number:
        return link
    # Skip mode: ShipStation imported the Back Market order itself, under Back Market's order id.
    order_id = session.scalar(
        select(Order.id).join(Channel, Channel.id == Order.channel_id)
        .where(Channel.name == reference.BACK_MARKET, Order.external_id == remote.order_number))
    if order_id is None:
        return None
    link = session.get(ShipStationOrder, order_id)
    if link is None:
        key = remote.order_key or f"shipstation-{remote.order_id or remote.order_number}"
        link = ShipStationOrder(order_id=order_id, order_key=key[:80], remote_id=remote.order_id,
                                remote_status="awaiting_shipment", fingerprint="")
        session.add(link)
        session.flush()
    return link


def apply_remote(db: Database, remote: RemoteShipment, cfg: ShipStationSettings, tally: LabelTally) -> None:
    with db.sessions.begin() as session:
        link = find_link(session, remote, cfg)
        if link is None:
            return
        order = _locked_order(session, link.order_id)
        if remote.voided:
            _voided(session, link, order, remote, tally)
        elif remote.shipment_id is None and link.marked_shipped_at is not None:
            return  # our own markasshipped, read back from /fulfillments
        else:
            _live(session, link, order, remote, tally)


def _voided(session: Session, link: ShipStationOrder, order: Order, remote: RemoteShipment, tally: LabelTally) -> None:
    if remote.shipment_id is None or link.label_shipment_id != remote.shipment_id:
        return  # a label we never used, or a void already applied
    link.label_shipment_id = None
    link.waiting_for_packing = False
    link.remote_status = "awaiting_shipment"  # "the order will return to Awaiting Shipment"
    tally.voided += 1
    if order.shipped_at is not None and order.tracking_number == remote.tracking:
        text = (f"ShipStation label {remote.tracking} was voided after this order shipped here: check whether the "
                "parcel left; a new label's tracking will replace it.")
        note(order, text)
        tally.warnings.append(f"Order {order.number}: {text}")
    elif link.label_tracking == remote.tracking:
        link.label_tracking = link.label_carrier = None
        link.label_cost = None


def _live(session: Session, link: ShipStationOrder, order: Order, remote: RemoteShipment, tally: LabelTally) -> None:
    if not remote.tracking:
        text = "Marked as shipped in ShipStation without a tracking number: ship it here with its tracking number."
        link.problem = text
        note(order, text)
        tally.warnings.append(f"Order {order.number}: {text}")
        return
    same = link.label_tracking == remote.tracking and (remote.shipment_id is None
                                                       or link.label_shipment_id == remote.shipment_id)
    previous_label = link.label_tracking if link.marked_shipped_at is None else None
    link.label_shipment_id = remote.shipment_id
    link.label_tracking, link.label_carrier = remote.tracking, remote.carrier or None
    link.label_cost = remote.cost if remote.cost is not None else link.label_cost if same else None
    link.label_at = remote.created or utcnow()
    link.remote_status = "shipped"
    status = session.get(OrderStatus, order.status_id)
    if status.is_open:
        ship_from_label(session, link, order, tally)
    elif order.shipped_at is not None:
        if order.tracking_number != remote.tracking:
            _relabelled(session, link, order, previous_label, remote, tally)
    elif not same:
        text = (f"ShipStation has a live label ({remote.tracking}) for this {status.name.lower()} order: void it in "
                "ShipStation.")
        note(order, text)
        tally.warnings.append(f"Order {order.number}: {text}")


def ship_from_label(session: Session, link: ShipStationOrder, order: Order, tally: LabelTally) -> bool:
    """Ship through the packing station's own rules; not fully packed → flagged for the packer."""
    savepoint = session.begin_nested()
    try:
        changes = fulfilment.ship_order(session, order.number, link.label_tracking or "", link.label_carrier)
    except DomainError as exc:
        savepoint.rollback()
        if exc.reason != fulfilment.ORDER_INCOMPLETE:
            raise
        order = session.get(Order, link.order_id, populate_existing=True)
        if not link.waiting_for_packing:
            link.waiting_for_packing = True
            tally.waiting += 1
            text = (f"ShipStation label bought ({link.label_carrier or 'carrier'} {link.label_tracking}), but the "
                    "order is not packed: scan its units; it ships with that tracking once they are all scanned.")
            note(order, text)
            tally.warnings.append(f"Order {order.number}: {NOT_PACKED} — {exc}")
        return False
    savepoint.commit()
    link.waiting_for_packing = False
    link.problem = None
    tally.shipped += 1
    tally.changes |= changes
    return True


def _relabelled(session: Session, link: ShipStationOrder, order: Order, previous: str | None,
                remote: RemoteShipment, tally: LabelTally) -> None:
    if previous is None or previous != order.tracking_number:
        # Shipped at the packing station with its own tracking, then a label in ShipStation as well.
        text = (f"A ShipStation label ({remote.tracking}) was bought for this order after it shipped here with "
                f"{order.tracking_number}: void one of them.")
        note(order, text)
        tally.warnings.append(f"Order {order.number}: {text}")
        return
    old = order.tracking_number
    order.tracking_number, order.carrier = remote.tracking, remote.carrier or order.carrier
    pending = session.scalars(select(OutboxMessage).where(
        OutboxMessage.order_id == order.id, OutboxMessage.kind == "ship_order",
        OutboxMessage.done_at.is_(None), OutboxMessage.failed.is_(False))).first()
    if pending is not None:
        pending.payload = json.dumps({"tracking": order.tracking_number, "carrier": order.carrier})
        text = f"New ShipStation label {remote.tracking} replaces voided {old}."
    else:
        text = (f"New ShipStation label {remote.tracking} replaces voided {old}; the marketplace was already told "
                f"{old}: correct it there.")
        if order.channel.name == reference.BACK_MARKET:
            tally.warnings.append(f"Order {order.number}: {text}")
    note(order, text)
    tally.changes |= Changes.of(orders={order.id})


def ship_waiting(db: Database, tally: LabelTally) -> None:
    """Orders flagged "label bought, not packed": ship those the packer has finished since."""
    with db.reads() as session:
        ids = list(session.scalars(select(ShipStationOrder.order_id).where(
            ShipStationOrder.waiting_for_packing.is_(True)).order_by(ShipStationOrder.order_id)))
    for order_id in ids:
        with db.sessions.begin() as session:
            order = _locked_order(session, order_id)
            link = session.get(ShipStationOrder, order_id, with_for_update=True, populate_existing=True)
            if link is None or not link.waiting_for_packing:
                continue
            if not session.get(OrderStatus, order.status_id).is_open:
                link.waiting_for_packing = False  # shipped (or cancelled) at the packing station meanwhile
                continue
            if fulfilment.missing_units(session, order) == 0 and fulfilment.committed_count(session, order_id):
                was_waiting = tally.waiting
                link.waiting_for_packing = False
                if not ship_from_label(session, link, order, tally):
                    tally.waiting = was_waiting

