"""The lists a new database starts with (PRODUCT.md); adding them again changes nothing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import reference

GRADES = ("A+", "A", "B", "C", "D")
CONDITIONS = (
    ("CG", "Cracked Glass"),
    ("CB", "Cracked Back"),
    ("SC", "Scratches"),
    ("BS", "Battery Service"),
    ("DP", "Dead Pixels"),
)
WAREHOUSES = ("Main",)
INVENTORY_STATUSES = (
    ("Available", True),
    ("Incoming", False),
    ("Processing", False),
    ("Repair", False),
    ("Unavailable", False),
    ("Vendor RMA", False),
    ("Sold", False),
    ("Returned", False),
)
# name, open (reserves stock), allows commit (units may be scanned onto it)
ORDER_STATUSES = (
    ("Awaiting payment", True, False),
    ("New", True, True),
    ("Ready to ship", True, True),
    ("Shipped", False, False),
    ("Cancelled", False, False),
    ("Refunded", False, False),
)
CHANNELS = (reference.DIRECT, reference.BACK_MARKET)


def add_defaults(session: Session) -> None:
    from sqlalchemy import select

    from app.models import Condition, Grade, InventoryStatus, OrderStatus, Warehouse

    # Only seed an empty list: a manager who renamed or removed defaults keeps their choice.
    if session.scalar(select(Grade.id).limit(1)) is None:
        for name in GRADES:
            reference.define_grade(session, name)
    if session.scalar(select(Condition.id).limit(1)) is None:
        for code, name in CONDITIONS:
            reference.define_condition(session, code, name)
    if session.scalar(select(Warehouse.id).limit(1)) is None:
        for name in WAREHOUSES:
            reference.define_warehouse(session, name)
    if session.scalar(select(InventoryStatus.id).limit(1)) is None:
        for name, sellable in INVENTORY_STATUSES:
            reference.define_status(session, name, sellable)
    if session.scalar(select(OrderStatus.id).limit(1)) is None:
        for name, is_open, allows_commit in ORDER_STATUSES:
            reference.define_order_status(session, name, is_open, allows_commit)
    for name in CHANNELS:
        reference.channel(session, name)
