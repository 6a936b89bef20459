"""Read side of the packing station: the open-orders list and one order as the packer sees it.

Frozen rows only, so they can cross from a worker thread to the screen. The list is one grouped
query (wanted and scanned per order), never one query per order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain import orders
from app.domain.catalog import variation_label
from app.domain.dates import day
from app.labels.data import PackingSlipData, SlipLine
from app.models import Channel, Commitment, Customer, Order, OrderLine, OrderStatus, Unit, Variation

# Back Market orderline states that mean the buyer will never get the line.
CANCELLED_LINE_STATES = frozenset({4, 7})
REFUNDED_LINE_STATES = frozenset({5, 6})


@dataclass(frozen=True)
class OrderRow:
    """One line of the open-orders list."""

    order_id: int
    number: str
    channel: str
    customer: str
    status: str
    wanted: int
    scanned: int
    created_at: datetime | None

    @property
    def complete(self) -> bool:
        return self.wanted > 0 and self.scanned >= self.wanted


@dataclass(frozen=True)
class PackingLine:
    line_id: int
    wants: str
    quantity: int
    scanned: int
    codes: tuple[str, ...]
    unmapped: bool
    closed: bool
    closed_why: str  # "cancelled" / "refunded" / "closed" for a closed line, "" otherwise

    @property
    def missing(self) -> int:
        return 0 if self.closed else max(0, self.quantity - self.scanned)


@dataclass(frozen=True)
class OrderDetail:
    """The order open on the packing screen."""

    order_id: int
    number: str
    customer: str
    channel: str
    status: str
    is_open: bool
    allows_commit: bool
    shipping_address: str
    note: str
    tracking_number: str | None
    carrier: str | None
    created_at: datetime | None
    lines: tuple[PackingLine, ...]
    last_code: str | None  # the most recent active commitment: what "Undo last scan" removes

    @property
    def wanted(self) -> int:
        return sum(line.quantity for line in self.lines if not line.closed)

    @property
    def scanned(self) -> int:
        return sum(min(line.scanned, line.quantity) for line in self.lines if not line.closed)

    @property
    def missing(self) -> int:
        return sum(line.missing for line in self.lines)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for line in self.lines for code in line.codes)


def _counted():
    """Commitments that count as scanned: still on the order, or shipped with it."""
    return or_(Commitment.active.is_(True), Commitment.shipped_at.is_not(None))


def open_order_rows(session: Session, order_ids: set[int] | None = None) -> list[OrderRow]:
    """Every order in an open status (or only those of `order_ids` still open), oldest first, with its
    wanted and scanned units. After a scan the list asks for the one order: reading all 2,000 open
    orders' lines and commitments again cost every scan a query and a re-sort."""
    only = sorted(order_ids) if order_ids is not None else None
    wanted = (
        select(OrderLine.order_id.label("oid"), func.sum(OrderLine.quantity).label("n"))
        .where(OrderLine.closed.is_(False))
        .group_by(OrderLine.order_id)
    )
    scanned = (
        select(Commitment.order_id.label("oid"), func.count(Commitment.id).label("n"))
        .join(OrderLine, OrderLine.id == Commitment.line_id)
        .where(_counted(), OrderLine.closed.is_(False))
        .group_by(Commitment.order_id)
    )
    if only is not None:
        wanted = wanted.where(OrderLine.order_id.in_(only))
        scanned = scanned.where(Commitment.order_id.in_(only))
    wanted, scanned = wanted.subquery(), scanned.subquery()
    stmt = (
        select(Order.id, Order.number, Channel.name, Customer.name, OrderStatus.name,
               func.coalesce(wanted.c.n, 0), func.coalesce(scanned.c.n, 0), Order.created_at)
        .join(Channel, Channel.id == Order.channel_id)
        .join(Customer, Customer.id == Order.customer_id)
        .join(OrderStatus, OrderStatus.id == Order.status_id)
        .outerjoin(wanted, wanted.c.oid == Order.id)
        .outerjoin(scanned, scanned.c.oid == Order.id)
        .where(OrderStatus.is_open.is_(True))
        .order_by(Order.created_at, Order.id)
    )
    if only is not None:
        stmt = stmt.where(Order.id.in_(only))
    return [OrderRow(*row) for row in session.execute(stmt)]


def filter_choices(session: Session) -> tuple[list[str], list[str]]:
    """(channel names, open order-status names) for the list's filter combos."""
    channels = list(session.scalars(select(Channel.name).order_by(Channel.id)))
    statuses = list(session.scalars(
        select(OrderStatus.name).where(OrderStatus.is_open.is_(True)).order_by(OrderStatus.position, OrderStatus.id)))
    return channels, statuses


def _closed_why(line: OrderLine) -> str:
    if not line.closed:
        return ""
    if line.remote_state in CANCELLED_LINE_STATES:
        return "cancelled"
    if line.remote_state in REFUNDED_LINE_STATES:
        return "refunded"
    return "closed"


def _wants(line: OrderLine, variations: dict[int, Variation], by_sku: dict[str, Variation]) -> str:
    if line.variation_id is not None and line.variation_id in variations:
        return variation_label(variations[line.variation_id])
    if line.sku:
        # The packer looks for a phone, not a code: name what carries the SKU, then the SKU.
        carrier = by_sku.get(line.sku_norm or "")
        what = variation_label(carrier) if carrier is not None else line.title
        return f"{what} (SKU {line.sku})" if what else f"SKU {line.sku}"
    return line.title or f"listing {line.listing_sku or '?'}"


def order_detail(session: Session, number: str) -> OrderDetail:
    """The order with its lines and the IMEIs/serials on each; raises NotFound for an unknown number."""
    order = orders.get_order(session, number)
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)))
    vids = {line.variation_id for line in lines if line.variation_id}
    variations = {v.id: v for v in session.scalars(select(Variation).where(Variation.id.in_(vids)))} if vids else {}
    skus = sorted({line.sku_norm for line in lines if line.sku_norm and line.variation_id is None})
    by_sku: dict[str, Variation] = {}
    if skus:
        for v in session.scalars(select(Variation).where(Variation.sku_norm.in_(skus)).order_by(Variation.id)):
            by_sku.setdefault(v.sku_norm or "", v)
    codes: dict[int, list[str]] = {}
    last: tuple[datetime, int, str] | None = None
    rows = session.execute(
        select(Commitment.line_id, Commitment.id, Commitment.committed_at, Commitment.active,
               func.coalesce(Unit.imei, Unit.serial))
        .join(Unit, Unit.id == Commitment.unit_id)
        .where(Commitment.order_id == order.id, _counted())
        .order_by(Commitment.id)
    )
    for line_id, cid, at, active, code in rows:
        codes.setdefault(line_id, []).append(code)
        if active and (last is None or (at, cid) > last[:2]):
            last = (at, cid, code)
    return OrderDetail(
        order_id=order.id,
        number=order.number,
        customer=order.customer.name,
        channel=order.channel.name,
        status=order.status.name,
        is_open=order.status.is_open,
        allows_commit=order.status.allows_commit,
        shipping_address=order.shipping_address or "",
        note=order.note or "",
        tracking_number=order.tracking_number,
        carrier=order.carrier,
        created_at=order.created_at,
        lines=tuple(
            PackingLine(
                line.id, _wants(line, variations, by_sku), line.quantity, len(codes.get(line.id, ())),
                tuple(codes.get(line.id, ())), line.unmapped, line.closed, _closed_why(line),
            )
            for line in lines
        ),
        last_code=last[2] if last else None,
    )


def order_id_for(session: Session, number: str) -> int | None:
    return session.scalar(select(Order.id).where(Order.number == number.strip().upper()))


def slip_data(detail: OrderDetail) -> PackingSlipData:
    """What the packing slip prints for this order (closed lines left off)."""
    created = day(detail.created_at)
    address = tuple(part.strip() for part in detail.shipping_address.splitlines() if part.strip())
    return PackingSlipData(
        order_number=detail.number,
        customer=detail.customer,
        channel=detail.channel,
        created=created,
        lines=tuple(SlipLine(line.wants, line.quantity, line.codes) for line in detail.lines if not line.closed),
        shipping_address=address,
    )


def released_since(before: OrderDetail, after: OrderDetail) -> tuple[list[PackingLine], list[str]]:
    """Lines closed (cancelled/refunded) between two looks at an order, and the codes they released.

    The packing screen tells the packer, so a released phone goes back on the shelf, not in the box.
    """
    was_closed = {line.line_id for line in before.lines if line.closed}
    now_closed = [line for line in after.lines if line.closed and line.line_id not in was_closed]
    old_codes = {line.line_id: line.codes for line in before.lines}
    released: list[str] = []
    for line in now_closed:
        released.extend(code for code in old_codes.get(line.line_id, ()) if code not in line.codes)
    if before.is_open and not after.is_open and after.status != before.status:
        still = after.codes
        released.extend(code for code in sorted(before.codes - still) if code not in released)
    return now_closed, released


__all__ = [
    "OrderRow", "PackingLine", "OrderDetail", "open_order_rows", "filter_choices", "order_detail",
    "order_id_for", "slip_data", "released_since",
]
