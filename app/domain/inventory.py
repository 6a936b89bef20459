"""Receiving units and changing them: status, warehouse, grade — each change written to history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defaultload

from app.db import lock_first
from app.domain import catalog, history, limits, reference, settings
from app.domain.catalog import ProductSpec
from app.domain.changes import Changes
from app.domain.codes import CodeKind, parse_unit_code
from app.domain.codes import unit_codes as codes_of_unit
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.station import Actor
from app.models import Commitment, InventoryStatus, Order, Unit, UnitCode, Variation
from app.domain.permissions import Permission, require
from app.domain.dates import day


@dataclass(frozen=True)
class Receipt:
    """What a receiver sets once before scanning units one after another."""

    product: ProductSpec
    grade: str
    conditions: tuple[str, ...] = ()
    status: str = "Available"
    warehouse: str = "Main"
    sku: str | None = None
    cost: Decimal | None = None


def find_unit(session: Session, raw_code: str, *, lock: bool = False) -> Unit:
    """The unit a scanned IMEI (first or second) or serial belongs to."""
    code = parse_unit_code(raw_code)
    # Conditions load only if asked for: a scan never needs them.
    load = select(Unit).options(defaultload(Unit.variation).lazyload(Variation.conditions))
    by_code = UnitCode.code == code.value
    if lock:
        lock_first(session, select(Unit.id).join(UnitCode, UnitCode.unit_id == Unit.id).where(by_code), of=Unit)
        load = load.execution_options(populate_existing=True)
    unit = session.scalars(load.join(UnitCode, UnitCode.unit_id == Unit.id).where(by_code)).first()
    if unit is None:
        what = "IMEI" if code.kind is CodeKind.IMEI else "serial"
        raise NotFound(f"Unknown unit: no unit with {what} {code.value} has been received.", reason="unknown_unit")
    return unit


def unit_codes(imei: str | None, serial: str | None, imei2: str | None) -> list[tuple[str, str]]:
    codes = codes_of_unit(imei, serial, imei2)
    if not any(kind in ("imei", "serial") for _, kind in codes):
        raise InvalidInput("A unit needs an IMEI or a serial number.")
    values = [c for c, _ in codes]
    if len(set(values)) != len(values):
        raise InvalidInput("The second IMEI must differ from the first.")
    return codes


def _taken(session: Session, values: list[str]) -> str | None:
    return session.scalar(select(UnitCode.code).where(UnitCode.code.in_(values)).limit(1))


def receive_unit(
    session: Session,
    receipt: Receipt,
    *,
    imei: str | None = None,
    serial: str | None = None,
    imei2: str | None = None,
    code: str | None = None,
    actor: Actor | None = None,
    note: str = "",
) -> tuple[Unit, Changes]:
    """Receive one unit. `code` is a scan: an IMEI if all digits, otherwise a serial. `note` is added
    to the history event (purchasing writes the PO and line there)."""
    require(session, Permission.RECEIVE)
    if code is not None:
        parsed = parse_unit_code(code)
        if parsed.kind is CodeKind.IMEI:
            imei = parsed.value
        else:
            serial = parsed.value
    codes = unit_codes(imei, serial, imei2)
    limits.check_amount("cost", receipt.cost)
    clash = _taken(session, [c for c, _ in codes])
    if clash:
        raise Conflict(f"Already received: a unit with {clash} is in stock records.", reason="duplicate")
    variation, created = catalog.variation_for(session, receipt.product, receipt.grade, receipt.conditions)
    changes = Changes.of(variations={variation.id}, catalog=created)
    if receipt.sku and (variation.sku_norm or "") != catalog.normalize_sku(receipt.sku):
        changes |= catalog.first_sku(session, variation, receipt.sku)
    unit = Unit(
        imei=next((c for c, k in codes if k == "imei"), None),
        imei2=next((c for c, k in codes if k == "imei2"), None),
        serial=next((c for c, k in codes if k == "serial"), None),
        variation_id=variation.id,
        status_id=reference.status(session, receipt.status).id,
        warehouse_id=reference.warehouse(session, receipt.warehouse).id,
        cost=receipt.cost,
    )
    session.add(unit)
    try:
        with session.begin_nested():
            session.flush()
            session.add_all(UnitCode(code=c, unit_id=unit.id, kind=k) for c, k in codes)
            session.flush()
    except IntegrityError:
        # Another station received the same code between our check and our insert.
        raise Conflict(f"Already received: {codes[0][0]} was just received at another station.", reason="duplicate") from None
    detail = f"{receipt.status} · {receipt.warehouse}" + (f" · {note}" if note else "")
    history.record(session, unit.id, history.RECEIVED, detail, actor=actor)
    session.flush()
    return unit, changes | Changes.of(units={unit.id}, message=f"Received {unit.code}")


# ---------------------------------------------------------------- protected units
# A unit on an open order or already shipped is protected (PRODUCT.md, "Integrity rules"). Every
# change to a unit's status, grade or conditions goes through these checks, under the unit's lock.


def sold_status_id(session: Session) -> int | None:
    """The status a shipment puts units in (setting `inventory.sold_status`), matched case-insensitively."""
    name = settings.get(session, "inventory.sold_status")
    return session.scalar(select(InventoryStatus.id).where(func.lower(InventoryStatus.name) == name.strip().lower()))


def open_order_of(session: Session, unit_id: int) -> str | None:
    """The number of the order the unit is committed to, if any (the partial unique index: at most one)."""
    return session.scalar(
        select(Order.number).join(Commitment, Commitment.order_id == Order.id)
        .where(Commitment.unit_id == unit_id, Commitment.active.is_(True))
    )


def last_shipment(session: Session, unit_id: int) -> tuple[str, datetime] | None:
    """(order number, shipped at) of the last order the unit went out on."""
    row = session.execute(
        select(Order.number, Commitment.shipped_at).join(Order, Order.id == Commitment.order_id)
        .where(Commitment.unit_id == unit_id, Commitment.shipped_at.is_not(None))
        .order_by(Commitment.shipped_at.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def refuse_if_committed(session: Session, unit: Unit, what: str) -> None:
    number = open_order_of(session, unit.id)
    if number is not None:
        raise Conflict(
            f"Unit {unit.code} is on order {number}, so its {what} cannot change — uncommit it first "
            f"(Packing → Undo, or `refurbdesk uncommit {number} {unit.code}`).",
            reason="unit_committed",
        )


def refuse_if_sold(session: Session, unit: Unit, what: str, sold_id: int | None = None) -> None:
    sold_id = sold_status_id(session) if sold_id is None else sold_id
    if sold_id is not None and unit.status_id == sold_id:
        shipped = last_shipment(session, unit.id)
        on = f" on order {shipped[0]} ({day(shipped[1])})" if shipped else ""
        raise Conflict(
            f"Unit {unit.code} was shipped{on}, so its {what} cannot change — it leaves {unit.status.name} only "
            f"through the returns desk (Inventory → Returns desk, or `refurbdesk return {unit.code} --status S "
            "--warehouse W`).",
            reason="unit_sold",
        )


def move_unit(
    session: Session, raw_code: str, *, status: str | None = None, warehouse: str | None = None, actor: Actor | None = None
) -> Changes:
    """Move a unit to another status and/or warehouse.

    A committed unit keeps its status (uncommit first) but may change warehouse: the box moves, the
    phone stays on its order, and a committed unit counts nowhere in the quantities. A shipped unit
    changes neither: it is with the customer until the returns desk takes it back. Only shipping an
    order puts a unit in the sold status.
    """
    require(session, Permission.MOVE)
    if status is None and warehouse is None:
        raise InvalidInput("Say where the unit goes: a status, a warehouse or both.")
    unit = find_unit(session, raw_code, lock=True)
    new = reference.status(session, status) if status is not None else None
    new_wh = reference.warehouse(session, warehouse) if warehouse is not None else None
    status_changes = new is not None and new.id != unit.status_id
    warehouse_changes = new_wh is not None and new_wh.id != unit.warehouse_id
    if status_changes or warehouse_changes:
        sold_id = sold_status_id(session)
        refuse_if_sold(session, unit, "status" if status_changes else "warehouse", sold_id)
        if status_changes:
            refuse_if_committed(session, unit, "status")
            if new.id == sold_id:
                raise Conflict(
                    f"Only shipping an order puts a unit in {new.name}: put {unit.code} on an order and ship it, "
                    "or choose another status.",
                    reason="not_shipped",
                )
    if status_changes:
        history.record(session, unit.id, history.STATUS, f"{unit.status.name} → {new.name}", actor=actor)
        unit.status_id = new.id
    if warehouse_changes:
        history.record(session, unit.id, history.WAREHOUSE, f"{unit.warehouse.name} → {new_wh.name}", actor=actor)
        unit.warehouse_id = new_wh.id
    session.flush()
    session.expire(unit)
    return Changes.of(variations={unit.variation_id}, units={unit.id}, message=f"Moved {unit.code}")


def regrade_unit(
    session: Session, raw_code: str, grade: str, conditions=None, *, actor: Actor | None = None
) -> Changes:
    """Re-grade a unit: it moves to the variation of its product with the new grade (and conditions)."""
    require(session, Permission.MOVE)
    unit = find_unit(session, raw_code, lock=True)
    old: Variation = unit.variation
    codes = [c.code for c in old.conditions] if conditions is None else list(conditions)
    new_grade = reference.grade(session, grade)
    new_conditions = reference.conditions(session, codes)
    key = catalog.condition_key(c.id for c in new_conditions)
    if (new_grade.id, key) == (old.grade_id, old.condition_key):
        return Changes()
    refuse_if_sold(session, unit, "grade")
    refuse_if_committed(session, unit, "grade")
    variation, created = catalog.find_or_create_variation(session, old.product, new_grade, new_conditions)
    label = "+".join(c.code for c in new_conditions)
    history.record(
        session, unit.id, history.GRADE, f"{old.grade.name} → {new_grade.name}" + (f" ({label})" if label else ""), actor=actor
    )
    unit.variation_id = variation.id
    session.flush()
    session.expire(unit)
    return Changes.of(variations={old.id, variation.id}, units={unit.id}, catalog=created, message=f"Re-graded {unit.code}")
