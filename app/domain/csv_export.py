"""Inventory CSV export: every unit — sold and returned ones included — with its status."""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.catalog import PRODUCT_FIELDS, condition_codes
from app.domain.csv_import import OPTIONAL, REQUIRED
from app.models import Grade, InventoryStatus, Product, Unit, Variation, Warehouse
from app.domain.permissions import Permission, allowed, require

COLUMNS = (*REQUIRED, *OPTIONAL)


def export_inventory(session: Session, out: TextIO) -> int:
    """Write the CSV the importer reads back; returns the number of units written."""
    require(session, Permission.CSV)
    costs = allowed(session, Permission.VIEW_COSTS)  # the column stays, empty for a role that may not see costs
    codes = condition_codes(session)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    stmt = (
        select(Unit.imei, *[getattr(Product, f) for f in PRODUCT_FIELDS], Grade.name, Unit.variation_id,
               InventoryStatus.name, Warehouse.name, Variation.sku, Unit.cost, Unit.serial, Unit.imei2)
        .join(Variation, Variation.id == Unit.variation_id)
        .join(Product, Product.id == Variation.product_id)
        .join(Grade, Grade.id == Variation.grade_id)
        .join(InventoryStatus, InventoryStatus.id == Unit.status_id)
        .join(Warehouse, Warehouse.id == Unit.warehouse_id)
        .order_by(Unit.id)
        .execution_options(yield_per=5000)
    )
    count = 0
    for row in session.execute(stmt):
        imei, *product, grade, vid, status, warehouse, sku, cost, serial, imei2 = row
        writer.writerow([imei or "", *product, grade, ";".join(sorted(codes.get(vid, []))), status, warehouse,
                         sku or "", "" if cost is None or not costs else str(cost), serial or "", imei2 or ""])
        count += 1
    return count
