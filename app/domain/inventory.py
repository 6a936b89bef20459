"""Receiving units and changing them: status, warehouse, grade — each change written to history."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defaultload

from app.db import lock_first
from app.domain import catalog, history, reference
from app.domain.catalog import ProductSpec
from app.domain.changes import Changes
from app.domain.codes import CodeKind, parse_imei, parse_serial, parse_unit_code
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.station import Actor
from app.models import Unit, UnitCode, Variation
from app.domain.permissions import Permission, require


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
    codes: list[tuple[str, str]] = []
    if imei:
        codes.append((parse_imei(imei), "imei"))
    if serial:
        codes.append((parse_serial(serial), "serial"))
    if imei2:
        codes.append((parse_imei(imei2), "imei2"))
    if not codes or not (imei or serial):
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
) -> tuple[Unit, Changes]:
    """Receive one unit. `code` is a scan: an IMEI if all digits, otherwise a serial."""
    require(session, Permission.RECEIVE)
    if code is not None:
        parsed = parse_unit_code(code)
        if parsed.kind is CodeKind.IMEI:
            imei = parsed.value
        else:
            serial = parsed.value
    codes = unit_codes(imei, serial, imei2)
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
    history.record(session, unit.id, history.RECEIVED, f"{receipt.status} · {receipt.warehouse}", actor=actor)
    session.flush()
    return unit, changes | Changes.of(units={unit.id}, message=f"Received {unit.code}")


def move_unit(
    session: Session, raw_code: str, *, status: str | None = None, warehouse: str | None = None, actor: Actor | None = None
) -> Changes:
    """Move a unit to another status and/or warehouse."""
    require(session, Permission.MOVE)
    if status is None and warehouse is None:
        raise InvalidInput("Say where the unit goes: a status, a warehouse or both.")
    unit = find_unit(session, raw_code, lock=True)
    if status is not None:
        new = reference.status(session, status)
        if new.id != unit.status_id:
            history.record(session, unit.id, history.STATUS, f"{unit.status.name} → {new.name}", actor=actor)
            unit.status_id = new.id
    if warehouse is not None:
        new_wh = reference.warehouse(session, warehouse)
        if new_wh.id != unit.warehouse_id:
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
    variation, created = catalog.find_or_create_variation(session, old.product, new_grade, new_conditions)
    if variation.id == old.id:
        return Changes()
    label = "+".join(c.code for c in new_conditions)
    history.record(
        session, unit.id, history.GRADE, f"{old.grade.name} → {new_grade.name}" + (f" ({label})" if label else ""), actor=actor
    )
    unit.variation_id = variation.id
    session.flush()
    session.expire(unit)
    return Changes.of(variations={old.id, variation.id}, units={unit.id}, catalog=created, message=f"Re-graded {unit.code}")
