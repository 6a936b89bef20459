"""What the settings dialog reads and writes, without Qt (runs on the task runner).

Two rules live here only because app.domain has no function for them yet (reported to the lead):
reordering grades, and refusing SKU uniqueness while duplicates exist. Both belong in
app.domain.reference / app.domain.settings so the command line obeys them too.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import reference, settings
from app.domain.changes import Changes
from app.models import Condition, Grade, InventoryStatus, OrderStatus, Warehouse


@dataclass(frozen=True)
class Lists:
    grades: tuple[tuple[str], ...]
    conditions: tuple[tuple[str, str], ...]
    statuses: tuple[tuple[str, bool], ...]
    warehouses: tuple[tuple[str], ...]
    order_statuses: tuple[tuple[str, bool, bool], ...]
    sku_unique: bool


def load_lists(session: Session) -> Lists:
    return Lists(
        tuple((n,) for n in session.scalars(select(Grade.name).order_by(Grade.position, Grade.id))),
        tuple((c, n) for c, n in session.execute(select(Condition.code, Condition.name).order_by(Condition.code))),
        tuple((n, bool(s)) for n, s in session.execute(
            select(InventoryStatus.name, InventoryStatus.sellable).order_by(InventoryStatus.position, InventoryStatus.id))),
        tuple((n,) for n in session.scalars(select(Warehouse.name).order_by(Warehouse.id))),
        tuple((n, bool(o), bool(c)) for n, o, c in session.execute(
            select(OrderStatus.name, OrderStatus.is_open, OrderStatus.allows_commit).order_by(OrderStatus.position, OrderStatus.id))),
        bool(settings.get(session, "catalog.sku_unique")),
    )


def move_grade(session: Session, name: str, step: int) -> Changes:
    return reference.move_grade(session, name, step)


def set_sku_unique(session: Session, unique: bool) -> Changes:
    """Turning uniqueness on is refused (by the domain) while variations share SKUs."""
    settings.set_(session, "catalog.sku_unique", unique)
    return Changes.of(settings=True, message=f"SKU uniqueness {'on' if unique else 'off'}")


def add_item(session: Session, kind: str, values: tuple) -> Changes:
    if kind == "grades":
        return reference.define_grade(session, values[0])
    if kind == "conditions":
        return reference.define_condition(session, values[0], values[1])
    if kind == "statuses":
        return reference.define_status(session, values[0], bool(values[1]) if len(values) > 1 else None)
    if kind == "warehouses":
        return reference.define_warehouse(session, values[0])
    if kind == "order_statuses":
        return reference.define_order_status(session, values[0], *(bool(v) for v in values[1:3]))
    raise ValueError(kind)


def set_flag(session: Session, kind: str, name: str, column: int, value: bool) -> Changes:
    """Column 1 of statuses is sellable; columns 1/2 of order statuses are open / allows commit."""
    if kind == "statuses":
        return reference.define_status(session, name, value)
    if kind == "order_statuses":
        return reference.define_order_status(session, name, **({"is_open": value} if column == 1 else {"allows_commit": value}))
    raise ValueError(kind)
