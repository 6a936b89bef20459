"""Correcting the lists: rename, delete (refused while used), merge (every reference moves), reorder.

Settings store list items by name, so renames and merges must rewrite them in the same transaction;
merges move units between counted and uncounted statuses, so the pending-push triggers must name
the listings whose quantity moved.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain import catalog, list_edits, orders, pending, reference, settings, settings_audit, users
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.permissions import PermissionRefused
from app.domain.quantities import Scope, calculated_quantities
from app.domain.station import set_operator
from app.models import Grade, InventoryStatus, Listing, Order, OrderLine, Unit, UnitEvent, Variation, Warehouse
from tests.dbfixtures import IPHONE, PIXEL, make_imei, receive


def _names(db, model):
    with db.reads() as s:
        return reference.names(s, model)


def _drain(db):
    with db.sessions.begin() as s:
        found = pending.take(s)
        pending.forget(s, found.row_ids)
    return found


def test_rename_a_grade_and_refuse_a_name_taken_whatever_its_case(db):
    receive(db, make_imei(1), grade="B")
    with db.sessions.begin() as s:
        changes = list_edits.rename(s, "grade", "b", "B+")
    assert changes.message == "Grade B renamed to B+"
    assert _names(db, Grade) == ["A+", "A", "B+", "C", "D", "Ungraded"]
    with db.reads() as s:
        assert s.scalar(select(Unit)).variation.grade.name == "B+"
    with db.sessions.begin() as s:
        with pytest.raises(Conflict, match="There is already a grade “A”.*merge B\\+ into it instead"):
            list_edits.rename(s, "grade", "B+", "a")
        with pytest.raises(NotFound, match="Unknown grade “Z”. Known: A\\+, A, B\\+, C, D, Ungraded"):
            list_edits.rename(s, "grade", "Z", "Y")
        with pytest.raises(InvalidInput, match="needs a name"):
            list_edits.rename(s, "grade", "C", "   ")
        list_edits.rename(s, "warehouse", "Main", "MAIN")  # its own name in another case is fine
    assert _names(db, Warehouse) == ["MAIN"]


def test_renaming_a_status_rewrites_the_settings_that_name_it_in_the_same_transaction(db):
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.statuses", ["Available", "Processing"])
        list_edits.rename(s, "status", "Available", "Ready to sell")
        list_edits.rename(s, "status", "Sold", "Gone")  # inventory.sold_status was never written: its default names it
        changes = list_edits.rename(s, "order-status", "New", "Paid")
    assert "orders.new_status" in changes.message and "shipstation.push_statuses" in changes.message
    with db.reads() as s:
        assert settings.get(s, "backmarket.statuses") == ["Ready to sell", "Processing"]
        assert settings.get(s, "inventory.sold_status") == "Gone"
        assert settings.get(s, "orders.new_status") == "Paid"
        assert settings.get(s, "backmarket.order_states")["1"] == "Paid"
        assert settings.get(s, "shipstation.push_statuses") == ["Paid", "Ready to ship"]
        assert Scope.load(s).problem is None  # the counted statuses still resolve
        assert any(r["key"] == "inventory.sold_status" for r in settings_audit.history(s))


def test_a_failed_rename_changes_neither_the_list_nor_the_settings(db):
    with db.sessions.begin() as s:
        set_operator(users.add_user(s, "Ada", "admin", "9876"))
        users.add_user(s, "Sam", "packer", "1234")
    with db.sessions.begin() as s:
        set_operator(users.authenticate(s, "Sam", "1234"))
    with db.sessions.begin() as s:
        with pytest.raises(PermissionRefused, match="Only a manager or admin may change the lists"):
            list_edits.rename(s, "status", "Available", "Ready")
        with pytest.raises(PermissionRefused):
            list_edits.merge(s, "grade", "B", "C")
    set_operator(None)
    with db.reads() as s:
        assert reference.status(s, "Available") and settings.get(s, "backmarket.statuses") == ["Available"]


def test_delete_is_refused_with_the_reason_while_anything_uses_the_item(db):
    with db.sessions.begin() as s:
        with pytest.raises(Conflict, match="Main is the only warehouse; add another"):
            list_edits.delete(s, "warehouse", "Main")
    receive(db, make_imei(1), grade="B", sku="IP8-B")
    receive(db, make_imei(2), grade="B", sku="IP8-B")
    receive(db, make_imei(3), grade="B", product=PIXEL, sku="PX7-B")
    with db.sessions.begin() as s:
        with pytest.raises(Conflict) as refused:
            list_edits.delete(s, "grade", "b")
        assert str(refused.value) == "Grade B is used by 3 units and 2 SKUs — merge it into another grade instead."
        with pytest.raises(Conflict, match="Status Sold is named by the setting inventory.sold_status "
                                           "\\(status a unit takes when shipped\\) — merge it"):
            list_edits.delete(s, "status", "Sold")
        with pytest.raises(Conflict, match="Status Available is used by 3 units"):
            list_edits.delete(s, "status", "Available")
        with pytest.raises(Conflict, match="named by the settings backmarket.order_states .* orders.new_status .* and shipstation.push_statuses"):
            list_edits.delete(s, "order-status", "New")
    with db.sessions.begin() as s:
        assert list_edits.delete(s, "grade", "D").message == "Grade D deleted"
        list_edits.delete(s, "condition", "dp")
        list_edits.delete(s, "status", "Unavailable")
        with pytest.raises(Conflict, match="Status Vendor RMA is used by purchasing and vendor returns by its name"):
            list_edits.delete(s, "status", "Vendor RMA")
    assert _names(db, Grade) == ["A+", "A", "B", "C", "Ungraded"]


def test_merging_a_warehouse_moves_its_units_and_the_counted_setting_and_pushes_the_listings(db):
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
        reference.define_warehouse(s, "Annexe")  # the typo
        settings.set_(s, "backmarket.warehouses", ["Main", "Annexe"])
        s.add(Listing(uuid="L1", sku="IP8-A", sku_norm="ip8-a"))
    receive(db, make_imei(1), warehouse="Annexe", sku="IP8-A")
    receive(db, make_imei(2), warehouse="Annex", sku="IP8-A")
    with db.reads() as s:
        listing_id = s.scalar(select(Listing.id))
        assert calculated_quantities(s)[listing_id].calculated == 1  # Annex is not counted yet
    _drain(db)
    with db.sessions.begin() as s:
        changes = list_edits.merge(s, "warehouse", "Annexe", "Annex")
    assert changes.message.startswith("Warehouse Annexe merged into Annex: 1 unit moved")
    with db.reads() as s:
        assert settings.get(s, "backmarket.warehouses") == ["Main", "Annex"]
        assert calculated_quantities(s)[listing_id].calculated == 2
        assert s.scalar(select(func.count(Unit.id)).join(Warehouse).where(Warehouse.name == "Annex")) == 2
        assert "merged into Annex" in s.scalar(select(UnitEvent.detail).order_by(UnitEvent.id.desc()).limit(1))
    found = _drain(db)
    assert found.listing_ids is None or listing_id in found.listing_ids
    assert _names(db, Warehouse) == ["Main", "Annex"]


def test_merging_statuses_pushes_exactly_the_listings_whose_units_moved(db):
    with db.sessions.begin() as s:
        reference.define_status(s, "Avialable", False)  # a typo that received a unit
        s.add(Listing(uuid="L1", sku="IP8-A", sku_norm="ip8-a"))
        s.add(Listing(uuid="L2", sku="PX7-A", sku_norm="px7-a"))
    receive(db, make_imei(1), status="Avialable", sku="IP8-A")
    receive(db, make_imei(2), product=PIXEL, sku="PX7-A")
    _drain(db)
    with db.sessions.begin() as s:
        list_edits.merge(s, "status", "avialable", "available")
    with db.reads() as s:
        ids = dict(s.execute(select(Listing.uuid, Listing.id)).all())
        assert calculated_quantities(s)[ids["L1"]].calculated == 1
    assert _drain(db).listing_ids == frozenset({ids["L1"]})


def test_merging_a_grade_joins_variations_that_meet_and_keeps_their_sku(db):
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.mapping", "variation")
    b = receive(db, make_imei(1), grade="B", sku="IP8-B")
    receive(db, make_imei(2), grade="C")
    receive(db, make_imei(3), grade="B", product=PIXEL)
    with db.sessions.begin() as s:
        vb = s.get(Unit, b).variation_id
        s.add(Listing(uuid="L1", sku="IP8-B", sku_norm="ip8-b", variation_id=vb))
        _order, _ = orders.create_direct_order(s, "Buyer", [orders.LineRequest(1, variation_id=vb)])
    _drain(db)
    with db.sessions.begin() as s:
        changes = list_edits.merge(s, "grade", "B", "C")
    assert changes.message == "Grade B merged into C: 2 units moved, 1 variation joined"
    with db.reads() as s:
        iphone_c = s.scalar(select(Variation).join(Grade).where(Grade.name == "C", Variation.product.has(model=IPHONE.model)))
        assert iphone_c.sku == "IP8-B"
        assert s.scalar(select(func.count(Unit.id)).where(Unit.variation_id == iphone_c.id)) == 2
        assert s.scalar(select(Listing.variation_id)) == iphone_c.id
        assert s.scalar(select(OrderLine.variation_id)) == iphone_c.id
        assert s.get(Variation, vb) is None
        assert calculated_quantities(s)[s.scalar(select(Listing.id))].calculated == 1  # 2 units, 1 wanted
        assert reference.names(s, Grade) == ["A+", "A", "C", "D", "Ungraded"]
    found = _drain(db)
    with db.reads() as s:
        assert found.listing_ids is None or s.scalar(select(Listing.id)) in found.listing_ids


def test_a_grade_merge_that_would_join_two_skus_is_refused_and_changes_nothing(db):
    receive(db, make_imei(1), grade="B", sku="IP8-B")
    receive(db, make_imei(2), grade="C", sku="IP8-C")
    with db.sessions.begin() as s:
        with pytest.raises(Conflict, match="would carry SKUs IP8-B and IP8-C"):
            list_edits.merge(s, "grade", "B", "C")
    assert "B" in _names(db, Grade)


def test_merging_a_condition_rebuilds_the_condition_sets(db):
    receive(db, make_imei(1), conditions=("SC",))
    receive(db, make_imei(2), conditions=("CG", "SC"))
    receive(db, make_imei(3), conditions=("CG",))
    with db.sessions.begin() as s:
        list_edits.merge(s, "condition", "sc", "CG")
        assert list_edits.rename(s, "condition", "CG", "GL").message == "Condition CG renamed to GL"
    with db.reads() as s:
        codes = catalog.condition_codes(s)
        assert sorted(codes.values()) == [["GL"]] and len(codes) == 1
        assert s.scalar(select(func.count(Unit.id))) == 3 and s.scalar(select(func.count(Variation.id))) == 1


def test_order_statuses_merge_only_when_they_mean_the_same(db):
    receive(db, make_imei(1))
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Buyer", [orders.LineRequest(1, sku=None, variation_id=1)])
        reference.define_order_status(s, "Paid", True, True)
        number = order.number
    with db.sessions.begin() as s:
        with pytest.raises(Conflict, match="the 1 order in New would change whether"):
            list_edits.merge(s, "order-status", "New", "Shipped")
        with pytest.raises(InvalidInput, match="cannot be merged into itself"):
            list_edits.merge(s, "order-status", "New", "new")
        changes = list_edits.merge(s, "order-status", "New", "Paid")
    assert changes.message.startswith("Order status New merged into Paid: 1 order moved")
    with db.reads() as s:
        assert s.scalar(select(Order).where(Order.number == number)).status.name == "Paid"
        assert settings.get(s, "orders.new_status") == "Paid"
        assert settings.get(s, "shipstation.push_statuses") == ["Paid", "Ready to ship"]


def test_reorder_puts_an_item_at_a_position(db):
    with db.sessions.begin() as s:
        list_edits.move(s, "grade", "D", 1)
        list_edits.move(s, "status", "Returned", 2)
        list_edits.step(s, "order-status", "Refunded", -1)
        with pytest.raises(InvalidInput, match="Warehouses have no order to change"):
            list_edits.move(s, "warehouse", "Main", 1)
        with pytest.raises(InvalidInput, match="A position is 1 \\(first\\) to 6"):
            list_edits.move(s, "grade", "A", 0)
        list_edits.move(s, "grade", "A+", 99)
        with pytest.raises(Conflict, match="Grade Ungraded is used by purchasing"):
            list_edits.move(s, "grade", "Ungraded", 1)
    assert _names(db, Grade) == ["D", "A", "B", "C", "A+", "Ungraded"]
    with db.reads() as s:
        from app.models import OrderStatus

        assert reference.names(s, InventoryStatus)[:2] == ["Available", "Returned"]
        assert reference.names(s, OrderStatus)[-2:] == ["Refunded", "Cancelled"]


@pytest.mark.postgres
def test_a_merge_waits_for_a_unit_another_station_is_receiving_into_the_item(pg_db):
    """PostgreSQL: station A receives into "Annexe" and has not committed; the merge at station B
    waits for it and moves that unit too, instead of failing on the warehouse's key."""
    import threading

    from app.domain import inventory
    from tests.polling import wait_until

    db = pg_db
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annexe")
        reference.define_warehouse(s, "Annex")
    receiving = db.sessions()
    receiving.begin()
    inventory.receive_unit(receiving, inventory.Receipt(IPHONE, "A", (), "Available", "Annexe"), code=make_imei(9))
    receiving.flush()
    outcome: dict = {}

    def merge_at_station_b() -> None:
        try:
            with db.sessions.begin() as s:
                outcome["message"] = list_edits.merge(s, "warehouse", "Annexe", "Annex").message
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            outcome["error"] = exc

    worker = threading.Thread(target=merge_at_station_b)
    worker.start()

    def merge_is_waiting() -> bool:
        with db.engine.connect() as conn:
            return bool(conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()").scalar())

    wait_until(merge_is_waiting, "the merge to wait for the receiving station")
    receiving.commit()
    receiving.close()
    worker.join(timeout=60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["message"].startswith("Warehouse Annexe merged into Annex: 1 unit moved")
    assert _names(db, Warehouse) == ["Main", "Annex"]


def test_a_merge_never_sells_units_without_shipping_nor_strands_committed_ones(db):
    from app.domain import fulfilment

    receive(db, make_imei(1))
    receive(db, make_imei(2), status="Unavailable")
    with db.sessions.begin() as s:
        number = orders.create_direct_order(s, "Buyer", [orders.LineRequest(1, variation_id=1)])[0].number
        other = orders.create_direct_order(s, "Other", [orders.LineRequest(1, variation_id=1)])[0].number
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, make_imei(1))
        orders.set_order_status(s, other, "Cancelled")
    with db.sessions.begin() as s:
        with pytest.raises(Conflict, match="Sold is the status a unit takes when shipped \\(inventory.sold_status\\): "
                                           "merging it with Unavailable would mix its units with the 1 unit of Unavailable"):
            list_edits.merge(s, "status", "Unavailable", "Sold")
        with pytest.raises(Conflict, match="merging it with Available would mix"):
            list_edits.merge(s, "status", "Sold", "Available")
        with pytest.raises(Conflict, match="1 unit in Available is on open orders and Unavailable is not sellable"):
            list_edits.merge(s, "status", "Available", "Unavailable")
        with pytest.raises(Conflict, match="Shipped is the status of a shipped order .* the 1 order of Cancelled"):
            list_edits.merge(s, "order-status", "Cancelled", "Shipped")
        with pytest.raises(Conflict, match="Status Vendor RMA is used by purchasing"):
            list_edits.merge(s, "status", "Vendor RMA", "Sold")
        reference.define_status(s, "Spare", False)
        list_edits.merge(s, "status", "Spare", "Sold")  # nothing in it: as good as a delete
    with db.reads() as s:
        assert reference.status(s, "Available") and reference.status(s, "Repair")
        assert reference.names(s, InventoryStatus).count("Spare") == 0
