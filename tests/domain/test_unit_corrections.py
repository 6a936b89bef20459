"""Correcting a unit in stock: grade, conditions, product, cost, warehouse — all or nothing, in history.

Every refusal is one line naming what is wrong and leaves the unit, its history and the pending
pushes as they were. A regrade moves the unit to another variation; the database triggers name the
listings whose quantities moved, so the marketplace follows.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import catalog, inventory, pending, returns
from app.domain.catalog import ProductSpec
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.quantities import calculated_quantities
from app.domain.unit_corrections import Correction, correct_unit, parse_settings
from app.models import Listing, PendingPush, UnitEvent, Variation
from tests.dbfixtures import IPHONE, PIXEL, make_imei, receive
from tests.domain.test_receive_roles import _sign_in
from tests.domain.test_unit_protection import commit, new_order, ship, snapshot


def _correct(db, code, **fields):
    with db.sessions.begin() as s:
        return correct_unit(s, code, Correction(**fields))


def _refused(db, code, **fields) -> str:
    before = snapshot(db, code)
    with pytest.raises(DomainError) as info:
        _correct(db, code, **fields)
    assert "\n" not in str(info.value)
    assert snapshot(db, code) == before
    return str(info.value)


def test_regrade_with_conditions_moves_the_unit_to_a_new_variation_and_writes_history(db):
    code = make_imei(1)
    receive(db, code, grade="A", cost=Decimal("100.00"))
    _sign_in(db, "Max", "manager")
    with db.reads() as s:
        variations = s.scalar(select(func.count(Variation.id)))
    changes = _correct(db, code, grade="B", conditions=("cg", "SC"), cost="120.50", warehouse="Main")
    assert changes.catalog and len(changes.variation_ids) == 2 and changes.message == f"Corrected {code}"
    with db.reads() as s:
        report = returns.unit_report(s, code)
        assert s.scalar(select(func.count(Variation.id))) == variations + 1
    assert (report["grade"], report["conditions"], report["cost"]) == ("B", ["CG", "SC"], "120.50")
    events = [(h["event"], h["detail"], h["operator"]) for h in report["history"][1:]]
    assert events == [("grade", "A → B", "Max"), ("conditions", "none → CG+SC", "Max"), ("cost", "cost corrected", "Max")]

    # Back to grade A with no conditions: the old variation is found again, not created twice.
    changes = _correct(db, code, grade="a", conditions=())
    assert not changes.catalog
    with db.reads() as s:
        assert s.scalar(select(func.count(Variation.id))) == variations + 1
        assert returns.unit_report(s, code)["conditions"] == []


def test_product_correction_names_both_products_and_refuses_an_unknown_one(db):
    code = make_imei(1)
    receive(db, code, product=IPHONE)
    receive(db, make_imei(2), product=PIXEL)
    message = _refused(db, code, product="Apple iPhone 99")
    assert message.startswith("Unknown product “Apple iPhone 99”")
    _correct(db, code, product="  google pixel 7 GVU6C unlocked 128GB obsidian ")
    with db.reads() as s:
        report = returns.unit_report(s, code)
    assert report["product"] == PIXEL.display_name
    assert report["history"][-1]["detail"] == f"{IPHONE.display_name} → {PIXEL.display_name}"


def test_a_product_name_with_like_wildcards_is_matched_literally(db):
    odd = ProductSpec("Maker_1", "Model 100%", capacity="64GB")
    receive(db, make_imei(1))
    receive(db, make_imei(2), product=odd)
    receive(db, make_imei(3), product=ProductSpec("MakerX1", "Model 1000", capacity="64GB"))
    _correct(db, make_imei(1), product="maker_1 model 100% 64gb")
    with db.reads() as s:
        assert returns.unit_report(s, make_imei(1))["product"] == odd.display_name


def test_bad_input_is_refused_in_one_line_and_nothing_changes(db):
    code = make_imei(1)
    receive(db, code)
    assert "Unknown grade “Z”" in _refused(db, code, grade="Z", warehouse="Main")
    assert "Unknown condition XX" in _refused(db, code, conditions=("CG", "XX"))
    assert "Unknown warehouse “Attic”" in _refused(db, code, warehouse="Attic", grade="B")
    assert "not a number" in _refused(db, code, cost="12O")
    assert "not an amount" in _refused(db, code, cost="-5")
    assert "Say what to correct" in _refused(db, code)
    with pytest.raises(DomainError, match="Unknown unit"):
        _correct(db, make_imei(9), grade="B")


def test_a_committed_unit_keeps_grade_and_product_but_may_change_warehouse_and_cost(db):
    code = make_imei(1)
    receive(db, code)
    receive(db, make_imei(2), product=PIXEL)
    number = new_order(db, code)
    commit(db, number, code)
    for fields in ({"grade": "B"}, {"conditions": ("CG",)}, {"product": PIXEL.display_name}):
        message = _refused(db, code, **fields)
        assert f"is on order {number}" in message and "uncommit it first" in message
    from app.domain import reference

    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    _correct(db, code, warehouse="Annex", cost="99")
    with db.reads() as s:
        assert inventory.find_unit(s, code).warehouse.name == "Annex"


def test_a_shipped_unit_changes_only_its_cost(db):
    code = make_imei(1)
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    ship(db, number)
    for fields in ({"grade": "B"}, {"warehouse": "Main", "product": PIXEL.display_name}):
        if "product" in fields:
            receive(db, make_imei(2), product=PIXEL)
        message = _refused(db, code, **fields)
        assert "was shipped" in message and "returns desk" in message
    _correct(db, code, cost="10")


def test_a_packer_corrects_the_grade_but_not_the_cost(db):
    code = make_imei(1)
    receive(db, code)
    _sign_in(db, "Sam", "packer")
    with pytest.raises(PermissionRefused, match="Only a manager or admin may see costs"):
        _correct(db, code, grade="B", cost="10")
    _correct(db, code, grade="B")


def test_parse_settings_from_the_command_line():
    c = parse_settings(["grade=B", "conditions=CG;SC", "cost=1,50", "warehouse=Main"])
    assert (c.grade, c.conditions, c.cost, c.warehouse) == ("B", ("CG", "SC"), "1,50", "Main")
    assert parse_settings(["conditions=none"]).conditions == ()
    with pytest.raises(DomainError, match="FIELD=VALUE"):
        parse_settings(["colour=red"])
    with pytest.raises(DomainError, match="grade is set twice"):
        parse_settings(["grade=B", "grade=C"])


@pytest.mark.parametrize("mode", ["sku", "variation"])
def test_regrade_and_product_change_leave_pending_pushes_for_the_listings_that_moved(db, mode):
    code = make_imei(1)
    receive(db, code, grade="A")
    receive(db, make_imei(2), product=PIXEL, grade="A")
    with db.sessions.begin() as s:
        from app.domain import settings

        settings.set_(s, "backmarket.mapping", mode)
        a, _ = catalog.variation_for(s, IPHONE, "A", [])
        b, _ = catalog.variation_for(s, IPHONE, "B", [])
        pixel_a, _ = catalog.variation_for(s, PIXEL, "A", [])
        for v, sku in ((a, "IP-A"), (b, "IP-B"), (pixel_a, "PX-A")):
            catalog.assign_sku(s, [v.id], sku)
            s.add(Listing(uuid=f"u-{sku}", sku=sku, sku_norm=sku.lower(), variation_id=v.id if mode == "variation" else None))
    with db.sessions.begin() as s:
        pending.forget(s, pending.take(s).row_ids)
        before = calculated_quantities(s)

    _correct(db, code, grade="B")
    with db.sessions.begin() as s:
        found = pending.take(s)
        after = calculated_quantities(s)
        by_sku = {s.get(Listing, lid).sku: q.calculated for lid, q in after.items()}
        moved = {lid for lid in after if after[lid] != before[lid]}
        assert found.listing_ids is not None and moved and moved <= set(found.listing_ids)
        pending.forget(s, found.row_ids)
    assert (by_sku["IP-A"], by_sku["IP-B"]) == (0, 1)

    _correct(db, code, product=PIXEL.display_name, grade="A")
    with db.sessions.begin() as s:
        found = pending.take(s)
        final = calculated_quantities(s)
        moved = {lid for lid in final if final[lid] != after[lid]}
        assert found.listing_ids is not None and moved and moved <= set(found.listing_ids)
        assert {s.get(Listing, lid).sku: q.calculated for lid, q in final.items()}["PX-A"] == 2

    # A refused correction leaves no pending rows behind.
    with db.sessions.begin() as s:
        pending.forget(s, pending.take(s).row_ids)
    _refused(db, code, grade="Z")
    with db.reads() as s:
        assert s.scalar(select(func.count(PendingPush.id))) == 0
