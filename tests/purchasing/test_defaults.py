"""What purchasing needs is there after `init`, on a new database and an old one: the statuses it
moves units into (not sellable) and the grade Ungraded, which stays last in the order."""

from __future__ import annotations

from sqlalchemy import select

from app.domain import reference
from app.domain.defaults import PURCHASING_STATUSES, add_purchasing_defaults
from app.domain.setup import initialize
from app.models import Grade, InventoryStatus


def test_statuses_and_ungraded_after_init(db):
    with db.reads() as s:
        statuses = dict(s.execute(select(InventoryStatus.name, InventoryStatus.sellable)).all())
        grades = reference.names(s, Grade)
    assert all(statuses[name] is False for name in PURCHASING_STATUSES)
    assert grades == ["A+", "A", "B", "C", "D", "Ungraded"]
    initialize(db)  # idempotent
    with db.reads() as s:
        assert reference.names(s, Grade) == grades


def test_ungraded_stays_last(db):
    with db.sessions.begin() as s:
        reference.define_grade(s, "E")
    with db.reads() as s:
        assert reference.names(s, Grade)[-2:] == ["E", "Ungraded"]
    with db.sessions.begin() as s:  # moved up behind the app's back (an older version, SQL): init puts it back
        s.execute(Grade.__table__.update().where(Grade.name == "Ungraded").values(position=0))
    with db.sessions.begin() as s:
        add_purchasing_defaults(s)
    with db.reads() as s:
        assert reference.names(s, Grade)[-1] == "Ungraded"


def test_a_managers_spelling_is_kept(db):
    with db.sessions.begin() as s:
        s.execute(InventoryStatus.__table__.update().where(InventoryStatus.name == "Repair").values(name="REPAIR"))
        add_purchasing_defaults(s)
    with db.reads() as s:
        names = [n.lower() for n in reference.names(s, InventoryStatus)]
    assert names.count("repair") == 1
