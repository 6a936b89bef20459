"""Receiving units and changing them; every change leaves one history event, never rewritten."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import inventory, returns
from app.domain.errors import Conflict, InvalidCode, InvalidInput, NotFound
from app.models import Unit, UnitCode, UnitEvent, Variation
from tests.dbfixtures import IPHONE, make_imei, receive


def _events(db, unit_id):
    with db.reads() as s:
        return [(e.id, e.kind, e.detail) for e in s.scalars(select(UnitEvent).where(UnitEvent.unit_id == unit_id).order_by(UnitEvent.id))]


def test_receive_by_imei(db):
    uid = receive(db, make_imei(1), cost=Decimal("120.50"), conditions=("SC",))
    with db.reads() as s:
        u = s.get(Unit, uid)
        assert (u.imei, u.serial, u.imei2, u.code) == (make_imei(1), None, None, make_imei(1))
        assert (u.status.name, u.warehouse.name, u.cost) == ("Available", "Main", Decimal("120.50"))
        assert [c.code for c in u.variation.conditions] == ["SC"]
        assert u.received_at.tzinfo is not None
        assert inventory.find_unit(s, make_imei(1)).id == uid
    assert [k for _, k, _ in _events(db, uid)] == ["received"]


def test_receive_by_serial_is_stored_upper_cased(db):
    uid = receive(db, "f2lxk0abjcly")
    with db.reads() as s:
        u = s.get(Unit, uid)
        assert (u.imei, u.serial, u.code) == (None, "F2LXK0ABJCLY", "F2LXK0ABJCLY")
        assert inventory.find_unit(s, "F2lxK0ABJcly").id == uid


def test_receive_with_second_imei_finds_the_unit_by_either(db):
    uid = receive(db, make_imei(1), imei2=make_imei(2))
    with db.reads() as s:
        assert inventory.find_unit(s, make_imei(2)).id == uid
        kinds = dict(s.execute(select(UnitCode.code, UnitCode.kind).where(UnitCode.unit_id == uid)).all())
        assert kinds == {make_imei(1): "imei", make_imei(2): "imei2"}


@pytest.mark.parametrize("second", ["imei", "imei2", "serial"])
def test_duplicates_refused_with_a_clear_message(db, second):
    receive(db, make_imei(1), imei2=make_imei(2), serial="SN-1")
    kwargs = {"imei": dict(code=make_imei(1)), "imei2": dict(code=make_imei(5), imei2=make_imei(2)),
              "serial": dict(code="sn-1")}[second]
    with pytest.raises(Conflict, match="Already received") as info:
        receive(db, **kwargs)
    assert info.value.reason == "duplicate"
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == 1


def test_an_imei2_equal_to_another_units_imei_is_refused(db):
    receive(db, make_imei(1))
    with pytest.raises(Conflict):
        receive(db, make_imei(3), imei2=make_imei(1))


def test_bad_receipts(db):
    with pytest.raises(InvalidCode):
        receive(db, "490154203237519")
    with pytest.raises(InvalidInput, match="must differ"):
        receive(db, make_imei(1), imei2=make_imei(1))
    with pytest.raises(InvalidInput, match="IMEI or a serial"):
        receive(db, None)
    with pytest.raises(NotFound, match="Unknown status"):
        receive(db, make_imei(1), status="Nowhere")
    with pytest.raises(NotFound, match="Unknown warehouse"):
        receive(db, make_imei(1), warehouse="Nowhere")
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == 0


def test_move_status_and_warehouse_write_history(db):
    uid = receive(db, make_imei(1))
    with db.sessions.begin() as s:
        from app.domain import reference
        reference.define_warehouse(s, "Shelf B")
    with db.sessions.begin() as s:
        changes = inventory.move_unit(s, make_imei(1), status="Repair", warehouse="shelf b")
        assert changes.unit_ids == {uid}
    with db.sessions.begin() as s:
        inventory.move_unit(s, make_imei(1), status="Repair")  # no change, no event
    with db.reads() as s:
        u = s.get(Unit, uid)
        assert (u.status.name, u.warehouse.name) == ("Repair", "Shelf B")
    assert [(k, d) for _, k, d in _events(db, uid)][1:] == [("status", "Available → Repair"), ("warehouse", "Main → Shelf B")]
    with db.sessions.begin() as s, pytest.raises(InvalidInput):
        inventory.move_unit(s, make_imei(1))
    with db.sessions.begin() as s, pytest.raises(NotFound, match="Unknown unit"):
        inventory.move_unit(s, make_imei(9), status="Repair")


def test_regrade_moves_to_another_variation(db):
    uid = receive(db, make_imei(1), grade="A", conditions=("SC",))
    receive(db, make_imei(2), grade="A", conditions=("SC",))
    with db.sessions.begin() as s:
        old = s.get(Unit, uid).variation_id
        changes = inventory.regrade_unit(s, make_imei(1), "C", ["CG", "SC"])
        new = s.get(Unit, uid).variation_id
        assert new != old and changes.variation_ids == {old, new} and changes.catalog
        v = s.get(Variation, new)
        assert (v.grade.name, [c.code for c in v.conditions], v.product_id) == ("C", ["CG", "SC"], s.get(Variation, old).product_id)
    with db.sessions.begin() as s:
        assert inventory.regrade_unit(s, make_imei(1), "c", ["SC", "CG"]).variation_ids == frozenset()
    with db.sessions.begin() as s:
        inventory.regrade_unit(s, make_imei(1), "B")  # conditions kept when not given
        assert [c.code for c in s.get(Unit, uid).variation.conditions] == ["CG", "SC"]
    assert [(k, d) for _, k, d in _events(db, uid)][1:] == [("grade", "A → C (CG+SC)"), ("grade", "C → B (CG+SC)")]


def test_history_is_append_only(db):
    uid = receive(db, make_imei(1))
    before = _events(db, uid)
    with db.sessions.begin() as s:
        inventory.move_unit(s, make_imei(1), status="Processing")
    with db.sessions.begin() as s:
        inventory.move_unit(s, make_imei(1), status="Available")
    with db.sessions.begin() as s:
        inventory.regrade_unit(s, make_imei(1), "B")
    after = _events(db, uid)
    assert after[: len(before)] == before  # nothing earlier was rewritten
    assert [k for _, k, _ in after] == ["received", "status", "status", "grade"]
    assert [i for i, _, _ in after] == sorted(i for i, _, _ in after)
    with db.reads() as s:
        report = returns.unit_report(s, make_imei(1))
    assert [h["event"] for h in report["history"]] == ["received", "status", "status", "grade"]
    assert all(h["station"] for h in report["history"])
