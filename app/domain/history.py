"""Append-only unit history: every change to a unit writes one event here."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.domain.station import Actor, current_actor
from app.models import UnitEvent
from app.models.base import utcnow

RECEIVED = "received"
STATUS = "status"
WAREHOUSE = "warehouse"
GRADE = "grade"
COMMITTED = "committed"
UNCOMMITTED = "uncommitted"
SHIPPED = "shipped"
RETURNED = "returned"
RELEASED = "released"
CONDITIONS = "conditions"
PRODUCT = "product"
COST = "cost"


def record(
    session: Session, unit_id: int, kind: str, detail: str = "", *, order_id: int | None = None, actor: Actor | None = None
) -> None:
    actor = actor or current_actor()
    # A plain INSERT: events are never read back or changed in the transaction that writes them.
    session.execute(insert(UnitEvent.__table__).values(
        unit_id=unit_id, at=utcnow(), kind=kind, detail=detail, order_id=order_id, station=actor.station,
        operator=actor.operator))
