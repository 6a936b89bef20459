"""Receiving and looking up under roles: a SKU is not changed at the bench; a packer never sees costs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain import catalog, csv_export, inventory, returns, users
from app.domain.errors import Conflict
from app.domain.permissions import PermissionRefused
from app.domain.station import set_operator
from app.models import Unit, UnitEvent, Variation
from tests.dbfixtures import IPHONE, make_imei, receive


def test_receiving_with_another_sku_is_refused_and_changes_nothing(db):
    receive(db, make_imei(1), sku="IP8-A")
    with pytest.raises(Conflict, match=r"already carries SKU “IP8-A”, not “IP8-OTHER”; a manager changes SKUs in the catalog"):
        receive(db, make_imei(2), sku="IP8-OTHER")
    receive(db, make_imei(3), sku="ip8-a")  # the same SKU, any case: fine
    receive(db, make_imei(4))  # no SKU given: the variation keeps its own
    with db.reads() as s:
        assert s.scalars(select(Variation.sku)).all() == ["IP8-A"]
        assert s.scalar(select(Unit.id).where(Unit.imei == make_imei(2))) is None


def _sign_in(db, name, role, pin="1234"):
    """Add `name` (through the admin Ada, created first) and sign them in at this station."""
    with db.sessions.begin() as s:
        if not users.users_exist(s):
            users.add_user(s, "Ada", "admin", "9876")
        set_operator(users.authenticate(s, "Ada", "9876"))
        users.add_user(s, name, role, pin)
    with db.sessions.begin() as s:
        set_operator(users.authenticate(s, name, pin))


def test_a_packer_receives_and_gives_a_new_variation_its_first_sku_but_never_changes_one(db):
    _sign_in(db, "Sam", "packer")
    receive(db, make_imei(1), sku="IP8-A", cost=Decimal("150.00"))
    with pytest.raises(Conflict, match="a manager changes SKUs"):
        receive(db, make_imei(2), sku="IP8-B")
    with db.sessions.begin() as s:
        vid = s.scalar(select(Variation.id))
        with pytest.raises(PermissionRefused, match="Only a manager or admin may change the catalog and SKUs; "
                                                    "you are signed in as packer Sam."):
            catalog.assign_sku(s, [vid], "IP8-B")
    with db.reads() as s:
        assert s.scalar(select(UnitEvent.operator)) == "Sam"
        report = returns.unit_report(s, make_imei(1))
    assert report["cost"] is None and report["history"][0]["operator"] == "Sam"


def test_costs_show_to_a_manager_and_the_export_is_a_managers(db):
    receive(db, make_imei(1), product=IPHONE, cost=Decimal("150.00"))
    _sign_in(db, "Max", "manager")
    with db.reads() as s:
        assert returns.unit_report(s, make_imei(1))["cost"] == "150.00"
        out = io.StringIO()
        csv_export.export_inventory(s, out)
    assert "150.00" in out.getvalue()
    _sign_in(db, "Sam", "packer")
    with db.reads() as s, pytest.raises(PermissionRefused, match="Only a manager or admin may import or export"):
        csv_export.export_inventory(s, io.StringIO())


def test_a_packer_may_pack_move_and_look_up_but_not_define_lists(db):
    receive(db, make_imei(1))
    _sign_in(db, "Sam", "packer")
    from app.domain import reference

    with db.sessions.begin() as s:
        inventory.move_unit(s, make_imei(1), warehouse="Main", status="Available")
        with pytest.raises(PermissionRefused, match="Only a manager or admin may change the lists"):
            reference.define_warehouse(s, "Annex")
