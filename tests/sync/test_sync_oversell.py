"""No oversell (issue 9, findings 8 and 9): a quantity is never raised on stale demand.

Back Market lowers a listing itself when it sells. If this cycle's orders could not be imported
(a 500, an unreadable page, the orders step raising), the local demand is stale and raising the
listing back would re-list phones already sold: only decreases go out. On the fast path, orders are
imported before any increase; when that import fails, the increase stays pending.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.domain import inventory, pending
from app.sync import engine as engine_module
from tests.sync.sync_helpers import JANE, World, make_db, receive

SKU = "IP13-A"


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    """5 in stock here and on Back Market, then 3 sold on Back Market: it shows 2."""
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    w.imeis = receive(w.db, SKU, 5)
    first = w.cycle()
    assert first.ok and w.store.listing(SKU)["quantity"] == 5, first.error
    w.sold = w.store.place_order([{"sku": SKU, "quantity": 3}], shipping_address=JANE)["order_id"]
    assert w.store.listing(SKU)["quantity"] == 2
    w.store.clear_request_log()
    return w


def quantity_writes(world: World) -> list[dict]:
    return [r for r in world.writes() if r["path"].startswith("/ws/listings/")]


def pending_rows(world: World) -> int:
    with world.db.reads() as s:
        return pending.count(s)


def orders_fail_with(world: World, shape: str, monkeypatch) -> None:
    if shape == "raising":  # e.g. the orders write waited past SQLite's lock timeout
        def locked(*_a, **_k):
            raise OperationalError("INSERT INTO orders", {}, Exception("database is locked"))
        monkeypatch.setattr(engine_module, "import_orders", locked)
    else:
        world.store.add_fault(shape, method="GET", path_prefix="/ws/orders", count=50)


@pytest.mark.parametrize("shape", ["500", "malformed", "raising"])
def test_a_cycle_whose_orders_failed_does_not_raise_a_listing(world, shape, monkeypatch):
    orders_fail_with(world, shape, monkeypatch)
    report = world.cycle()
    assert not report.ok and report.error.startswith("orders:")
    assert world.store.listing(SKU)["quantity"] == 2  # not 5: three of them are sold
    assert quantity_writes(world) == []
    assert any("not raised" in w for w in report.warnings), report.warnings

    monkeypatch.undo()
    world.store.clear_faults()
    report = world.cycle()
    assert report.ok, report.error
    assert world.local_order(world.sold)
    assert world.store.listing(SKU)["quantity"] == 2  # 5 in stock − 3 sold


def test_a_failed_orders_step_still_lets_decreases_through(world):
    world.store.add_fault("500", method="GET", path_prefix="/ws/orders", count=50)
    with world.db.sessions.begin() as s:  # four of the five go to repair: 1 left, Back Market shows 2
        for imei in world.imeis[:4]:
            inventory.move_unit(s, imei, status="Repair")
    report = world.cycle()
    assert report.error.startswith("orders:")
    assert world.store.listing(SKU)["quantity"] == 1  # lowered at once, orders or not
    assert len(quantity_writes(world)) == 1


def test_the_fast_path_imports_orders_before_an_increase(world):
    receive(world.db, SKU, 1)  # another station receives a sixth phone: a pending row, no event
    assert pending_rows(world) > 0
    assert world.engine.push_pending() == 1
    assert world.local_order(world.sold)  # orders were imported first...
    assert world.store.listing(SKU)["quantity"] == 3  # ...so 6 − 3 sold, not 6
    assert pending_rows(world) == 0 or world.engine.push_pending() == 0


def test_the_fast_path_keeps_an_increase_pending_when_orders_fail(world):
    world.store.add_fault("500", method="GET", path_prefix="/ws/orders", count=50)
    receive(world.db, SKU, 1)
    assert world.engine.push_pending() == 0
    assert world.store.listing(SKU)["quantity"] == 2 and quantity_writes(world) == []
    assert pending_rows(world) > 0  # kept for the next round, not dropped

    world.store.clear_faults()
    assert world.engine.push_pending() == 1
    assert world.store.listing(SKU)["quantity"] == 3
