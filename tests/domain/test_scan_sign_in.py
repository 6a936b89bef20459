"""The scan checks who may pack before it judges anything (SQLite and PostgreSQL).

On PostgreSQL the scan asks whether users exist in the same round trip as its locks and reads;
the refusal must still come first, in the same words, and leave no trace.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain import fulfilment, orders, users
from app.domain.permissions import PermissionRefused
from app.domain.station import set_operator
from app.models import Commitment, UnitEvent
from tests.dbfixtures import make_imei, receive


def _order(db, sku="S"):
    with db.sessions.begin() as s:
        return orders.create_direct_order(s, "Pat", [orders.LineRequest(1, sku=sku)])[0].number


def _traces(db):
    with db.reads() as s:
        return s.scalar(select(func.count(Commitment.id))), s.scalar(select(func.count(UnitEvent.id)))


def test_with_no_users_yet_anyone_may_scan(db):
    code = make_imei(1)
    receive(db, code, sku="S")
    number = _order(db)
    with db.sessions.begin() as s:
        assert fulfilment.commit_unit(s, number, code).scanned == 1


@pytest.mark.parametrize("what", ["a good unit", "an invalid code", "an unknown order"])
def test_once_users_exist_nobody_signed_in_is_refused_first(db, what):
    code = make_imei(2)
    receive(db, code, sku="S")
    number = _order(db)
    with db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
    before = _traces(db)
    scanned_code = "12345" if what == "an invalid code" else code
    scanned_order = "NO-SUCH-ORDER" if what == "an unknown order" else number
    with pytest.raises(PermissionRefused, match="nobody is signed in at this station"):
        with db.sessions.begin() as s:
            fulfilment.commit_unit(s, scanned_order, scanned_code)
    assert _traces(db) == before


def test_a_signed_in_packer_scans(db):
    code = make_imei(3)
    unit_id = receive(db, code, sku="S")
    number = _order(db)
    with db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
    with db.sessions.begin() as s:
        set_operator(users.authenticate(s, "Ada", "9876"))
    with db.sessions.begin() as s:
        users.add_user(s, "Sam", "packer", "1234")
    with db.sessions.begin() as s:
        set_operator(users.authenticate(s, "Sam", "1234"))
    with db.sessions.begin() as s:
        verdict = fulfilment.commit_unit(s, number, code)
    assert (verdict.unit_id, verdict.scanned) == (unit_id, 1)
    with db.reads() as s:
        operator = s.scalar(select(UnitEvent.operator).where(UnitEvent.unit_id == unit_id,
                                                             UnitEvent.kind == "committed"))
    assert operator == "Sam"
