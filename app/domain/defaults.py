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
# What purchasing, grading and vendor returns need (PRODUCT.md): added to an existing database too,
# when missing, because the receiving and RMA flows move units into them by name.
UNGRADED = "Ungraded"
PURCHASING_STATUSES = ("Incoming", "Processing", "Repair", "Vendor RMA", "Returned to vendor", "Written off")


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
    add_purchasing_defaults(session)


def add_purchasing_defaults(session: Session) -> None:
    """The statuses purchasing moves units into (not sellable) and the grade *Ungraded*, kept last
    in the grade order, added when missing (matched case-insensitively; a manager's list is kept)."""
    from sqlalchemy import func, select

    from app.models import Grade, InventoryStatus

    # Plain inserts, no permission asked: `init` runs before anyone signs in.
    for name in PURCHASING_STATUSES:
        if session.scalar(select(InventoryStatus.id).where(func.lower(InventoryStatus.name) == name.lower())) is None:
            position = (session.scalar(select(func.max(InventoryStatus.position))) or 0) + 1
            session.add(InventoryStatus(name=name, sellable=False, position=position))
            session.flush()
    ungraded = session.scalar(select(Grade).where(func.lower(Grade.name) == UNGRADED.lower()))
    last = session.scalar(select(func.max(Grade.position))) or 0
    if ungraded is None:
        session.add(Grade(name=UNGRADED, position=last + 1))
    elif ungraded.position < last or session.scalar(
            select(func.count(Grade.id)).where(Grade.position == last, Grade.id != ungraded.id)):
        ungraded.position = last + 1
    session.flush()
