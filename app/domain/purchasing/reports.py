"""Reports a receiving manager reads: stock value at cost by status and warehouse, aging by
received date, each vendor's defect rate and open credit, each PO's received vs expected.

"Stock" leaves out units that are no longer ours: sold, returned to the vendor, written off.
Everything is grouped in SQL (one query per report), never one query per unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, distinct, func, literal, select
from sqlalchemy.orm import Session

from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.domain.purchasing.views import PoSummary, list_pos
from app.models import InventoryStatus, PurchaseOrder, PoReceipt, Unit, Vendor, VendorRma, VendorRmaLine, Warehouse
from app.models.base import utcnow

AGING_BUCKETS = ((30, "0-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"))
OLDEST = "181+"


@dataclass(frozen=True)
class StockValueRow:
    status: str
    warehouse: str
    units: int
    value: Decimal  # Σ unit cost (landed cost included)
    units_without_cost: int


def stock_value(session: Session) -> list[StockValueRow]:
    require(session, Permission.VIEW_COSTS)
    gone = common.gone_status_ids(session)
    rows = session.execute(
        select(InventoryStatus.name, Warehouse.name, func.count(Unit.id), func.coalesce(func.sum(Unit.cost), 0),
               func.count(Unit.id) - func.count(Unit.cost))
        .join(InventoryStatus, InventoryStatus.id == Unit.status_id).join(Warehouse, Warehouse.id == Unit.warehouse_id)
        .where(Unit.status_id.not_in(gone or {-1}))
        .group_by(InventoryStatus.name, InventoryStatus.position, Warehouse.name)
        .order_by(InventoryStatus.position, InventoryStatus.name, Warehouse.name)).all()
    return [StockValueRow(s, w, n, Decimal(v).quantize(common.CENT), missing) for s, w, n, v, missing in rows]


@dataclass(frozen=True)
class AgingRow:
    bucket: str  # days since received: 0-30, 31-60, 61-90, 91-180, 181+
    units: int
    value: Decimal


def aging(session: Session, now: datetime | None = None) -> list[AgingRow]:
    """Units in stock by how many days ago they were received (every bucket listed, even empty)."""
    require(session, Permission.VIEW_COSTS)
    now = now or utcnow()
    gone = common.gone_status_ids(session)
    bucket = case(*((Unit.received_at >= now - timedelta(days=days), literal(name)) for days, name in AGING_BUCKETS),
                  else_=literal(OLDEST))
    found = {b: (n, Decimal(v)) for b, n, v in session.execute(
        select(bucket, func.count(Unit.id), func.coalesce(func.sum(Unit.cost), 0))
        .where(Unit.status_id.not_in(gone or {-1})).group_by(bucket)).all()}
    names = [name for _, name in AGING_BUCKETS] + [OLDEST]
    return [AgingRow(name, found.get(name, (0, 0))[0], Decimal(found.get(name, (0, 0))[1]).quantize(common.CENT))
            for name in names]


@dataclass(frozen=True)
class VendorRow:
    vendor: str
    received: int  # units received from the vendor (replacements included)
    sent_back: int  # distinct units on its shipped or closed RMAs
    defect_rate: float | None  # sent_back / received, None before anything was received
    open_credit: Decimal  # cost of unresolved units on approved or shipped RMAs
    credit_received: Decimal


def vendor_report(session: Session) -> list[VendorRow]:
    require(session, Permission.VIEW_COSTS)
    received = dict(session.execute(select(PurchaseOrder.vendor_id, func.count(PoReceipt.id))
                                    .join(PoReceipt, PoReceipt.po_id == PurchaseOrder.id)
                                    .group_by(PurchaseOrder.vendor_id)).all())
    returned = dict(session.execute(select(VendorRma.vendor_id, func.count(distinct(VendorRmaLine.unit_id)))
                                    .join(VendorRmaLine, VendorRmaLine.rma_id == VendorRma.id)
                                    .where(VendorRma.status.in_((common.RMA_SHIPPED, common.RMA_CLOSED)))
                                    .group_by(VendorRma.vendor_id)).all())
    credit = {v: (Decimal(o), Decimal(r)) for v, o, r in session.execute(
        select(VendorRma.vendor_id,
               func.coalesce(func.sum(case((VendorRmaLine.open.is_(True)
                                            & VendorRma.status.in_((common.RMA_APPROVED, common.RMA_SHIPPED)),
                                            func.coalesce(VendorRmaLine.unit_cost, 0)), else_=0)), 0),
               func.coalesce(func.sum(func.coalesce(VendorRmaLine.credit_amount, 0)), 0))
        .join(VendorRmaLine, VendorRmaLine.rma_id == VendorRma.id).group_by(VendorRma.vendor_id)).all()}
    rows = []
    for vendor_id, name in session.execute(select(Vendor.id, Vendor.name).order_by(Vendor.name)):
        n, back = received.get(vendor_id, 0), returned.get(vendor_id, 0)
        open_credit, got = credit.get(vendor_id, (Decimal(0), Decimal(0)))
        rows.append(VendorRow(name, n, back, round(back / n, 4) if n else None, open_credit.quantize(common.CENT),
                              got.quantize(common.CENT)))
    return rows


def po_progress(session: Session) -> list[PoSummary]:
    """Every PO with its received vs expected (newest first)."""
    require(session, Permission.VIEW_COSTS)
    return list_pos(session)
