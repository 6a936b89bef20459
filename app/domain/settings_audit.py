"""Every change to a shared setting, with who made it and at which station (append-only)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.domain.permissions import permission_for_setting
from app.domain.station import current_actor
from app.models import Setting, SettingChange
from app.models.base import iso_z, utcnow


def record(session: Session, key: str, new_value: str) -> None:
    """Write one audit row for `key` going to `new_value` (JSON); nothing when unchanged or internal."""
    if permission_for_setting(key) is None:
        return  # the sync's own checkpoints and budgets change every cycle: not a person's change
    row = session.get(Setting, key)
    old_value = row.value if row is not None else None
    if old_value == new_value:
        return
    actor = current_actor()
    session.execute(insert(SettingChange.__table__).values(
        key=key, old_value=old_value, new_value=new_value, at=utcnow(), station=actor.station,
        operator=actor.operator))


def history(session: Session, key: str | None = None, limit: int = 200) -> list[dict]:
    """The newest changes first: key, old and new value (JSON text, old null when it was the default)."""
    query = select(SettingChange).order_by(SettingChange.id.desc()).limit(limit)
    if key is not None:
        query = query.where(SettingChange.key == key)
    return [
        {"key": c.key, "old_value": c.old_value, "new_value": c.new_value, "at": iso_z(c.at),
         "station": c.station, "operator": c.operator}
        for c in session.scalars(query)
    ]
