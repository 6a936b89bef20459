"""Which local orders go to ShipStation, and what each looks like there (read side, no network).

An order in a pushed status with a shipping address is sent whole (createorder has no partial
updates) under a stable orderKey; it is sent again only when what would be sent changed — lines,
scanned IMEIs/serials, address or status — which a fingerprint of the payload tells.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import addresses, catalog, reference
from app.integrations.shipstation.config import SKIP, ShipStationSettings
from app.integrations.shipstation.records import OutgoingItem, OutgoingOrder
from app.integrations.shipstation.wire import order_body
from app.models import Channel, Commitment, Order, OrderLine, OrderStatus, ShipStationOrder, Unit, Variation

KEY_PREFIX = "refurbdesk-"
NO_ADDRESS = ("not sent to ShipStation: the order has no shipping address — add one (order form, or "
              "`order create --ship-to …`)")
LOCKED_REMOTE = ("shipped", "cancelled")


@dataclass(frozen=True)
class ToPush:
    order_id: int
    number: str
    order: OutgoingOrder | None  # None: cannot be sent (see problem)
    fingerprint: str
    problem: str | None = None


def order_key_for(number: str) -> str:
    return f"{KEY_PREFIX}{number}"


def fingerprint(order: OutgoingOrder) -> str:
    body = order_body(order)
    body.pop("orderId", None)  # learning ShipStation's id is not a change worth sending
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def pushed_order_ids(session: Session, cfg: ShipStationSettings) -> list[int]:
    """Orders in a pushed status (Back Market's left out in skip mode), oldest first."""
    stmt = (select(Order.id).join(OrderStatus, OrderStatus.id == Order.status_id)
            .where(OrderStatus.name.in_(cfg.push_statuses)).order_by(Order.id))
    if cfg.backmarket_orders == SKIP:
        stmt = stmt.join(Channel, Channel.id == Order.channel_id).where(Channel.name != reference.BACK_MARKET)
    return list(session.scalars(stmt)) if cfg.push_statuses else []


def orders_to_push(session: Session, cfg: ShipStationSettings, order_ids: list[int] | None = None) -> list[ToPush]:
    """What must be sent now: new orders, changed orders, and orders whose last try failed."""
    ids = pushed_order_ids(session, cfg) if order_ids is None else order_ids
    if not ids:
        return []
    links = {link.order_id: link for link in session.scalars(
        select(ShipStationOrder).where(ShipStationOrder.order_id.in_(ids)))}
    built = build_outgoing(session, ids, cfg, links)
    todo = []
    for item in built:
        link = links.get(item.order_id)
        if link is not None and (link.label_shipment_id is not None or link.remote_status in LOCKED_REMOTE):
            continue  # a label exists, or ShipStation has closed it: it no longer takes changes
        if link is not None and link.fingerprint == item.fingerprint and link.problem is None:
            continue
        if link is not None and item.order is None and link.problem == item.problem:
            continue  # already told
        todo.append(item)
    return todo


def build_outgoing(session: Session, ids: list[int], cfg: ShipStationSettings,
                   links: dict[int, ShipStationOrder], status: str = "awaiting_shipment") -> list[ToPush]:
    heads = session.execute(select(Order.id, Order.number, Order.created_at).where(Order.id.in_(ids))
                            .order_by(Order.id)).all()
    ship_to = addresses.addresses_of(session, ids)
    lines = session.execute(
        select(OrderLine.id, OrderLine.order_id, OrderLine.variation_id, OrderLine.sku, OrderLine.listing_sku,
               OrderLine.title, OrderLine.quantity, OrderLine.price)
        .where(OrderLine.order_id.in_(ids), OrderLine.closed.is_(False)).order_by(OrderLine.id)).all()
    codes: dict[int, list[str]] = {}
    for line_id, imei, serial in session.execute(
            select(Commitment.line_id, Unit.imei, Unit.serial).join(Unit, Unit.id == Commitment.unit_id)
            .where(Commitment.order_id.in_(ids), Commitment.active.is_(True)).order_by(Commitment.id)):
        codes.setdefault(line_id, []).append(imei or serial or "")
    variation_ids = {line.variation_id for line in lines if line.variation_id is not None}
    labels = catalog.variation_labels(session, Variation.id.in_(variation_ids)) if variation_ids else {}
    skus = dict(session.execute(select(Variation.id, Variation.sku).where(Variation.id.in_(variation_ids))).all()) \
        if variation_ids else {}
    by_order: dict[int, list[OutgoingItem]] = {}
    for line in lines:
        sku = line.sku or skus.get(line.variation_id) or line.listing_sku or ""
        name = line.title or (labels.get(line.variation_id, (None, ""))[1]) or sku or "Item"
        by_order.setdefault(line.order_id, []).append(OutgoingItem(
            line_key=str(line.id), sku=sku, name=name[:200], quantity=line.quantity,
            unit_price=line.price if line.price is not None else Decimal("0"),
            codes=tuple(c for c in codes.get(line.id, []) if c)))
    result = []
    for order_id, number, created in heads:
        address = ship_to.get(order_id)
        link = links.get(order_id)
        if address is None:
            result.append(ToPush(order_id, number, None, "", NO_ADDRESS))
            continue
        items = tuple(by_order.get(order_id, []))
        order = OutgoingOrder(
            order_key=link.order_key if link is not None else order_key_for(number), order_number=number,
            order_date=created, status=status, ship_to=address, items=items,
            customer_email=address.email, internal_notes=internal_notes(items),
            store_id=cfg.store_id, order_id=link.remote_id if link is not None else None)
        result.append(ToPush(order_id, number, order, fingerprint(order)))
    return result


def internal_notes(items: tuple[OutgoingItem, ...]) -> str:
    """IMEIs/serials where ShipStation's own Back Market connection also carries them (help article)."""
    scanned = [f"{item.sku or item.name}: {', '.join(item.codes)}" for item in items if item.codes]
    return ("IMEI/Serial — " + "; ".join(scanned)) if scanned else ""

