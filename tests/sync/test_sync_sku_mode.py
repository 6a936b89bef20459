"""The whole life in SKU mode: listings, pushes, an order, auto-accept, packing, shipping with the IMEI."""

from __future__ import annotations

import pytest

from app.domain.orders_view import orders_rows
from app.sync.mapping import listings_rows
from tests.sync.sync_helpers import JANE, World, configure, make_db, pack_and_ship, receive


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    return World(make_db(tmp_path), sandbox, naps, token)


def _rows(world):
    with world.db.reads() as s:
        return {r["sku"]: r for r in listings_rows(s)}


def test_sku_mode_whole_life(world):
    store = world.store
    store.add_listing("IP13-128-A", "iPhone 13 128GB", "EXCELLENT", "429.00", quantity=0)
    store.add_listing("IP13-128-B", "iPhone 13 128GB", "GOOD", "389.00", quantity=5)
    store.add_listing("OP11-256", "OnePlus 11", "EXCELLENT", "449.00", quantity=4)
    receive(world.db, "ip13-128-a", 3)  # SKUs match case-insensitively
    b_units = receive(world.db, "IP13-128-B", 2, grade="B")
    configure(world.db, auto_accept=True)

    report = world.cycle()
    assert report.ok, report.error
    assert report.listings_imported == 3
    assert report.quantities_pushed == 2
    assert report.skipped_unmapped == 1
    posts = [r for r in world.writes() if r["path"].startswith("/ws/listings/")]
    assert [r["json"] for r in posts] == [{"quantity": 2}, {"quantity": 3}]  # the decrease first
    assert store.listing("IP13-128-B")["quantity"] == 2
    assert store.listing("OP11-256")["quantity"] == 4  # empty match set: never written
    rows = _rows(world)
    assert rows["OP11-256"]["calculated_quantity"] is None and rows["OP11-256"]["why"]
    assert rows["IP13-128-A"]["calculated_quantity"] == 3 and rows["IP13-128-A"]["last_pushed_quantity"] == 3
    assert [m["label"] for m in rows["IP13-128-A"]["mapped_to"]]
    assert set(rows["IP13-128-A"]) >= {"id", "listing_id", "sku", "title", "price", "quantity",
                                        "calculated_quantity", "last_pushed_quantity", "mapped_to"}

    placed = store.place_order([{"sku": "IP13-128-A", "quantity": 1}], shipping_address=JANE)
    store.clear_request_log()
    report = world.cycle()
    assert report.ok, report.error
    assert (report.orders_imported, report.lines_accepted, report.outbox_sent) == (1, 1, 1)
    order = world.local_order(placed["order_id"])
    assert order["number"] == f"BM{placed['order_id']}"
    assert order["customer"] == "Jane Doe" and order["channel"] == "Back Market"
    assert order["lines"][0]["sku"] == "IP13-128-A" and not order["lines"][0]["unmapped"]
    assert store.order(placed["order_id"])["orderlines"][0]["state"] == 2
    # Back Market took the unit itself (3 → 2) and we count the order as outstanding: nothing to write.
    assert not [r for r in world.writes() if r["path"].startswith("/ws/listings/")]

    with world.db.reads() as s:
        imei = next(u for u in _available_imeis(s, "ip13-128-a"))
    pack_and_ship(world.db, order["number"], [imei], tracking="1Z999", carrier="UPS")
    report = world.cycle()
    assert report.ok, report.error
    remote = store.order(placed["order_id"])
    assert remote["state"] == 9 and remote["tracking_number"] == "1Z999"
    assert remote["orderlines"][0]["imei"] == imei
    ship = [r for r in world.writes() if r["path"] == f"/ws/orders/{placed['order_id']}"][-1]
    assert ship["json"]["imei"] == imei and ship["json"]["new_state"] == 3

    # A second quiet cycle: no duplicate order, no redundant write of any kind.
    store.clear_request_log()
    report = world.cycle()
    assert report.ok and report.orders_imported == 0
    assert world.writes() == []
    with world.db.reads() as s:
        orders = [o for o in orders_rows(s) if o["channel"] == "Back Market"]
    assert len(orders) == 1 and orders[0]["status"] == "Shipped"
    assert b_units


def _available_imeis(session, sku_norm):
    from sqlalchemy import select

    from app.models import InventoryStatus, Unit, Variation

    return session.scalars(select(Unit.imei).join(Variation, Variation.id == Unit.variation_id)
                           .join(InventoryStatus, InventoryStatus.id == Unit.status_id)
                           .where(Variation.sku_norm == sku_norm, InventoryStatus.name == "Available"))
