"""Orders and their lines: direct orders, status changes under each status's flags, listings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import catalog, history, limits, reference, settings
from app.domain.changes import Changes
from app.domain.errors import InvalidInput, NotFound
from app.domain.station import Actor
from app.models import Commitment, Customer, Order, OrderLine, OrderStatus, Unit, Variation
from app.models.base import utcnow
from app.domain.permissions import Permission, require

DIRECT_PREFIX = "SO"
BACK_MARKET_PREFIX = "BM"


@dataclass(frozen=True)
class LineRequest:
    """What a line wants: a variation id, or a SKU any variation carrying it can fill."""

    quantity: int
    variation_id: int | None = None
    sku: str | None = None
    price: Decimal | None = None


def parse_line(text: str) -> LineRequest:
    """`variation=ID,qty=N` or `sku=SKU,qty=N` (optionally `price=P`)."""
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise InvalidInput(f"Order line “{text}”: write key=value pairs, e.g. sku=IP13-128-A,qty=2.")
        fields[key.strip().lower()] = value.strip()
    unknown = set(fields) - {"variation", "sku", "qty", "price"}
    if unknown:
        raise InvalidInput(f"Order line “{text}”: unknown field {', '.join(sorted(unknown))}.")
    if ("variation" in fields) == ("sku" in fields):
        raise InvalidInput(f"Order line “{text}”: give either variation=ID or sku=SKU.")
    try:
        qty = int(fields.get("qty", "1"))
        variation_id = int(fields["variation"]) if "variation" in fields else None
        price = Decimal(fields["price"]) if "price" in fields else None
    except (ValueError, ArithmeticError):
        raise InvalidInput(f"Order line “{text}”: qty and variation are whole numbers, price a decimal.") from None
    request = LineRequest(qty, variation_id, fields.get("sku") or None, price)
    check_line(request)
    return request


def check_line(line: LineRequest) -> None:
    """A direct order's line within what the columns hold: quantity 1..10,000, a price, a SKU's length."""
    limits.check_line_quantity(line.quantity)
    limits.check_amount("price", line.price)
    limits.check_length("SKU", (line.sku or "").strip() or None, OrderLine.sku)


def get_order(session: Session, number_or_id: str | int, *, lock: bool = False) -> Order:
    if isinstance(number_or_id, int):
        match = Order.id == number_or_id
    else:
        # Numbers are generated upper-case: compare with the stored form so the unique index is
        # used (upper(number) scanned every order: 57 ms per scan at 215k orders).
        match = Order.number == number_or_id.strip().upper()
    stmt = select(Order).where(match)
    if lock:
        lock_first(session, select(Order.id).where(match))
        stmt = stmt.execution_options(populate_existing=True)
    order = session.scalars(stmt).first()
    if order is None:
        raise NotFound(f"There is no order {number_or_id}.", reason="unknown_order")
    return order


def status_named(session: Session, setting_key: str) -> OrderStatus:
    return reference.order_status(session, settings.get(session, setting_key))


def new_order(
    session: Session,
    *,
    customer: str,
    channel: str,
    status: OrderStatus,
    prefix: str,
    external_id: str | None = None,
    shipping_address: str = "",
    created_at: datetime | None = None,
) -> Order:
    order = Order(
        number=f"TMP{uuid.uuid4().hex[:24]}",  # replaced below, once the id is known
        customer_id=reference.customer(session, customer).id,
        channel_id=reference.channel(session, channel).id,
        status_id=status.id,
        external_id=external_id,
        shipping_address=shipping_address,
        created_at=created_at or utcnow(),
    )
    session.add(order)
    session.flush()
    # Numbers follow the id so they are short, unique and never all digits.
    order.number = f"{prefix}{external_id}" if prefix == BACK_MARKET_PREFIX and external_id else f"{prefix}{100000 + order.id}"
    session.flush()
    return order


def create_direct_order(session: Session, customer: str, lines: list[LineRequest], *, actor: Actor | None = None) -> tuple[Order, Changes]:
    require(session, Permission.DIRECT_ORDERS)
    if not lines:
        raise InvalidInput("An order needs at least one line.")
    limits.check_length("customer name", " ".join((customer or "").split()), Customer.name)
    for line in lines:
        check_line(line)
        if line.variation_id is not None:
            catalog.get_variation(session, line.variation_id)
    order = new_order(
        session, customer=customer, channel=reference.DIRECT, status=status_named(session, "orders.new_status"), prefix=DIRECT_PREFIX
    )
    for line in lines:
        session.add(
            OrderLine(
                order_id=order.id,
                variation_id=line.variation_id,
                sku=line.sku,
                sku_norm=catalog.normalize_sku(line.sku),
                quantity=line.quantity,
                price=line.price,
            )
        )
    session.flush()
    return order, Changes.of(orders={order.id}, variations=affected_variations(session, order.id), message=f"Order {order.number}")


def affected_variations(session: Session, order_id: int) -> set[int]:
    """Variations whose stock an order's lines can draw on (directly or through their SKU)."""
    lines = session.execute(select(OrderLine.variation_id, OrderLine.sku_norm).where(OrderLine.order_id == order_id)).all()
    ids = {v for v, _ in lines if v is not None}
    skus = {s for _, s in lines if s}
    if skus:
        ids |= set(session.scalars(select(Variation.id).where(Variation.sku_norm.in_(skus))))
    committed = session.scalars(
        select(Unit.variation_id).join(Commitment, Commitment.unit_id == Unit.id).where(Commitment.order_id == order_id)
    )
    return ids | set(committed)


def release_commitments(session: Session, order_id: int, *, line_ids=None, reason: str, actor: Actor | None = None) -> set[int]:
    """Free the units committed to an order (or some of its lines); returns their ids."""
    stmt = select(Commitment).where(Commitment.order_id == order_id, Commitment.active.is_(True))
    if line_ids is not None:
        stmt = stmt.where(Commitment.line_id.in_(list(line_ids)))
    freed = set()
    now = utcnow()
    for c in session.scalars(stmt.with_for_update(of=Commitment)):
        c.active = False
        c.released_at = now
        freed.add(c.unit_id)
        history.record(session, c.unit_id, history.RELEASED, reason, order_id=order_id, actor=actor)
    session.flush()
    return freed


def change_order_status(session: Session, number: str | int, status_name: str) -> Changes:
    """An operator moves an order to another status (the sync moves Back Market orders itself, through
    set_order_status, whoever is signed in)."""
    require(session, Permission.ORDER_STATUSES)
    return set_order_status(session, number, status_name)


def set_order_status(session: Session, number: str | int, status_name: str, *, actor: Actor | None = None) -> Changes:
    """Move an order to another status. Leaving the open statuses releases its scanned units;
    shipping goes through fulfilment.ship so the units are marked sold."""
    order = get_order(session, number, lock=True)
    new = reference.order_status(session, status_name)
    if new.id == order.status_id:
        return Changes()
    if new.name == settings.get(session, "orders.shipped_status"):
        raise InvalidInput(f"Use ship to move {order.number} to {new.name}: it needs a tracking number.")
    variations = affected_variations(session, order.id)
    freed: set[int] = set()
    if not new.is_open:
        freed = release_commitments(session, order.id, reason=f"order {order.number} → {new.name}", actor=actor)
    order.status_id = new.id
    session.flush()
    return Changes.of(orders={order.id}, variations=variations, units=freed, message=f"{order.number} → {new.name}")


def line_scanned_counts(session: Session, order_id: int) -> dict[int, int]:
    rows = session.execute(
        select(Commitment.line_id, func.count(Commitment.id))
        .where(Commitment.order_id == order_id, (Commitment.active.is_(True)) | (Commitment.shipped_at.is_not(None)))
        .group_by(Commitment.line_id)
    ).all()
    return {line_id: n for line_id, n in rows}


def close_lines(session: Session, order: Order, line_ids: set[int], *, reason: str, actor: Actor | None = None) -> set[int]:
    """Marketplace cancelled or refunded these lines: they reserve nothing and free their units."""
    session.execute(update(OrderLine).where(OrderLine.id.in_(line_ids)).values(closed=True))
    return release_commitments(session, order.id, line_ids=line_ids, reason=reason, actor=actor)
