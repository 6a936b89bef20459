"""What the purchasing modules share: status names, look-ups by number, money, units in stock."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import inventory, reference
from app.domain.defaults import UNGRADED  # noqa: F401 - the grade until diagnostics grade a unit
from app.domain.errors import Conflict, NotFound
from app.models import InventoryStatus, PurchaseOrder, Vendor, VendorRma

# Purchase order statuses, in their order.
DRAFT, PLACED, PARTIAL, RECEIVED, CLOSED, CANCELLED = (
    "draft", "placed", "partially_received", "received", "closed", "cancelled")
PO_STATUSES = (DRAFT, PLACED, PARTIAL, RECEIVED, CLOSED, CANCELLED)
RECEIVABLE = (DRAFT, PLACED, PARTIAL, RECEIVED)
# Vendor RMA statuses.
RMA_DRAFT, RMA_APPROVED, RMA_SHIPPED, RMA_CLOSED = "draft", "approved", "shipped", "closed"

# Inventory statuses purchasing moves units into (added by `init` when missing).
INCOMING = "Incoming"
PROCESSING = "Processing"
REPAIR = "Repair"
VENDOR_RMA = "Vendor RMA"
RETURNED_TO_VENDOR = "Returned to vendor"
WRITTEN_OFF = "Written off"
AVAILABLE = "Available"

PO_PREFIX = "PO"
RMA_PREFIX = "RMA"
CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    """An amount as JSON writes it: a string with two decimals (never a float), or None."""
    return None if value is None else str(Decimal(value).quantize(CENT))


def temporary_number() -> str:
    return f"TMP{uuid.uuid4().hex[:24]}"


def vendor_named(session: Session, name: str) -> Vendor:
    row = session.scalar(select(Vendor).where(func.lower(Vendor.name) == " ".join((name or "").split()).lower()))
    if row is None:
        known = ", ".join(session.scalars(select(Vendor.name).order_by(Vendor.name)).all()[:20])
        raise NotFound(f"Unknown vendor “{name}”. Known: {known or 'none (add one with `vendor add NAME`)'}.",
                       reason="unknown_vendor")
    return row


def _by_number(session: Session, model, number: str, lock: bool, missing: str, reason: str):
    """The row of `model` numbered `number` (stored upper-case); `lock` holds it for the transaction."""
    match = model.number == (number or "").strip().upper()
    stmt = select(model).where(match)
    if lock:
        lock_first(session, select(model.id).where(match))
        stmt = stmt.execution_options(populate_existing=True)
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"There is no {missing} {number}.", reason=reason)
    return row


def get_po(session: Session, number: str, *, lock: bool = False) -> PurchaseOrder:
    """The purchase order numbered `number` (case-insensitive); `lock` holds its row (receiving)."""
    return _by_number(session, PurchaseOrder, number, lock, "purchase order", "unknown_po")


def get_rma(session: Session, number: str, *, lock: bool = False) -> VendorRma:
    return _by_number(session, VendorRma, number, lock, "vendor RMA", "unknown_rma")


def status_id(session: Session, name: str) -> int:
    return reference.status(session, name).id


def gone_status_ids(session: Session) -> set[int]:
    """Statuses of units that are no longer ours: shipped to a customer, given back to the vendor
    for credit or a replacement, written off. Stock reports leave them out."""
    names = [RETURNED_TO_VENDOR.lower(), WRITTEN_OFF.lower()]
    ids = set(session.scalars(select(InventoryStatus.id).where(func.lower(InventoryStatus.name).in_(names))))
    sold = inventory.sold_status_id(session)
    if sold is not None:
        ids.add(sold)
    return ids


def refuse_unless_in_stock(session: Session, unit, purpose: str) -> None:
    """A unit that left us (sold, returned to the vendor, written off) or sits on an open order may
    not `purpose` (e.g. "go back to the vendor"): the refusal says which, and what to do."""
    sold = inventory.sold_status_id(session)
    if sold is not None and unit.status_id == sold:
        shipped = inventory.last_shipment(session, unit.id)
        on = f" on order {shipped[0]} ({shipped[1]:%Y-%m-%d})" if shipped else ""
        raise Conflict(f"Unit {unit.code} was shipped{on}: it is not in stock, so it cannot {purpose}.",
                       reason="unit_sold")
    if unit.status_id in gone_status_ids(session):
        raise Conflict(f"Unit {unit.code} is {unit.status.name}: it is not in stock, so it cannot {purpose}.",
                       reason="not_in_stock")
    number = inventory.open_order_of(session, unit.id)
    if number is not None:
        raise Conflict(f"Unit {unit.code} is on order {number}: uncommit it first (Packing → Undo, or "
                       f"`refurbdesk uncommit {number} {unit.code}`) if it must {purpose}.", reason="unit_committed")
