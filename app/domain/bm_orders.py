"""A Back Market order, as the API returns it, turned into a local order — idempotently.

Pure domain rules, no network: the sync fetches, this decides. Lines (not the order's own state,
which may not move) decide cancellations and refunds; a cancelled or refunded line releases the
units committed to it and the packer is told on the order's note.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import addresses, orders, reference, settings
from app.domain.changes import Changes
from app.domain.errors import NotFound
from app.models import Commitment, Listing, Order, OrderLine, OrderStatus, Unit, Variation
from app.models.base import utcnow

log = logging.getLogger(__name__)

CANCELLED_LINE_STATES = {4, 7}
REFUNDED_LINE_STATES = {5, 6}
CLOSED_LINE_STATES = CANCELLED_LINE_STATES | REFUNDED_LINE_STATES
SHIPPED_ORDER_STATE = 9
MAX_LINE_QUANTITY = 10_000  # Back Market line quantities are 1..10,000; anything else is not an order we can read
MAX_SKU_LENGTH = 120  # OrderLine.listing_sku / Listing.sku
MAX_ID_LENGTH = 60  # Order.external_id / OrderLine.external_id
MAX_PRICE = 10**9
MAX_NAME_LENGTH = 200  # Customer.name
_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_time(value: Any) -> datetime | None:
    """RFC 3339 in every precision Back Market mixes, with or without a zone (taken as UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    day, clock, fraction, zone = match.groups()
    micro = (fraction or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if zone in (None, "Z") else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}").astimezone(timezone.utc)
    except ValueError:
        return None


class UnreadableRecord(ValueError):
    """A Back Market record that does not parse; `reason` says what is wrong in a manager's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def whole_number(value: Any, low: int, high: int) -> int | None:
    """An int (or a string of digits) within low..high; None for anything else (bools, floats, words)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and low <= value <= high else None


def _remote_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value).strip()
    return text if text and len(text) <= MAX_ID_LENGTH else None


def check_order(remote: Any) -> None:
    """Raise UnreadableRecord unless every part we rely on has the shape Back Market documents."""
    if not isinstance(remote, dict):
        raise UnreadableRecord(f"the order is not a record ({type(remote).__name__})")
    if _remote_id(remote.get("order_id")) is None:
        raise UnreadableRecord("the order has no order id" if remote.get("order_id") in (None, "")
                               else f"the order id {remote.get('order_id')!r} is not an id")
    lines = remote.get("orderlines")
    if lines is None:
        lines = []
    if not isinstance(lines, list):
        raise UnreadableRecord("its order lines are not a list")
    for number, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            raise UnreadableRecord(f"line {number} is not a record")
        if _remote_id(line.get("id")) is None:
            raise UnreadableRecord(f"line {number} has no id")
        sku = line.get("listing")
        if not isinstance(sku, str) or not sku.strip():
            raise UnreadableRecord(f"line {number} has no listing")
        if len(sku.strip()) > MAX_SKU_LENGTH:
            raise UnreadableRecord(f"line {number}'s listing SKU is longer than {MAX_SKU_LENGTH} characters")
        quantity = line.get("quantity")
        if whole_number(quantity, 1, MAX_LINE_QUANTITY) is None:
            shown = repr(quantity) if isinstance(quantity, str) else str(quantity)
            raise UnreadableRecord(f"line {number} has quantity {shown} (Back Market quantities are 1 to "
                                   f"{MAX_LINE_QUANTITY:,})")
        price = line.get("price")
        amount = None if isinstance(price, bool) else _decimal(price)
        if price not in (None, "") and (amount is None or not amount.is_finite() or abs(amount) >= MAX_PRICE):
            raise UnreadableRecord(f"line {number} has price {price!r}")
        if line.get("state") is not None and whole_number(line.get("state"), 0, 99) is None:
            raise UnreadableRecord(f"line {number} has state {line.get('state')!r}")
    for name in ("shipping_address", "billing_address"):
        if remote.get(name) is not None and not isinstance(remote.get(name), dict):
            raise UnreadableRecord(f"its {name.replace('_', ' ')} is not a record")
    if len(customer_name(remote, "shipping")) > MAX_NAME_LENGTH:
        raise UnreadableRecord(f"the customer's name is longer than {MAX_NAME_LENGTH} characters")
    for name, limit in (("tracking_number", 200), ("shipper", 100)):
        if len(str(remote.get(name) or "")) > limit:
            raise UnreadableRecord(f"its {name.replace('_', ' ')} is longer than {limit} characters")


def add_note(order: Order, text: str) -> None:
    """A dated line on the order's note, for the packer and the manager."""
    _note(order, text)


@dataclass(frozen=True)
class OrderSettings:
    mode: str
    customer_name: str
    state_map: dict[str, str]
    shipped_status: str
    new_status: str

    @classmethod
    def load(cls, session: Session) -> OrderSettings:
        v = settings.get_many(session, ["backmarket.mapping", "backmarket.customer_name", "backmarket.order_states",
                                        "orders.shipped_status", "orders.new_status"])
        return cls(v["backmarket.mapping"], v["backmarket.customer_name"], {str(k): s for k, s in v["backmarket.order_states"].items()},
                   v["orders.shipped_status"], v["orders.new_status"])


@dataclass
class UpsertOutcome:
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def customer_name(remote: dict[str, Any], naming: str) -> str:
    if naming == "channel":
        return reference.BACK_MARKET
    addr = remote.get("shipping_address") or {}
    name = " ".join(p for p in (str(addr.get("first_name") or "").strip(), str(addr.get("last_name") or "").strip()) if p)
    return name or str(addr.get("company") or "").strip() or "Back Market customer"


def address_text(addr: dict[str, Any] | None) -> str:
    addr = addr or {}
    get = lambda key: str(addr.get(key) or "").strip()  # noqa: E731 - "" and null both mean absent
    town = " ".join(p for p in (get("postal_code"), get("city")) if p)
    if get("state"):
        town = f"{town}, {get('state')}" if town else get("state")
    name = " ".join(p for p in (get("first_name"), get("last_name")) if p)
    lines = [name, get("company"), get("street"), get("street2"), town, get("country"), get("phone"), get("email")]
    return "\n".join(line for line in lines if line)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def status_key(remote: dict[str, Any]) -> str:
    """Which entry of the state map applies: lines decide cancellation and refund, else the order state."""
    states = [line.get("state") for line in remote.get("orderlines") or []]
    if states and all(s in CLOSED_LINE_STATES for s in states):
        return "refunded" if any(s in REFUNDED_LINE_STATES for s in states) else "cancelled"
    return str(remote.get("state"))


def resolve_line(session: Session, line: OrderLine, mode: str) -> bool:
    """Point a line at what fills it through the listing mappings; False leaves it unmapped."""
    norm = (line.listing_sku or "").strip().lower()
    if not norm:
        return False
    if mode == "variation":
        vid = session.scalar(select(Listing.variation_id).where(Listing.sku_norm == norm, Listing.variation_id.is_not(None)).limit(1))
        if vid is None:
            return False
        line.variation_id, line.sku, line.sku_norm = vid, None, None
    else:
        if session.scalar(select(Variation.id).where(Variation.sku_norm == norm).limit(1)) is None:
            return False
        line.sku, line.sku_norm = line.listing_sku, norm
    line.unmapped = False
    return True


def _note(order: Order, text: str) -> None:
    stamp = f"{datetime.now().astimezone():%Y-%m-%d %H:%M}"  # this station's local time
    order.note = f"{order.note}\n{stamp} {text}".strip()


def _status(session: Session, name: str | None, fallback: str) -> OrderStatus:
    try:
        return reference.order_status(session, name or fallback)
    except NotFound:
        log.warning("order status %r from the Back Market state map does not exist; using %s", name, fallback)
        return reference.order_status(session, fallback)


def _new_order(session: Session, remote: dict[str, Any], cfg: OrderSettings, out: UpsertOutcome) -> Order:
    status = _status(session, cfg.state_map.get(status_key(remote)), cfg.new_status)
    order = orders.new_order(
        session, customer=customer_name(remote, cfg.customer_name), channel=reference.BACK_MARKET, status=status,
        prefix=orders.BACK_MARKET_PREFIX, external_id=str(remote["order_id"]),
        shipping_address=address_text(remote.get("shipping_address")),
        created_at=parse_time(remote.get("date_creation")),
    )
    if remote.get("state") == SHIPPED_ORDER_STATE:  # already shipped when we first saw it (history)
        order.tracking_number = remote.get("tracking_number") or None
        order.carrier = remote.get("shipper") or None
        order.shipped_at = parse_time(remote.get("date_shipping"))
    out.created = 1
    return order


def _add_line(session: Session, order: Order, remote_line: dict[str, Any], mode: str, out: UpsertOutcome) -> None:
    state = remote_line.get("state")
    sku = str(remote_line.get("listing") or "").strip() or None
    line = OrderLine(order_id=order.id, quantity=int(remote_line["quantity"]),  # checked by check_order
                     price=_decimal(remote_line.get("price")), external_id=str(remote_line.get("id")),
                     listing_sku=sku, title=str(remote_line.get("product") or "")[:300], remote_state=state,
                     closed=state in CLOSED_LINE_STATES, unmapped=True)
    session.add(line)
    if not resolve_line(session, line, mode) and not line.closed:
        out.warnings.append(f"Order {order.number}: the line for {sku} ({line.title}) is for a listing that is not "
                            "mapped yet; it cannot be packed until it is.")
    session.flush()


def _close_lines(session: Session, order: Order, remote: dict[str, Any], out: UpsertOutcome) -> set[int]:
    by_ext = {line.external_id: line for line in order.lines}
    freed: set[int] = set()
    for remote_line in remote.get("orderlines") or []:
        line = by_ext.get(str(remote_line.get("id")))
        state = remote_line.get("state")
        if line is None or line.closed or state not in CLOSED_LINE_STATES:
            continue
        what = "refunded" if state in REFUNDED_LINE_STATES else "cancelled"
        released = orders.close_lines(session, order, {line.id}, reason=f"Back Market {what} the line ({order.number})")
        codes = [u.imei or u.serial for u in session.scalars(select(Unit).where(Unit.id.in_(released)))] if released else []
        text = f"Back Market {what} the line {line.listing_sku or line.title}"
        if codes:
            text += f": take back {', '.join(c for c in codes if c)} (released from this order)"
        _note(order, text + ".")
        out.warnings.append(f"Order {order.number}: {text}.")
        freed |= released
    return freed


def _move_status(session: Session, order: Order, remote: dict[str, Any], cfg: OrderSettings, out: UpsertOutcome) -> None:
    key = status_key(remote)
    target_name = cfg.state_map.get(key)
    if not target_name or target_name.lower() == order.status.name.lower():
        return
    target = _status(session, target_name, order.status.name)
    if target.id == order.status_id:
        return
    line_verdict = key in ("cancelled", "refunded")
    if not order.status.is_open and not line_verdict:
        return  # shipped, cancelled or refunded here: a remote state never reopens it
    if order.status.name == cfg.shipped_status and key != "refunded":
        return
    if target.name == cfg.shipped_status:
        active = session.scalar(select(func.count(Commitment.id)).where(Commitment.order_id == order.id, Commitment.active.is_(True)))
        if active:
            text = "Back Market says this order was shipped, but it was not shipped here: ship it or check it."
            if text not in order.note:
                _note(order, text)
                out.warnings.append(f"Order {order.number}: {text}")
            return
        order.status_id = target.id
        order.tracking_number = order.tracking_number or remote.get("tracking_number") or None
        order.shipped_at = order.shipped_at or parse_time(remote.get("date_shipping")) or utcnow()
        session.flush()
        return
    orders.set_order_status(session, order.id, target.name)


def upsert_order(session: Session, remote: dict[str, Any], cfg: OrderSettings, *, may_create: bool = True) -> UpsertOutcome | None:
    """Create or update the local order for a Back Market order; None when there is nothing to do.
    Raises UnreadableRecord (and changes nothing) when the order does not parse."""
    check_order(remote)
    channel = reference.channel(session, reference.BACK_MARKET)
    external = str(remote["order_id"])
    match = (Order.channel_id == channel.id, Order.external_id == external)
    lock_first(session, select(Order.id).where(*match))
    order = session.scalars(select(Order).where(*match).execution_options(populate_existing=True)).first()
    out = UpsertOutcome()
    if order is None and not may_create:
        return None
    fresh = order is None
    if order is None:
        order = _new_order(session, remote, cfg, out)
    addresses.keep_back_market_address(session, order.id, remote.get("shipping_address"))
    known = {line.external_id: line for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))}
    touched = False
    for remote_line in remote.get("orderlines") or []:
        line = known.get(str(remote_line.get("id")))
        if line is None:
            _add_line(session, order, remote_line, cfg.mode, out)
            touched = True
        elif line.remote_state != remote_line.get("state"):
            line.remote_state = remote_line.get("state")
            touched = True
    session.flush()
    session.refresh(order)
    freed: set[int] = set()
    before = order.status_id
    if not fresh:
        freed = _close_lines(session, order, remote, out)
        _move_status(session, order, remote, cfg, out)
        if freed or order.status_id != before:
            touched = True
    if touched and not fresh:
        out.updated = 1
    if fresh or touched:
        out.changes = Changes.of(orders={order.id}, units=freed, variations=orders.affected_variations(session, order.id))
    return out
