"""Variation mode: manual mapping, an unmapped line resolved later, a multi-line order shipped with an
IMEI per line, and a refund after units were committed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Commitment, Order
from app.sync import mapping
from tests.sync.sync_helpers import JANE, World, configure, make_db, pack_and_ship, receive, variation_of


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    w = World(make_db(tmp_path), sandbox, naps, token)
    configure(w.db, mapping="variation", customer_name="channel")
    return w


def test_variation_mode_multi_line_order_and_refund(world):
    store = world.store
    store.add_listing("S22-A", "Galaxy S22 128GB", "EXCELLENT", "379.00", quantity=0)
    store.add_listing("PX7-A", "Pixel 7 128GB", "EXCELLENT", "299.00", quantity=0)
    s22 = receive(world.db, None, 2, model="Galaxy S22")
    px7 = receive(world.db, None, 3, model="Pixel 7")
    assert world.cycle().ok
    with world.db.sessions.begin() as s:
        mapping.map_listing(s, "s22-a", variation_of(world.db, s22[0]))  # by SKU, any case
    report = world.cycle()
    assert report.ok and report.quantities_pushed == 1 and report.skipped_unmapped == 1
    assert store.listing("S22-A")["quantity"] == 2 and store.listing("PX7-A")["quantity"] == 0

    placed = store.place_order([{"sku": "S22-A", "quantity": 1}, {"sku": "PX7-A", "quantity": 1}],
                               shipping_address=JANE, allow_oversell=True)
    report = world.cycle()
    assert report.ok and report.orders_imported == 1
    assert any("not mapped" in w for w in report.warnings)
    order = world.local_order(placed["order_id"])
    assert order["customer"] == "Back Market"
    assert [line["unmapped"] for line in order["lines"]] == [False, True]

    with world.db.sessions.begin() as s:
        listing_id = str(s.scalar(select(mapping.Listing.listing_id).where(mapping.Listing.sku == "PX7-A")))
        changes = mapping.map_listing(s, listing_id, variation_of(world.db, px7[0]))  # by numeric listing id
    assert changes.order_ids and changes.listing_ids
    order = world.local_order(placed["order_id"])
    assert [line["unmapped"] for line in order["lines"]] == [False, False]

    pack_and_ship(world.db, order["number"], [s22[0], px7[0]], tracking="TRK-2")
    report = world.cycle()
    assert report.ok, report.error
    remote = store.order(placed["order_id"])
    assert remote["state"] == 9 and remote["tracking_number"] == "TRK-2"
    assert {line["listing"]: line["imei"] for line in remote["orderlines"]} == {"S22-A": s22[0], "PX7-A": px7[0]}
    patches = [r for r in world.writes() if r["method"] == "PATCH"]
    assert len(patches) == 2  # per line: the ship call cannot carry IMEIs for two lines

    # A refund after a unit was committed releases it and tells the packer.
    configure(world.db, auto_accept=True)
    second = store.place_order([{"sku": "S22-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    assert world.cycle().ok
    assert store.order(second["order_id"])["orderlines"][0]["state"] == 2  # auto-accepted: stock covers it
    number = world.local_order(second["order_id"])["number"]
    from app.domain import fulfilment

    with world.db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, s22[1])
    store.refund_line(second["order_id"], "S22-A")
    report = world.cycle()
    assert report.ok and report.orders_updated == 1
    assert any("refunded" in w and s22[1] in w for w in report.warnings)
    order = world.local_order(second["order_id"])
    assert order["status"] == "Refunded" and order["lines"][0]["closed"]
    with world.db.reads() as s:
        note = s.scalar(select(Order.note).where(Order.number == number))
        active = s.scalars(select(Commitment).where(Commitment.active.is_(True))).all()
    assert "refunded" in note and s22[1] in note
    assert active == []
