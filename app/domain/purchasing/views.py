"""Read models for purchasing screens and `po show` / `rma show`: plain frozen dataclasses.

Costs are shown only to a role that may see them (Permission.VIEW_COSTS); for others they are None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.permissions import Permission, allowed, require
from app.domain.purchasing import common
from app.domain.purchasing.receiving import line_name
from app.models import (Grade, InventoryStatus, LandedCost, Manifest, ManifestRow, PurchaseOrder, PoReceipt, Unit,
                        UnitCode, Variation, VendorRma, VendorRmaLine)


@dataclass(frozen=True)
class PoLineView:
    number: int  # 1-based
    id: int
    product: str
    manufacturer: str
    model: str
    model_number: str
    network: str
    capacity: str
    color: str
    expected_grade: str | None
    quantity: int
    unit_cost: Decimal | None
    received: int  # replacements not counted
    unexpected: int
    replacements: int


@dataclass(frozen=True)
class PoUnitView:
    code: str
    line: int
    status: str
    grade: str
    unit_cost: Decimal | None
    unexpected: bool
    over_receipt: bool
    replaces: str | None
    received_at: datetime


@dataclass(frozen=True)
class PoView:
    number: str
    vendor: str
    reference: str
    expected_date: date | None
    status: str
    created_at: datetime
    closed_at: datetime | None
    lines: tuple[PoLineView, ...]
    expected: int
    received: int
    manifest_rows: int
    manifest_received: int
    manifest_missing: tuple[str, ...]  # codes on the manifest not received yet
    landed_cost: Decimal | None
    units: tuple[PoUnitView, ...]


def po_view(session: Session, number: str) -> PoView:
    """A PO with every line's received vs expected, its manifest and its units."""
    require(session, Permission.LOOKUP)
    costs = allowed(session, Permission.VIEW_COSTS)
    po = common.get_po(session, number)
    rows = session.execute(
        select(PoReceipt, Unit, InventoryStatus.name, Grade.name)
        .join(Unit, Unit.id == PoReceipt.unit_id).join(InventoryStatus, InventoryStatus.id == Unit.status_id)
        .join(Variation, Variation.id == Unit.variation_id).join(Grade, Grade.id == Variation.grade_id)
        .where(PoReceipt.po_id == po.id).order_by(PoReceipt.id)).all()
    number_of = {line.id: i for i, line in enumerate(po.lines, start=1)}
    replaced_codes = dict(session.execute(select(Unit.id, UnitCode.code).join(UnitCode, UnitCode.unit_id == Unit.id)
                                          .where(Unit.id.in_([r.replaces_unit_id for r, *_ in rows if r.replaces_unit_id]),
                                                 UnitCode.kind != "imei2")).all())
    units = tuple(PoUnitView(unit.code, number_of[r.po_line_id], status, grade, r.unit_cost if costs else None,
                             r.unexpected, r.over_receipt, replaced_codes.get(r.replaces_unit_id), r.received_at)
                  for r, unit, status, grade in rows)
    grades = dict(session.execute(select(Grade.id, Grade.name)).all())
    lines = []
    for line in po.lines:
        mine = [r for r, *_ in rows if r.po_line_id == line.id]
        lines.append(PoLineView(
            number_of[line.id], line.id, line_name(line), line.manufacturer, line.model, line.model_number,
            line.network, line.capacity, line.color, grades.get(line.expected_grade_id), line.quantity,
            line.unit_cost if costs else None, sum(1 for r in mine if r.replaces_unit_id is None),
            sum(1 for r in mine if r.unexpected), sum(1 for r in mine if r.replaces_unit_id is not None)))
    manifest_codes = list(session.scalars(select(ManifestRow.code).where(ManifestRow.po_id == po.id)
                                          .order_by(ManifestRow.line_no)))
    received_codes = set(session.scalars(select(UnitCode.code).join(PoReceipt, PoReceipt.unit_id == UnitCode.unit_id)
                                         .where(PoReceipt.po_id == po.id)))
    landed = session.scalar(select(func.sum(LandedCost.amount)).where(LandedCost.po_id == po.id))
    return PoView(po.number, po.vendor.name, po.reference, po.expected_date, po.status, po.created_at, po.closed_at,
                  tuple(lines), sum(l.quantity for l in lines), sum(l.received for l in lines), len(manifest_codes),
                  sum(1 for c in manifest_codes if c in received_codes),
                  tuple(c for c in manifest_codes if c not in received_codes),
                  (landed or Decimal(0)) if costs else None, units)


@dataclass(frozen=True)
class PoSummary:
    number: str
    vendor: str
    reference: str
    status: str
    created_at: datetime
    expected: int
    received: int
    has_manifest: bool


def list_pos(session: Session, *, vendor: str | None = None, open_only: bool = False) -> list[PoSummary]:
    """Every PO (newest first), with received vs expected; `open_only` leaves out closed and cancelled."""
    require(session, Permission.LOOKUP)
    stmt = select(PurchaseOrder).order_by(PurchaseOrder.id.desc())
    if vendor:
        stmt = stmt.where(PurchaseOrder.vendor_id == common.vendor_named(session, vendor).id)
    if open_only:
        stmt = stmt.where(PurchaseOrder.status.not_in((common.CLOSED, common.CANCELLED)))
    pos = list(session.scalars(stmt))
    ids = [p.id for p in pos]
    received = dict(session.execute(select(PoReceipt.po_id, func.count(PoReceipt.id))
                                    .where(PoReceipt.po_id.in_(ids), PoReceipt.replaces_unit_id.is_(None))
                                    .group_by(PoReceipt.po_id)).all())
    manifests = set(session.scalars(select(Manifest.po_id).where(Manifest.po_id.in_(ids))))
    return [PoSummary(p.number, p.vendor.name, p.reference, p.status, p.created_at, sum(l.quantity for l in p.lines),
                      received.get(p.id, 0), p.id in manifests) for p in pos]


@dataclass(frozen=True)
class RmaLineView:
    code: str
    product: str
    grade: str
    reason: str
    unit_cost: Decimal | None
    status: str  # the unit's inventory status now
    resolution: str | None
    credit_amount: Decimal | None
    replacement: str | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class RmaView:
    number: str
    vendor: str
    ra_number: str
    status: str
    tracking: str | None
    created_at: datetime
    approved_at: datetime | None
    approved_by: str
    shipped_at: datetime | None
    closed_at: datetime | None
    lines: tuple[RmaLineView, ...]
    credit_expected: Decimal | None  # the cost of every unit on it
    credit_received: Decimal | None  # what credited lines brought back
    open_lines: int


def rma_view(session: Session, number: str) -> RmaView:
    require(session, Permission.LOOKUP)
    costs = allowed(session, Permission.VIEW_COSTS)
    rma = common.get_rma(session, number)
    lines = []
    for line in session.scalars(select(VendorRmaLine).where(VendorRmaLine.rma_id == rma.id).order_by(VendorRmaLine.id)):
        unit = session.get(Unit, line.unit_id)
        replacement = session.get(Unit, line.replacement_unit_id).code if line.replacement_unit_id else None
        lines.append(RmaLineView(unit.code, unit.variation.product.display_name, unit.variation.grade.name, line.reason,
                                 line.unit_cost if costs else None, unit.status.name, line.resolution,
                                 line.credit_amount if costs else None, replacement, line.resolved_at))
    expected = sum((l.unit_cost or Decimal(0)) for l in lines) if costs else None
    received = sum((l.credit_amount or Decimal(0)) for l in lines) if costs else None
    return RmaView(rma.number, rma.vendor.name, rma.ra_number, rma.status, rma.tracking, rma.created_at,
                   rma.approved_at, rma.approved_by, rma.shipped_at, rma.closed_at, tuple(lines), expected, received,
                   sum(1 for l in lines if l.resolution is None))


def list_rmas(session: Session, *, open_only: bool = False) -> list[RmaView]:
    """Every RMA (newest first); `open_only` leaves out closed ones."""
    require(session, Permission.LOOKUP)
    stmt = select(VendorRma.number).order_by(VendorRma.id.desc())
    if open_only:
        stmt = stmt.where(VendorRma.status != common.RMA_CLOSED)
    return [rma_view(session, n) for n in session.scalars(stmt)]
