"""The Orders screen's reads and its one extra action: the newest orders (filtered in SQL), one
order's detail with its ship-to address, and cancelling a direct order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain import addresses, orders, reference, settings
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.orders_view import orders_rows
from app.domain.permissions import Permission, require
from app.models import Channel, Commitment, Customer, Order, OrderLine, OrderStatus

SHOWN = 500  # the newest orders matching the filter; older ones are found by typing their number


@dataclass(frozen=True)
class OrderSummary:
    id: int
    number: str
    channel: str
    customer: str
    status: str
    is_open: bool
    created_at: datetime
    units: int  # units the open lines want
    scanned: int  # units committed or shipped


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def recent_orders(session: Session, text: str = "", *, open_only: bool = False, limit: int = SHOWN) -> list[OrderSummary]:
    """Newest first; every word of `text` must be in the order number or the customer's name."""
    stmt = (select(Order.id, Order.number, Channel.name, Customer.name, OrderStatus.name, OrderStatus.is_open,
                   Order.created_at)
            .join(Channel, Channel.id == Order.channel_id).join(Customer, Customer.id == Order.customer_id)
            .join(OrderStatus, OrderStatus.id == Order.status_id))
    for word in text.split():
        stmt = stmt.where(or_(Order.number.like(_like(word.upper()), escape="\\"),
                              func.lower(Customer.name).like(_like(word.lower()), escape="\\")))
    if open_only:
        stmt = stmt.where(OrderStatus.is_open.is_(True))
    rows = session.execute(stmt.order_by(Order.id.desc()).limit(limit)).all()
    ids = [r[0] for r in rows]
    wanted = dict(session.execute(
        select(OrderLine.order_id, func.sum(OrderLine.quantity))
        .where(OrderLine.order_id.in_(ids), OrderLine.closed.is_(False)).group_by(OrderLine.order_id)).all()) if ids else {}
    scanned = dict(session.execute(
        select(Commitment.order_id, func.count(Commitment.id))
        .where(Commitment.order_id.in_(ids), Commitment.active.is_(True) | Commitment.shipped_at.is_not(None))
        .group_by(Commitment.order_id)).all()) if ids else {}
    return [OrderSummary(oid, number, channel, customer, status, bool(is_open), created, int(wanted.get(oid) or 0),
                         int(scanned.get(oid) or 0))
            for oid, number, channel, customer, status, is_open, created in rows]


def order_detail(session: Session, number: str) -> dict:
    """orders_rows' record of one order, plus its ship-to address (or None)."""
    order = orders.get_order(session, number)
    detail = orders_rows(session, order_ids=[order.id])[0]
    address = addresses.get_address(session, order.id)
    detail["ship_to"] = address.as_dict() if address else None
    detail["is_open"] = order.status.is_open
    return detail


def status_names(session: Session) -> list[str]:
    """The order statuses an operator may choose (the shipped one is reached by shipping)."""
    shipped = settings.get(session, "orders.shipped_status").strip().lower()
    return [name for name in reference.names(session, OrderStatus) if name.strip().lower() != shipped]


def cancel_order(session: Session, number: str) -> Changes:
    """Cancel a direct order: it moves to the cancelled status and frees every unit scanned onto it."""
    require(session, Permission.ORDER_STATUSES)
    order = orders.get_order(session, number, lock=True)
    cancelled = settings.get(session, "orders.cancelled_status")
    if order.channel.name != reference.DIRECT:
        raise Conflict(f"{order.number} is a {order.channel.name} order: cancel it there; the sync follows.",
                       reason="not_direct")
    if order.shipped_at is not None:
        raise Conflict(f"{order.number} was shipped on {order.shipped_at:%Y-%m-%d}: it cannot be cancelled — take "
                       "its units back at the returns desk.", reason="shipped")
    if order.status.name.strip().lower() == cancelled.strip().lower():
        raise Conflict(f"{order.number} is already {order.status.name}.", reason="already_cancelled")
    return orders.change_order_status(session, order.number, cancelled)


def form_line(what: str, value: str, quantity: str) -> orders.LineRequest:
    """One line of the order form: a SKU or a variation id, and a quantity, checked like the CLI's."""
    value = value.strip()
    if not value:
        raise InvalidInput("Each order line needs a SKU or a variation id (or remove the empty line).")
    try:
        qty = int(quantity.strip() or "1")
    except ValueError:
        raise InvalidInput(f"The quantity “{quantity}” is not a whole number.") from None
    if what == "variation":
        if not value.isdigit():
            raise InvalidInput(f"A variation id is a whole number (the catalog's tooltip shows it), not “{value}”.")
        request = orders.LineRequest(qty, variation_id=int(value))
    else:
        request = orders.LineRequest(qty, sku=value)
    orders.check_line(request)
    return request


def create_order(session: Session, customer: str, lines: list[orders.LineRequest],
                 ship_to: dict[str, str] | None) -> tuple[str, Changes]:
    """A direct order from the form, with its address (if any field was filled), in one transaction."""
    if not " ".join((customer or "").split()):
        raise InvalidInput("Who is the customer? Type their name.")
    address = addresses.make_address(ship_to) if ship_to and any(v.strip() for v in ship_to.values()) else None
    order, changes = orders.create_direct_order(session, customer, lines)
    if address is not None:
        addresses.set_address(session, order.id, address)
    return order.number, changes


def known_skus(session: Session, limit: int = 20000) -> list[str]:
    """The catalog's SKUs, for the order form's completion."""
    from app.models import Variation

    return list(session.scalars(select(Variation.sku).where(Variation.sku.is_not(None)).distinct()
                                .order_by(Variation.sku).limit(limit)))
