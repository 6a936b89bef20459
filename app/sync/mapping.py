"""Mapping Back Market listings to what we stock, their safety rules, and the listings table rows.

Each mutating call returns Changes naming the listing, so the sync schedules its quantity push.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import catalog, orders, settings
from app.domain.bm_orders import resolve_line
from app.domain.changes import Changes
from app.domain.errors import InvalidInput, NotFound
from app.domain.quantities import Scope, calculated_quantities
from app.models.base import iso_z
from app.models import Listing, Order, OrderLine, OrderStatus, Variation
from app.domain.permissions import Permission, require

log = logging.getLogger(__name__)

LISTING_GONE = -1  # publication_state of a listing that was missing from the last full import


def find_listing(session: Session, ref: str | int) -> Listing:
    """Back Market's numeric listing id, the listing's UUID, or its SKU (case-insensitive)."""
    text = str(ref).strip()
    row = None
    if text.isdigit():
        row = session.scalar(select(Listing).where(Listing.listing_id == int(text)))
    if row is None:
        row = session.scalar(select(Listing).where(Listing.uuid == text))
    if row is None:
        row = session.scalar(select(Listing).where(Listing.sku_norm == text.lower()))
    if row is None:
        raise NotFound(f"There is no Back Market listing “{text}” (give its listing id, UUID or SKU; "
                       "listings appear after a sync).")
    return row


def mapping_mode(session: Session) -> str:
    return settings.get(session, "backmarket.mapping")


def map_listing(session: Session, ref: str | int, variation_id: int) -> Changes:
    require(session, Permission.MAPPING)
    if mapping_mode(session) != "variation":
        raise InvalidInput(
            "Listings match by SKU on their own in SKU mapping mode. To map by hand, switch with "
            "`refurbdesk backmarket configure --mapping variation`.")
    listing = find_listing(session, ref)
    variation = catalog.get_variation(session, variation_id)
    old = listing.variation_id
    listing.variation_id = variation.id
    session.flush()
    changes = resolve_unmapped_lines(session, skus={listing.sku_norm})
    log.info("listing %s mapped to variation %s", listing.sku, variation.id)
    return changes | Changes.of(listings={listing.id}, variations={variation.id} | ({old} if old else set()),
                                message=f"{listing.sku} → {catalog.variation_label(variation)}")


def unmap_listing(session: Session, ref: str | int) -> Changes:
    """Lines already resolved through the old mapping keep their variation: units may be on them."""
    require(session, Permission.MAPPING)
    listing = find_listing(session, ref)
    old = listing.variation_id
    listing.variation_id = None
    session.flush()
    return Changes.of(listings={listing.id}, variations={old} if old else set(), message=f"{listing.sku} unmapped")


def set_rules(session: Session, ref: str | int, reserve: int | None = None, max_listed: int | None = None,
              *, clear_max: bool = False) -> Changes:
    require(session, Permission.MAPPING)
    listing = find_listing(session, ref)
    if reserve is not None:
        if reserve < 0:
            raise InvalidInput("The reserve is a number of units, 0 or more.")
        listing.reserve = reserve
    if clear_max:
        listing.max_listed = None
    elif max_listed is not None:
        if max_listed < 0:
            raise InvalidInput("List at most is a number of units, 0 or more.")
        listing.max_listed = max_listed
    session.flush()
    cap = "no cap" if listing.max_listed is None else f"at most {listing.max_listed}"
    return Changes.of(listings={listing.id}, message=f"{listing.sku}: reserve {listing.reserve}, {cap}")


def resolve_unmapped_lines(session: Session, *, skus: set[str] | None = None, mode: str | None = None) -> Changes:
    """Open order lines imported before their listing was mapped: point them at what now fills them."""
    mode = mode or mapping_mode(session)
    stmt = (select(OrderLine).join(Order, Order.id == OrderLine.order_id)
            .join(OrderStatus, OrderStatus.id == Order.status_id)
            .where(OrderLine.unmapped.is_(True), OrderLine.closed.is_(False), OrderStatus.is_open.is_(True),
                   OrderLine.listing_sku.is_not(None)))
    if skus is not None:
        stmt = stmt.where(func.lower(OrderLine.listing_sku).in_(sorted(s for s in skus if s)))
    resolved_orders: set[int] = set()
    variations: set[int] = set()
    for line in list(session.scalars(stmt)):
        if resolve_line(session, line, mode):
            resolved_orders.add(line.order_id)
    session.flush()
    for order_id in resolved_orders:
        variations |= orders.affected_variations(session, order_id)
    if resolved_orders:
        log.info("resolved unmapped lines on %d order(s)", len(resolved_orders))
    return Changes.of(orders=resolved_orders, variations=variations)


def listings_rows(session: Session, listing_ids: set[int] | None = None) -> list[dict]:
    """One row per listing, for `backmarket listings --json` and the Back Market tab."""
    scope = Scope.load(session)
    quantities = calculated_quantities(session, listing_ids, scope)
    stmt = select(Listing).order_by(Listing.sku_norm, Listing.id)
    if listing_ids is not None:
        stmt = stmt.where(Listing.id.in_(sorted(listing_ids)))
    listings = list(session.scalars(stmt))
    by_id: dict[int, dict] = {}
    by_sku: dict[str, list[dict]] = {}
    if scope.mode == "variation":
        ids = {l.variation_id for l in listings if l.variation_id}
        if ids:
            labels = catalog.variation_labels(session, Variation.id.in_(sorted(ids)))
            by_id = {vid: {"variation_id": vid, "label": label} for vid, (_sku, label) in labels.items()}
    else:
        wanted = select(Listing.sku_norm)
        if listing_ids is not None:
            wanted = wanted.where(Listing.id.in_(sorted(listing_ids)))
        for vid, (sku_norm, label) in catalog.variation_labels(session, Variation.sku_norm.in_(wanted)).items():
            by_sku.setdefault(sku_norm or "", []).append({"variation_id": vid, "label": label})
    rows = []
    for listing in listings:
        q = quantities.get(listing.id)
        if scope.mode == "variation":
            mapped_to = by_id.get(listing.variation_id) if listing.variation_id else None
        else:
            mapped_to = by_sku.get(listing.sku_norm) or None
        gone = listing.publication_state == LISTING_GONE
        rows.append({
            "id": listing.uuid,
            "listing_id": listing.listing_id,
            "sku": listing.sku,
            "title": listing.title,
            "price": listing.price,
            "quantity": listing.bm_quantity,
            "calculated_quantity": q.calculated if q else None,
            "last_pushed_quantity": listing.last_pushed_quantity,
            "mapped_to": mapped_to,
            "grade": listing.grade,
            "currency": listing.currency,
            "publication_state": None if gone else listing.publication_state,
            "available": q.available if q else 0,
            "outstanding": q.outstanding if q else 0,
            "reserve": listing.reserve,
            "max_listed": listing.max_listed,
            "last_pushed_at": iso_z(listing.last_pushed_at),
            "last_error": listing.last_error,
            "why": "no longer on Back Market" if gone else (q.reason if q else None),
        })
    return rows
