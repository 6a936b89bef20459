"""What the Back Market tab reads and writes, as plain functions run on the task runner.

No Qt here: each function takes a Session and returns frozen rows, so results can cross from the
runner's thread to the screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import catalog, pending, quantities, settings
from app.domain.changes import Changes
from app.domain.errors import InvalidInput, NotFound
from app.models import Condition, Grade, InventoryStatus, Listing, OrderStatus, Product, SyncRun, Variation, Warehouse
from app.sync import mapping, mapping_mode

SETTING_KEYS = [
    "backmarket.platform", "backmarket.preprod", "backmarket.api_url", "backmarket.market", "backmarket.mapping",
    "backmarket.customer_name", "backmarket.statuses", "backmarket.warehouses", "backmarket.order_states",
    "backmarket.auto_accept", "backmarket.since_days", "backmarket.interval_seconds",
]


@dataclass(frozen=True)
class ListingRow:
    uuid: str
    listing_id: int | None
    sku: str
    title: str
    grade: str
    price: str
    bm_quantity: int
    calculated: int | None
    why: str  # why there is no calculated quantity, or which rule lowered it
    available: int
    outstanding: int
    last_pushed: int | None
    last_pushed_at: str
    mapped_to: str
    mapped_ids: tuple[int, ...]
    last_error: str
    reserve: int
    max_listed: int | None

    @property
    def differs(self) -> bool:
        return self.calculated is not None and self.calculated != self.bm_quantity


def _row(d: dict) -> ListingRow:
    mapped = d.get("mapped_to")
    refs = mapped if isinstance(mapped, list) else ([mapped] if mapped else [])
    label = refs[0]["label"] if len(refs) == 1 else (f"{len(refs)} variations" if refs else "")
    pushed_at = (d.get("last_pushed_at") or "").replace("T", " ")[:16]
    price = d.get("price") or ""
    return ListingRow(
        uuid=d["id"], listing_id=d.get("listing_id"), sku=d["sku"], title=d.get("title") or "", grade=d.get("grade") or "",
        price=f"{price} {d.get('currency') or ''}".strip(), bm_quantity=d.get("quantity") or 0,
        calculated=d.get("calculated_quantity"), why=d.get("why") or "", available=d.get("available") or 0,
        outstanding=d.get("outstanding") or 0, last_pushed=d.get("last_pushed_quantity"), last_pushed_at=pushed_at,
        mapped_to=label, mapped_ids=tuple(r["variation_id"] for r in refs), last_error=d.get("last_error") or "",
        reserve=d.get("reserve") or 0, max_listed=d.get("max_listed"),
    )


def listing_rows(session: Session, listing_ids: set[int] | None = None) -> list[ListingRow]:
    """Every listing's row, or only these listings' (database ids)."""
    return [_row(d) for d in mapping.listings_rows(session, listing_ids)]


def touched_listing_rows(session: Session, changes: Changes) -> list[ListingRow] | None:
    """The rows of the listings this change can have moved; None when it may be any of them (a
    setting, a SKU given or taken, new reference lists)."""
    if changes.catalog or changes.settings:
        return None
    ids = set(changes.listing_ids)
    if changes.variation_ids or changes.order_ids:
        ids |= pending.listings_touched(session, set(changes.variation_ids), set(changes.order_ids))
    return listing_rows(session, ids) if ids else []


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsChoices:
    values: dict
    inventory_statuses: tuple[str, ...]
    warehouses: tuple[str, ...]
    order_statuses: tuple[str, ...]
    # The rows' ids, in the same order: a list item renamed elsewhere keeps its id, so an unsaved tick
    # or choice follows it to its new name.
    inventory_status_ids: tuple[int, ...] = ()
    warehouse_ids: tuple[int, ...] = ()
    order_status_ids: tuple[int, ...] = ()


def load_settings(session: Session) -> SettingsChoices:
    statuses = session.execute(select(InventoryStatus.id, InventoryStatus.name).order_by(InventoryStatus.position, InventoryStatus.id)).all()
    warehouses = session.execute(select(Warehouse.id, Warehouse.name).order_by(Warehouse.id)).all()
    order_statuses = session.execute(select(OrderStatus.id, OrderStatus.name).order_by(OrderStatus.position, OrderStatus.id)).all()
    return SettingsChoices(
        settings.get_many(session, SETTING_KEYS),
        tuple(r.name for r in statuses), tuple(r.name for r in warehouses), tuple(r.name for r in order_statuses),
        tuple(r.id for r in statuses), tuple(r.id for r in warehouses), tuple(r.id for r in order_statuses),
    )


def save_settings(session: Session, values: dict) -> Changes:
    changes = Changes()
    for key, value in values.items():
        if key not in SETTING_KEYS:
            raise InvalidInput(f"{key} is not a Back Market setting.")
        if key == "backmarket.mapping":
            changes |= mapping_mode.switch_mode(session, value)  # keeps each mode's mappings
        else:
            settings.set_(session, key, value)
    return changes | Changes.of(settings=True, message="Back Market settings saved")


def preview_mapping_switch(session: Session, mode: str) -> mapping_mode.ModeSwitch:
    return mapping_mode.preview_switch(session, mode)


# --- the mapping dialog -----------------------------------------------------------------------


@dataclass(frozen=True)
class Carrier:
    variation_id: int
    label: str
    available: int


@dataclass(frozen=True)
class MappingChoices:
    mode: str
    listing: ListingRow
    products: tuple[tuple[int, str], ...]  # (product id, display name)
    grades: tuple[tuple[int, str], ...]
    conditions: tuple[tuple[int, str, str], ...]  # (id, code, name)
    current: tuple[int, int, tuple[int, ...]] | None  # mapped (product, grade, condition ids)
    carriers: tuple[Carrier, ...]  # SKU mode: the variations carrying the listing's SKU


def mapping_choices(session: Session, uuid: str) -> MappingChoices:
    listing_id = session.scalar(select(Listing.id).where(Listing.uuid == uuid))
    rows = listing_rows(session, {listing_id}) if listing_id is not None else []
    if not rows:
        raise NotFound("This listing is gone; sync again.")
    listing = mapping.find_listing(session, uuid)
    mode = mapping.mapping_mode(session)
    current = None
    if listing.variation_id:
        v = catalog.get_variation(session, listing.variation_id)
        current = (v.product_id, v.grade_id, tuple(c.id for c in v.conditions))
    carriers: list[Carrier] = []
    if mode == "sku":
        scope = quantities.Scope.load(session)
        for v in catalog.sku_holders(session, listing.sku):
            available, _ = quantities.match_set_quantity(session, {v.id}, scope)
            carriers.append(Carrier(v.id, catalog.variation_label(v), available))
    return MappingChoices(
        mode, rows[0],
        tuple((p.id, p.display_name) for p in session.scalars(
            select(Product).order_by(Product.manufacturer, Product.model, Product.capacity, Product.color))),
        tuple(tuple(r) for r in session.execute(select(Grade.id, Grade.name).order_by(Grade.position, Grade.id))),
        tuple(tuple(r) for r in session.execute(
            select(Condition.id, Condition.code, Condition.name).order_by(Condition.code))),
        current, tuple(carriers),
    )


@dataclass(frozen=True)
class Preview:
    variation_id: int | None
    available: int
    outstanding: int
    calculated: int
    text: str


def _find_variation(session: Session, product_id: int, grade_id: int, condition_ids) -> Variation | None:
    return session.scalar(select(Variation).where(
        Variation.product_id == product_id, Variation.grade_id == grade_id,
        Variation.condition_key == catalog.condition_key(condition_ids)))


def preview(session: Session, product_id: int, grade_id: int, condition_ids: tuple[int, ...],
            reserve: int, max_listed: int | None) -> Preview:
    """The quantity this mapping would list: the manager sees it before saving."""
    v = _find_variation(session, product_id, grade_id, condition_ids)
    if v is None:
        return Preview(None, 0, 0, 0, "No unit of this product, grade and conditions has been received yet: "
                                       "the listing would show 0.")
    available, outstanding = quantities.match_set_quantity(session, {v.id})
    calc = quantities.apply_rules(max(0, available - outstanding), reserve, max_listed)
    return Preview(v.id, available, outstanding, calc, preview_text(available, outstanding, reserve, max_listed, calc))


def preview_text(available: int, outstanding: int, reserve: int, max_listed: int | None, calculated: int) -> str:
    rules = [f"{reserve} kept in reserve"] if reserve else []
    if max_listed is not None:
        rules.append(f"at most {max_listed}")
    return (f"{available} available − {outstanding} wanted by open orders"
            + (f", {', '.join(rules)}" if rules else "") + f" → lists {calculated}")


def sku_preview(carriers: tuple[Carrier, ...], outstanding: int, reserve: int, max_listed: int | None) -> int:
    return quantities.apply_rules(max(0, sum(c.available for c in carriers) - outstanding), reserve, max_listed)


def save_mapping(session: Session, uuid: str, product_id: int | None, grade_id: int | None,
                 condition_ids: tuple[int, ...], reserve: int, max_listed: int | None) -> Changes:
    """Variation mode: map (creating the variation if stock never arrived for it); both modes: rules."""
    changes = Changes()
    if product_id is not None and grade_id is not None:
        product = session.get(Product, product_id)
        grade = session.get(Grade, grade_id)
        if product is None or grade is None:
            raise NotFound("That product or grade no longer exists.")
        conditions = list(session.scalars(select(Condition).where(Condition.id.in_(condition_ids)))) if condition_ids else []
        variation, created = catalog.find_or_create_variation(session, product, grade, conditions)
        changes |= mapping.map_listing(session, uuid, variation.id) | Changes.of(catalog=created)
    changes |= mapping.set_rules(session, uuid, reserve, max_listed, clear_max=max_listed is None)
    return changes


def clear_mapping(session: Session, uuid: str) -> Changes:
    return mapping.unmap_listing(session, uuid)


# --- sync health ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LastRun:
    started: datetime | None
    finished: datetime | None
    summary: dict
    error: str | None
    error_kind: str | None


def last_run(session: Session) -> LastRun | None:
    run = session.scalar(select(SyncRun).where(SyncRun.finished_at.is_not(None)).order_by(SyncRun.id.desc()).limit(1))
    if run is None:
        return None
    try:
        summary = json.loads(run.summary or "{}")
    except ValueError:
        summary = {}
    return LastRun(run.started_at, run.finished_at, summary, run.error, run.error_kind)
