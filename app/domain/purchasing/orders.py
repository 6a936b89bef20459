"""Purchase orders: created with their lines (model level, quantity, unit cost), then
draft → placed → partially received → received → closed, or cancelled before anything arrives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import limits, reference
from app.domain.catalog import PRODUCT_FIELDS
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.models import Product, PurchaseOrder, PurchaseOrderLine, PoReceipt
from app.models.base import utcnow

LINE_KEYS = (*PRODUCT_FIELDS, "grade", "qty", "cost")


@dataclass(frozen=True)
class PoLineSpec:
    """One line to buy: the model (manufacturer and model required), how many and the unit cost."""

    manufacturer: str
    model: str
    quantity: int
    unit_cost: Decimal
    model_number: str = ""
    network: str = ""
    capacity: str = ""
    color: str = ""
    grade: str | None = None  # the grade the vendor sold them as, if any


def parse_line(text: str) -> PoLineSpec:
    """`manufacturer=Apple,model=iPhone 12,capacity=64GB,color=Black,qty=10,cost=180` (also
    model_number, network, grade) → a PoLineSpec; a clear refusal naming what is wrong."""
    values: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower().replace("colour", "color")
        if not sep or key not in LINE_KEYS:
            raise InvalidInput(f"PO line “{text}”: “{part.strip()}” is not one of {', '.join(k + '=' for k in LINE_KEYS)}.")
        values[key] = " ".join(value.split())
    if not values.get("manufacturer") or not values.get("model"):
        raise InvalidInput(f"PO line “{text}”: manufacturer= and model= are required.")
    try:
        quantity = int(values.get("qty", ""))
    except ValueError:
        raise InvalidInput(f"PO line “{text}”: qty= is a whole number of units.") from None
    try:
        cost = Decimal(values.get("cost", ""))
    except InvalidOperation:
        raise InvalidInput(f"PO line “{text}”: cost= is the unit cost, an amount such as 180.00.") from None
    return PoLineSpec(values["manufacturer"], values["model"], quantity, cost,
                      **{f: values.get(f, "") for f in PRODUCT_FIELDS[2:]}, grade=values.get("grade") or None)


def _check_line(session: Session, spec: PoLineSpec) -> int | None:
    limits.check_line_quantity(spec.quantity)
    limits.check_amount("unit cost", spec.unit_cost)
    for f in PRODUCT_FIELDS:
        limits.check_length(f"line's {f.replace('_', ' ')}", getattr(spec, f), getattr(Product, f))
    return reference.grade(session, spec.grade).id if spec.grade else None


@dataclass(frozen=True)
class PoCreated:
    number: str
    po_id: int
    changes: Changes


def create_po(session: Session, vendor: str, lines: list[PoLineSpec], *, reference_text: str = "",
              expected_date: date | None = None) -> PoCreated:
    """A draft purchase order for `vendor` with its lines (manager). Its number (PO100001) is returned."""
    require(session, Permission.PURCHASING)
    row_vendor = common.vendor_named(session, vendor)
    if not lines:
        raise InvalidInput("A purchase order needs at least one line.")
    reference_text = " ".join((reference_text or "").split())
    limits.check_length("vendor reference", reference_text, PurchaseOrder.reference)
    grades = [_check_line(session, spec) for spec in lines]
    po = PurchaseOrder(number=common.temporary_number(), vendor_id=row_vendor.id, reference=reference_text,
                       expected_date=expected_date, status=common.DRAFT)
    session.add(po)
    session.flush()
    po.number = f"{common.PO_PREFIX}{100000 + po.id}"
    for spec, grade_id in zip(lines, grades):
        session.add(PurchaseOrderLine(po_id=po.id, manufacturer=spec.manufacturer, model=spec.model,
                                      model_number=spec.model_number, network=spec.network, capacity=spec.capacity,
                                      color=spec.color, expected_grade_id=grade_id, quantity=spec.quantity,
                                      unit_cost=spec.unit_cost))
    session.flush()
    return PoCreated(po.number, po.id, Changes.of(message=f"Purchase order {po.number}"))


def _received_count(session: Session, po_id: int) -> int:
    return session.scalar(select(func.count(PoReceipt.id)).where(PoReceipt.po_id == po_id)) or 0


def place_po(session: Session, number: str) -> Changes:
    """draft → placed: the order went to the vendor (manager)."""
    require(session, Permission.PURCHASING)
    po = common.get_po(session, number, lock=True)
    if po.status != common.DRAFT:
        raise Conflict(f"{po.number} is {po.status.replace('_', ' ')}, not a draft: it was placed already.",
                       reason="po_status")
    po.status = common.PLACED
    session.flush()
    return Changes.of(message=f"{po.number} placed")


def cancel_po(session: Session, number: str) -> Changes:
    """Cancel a PO nothing was received on (manager)."""
    require(session, Permission.PURCHASING)
    po = common.get_po(session, number, lock=True)
    if po.status in (common.CLOSED, common.CANCELLED):
        raise Conflict(f"{po.number} is {po.status} already.", reason="po_status")
    received = _received_count(session, po.id)
    if received:
        raise Conflict(f"{po.number} cannot be cancelled: {received} unit(s) were received on it — close it instead.",
                       reason="po_status")
    po.status = common.CANCELLED
    po.closed_at = utcnow()
    session.flush()
    return Changes.of(message=f"{po.number} cancelled")


def close_po(session: Session, number: str) -> Changes:
    """Close a PO that received units (a short delivery is accepted as it is); nothing more is
    received on it afterwards, except a vendor's replacements for units sent back (manager)."""
    require(session, Permission.PURCHASING)
    po = common.get_po(session, number, lock=True)
    if po.status in (common.CLOSED, common.CANCELLED):
        raise Conflict(f"{po.number} is {po.status} already.", reason="po_status")
    if po.status in (common.DRAFT, common.PLACED):
        raise Conflict(f"{po.number} has received nothing, so it cannot be closed — cancel it instead "
                       f"(`refurbdesk po cancel {po.number}`).", reason="po_status")
    po.status = common.CLOSED
    po.closed_at = utcnow()
    session.flush()
    return Changes.of(message=f"{po.number} closed")


def refresh_status(session: Session, po: PurchaseOrder) -> None:
    """After a receipt: placed/draft → partially received → received, by units counted on lines."""
    if po.status not in common.RECEIVABLE:
        return
    counted = dict(session.execute(
        select(PoReceipt.po_line_id, func.count(PoReceipt.id))
        .where(PoReceipt.po_id == po.id, PoReceipt.replaces_unit_id.is_(None)).group_by(PoReceipt.po_line_id)).all())
    lines = session.execute(select(PurchaseOrderLine.id, PurchaseOrderLine.quantity)
                            .where(PurchaseOrderLine.po_id == po.id)).all()
    if not counted:
        return
    complete = all(counted.get(line_id, 0) >= quantity for line_id, quantity in lines)
    po.status = common.RECEIVED if complete else common.PARTIAL
