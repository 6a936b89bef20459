"""The user-managed lists: grades, conditions, warehouses, inventory and order statuses, channels."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.changes import Changes
from app.domain.errors import InvalidInput, NotFound
from app.models import Channel, Condition, Customer, Grade, InventoryStatus, OrderStatus, Warehouse
from app.domain.permissions import Permission, require

BACK_MARKET = "Back Market"
DIRECT = "Direct"


def _clean(name: str, what: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput(f"A {what} needs a name.")
    return cleaned


def _by_name(session: Session, model, name: str):
    return session.scalar(select(model).where(func.lower(model.name) == name.strip().lower()))


def _next_position(session: Session, model) -> int:
    return (session.scalar(select(func.max(model.position))) or 0) + 1


def define_warehouse(session: Session, name: str) -> Changes:
    require(session, Permission.LISTS)
    name = _clean(name, "warehouse")
    if _by_name(session, Warehouse, name) is None:
        session.add(Warehouse(name=name))
        session.flush()
    return Changes.of(catalog=True, message=f"Warehouse {name}")


def define_status(session: Session, name: str, sellable: bool | None = None) -> Changes:
    """Add an inventory status; for an existing one, only an explicit `sellable` changes it."""
    require(session, Permission.LISTS)
    name = _clean(name, "status")
    row = _by_name(session, InventoryStatus, name)
    if row is None:
        session.add(InventoryStatus(name=name, sellable=bool(sellable), position=_next_position(session, InventoryStatus)))
    elif sellable is not None:
        row.sellable = sellable
    session.flush()
    return Changes.of(catalog=True, message=f"Status {name}")


def define_grade(session: Session, name: str) -> Changes:
    require(session, Permission.LISTS)
    name = _clean(name, "grade")
    if _by_name(session, Grade, name) is None:
        # "Ungraded" (purchasing's placeholder until diagnostics grade a unit) stays last.
        ungraded = _by_name(session, Grade, "Ungraded")
        position = _next_position(session, Grade)
        if ungraded is not None and ungraded.position == position - 1:
            position, ungraded.position = ungraded.position, position
        session.add(Grade(name=name, position=position))
        session.flush()
    return Changes.of(catalog=True, message=f"Grade {name}")


def define_condition(session: Session, code: str, name: str) -> Changes:
    require(session, Permission.LISTS)
    code = _clean(code, "condition code").upper()
    if " " in code or ";" in code or "," in code:
        raise InvalidInput(f"A condition code is one word without ';' or ',': “{code}”.")
    name = _clean(name, "condition")
    row = session.scalar(select(Condition).where(Condition.code == code))
    if row is None:
        session.add(Condition(code=code, name=name))
    else:
        row.name = name
    session.flush()
    return Changes.of(catalog=True, message=f"Condition {code} {name}")


def define_order_status(
    session: Session, name: str, is_open: bool | None = None, allows_commit: bool | None = None
) -> Changes:
    require(session, Permission.LISTS)
    name = _clean(name, "order status")
    row = _by_name(session, OrderStatus, name)
    if row is None:
        session.add(
            OrderStatus(
                name=name,
                is_open=bool(is_open),
                allows_commit=bool(allows_commit),
                position=_next_position(session, OrderStatus),
            )
        )
    else:
        if is_open is not None:
            row.is_open = is_open
        if allows_commit is not None:
            row.allows_commit = allows_commit
    session.flush()
    return Changes.of(catalog=True, message=f"Order status {name}")


def channel(session: Session, name: str) -> Channel:
    row = _by_name(session, Channel, name)
    if row is None:
        row = Channel(name=_clean(name, "channel"))
        session.add(row)
        session.flush()
    return row


def customer(session: Session, name: str) -> Customer:
    name = _clean(name, "customer")
    row = _by_name(session, Customer, name)
    if row is None:
        row = Customer(name=name)
        session.add(row)
        session.flush()
    return row


def _require(session: Session, model, name: str, what: str):
    row = _by_name(session, model, name or "")
    if row is None:
        known = ", ".join(session.scalars(select(model.name).order_by(model.id)))
        raise NotFound(f"Unknown {what} “{name}”. Known: {known or 'none'}.")
    return row


def spelled(session: Session, model, name: str, what: str) -> str:
    """A list item's name as the list spells it, whatever the case it was typed in; refuses an unknown one."""
    return _require(session, model, name, what).name


def names(session: Session, model) -> list[str]:
    """Every name in a list, in the list's order."""
    order = (model.position, model.id) if hasattr(model, "position") else (model.id,)
    return list(session.scalars(select(model.name).order_by(*order)))


def warehouse(session: Session, name: str) -> Warehouse:
    return _require(session, Warehouse, name, "warehouse")


def status(session: Session, name: str) -> InventoryStatus:
    return _require(session, InventoryStatus, name, "status")


def grade(session: Session, name: str) -> Grade:
    return _require(session, Grade, name, "grade")


def order_status(session: Session, name: str) -> OrderStatus:
    return _require(session, OrderStatus, name, "order status")


def conditions(session: Session, codes) -> list[Condition]:
    wanted = sorted({c.strip().upper() for c in codes if c and c.strip()})
    if not wanted:
        return []
    rows = list(session.scalars(select(Condition).where(Condition.code.in_(wanted))))
    missing = sorted(set(wanted) - {r.code for r in rows})
    if missing:
        known = ", ".join(session.scalars(select(Condition.code).order_by(Condition.code)))
        raise NotFound(f"Unknown condition {', '.join(missing)}. Known: {known or 'none'}.")
    return sorted(rows, key=lambda r: r.id)
