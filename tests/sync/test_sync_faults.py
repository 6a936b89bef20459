"""What Back Market can throw at a cycle: rate limits, a revoked token, firewall pages, 5xx,
timeouts, broken JSON, and pages that shift while they are read."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import OutboxMessage, SyncRun
from app.sync.client import BackMarketClient
from app.sync.engine import SyncEngine
from tests.polling import wait_until
from tests.sync.sync_helpers import JANE, World, configure, make_db, pack_and_ship, receive


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    return w


@pytest.mark.parametrize("retry_after", [3, None])
def test_rate_limited_then_through(world, naps, retry_after):
    receive(world.db, "IP13-A", 2)
    world.store.add_fault("429", path_prefix="/ws/listings", count=1, retry_after=retry_after)
    report = world.cycle()
    assert report.ok, report.error
    assert report.quantities_pushed == 1
    if retry_after is None:
        assert any(10.0 <= w <= 12.0 for w in naps.waits)  # Back Market's 10 s block, with jitter
    else:
        assert 3.0 in naps.waits


def test_token_revoked_mid_cycle_stops_it(world):
    receive(world.db, "IP13-A", 2)
    world.store.add_fault("401", path_prefix="/ws/orders", count=1)
    report = world.cycle()
    assert report.error_kind == "token_rejected" and "rejected" in report.error
    assert report.listings_imported == 1
    assert not [r for r in world.writes() if r["path"].startswith("/ws/listings/")]  # the cycle stopped
    with world.db.reads() as s:
        run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
    assert run.error_kind == "token_rejected" and run.finished_at is not None
    assert json.loads(run.summary)["listings_imported"] == 1


def test_firewall_page_is_not_a_token_problem(world):
    world.store.add_fault("html403", path_prefix="/ws/listings", count=1)
    report = world.cycle()
    assert report.error_kind == "firewall_blocked"
    assert "firewall" in report.error and "cf-ray" in report.error


def test_server_errors_on_reads_are_retried(world, naps):
    receive(world.db, "IP13-A", 1)
    world.store.add_fault("502", method="GET", path_prefix="/ws/listings", count=2)
    report = world.cycle()
    assert report.ok and report.quantities_pushed == 1
    assert len(naps.waits) == 2


def test_malformed_json_is_reported(world):
    world.store.add_fault("malformed", method="GET", path_prefix="/ws/listings", count=1)
    report = world.cycle()
    assert report.error_kind == "malformed_response"
    assert report.orders_imported == 0 and report.listings_imported == 0


def test_read_timeout_is_retried(world):
    world.timeout = 0.3
    world.store.add_fault("slow", method="GET", path_prefix="/ws/orders", count=1, delay=0.6)
    placed = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    report = world.cycle()
    assert report.ok, report.error
    assert world.local_order(placed["order_id"])


def _ready_to_ship(world):
    configure(world.db, auto_accept=True)  # accepted in the first cycle: the next POST is the ship
    units = receive(world.db, "IP13-A", 1)
    placed = world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    assert world.cycle().ok
    pack_and_ship(world.db, f"BM{placed['order_id']}", units, tracking="TRK-9")
    return placed["order_id"], units[0]


def _make_due(world):
    with world.db.sessions.begin() as s:
        for row in s.scalars(select(OutboxMessage)):
            row.next_attempt_at = row.created_at


def test_ship_lost_in_a_timeout_is_not_sent_twice(world):
    order_id, imei = _ready_to_ship(world)
    world.timeout = 0.3
    # Back Market applies the ship but the answer never arrives in time.
    world.store.add_fault("slow", method="POST", path_prefix=f"/ws/orders/{order_id}", count=2, delay=0.6)
    report = world.cycle()
    assert report.error_kind == "offline"
    with world.db.reads() as s:
        msg = s.scalar(select(OutboxMessage).where(OutboxMessage.kind == "ship_order"))
    assert msg.done_at is None and msg.attempts == 0 and msg.last_error  # a timeout never counts
    # Both slow answers are still on their way: wait until the sandbox has answered every ship it got.
    wait_until(lambda: all(r.get("status") is not None for r in world.store.request_log()
                           if r["method"] == "POST" and r["path"].startswith(f"/ws/orders/{order_id}")),
               "the sandbox to finish the slow ship requests")
    world.store.clear_faults()
    world.timeout = 5.0
    _make_due(world)
    world.store.clear_request_log()
    report = world.cycle()
    assert report.ok and report.outbox_sent == 1
    assert not [r for r in world.writes() if r["path"].startswith("/ws/orders")]  # read back, nothing resent
    assert world.store.order(order_id)["orderlines"][0]["imei"] == imei


def test_server_error_on_ship_is_retried_next_cycle(world):
    order_id, _imei = _ready_to_ship(world)
    world.store.add_fault("500", method="POST", path_prefix=f"/ws/orders/{order_id}", count=1)
    report = world.cycle()
    assert report.error_kind == "server_error"
    assert world.store.order(order_id)["state"] != 9
    _make_due(world)
    world.store.clear_request_log()
    report = world.cycle()
    assert report.ok and report.outbox_sent == 1
    assert world.store.order(order_id)["state"] == 9
    assert len([r for r in world.writes() if r["path"] == f"/ws/orders/{order_id}"]) == 1


def test_orders_page_shifting_during_the_crawl(tmp_path, sandbox, naps, token):
    world = World(make_db(tmp_path), sandbox, naps, token)
    store = world.store
    store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=10)
    placed = [store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE)["order_id"] for _ in range(5)]
    store.set_page_size_cap(2)
    touched = []

    class ShiftingClient(BackMarketClient):
        def iter_orders(self, **kwargs):
            for index, order in enumerate(super().iter_orders(**kwargs), 1):
                yield order
                if index == 2 and not touched:  # between page 1 and page 2
                    touched.append(store.touch_order(placed[0]))

    world.engine = SyncEngine(world.db, lambda: ShiftingClient(sandbox.url, token, sleep=naps), station="t (pid 2)")
    report = world.cycle()
    assert report.ok and touched
    assert report.orders_imported == 5
