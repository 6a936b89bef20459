"""Append-only unit history: every change to a unit writes one event here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain.station import Actor, current_actor
from app.models import UnitEvent

RECEIVED = "received"
STATUS = "status"
WAREHOUSE = "warehouse"
GRADE = "grade"
COMMITTED = "committed"
UNCOMMITTED = "uncommitted"
SHIPPED = "shipped"
RETURNED = "returned"
RELEASED = "released"


def record(
    session: Session, unit_id: int, kind: str, detail: str = "", *, order_id: int | None = None, actor: Actor | None = None
) -> None:
    actor = actor or current_actor()
    session.add(
        UnitEvent(unit_id=unit_id, kind=kind, detail=detail, order_id=order_id, station=actor.station, operator=actor.operator)
    )
