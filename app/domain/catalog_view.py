"""Read-side view of the catalog: variations with their units counted by status."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.catalog import condition_codes
from app.models import Grade, InventoryStatus, Product, Unit, Variation


def catalog_rows(session: Session) -> list[dict]:
    """`refurbdesk catalog --json`: id, product, grade, conditions, sku, units {status: n}."""
    codes = condition_codes(session)
    counts: dict[int, dict[str, int]] = {}
    for vid, status, n in session.execute(
        select(Unit.variation_id, InventoryStatus.name, func.count(Unit.id))
        .join(InventoryStatus, InventoryStatus.id == Unit.status_id)
        .group_by(Unit.variation_id, InventoryStatus.name)
    ):
        counts.setdefault(vid, {})[status] = n
    rows = []
    stmt = (
        select(Variation.id, Product, Grade.name, Variation.sku)
        .join(Product, Product.id == Variation.product_id)
        .join(Grade, Grade.id == Variation.grade_id)
        .order_by(Variation.id)
    )
    for vid, product, grade, sku in session.execute(stmt):
        rows.append({
            "id": vid,
            "product": product.display_name,
            "grade": grade,
            "conditions": sorted(codes.get(vid, [])),
            "sku": sku,
            "units": counts.get(vid, {}),
        })
    return rows
