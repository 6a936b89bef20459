"""What goes on a unit label, a SKU label and a packing slip, read from the database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import catalog, inventory, orders
from app.domain.errors import InvalidInput
from app.domain.orders_view import orders_rows
from app.labels import PackingSlipData, SkuLabelData, SlipLine, UnitLabelData
from app.domain.permissions import Permission, require
from app.domain.dates import day


def unit_label_data(session: Session, code: str) -> UnitLabelData:
    require(session, Permission.LABELS)
    unit = inventory.find_unit(session, code)
    v = unit.variation
    return UnitLabelData(
        code=unit.code,
        product=v.product.display_name,
        grade=v.grade.name,
        conditions=tuple(c.code for c in v.conditions),
        sku=v.sku,
    )


def sku_label_data(session: Session, variation_id: int) -> SkuLabelData:
    require(session, Permission.LABELS)
    v = catalog.get_variation(session, variation_id)
    if not v.sku:
        raise InvalidInput(f"Variation {variation_id} has no SKU to print.")
    return SkuLabelData(sku=v.sku, product=v.product.display_name, grade=v.grade.name,
                        conditions=tuple(c.code for c in v.conditions))


def packing_slip_data(session: Session, order_number: str) -> PackingSlipData:
    require(session, Permission.LABELS)
    order = orders.get_order(session, order_number)
    row = orders_rows(session, order_ids=[order.id])[0]
    return PackingSlipData(
        order_number=order.number,
        customer=order.customer.name,
        channel=order.channel.name,
        created=day(order.created_at),
        lines=tuple(
            SlipLine(wanted=line["wants"], quantity=line["quantity"], codes=tuple(line["committed"]))
            for line in row["lines"]
            if not line["closed"]
        ),
        shipping_address=tuple(part for part in (order.shipping_address or "").splitlines() if part.strip()),
    )
