"""Read models for the screens (the Shipping panel, the packing screen): plain frozen records, no SQL
in app/ui. Everything here is a read; nothing talks to ShipStation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import settings
from app.integrations.shipstation.labels import NOT_PACKED
from app.models import Order, ShipStationOrder


@dataclass(frozen=True)
class OrderShipping:
    """An order's ShipStation state for the packing screen."""

    state: str  # not_sent | waiting_for_label | label_bought | not_packed | shipped | left_open | cancelled | problem
    words: str  # the state in a packer's words
    tracking: str | None
    carrier: str | None
    cost: Decimal | None
    problem: str | None


@dataclass(frozen=True)
class ShippingHealth:
    last_run: dict
    waiting_for_label: int  # in ShipStation, no label yet
    not_packed: tuple[str, ...]  # order numbers with a label but units missing
    problems: tuple[tuple[str, str], ...]  # (order number, why it is not in ShipStation)


def order_shipping(session: Session, order_id: int) -> OrderShipping:
    link = session.get(ShipStationOrder, order_id)
    if link is None:
        return OrderShipping("not_sent", "Not in ShipStation", None, None, None, None)
    if link.waiting_for_packing:
        state, words = "not_packed", f"{NOT_PACKED.capitalize()}: scan the units, it ships with the label"
    elif link.problem and link.remote_id is None:
        state, words = "problem", link.problem
    elif link.remote_status == "cancelled":
        state, words = "cancelled", "Cancelled in ShipStation"
    elif link.label_tracking and link.remote_status == "shipped":
        state, words = "label_bought", "Label bought in ShipStation"
    elif link.remote_status == "shipped":
        state, words = "shipped", "Shipped in ShipStation"
    elif link.leave_open:
        state, words = "left_open", "Shipped here; left open in ShipStation (not marked shipped there)"
    else:
        state, words = "waiting_for_label", "In ShipStation, waiting for a label"
    return OrderShipping(state, words, link.label_tracking, link.label_carrier, link.label_cost, link.problem)


def is_waiting_in_shipstation(session: Session, order_id: int) -> bool:
    """True when shipping it at the packing station would leave ShipStation with an open order
    (the packing screen asks whether to mark it shipped there; the next sync does it)."""
    link = session.get(ShipStationOrder, order_id)
    return (link is not None and link.remote_id is not None and link.label_shipment_id is None
            and link.remote_status in ("awaiting_shipment", "on_hold"))


def for_packing(session: Session, order_id: int) -> tuple[OrderShipping | None, bool]:
    """The packing screen's line (None when ShipStation is off and never had the order) and whether
    shipping it here should ask "mark it shipped in ShipStation too?"."""
    if session.get(ShipStationOrder, order_id) is None and not settings.get(session, "shipstation.enabled"):
        return None, False
    return order_shipping(session, order_id), is_waiting_in_shipstation(session, order_id)


def health(session: Session, limit: int = 50) -> ShippingHealth:
    waiting = session.scalar(select(func.count()).select_from(ShipStationOrder).where(
        ShipStationOrder.remote_status == "awaiting_shipment", ShipStationOrder.label_shipment_id.is_(None),
        ShipStationOrder.leave_open.is_(False))) or 0
    not_packed = tuple(session.scalars(
        select(Order.number).join(ShipStationOrder, ShipStationOrder.order_id == Order.id)
        .where(ShipStationOrder.waiting_for_packing.is_(True)).order_by(Order.number).limit(limit)))
    problems = tuple((n, p) for n, p in session.execute(
        select(Order.number, ShipStationOrder.problem).join(ShipStationOrder, ShipStationOrder.order_id == Order.id)
        .where(ShipStationOrder.problem.is_not(None)).order_by(Order.number).limit(limit)))
    return ShippingHealth(settings.get(session, "shipstation.last_run"), waiting, not_packed, problems)
