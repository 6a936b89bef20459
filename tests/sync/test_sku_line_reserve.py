"""The hour's last SKU lines belong to stock changes (bench finding, issue 12).

Back Market takes 2,000 SKU lines an hour. A full reconciliation keeps the last FAST_PATH_RESERVE of
them for sales and receipts. Two things used to spend that reserve anyway:
- every push saved its budget in a `backmarket.*` setting, and every such setting asked for a push
  of every listing, so the lease holder pushed (and recomputed) every listing each second;
- a pending "every listing" row (a counting setting changed) turned the fast path into a full push
  with nothing kept back, biggest decreases first, so one sale waited for the next hour.
"""

from __future__ import annotations

import time

import pytest

from app.domain import inventory, pending, settings
from app.sync.push import FAST_PATH_RESERVE
from tests.sync.sync_helpers import World, configure, make_db, receive


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    """Three listings with three units each; B's and C's units are in Processing, which counts."""
    w = World(make_db(tmp_path), sandbox, naps, token)
    configure(w.db, statuses=["Available", "Processing"])
    for sku in ("SKU-A", "SKU-B", "SKU-C"):
        w.store.add_listing(sku, f"iPhone {sku}", "EXCELLENT", "429.00", quantity=0)
    w.a = receive(w.db, "SKU-A", 3, model="iPhone A")
    receive(w.db, "SKU-B", 3, model="iPhone B", status="Processing")
    receive(w.db, "SKU-C", 3, model="iPhone C", status="Processing")
    first = w.cycle()
    assert first.ok, first.error
    assert [w.store.listing(s)["quantity"] for s in ("SKU-A", "SKU-B", "SKU-C")] == [3, 3, 3]
    return w


def spend_budget_until(world: World, left: int) -> None:
    """As if this hour's earlier pushes had written all but `left` lines."""
    with world.db.sessions.begin() as s:
        settings.set_(s, "backmarket.sku_budget", [[time.time(), 2000 - left]])
    with world.db.reads() as s:
        world.engine.budget.load(s)


def pending_rows(world: World) -> int:
    with world.db.reads() as s:
        return pending.count(s)


def test_saving_the_budget_asks_for_no_further_push(world):
    inventory_move(world, world.a[0], "Repair")
    assert world.engine.push_pending() == 1
    assert world.store.listing("SKU-A")["quantity"] == 2
    assert pending_rows(world) == 0  # the push saved its budget: that is not a stock change
    world.store.clear_request_log()
    assert world.engine.push_pending() == 0
    assert world.writes() == []


def test_a_sale_goes_out_with_the_reserved_lines_while_a_setting_change_waits(world):
    spend_budget_until(world, 2)  # below the reserve: only stock changes may write
    configure(world.db, statuses=["Available"])  # B and C no longer count: both should drop by 3
    inventory_move(world, world.a[0], "Repair")  # a sale-sized change of 1 on A
    world.store.clear_request_log()

    assert world.engine.push_pending() == 1
    assert world.store.listing("SKU-A")["quantity"] == 2  # the stock change, first
    assert len(world.writes()) == 1
    assert world.engine.budget.available() == 1
    # The setting's "every listing" row waits for the full cycle (or the next hour's lines)...
    assert pending_rows(world) == 1
    # ...and is not recomputed and retried every second meanwhile.
    world.store.clear_request_log()
    assert world.engine.push_pending() == 0 and world.writes() == []

    # The next stock change still finds a line.
    inventory_move(world, world.a[1], "Repair")
    assert world.engine.push_pending() == 1
    assert world.store.listing("SKU-A")["quantity"] == 1
    assert [world.store.listing(s)["quantity"] for s in ("SKU-B", "SKU-C")] == [3, 3]


def test_with_lines_to_spare_the_setting_change_goes_out_too_keeping_the_reserve(world):
    spend_budget_until(world, FAST_PATH_RESERVE + 2)
    configure(world.db, statuses=["Available"])
    inventory_move(world, world.a[0], "Repair")

    assert world.engine.push_pending() == 2  # A (its own line), then B, the biggest drop that fits
    assert world.store.listing("SKU-A")["quantity"] == 2
    assert sorted(world.store.listing(s)["quantity"] for s in ("SKU-B", "SKU-C")) == [0, 3]
    assert world.engine.budget.available() == FAST_PATH_RESERVE
    assert pending_rows(world) == 1  # one listing left: the setting's row stays for later

    spend_budget_until(world, 500)  # the hour moved on
    assert world.engine.push_pending() == 1
    assert [world.store.listing(s)["quantity"] for s in ("SKU-B", "SKU-C")] == [0, 0]
    assert pending_rows(world) == 0


def inventory_move(world: World, imei: str, status: str) -> None:
    with world.db.sessions.begin() as s:
        inventory.move_unit(s, imei, status=status)
