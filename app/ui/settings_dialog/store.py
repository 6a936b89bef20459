"""What the settings dialog reads and writes, without Qt (runs on the task runner).

Every rule lives in app.domain (reference, list_edits, settings): the command line obeys the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import list_edits, reference, settings
from app.domain.changes import Changes
from app.models import Condition, Grade, InventoryStatus, OrderStatus, Warehouse


# The dialog's page keys -> the lists' words in app.domain.list_edits (and on the command line).
KIND_KEYS = {"grades": "grade", "conditions": "condition", "statuses": "status", "warehouses": "warehouse",
             "order_statuses": "order-status"}


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


def move_item(session: Session, kind: str, name: str, step: int) -> Changes:
    return list_edits.step(session, KIND_KEYS[kind], name, step)


def rename_item(session: Session, kind: str, name: str, new: str) -> Changes:
    return list_edits.rename(session, KIND_KEYS[kind], name, new)


def delete_item(session: Session, kind: str, name: str) -> Changes:
    return list_edits.delete(session, KIND_KEYS[kind], name)


def merge_item(session: Session, kind: str, name: str, into: str) -> Changes:
    return list_edits.merge(session, KIND_KEYS[kind], name, into)


def preview(session: Session, kind: str, name: str, into: str | None) -> list_edits.EditPreview:
    """Tried in a savepoint and rolled back: run it in a write session that is never committed."""
    if into is None:
        return list_edits.preview_delete(session, KIND_KEYS[kind], name)
    return list_edits.preview_merge(session, KIND_KEYS[kind], name, into)


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
