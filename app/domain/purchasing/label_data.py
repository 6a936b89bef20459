"""What goes on a PO receiving label and an RMA packing list, read from the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import inventory
from app.domain.errors import NotFound
from app.domain.permissions import Permission, allowed, require
from app.domain.purchasing import common
from app.domain.purchasing.views import rma_view
from app.labels.purchasing import ReceivingLabelData, RmaListLine, RmaPackingListData
from app.models import PurchaseOrder, PoReceipt


def receiving_label_data(session: Session, code: str) -> ReceivingLabelData:
    """The label of a unit received on a PO: its code, model, PO number and line."""
    require(session, Permission.LABELS)
    unit = inventory.find_unit(session, code)
    receipt = session.scalar(select(PoReceipt).where(PoReceipt.unit_id == unit.id))
    if receipt is None:
        raise NotFound(f"Unit {unit.code} was not received on a purchase order.", reason="no_receipt")
    po = session.get(PurchaseOrder, receipt.po_id)
    line = [line.id for line in po.lines].index(receipt.po_line_id) + 1
    grade = unit.variation.grade.name
    return ReceivingLabelData(unit.code, unit.variation.product.display_name, po.number, line,
                              "" if grade == common.UNGRADED else grade)


def rma_packing_list_data(session: Session, number: str) -> RmaPackingListData:
    """The packing list for the box of an RMA (its vendor, RA number, tracking, units and reasons)."""
    require(session, Permission.LABELS)
    view = rma_view(session, number)
    costs = allowed(session, Permission.VIEW_COSTS)
    when = view.shipped_at or view.approved_at or view.created_at
    return RmaPackingListData(view.number, view.vendor, view.ra_number, view.tracking or "", when.strftime("%Y-%m-%d"),
                              tuple(RmaListLine(l.code, l.product, l.reason,
                                                common.money(l.unit_cost) if costs else None) for l in view.lines))
