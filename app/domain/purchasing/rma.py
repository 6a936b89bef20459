"""Vendor RMAs: defective units go back to the vendor they were bought from.

draft (units added by scan, each with a reason) → approved (manager) → shipped with tracking
(units move to Vendor RMA, not sellable, so the marketplace quantity drops at once) → each line
resolved (rma_resolve) → closed when every line is resolved.

A unit may join an RMA only if it came from that RMA's vendor (a receipt on one of its POs), is in
stock (not sold, not committed to an order, not already returned or written off) and is on no
other open RMA — the last one the database itself enforces.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import inventory, limits
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.station import current_actor
from app.models import PurchaseOrder, PoReceipt, VendorRma, VendorRmaLine
from app.models.base import utcnow


@dataclass(frozen=True)
class RmaResult:
    number: str
    changes: Changes


def create_rma(session: Session, vendor: str, ra_number: str = "") -> RmaResult:
    """A draft RMA for `vendor`, with the vendor's RA number if it has one yet (manager)."""
    require(session, Permission.PURCHASING)
    row_vendor = common.vendor_named(session, vendor)
    ra_number = " ".join((ra_number or "").split())
    limits.check_length("RA number", ra_number, VendorRma.ra_number)
    rma = VendorRma(number=common.temporary_number(), vendor_id=row_vendor.id, ra_number=ra_number,
                    status=common.RMA_DRAFT)
    session.add(rma)
    session.flush()
    rma.number = f"{common.RMA_PREFIX}{100000 + rma.id}"
    session.flush()
    return RmaResult(rma.number, Changes.of(message=f"Vendor RMA {rma.number}"))


def open_rma_of(session: Session, unit_id: int) -> str | None:
    """The number of the open RMA line's RMA the unit is on, if any (the index allows one)."""
    return session.scalar(select(VendorRma.number).join(VendorRmaLine, VendorRmaLine.rma_id == VendorRma.id)
                          .where(VendorRmaLine.unit_id == unit_id, VendorRmaLine.open.is_(True)))


def add_to_rma(session: Session, number: str, code: str, reason: str) -> RmaResult:
    """Add a scanned unit to a draft RMA with the reason it goes back (manager); refusals name the
    check that failed: wrong vendor, not in stock, on an order, on another open RMA."""
    require(session, Permission.PURCHASING)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why the unit goes back (--reason), e.g. “no power” or “Face ID fails”.")
    rma = common.get_rma(session, number, lock=True)
    if rma.status != common.RMA_DRAFT:
        raise Conflict(f"{rma.number} is {rma.status}: units are added only while it is a draft.", reason="rma_status")
    unit = inventory.find_unit(session, code, lock=True)
    vendor_id = session.scalar(select(PurchaseOrder.vendor_id).join(PoReceipt, PoReceipt.po_id == PurchaseOrder.id)
                               .where(PoReceipt.unit_id == unit.id))
    if vendor_id != rma.vendor_id:
        came = "was not bought on a purchase order" if vendor_id is None else "came from another vendor"
        raise Conflict(f"Unit {unit.code} {came}: only units bought from {rma.vendor.name} go on {rma.number}.",
                       reason="wrong_vendor")
    common.refuse_unless_in_stock(session, unit, "go back to the vendor")
    if unit.status.name.lower() == common.VENDOR_RMA.lower():
        raise Conflict(f"Unit {unit.code} is with the vendor already (Vendor RMA).", reason="not_in_stock")
    already = open_rma_of(session, unit.id)
    if already is not None:
        where = "this RMA" if already == rma.number else f"open RMA {already}"
        raise Conflict(f"Unit {unit.code} is already on {where}.", reason="on_open_rma")
    try:
        with session.begin_nested():
            session.add(VendorRmaLine(rma_id=rma.id, unit_id=unit.id, reason=reason, unit_cost=unit.cost))
            session.flush()
    except IntegrityError:  # another station put it on an RMA between our check and our insert
        raise Conflict(f"Unit {unit.code} was just put on another open RMA.", reason="on_open_rma") from None
    return RmaResult(rma.number, Changes.of(units={unit.id}, message=f"{unit.code} added to {rma.number}"))


def remove_from_rma(session: Session, number: str, code: str) -> RmaResult:
    """Take a unit off an RMA that has not shipped (manager)."""
    require(session, Permission.PURCHASING)
    rma = common.get_rma(session, number, lock=True)
    if rma.status not in (common.RMA_DRAFT, common.RMA_APPROVED):
        raise Conflict(f"{rma.number} is {rma.status}: its units have left — resolve them instead.", reason="rma_status")
    unit = inventory.find_unit(session, code)
    line = session.scalar(select(VendorRmaLine).where(VendorRmaLine.rma_id == rma.id, VendorRmaLine.unit_id == unit.id))
    if line is None:
        raise Conflict(f"Unit {unit.code} is not on {rma.number}.", reason="not_on_rma")
    session.delete(line)
    session.flush()
    return RmaResult(rma.number, Changes.of(units={unit.id}, message=f"{unit.code} removed from {rma.number}"))


def approve_rma(session: Session, number: str) -> RmaResult:
    """draft → approved: a manager agrees these units go back."""
    require(session, Permission.PURCHASING)
    rma = common.get_rma(session, number, lock=True)
    if rma.status != common.RMA_DRAFT:
        raise Conflict(f"{rma.number} is {rma.status}, not a draft waiting for approval.", reason="rma_status")
    if session.scalar(select(VendorRmaLine.id).where(VendorRmaLine.rma_id == rma.id).limit(1)) is None:
        raise Conflict(f"{rma.number} has no units: add some before approving it.", reason="rma_empty")
    rma.status = common.RMA_APPROVED
    rma.approved_at = utcnow()
    rma.approved_by = current_actor().operator
    session.flush()
    return RmaResult(rma.number, Changes.of(message=f"{rma.number} approved"))
