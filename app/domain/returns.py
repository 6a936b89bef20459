"""Returns desk and unit look-up: who bought a unit, on which order, when; taking it back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import catalog, history, inventory, reference, settings
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.station import Actor
from app.models.base import iso_z
from app.models import Commitment, Customer, Order, Unit, UnitEvent
from app.domain.permissions import Permission, allowed, require


def unit_report(session: Session, raw_code: str) -> dict:
    """A unit with its whole history: every order it went out on, customer, dates, every event."""
    require(session, Permission.LOOKUP)
    unit: Unit = inventory.find_unit(session, raw_code)
    v = unit.variation
    rows = session.execute(
        select(Commitment, Order, Customer)
        .join(Order, Order.id == Commitment.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Commitment.unit_id == unit.id)
        .order_by(Commitment.committed_at, Commitment.id)
    ).all()
    order_rows = [
        {
            "number": o.number,
            "channel": o.channel.name,
            "customer": cu.name,
            "external_id": o.external_id,
            "status": o.status.name,
            "committed_at": iso_z(c.committed_at),
            "shipped_at": iso_z(c.shipped_at),
            "released_at": iso_z(c.released_at),
            "tracking_number": o.tracking_number if c.shipped_at else None,
            "carrier": o.carrier if c.shipped_at else None,
        }
        for c, o, cu in rows
    ]
    events = session.scalars(select(UnitEvent).where(UnitEvent.unit_id == unit.id).order_by(UnitEvent.id))
    order_numbers = {o.id: o.number for _, o, _ in rows}
    return {
        "imei": unit.imei,
        "imei2": unit.imei2,
        "serial": unit.serial,
        "product": v.product.display_name,
        "grade": v.grade.name,
        "conditions": [c.code for c in v.conditions],
        "sku": v.sku,
        "variation_id": v.id,
        "status": unit.status.name,
        "warehouse": unit.warehouse.name,
        "cost": str(unit.cost) if unit.cost is not None and allowed(session, Permission.VIEW_COSTS) else None,
        "received_at": iso_z(unit.received_at),
        "orders": order_rows,
        "history": [
            {
                "at": iso_z(e.at),
                "event": e.kind,
                "detail": e.detail,
                "order": order_numbers.get(e.order_id) if e.order_id else None,
                "station": e.station,
                "operator": e.operator,
            }
            for e in events
        ],
    }


def receive_return(
    session: Session,
    raw_code: str,
    *,
    status: str,
    warehouse: str,
    grade: str | None = None,
    conditions=None,
    actor: Actor | None = None,
) -> Changes:
    """Take a shipped unit back into a chosen status and warehouse, optionally re-graded."""
    require(session, Permission.RETURNS)
    unit = inventory.find_unit(session, raw_code, lock=True)
    # The one way out of the sold status (inventory.move_unit refuses it).
    if unit.status_id != inventory.sold_status_id(session):
        sold = settings.get(session, "inventory.sold_status")
        raise DomainError(
            f"{unit.code} is {unit.status.name}, not {sold}: only a shipped unit can be taken back.",
            reason="not_shipped",
        )
    last = session.execute(
        select(Order.id, Order.number)
        .join(Commitment, Commitment.order_id == Order.id)
        .where(Commitment.unit_id == unit.id, Commitment.shipped_at.is_not(None))
        .order_by(Commitment.shipped_at.desc())
        .limit(1)
    ).first()
    new_status = reference.status(session, status)
    new_wh = reference.warehouse(session, warehouse)
    history.record(
        session, unit.id, history.RETURNED, f"from order {last.number if last else '?'} → {new_status.name} · {new_wh.name}",
        order_id=last.id if last else None, actor=actor,
    )
    old_variation = unit.variation_id
    unit.status_id = new_status.id
    unit.warehouse_id = new_wh.id
    session.flush()
    changes = Changes.of(variations={old_variation}, units={unit.id}, message=f"Returned {unit.code}")
    if grade is not None or conditions is not None:
        # The same correction as Look up's: one history event per field that really changed.
        from app.domain.unit_corrections import Correction, correct_unit

        fix = correct_unit(session, raw_code, Correction(grade=grade, conditions=None if conditions is None
                                                         else tuple(conditions)), actor=actor)
        changes |= Changes.of(variations=fix.variation_ids, units=fix.unit_ids, catalog=fix.catalog)
    return changes


def variation_title(session: Session, variation_id: int) -> str:
    return catalog.variation_label(catalog.get_variation(session, variation_id))
