"""The least-privilege packing-station role (app/models/roles.py) receives units against a PO and
grades them from a diagnostics export; it may not create POs or vendor RMAs (the database says no
even if the app were bypassed)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from app.domain import returns, users
from app.domain.purchasing import diagnostics, orders, receiving, vendors
from app.domain.station import set_operator
from tests.db.test_packing_role import packing_role  # noqa: F401 - the fixture
from tests.dbfixtures import make_imei

pytestmark = pytest.mark.postgres


def test_a_receiving_station_receives_and_grades_on_the_least_privilege_role(pg_db, packing_role):  # noqa: F811
    with pg_db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, "Sam", "packer", "1234")
        vendors.add_vendor(s, "PhoneLots")
        po = orders.create_po(s, "PhoneLots", [orders.parse_line(
            "manufacturer=Apple,model=iPhone 12,capacity=64GB,color=Black,qty=2,cost=180")]).number
    with packing_role.sessions.begin() as s:
        set_operator(users.authenticate(s, "Sam", "1234"))
    a, b = make_imei(1), make_imei(2)
    for code in (a, b):
        with packing_role.sessions.begin() as s:
            receiving.receive_scan(s, po, code)
    with packing_role.sessions.begin() as s:
        diagnostics.import_diagnostics(s, f"imei,grade,failed_tests\n{a},A,\n{b},C,Face ID\n")
    with packing_role.reads() as s:
        assert returns.unit_report(s, a)["status"] == "Available"
        assert returns.unit_report(s, b)["status"] == "Repair"
    with pytest.raises(ProgrammingError, match="permission denied"):
        with packing_role.sessions.begin() as s:
            s.execute(text("INSERT INTO vendors (name, contact, created_at) VALUES ('X', '', now())"))
    with pytest.raises(ProgrammingError, match="permission denied"):
        with packing_role.sessions.begin() as s:
            s.execute(text("UPDATE vendor_rma_lines SET open = false"))


def test_a_managers_approval_works_on_the_least_privilege_role(pg_db, packing_role):  # noqa: F811
    """A manager's PIN approving an over-receipt at a receiving station, wrong PIN counted, both
    on the packing role's grants; a packer may not rename a vendor even past the app."""
    from app.domain.purchasing.approval import Approval

    with pg_db.sessions.begin() as s:
        users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, "Sam", "packer", "1234")
        users.add_user(s, "Max", "manager", "2345")
        vendors.add_vendor(s, "PhoneLots")
        po = orders.create_po(s, "PhoneLots", [orders.parse_line(
            "manufacturer=Apple,model=iPhone 12,capacity=64GB,color=Black,qty=1,cost=180")]).number
    with packing_role.sessions.begin() as s:
        set_operator(users.authenticate(s, "Sam", "1234"))
    with packing_role.sessions.begin() as s:
        receiving.receive_scan(s, po, make_imei(1))
    with pytest.raises(users.DomainError, match="Wrong PIN for Max"):
        with packing_role.sessions.begin() as s:
            receiving.receive_scan(s, po, make_imei(2), approved_by=Approval("Max", "0000"))
    with packing_role.sessions.begin() as s:
        over = receiving.receive_scan(s, po, make_imei(2), approved_by=Approval("Max", "2345"))
    assert over.message.endswith("over-receipt approved by Max")
    with pytest.raises(ProgrammingError, match="permission denied"):
        with packing_role.sessions.begin() as s:
            s.execute(text("UPDATE vendors SET name = 'X'"))
    set_operator(None)
