"""Shipping a vendor RMA and resolving its lines (see rma.py for the whole flow)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import history, inventory, limits, reference
from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.purchasing.rma import RmaResult
from app.domain.station import current_actor
from app.models import PurchaseOrder, PoReceipt, Unit, VendorRma, VendorRmaLine
from app.models.base import utcnow

VENDOR_RMA_EVENT = "vendor_rma"  # the history event's kind
CREDITED, REPLACED, REPAIRED, REJECTED, WRITTEN_OFF = (
    "credited", "replaced", "repaired_returned", "rejected_returned", "written_off")
RESOLUTIONS = (CREDITED, REPLACED, REPAIRED, REJECTED, WRITTEN_OFF)
# Where the unit goes: gone to the vendor, back to the bench, or off the books.
DEFAULT_STATUS = {CREDITED: common.RETURNED_TO_VENDOR, REPLACED: common.RETURNED_TO_VENDOR,
                  REPAIRED: common.PROCESSING, REJECTED: common.REPAIR, WRITTEN_OFF: common.WRITTEN_OFF}


def _lines(session: Session, rma: VendorRma) -> list[VendorRmaLine]:
    return list(session.scalars(select(VendorRmaLine).where(VendorRmaLine.rma_id == rma.id).order_by(VendorRmaLine.id)))


def _move(session: Session, unit: Unit, status_name: str, why: str) -> None:
    target = reference.status(session, status_name)
    if unit.status_id != target.id:
        history.record(session, unit.id, history.STATUS, f"{unit.status.name} → {target.name} ({why})")
        unit.status_id = target.id


def ship_rma(session: Session, number: str, tracking: str) -> RmaResult:
    """approved → shipped with a tracking number (manager). Every unit is re-checked under its lock
    (still in stock, not committed to an order meanwhile) and moves to Vendor RMA, which is not
    sellable: the listings they counted towards go down at once (the pending-push triggers)."""
    require(session, Permission.PURCHASING)
    tracking = (tracking or "").strip()
    if not tracking:
        raise InvalidInput("Shipping an RMA needs the tracking number of the parcel (--tracking).")
    limits.check_length("tracking number", tracking, VendorRma.tracking)
    rma = common.get_rma(session, number, lock=True)
    if rma.status != common.RMA_APPROVED:
        said = "it needs a manager's approval first" if rma.status == common.RMA_DRAFT else f"it is {rma.status}"
        raise Conflict(f"{rma.number} cannot ship: {said}.", reason="rma_status")
    lines = _lines(session, rma)
    variations: set[int] = set()
    for line in lines:
        unit = inventory.find_unit(session, session.get(Unit, line.unit_id).code, lock=True)
        common.refuse_unless_in_stock(session, unit, "go back to the vendor")
        _move(session, unit, common.VENDOR_RMA, f"{rma.number} shipped, tracking {tracking}")
        history.record(session, unit.id, VENDOR_RMA_EVENT, f"{rma.number} shipped to {rma.vendor.name}: {line.reason}")
        variations.add(unit.variation_id)
    rma.status = common.RMA_SHIPPED
    rma.tracking = tracking
    rma.shipped_at = utcnow()
    session.flush()
    return RmaResult(rma.number, Changes.of(variations=variations, units={l.unit_id for l in lines},
                                            message=f"{rma.number} shipped ({len(lines)} units)"))


def _receive_replacement(session: Session, original: Unit, new_code: str, rma: VendorRma) -> Unit:
    receipt = session.scalar(select(PoReceipt).where(PoReceipt.unit_id == original.id))
    product = ProductSpec(**{f: getattr(original.variation.product, f) for f in PRODUCT_FIELDS})
    po_number = session.get(PurchaseOrder, receipt.po_id).number
    unit, _ = inventory.receive_unit(
        session, inventory.Receipt(product, common.UNGRADED, (), common.INCOMING, original.warehouse.name,
                                   cost=receipt.unit_cost),
        code=new_code, note=f"{po_number} · replaces {original.code} ({rma.number})")
    actor = current_actor()
    session.add(PoReceipt(unit_id=unit.id, po_id=receipt.po_id, po_line_id=receipt.po_line_id, unit_cost=receipt.unit_cost,
                        replaces_unit_id=original.id, station=actor.station, operator=actor.operator))
    session.flush()
    return unit


def resolve_rma_line(session: Session, number: str, code: str, resolution: str, *, credit=None,
                     replacement: str | None = None, status: str | None = None) -> RmaResult:
    """Resolve one shipped unit (manager): `credited` (with the amount), `replaced` (the vendor's
    replacement IMEI is received onto the same PO line, Incoming, Ungraded), `repaired_returned`,
    `rejected_returned` (back in stock: Processing / Repair unless `status` says otherwise) or
    `written_off`. The RMA closes when its last line is resolved."""
    require(session, Permission.PURCHASING)
    if resolution not in RESOLUTIONS:
        raise InvalidInput(f"Resolve a line as one of {', '.join(RESOLUTIONS)}, not “{resolution}”.")
    if (credit is not None) != (resolution == CREDITED):
        raise InvalidInput("A credited line needs the amount credited (--credit X), and only a credited line has one.")
    if (replacement is not None) != (resolution == REPLACED):
        raise InvalidInput("A replaced line needs the replacement's IMEI or serial (--replace NEWCODE).")
    if status is not None and resolution not in (REPAIRED, REJECTED):
        raise InvalidInput("Only a unit the vendor sends back (repaired or rejected) takes a status.")
    limits.check_amount("credit", credit)
    if status is not None and reference.status(session, status).id in common.gone_status_ids(session):
        raise InvalidInput(f"A unit the vendor sent back goes to a stock status, not {status}.")
    rma = common.get_rma(session, number, lock=True)
    if rma.status != common.RMA_SHIPPED:
        raise Conflict(f"{rma.number} is {rma.status}: lines are resolved once it has shipped.", reason="rma_status")
    unit = inventory.find_unit(session, code, lock=True)
    line = session.scalar(select(VendorRmaLine).where(VendorRmaLine.rma_id == rma.id, VendorRmaLine.unit_id == unit.id))
    if line is None:
        raise Conflict(f"Unit {unit.code} is not on {rma.number}.", reason="not_on_rma")
    if not line.open:
        raise Conflict(f"Unit {unit.code} on {rma.number} is resolved already ({line.resolution.replace('_', ' ')}).",
                       reason="resolved")
    said = resolution.replace("_", " and ")
    changes = Changes.of(variations={unit.variation_id}, units={unit.id})
    if resolution == REPLACED:
        new = _receive_replacement(session, unit, replacement, rma)
        line.replacement_unit_id = new.id
        said = f"replaced by {new.code}"
        changes |= Changes.of(variations={new.variation_id}, units={new.id})
    if resolution == CREDITED:
        line.credit_amount = Decimal(credit).quantize(common.CENT)
        said = f"credited {common.money(line.credit_amount)}"
    _move(session, unit, status or DEFAULT_STATUS[resolution], f"{rma.number} {said}")
    history.record(session, unit.id, VENDOR_RMA_EVENT, f"{rma.number}: {said}")
    line.open = False
    line.resolution = resolution
    line.resolved_at = utcnow()
    session.flush()
    if all(not other.open for other in _lines(session, rma)):
        rma.status = common.RMA_CLOSED
        rma.closed_at = utcnow()
        session.flush()
    return RmaResult(rma.number, changes | Changes.of(message=f"{unit.code} on {rma.number}: {said}"
                                                      + (" — RMA closed" if rma.status == common.RMA_CLOSED else "")))
