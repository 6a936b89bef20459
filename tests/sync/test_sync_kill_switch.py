"""Configuration can never zero the account, and the kill switch stops a running sync.

- Counted status and warehouse names resolve case-insensitively (a stored `available` counts
  Available); a counted scope that resolves to nothing refuses the push with a health error and
  writes nothing.
- `backmarket.enabled` is read before every cycle and every push: turned off by another station
  mid-cycle, no more quantity is written; turned off under a running `refurbdesk sync`, it stops.
"""

from __future__ import annotations

import json

import pytest

from app.domain import pending
from app.models import Setting
from tests.sync.sync_helpers import World, make_db, receive

SKU = "IP13-A"


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    """Two phones here; Back Market still shows 5 (a stale number the sync must correct)."""
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=5)
    receive(w.db, SKU, 2)
    return w


def store_raw(world: World, key: str, value) -> None:
    """Write a setting as another (older, or unvalidated) station might have stored it."""
    with world.db.sessions.begin() as s:
        s.merge(Setting(key=key, value=json.dumps(value)))


def quantity_writes(world: World) -> list[dict]:
    return [r for r in world.writes() if r["path"].startswith("/ws/listings/")]


def test_a_lower_case_status_name_counts_that_status(world):
    store_raw(world, "backmarket.statuses", ["available"])
    store_raw(world, "backmarket.warehouses", ["main"])
    report = world.cycle()
    assert report.ok, report.error
    assert world.store.listing(SKU)["quantity"] == 2  # not 0


@pytest.mark.parametrize("key,value,words", [
    ("backmarket.statuses", ["Availble"], "no counted status"),
    ("backmarket.statuses", [], "no counted status"),
    ("backmarket.warehouses", ["Back room"], "none of the counted warehouses exists"),
])
def test_a_scope_that_counts_nothing_refuses_the_push(world, key, value, words):
    store_raw(world, key, value)
    report = world.cycle()
    assert report.error_kind == "bad_settings"
    assert words in report.error and "nothing was written" in report.error
    assert "\n" not in report.error
    assert quantity_writes(world) == []
    assert world.store.listing(SKU)["quantity"] == 5  # never zeroed by configuration


def test_the_fast_path_refuses_an_empty_scope_and_keeps_the_change(world):
    assert world.cycle().ok and world.store.listing(SKU)["quantity"] == 2
    store_raw(world, "backmarket.statuses", ["Availble"])
    world.store.clear_request_log()
    assert world.engine.push_pending() == 0
    assert "no counted status" in world.engine.last_push_error
    assert quantity_writes(world) == []
    with world.db.reads() as s:
        assert pending.count(s) > 0  # the settings change stays pending until it can be pushed


def test_switched_off_mid_cycle_writes_nothing_more(world):
    def progress(text: str) -> None:
        if text.startswith("Pushing"):  # another station turns the sync off right now
            store_raw(world, "backmarket.enabled", False)

    report = world.engine.run_once(progress)
    assert report.error_kind == "disabled" and "switched off" in report.error
    assert quantity_writes(world) == []
    assert world.store.listing(SKU)["quantity"] == 5
    assert world.engine.run_once().skipped == "the sync is switched off (backmarket.enabled = false)"


def test_switched_off_the_fast_path_writes_nothing(world):
    assert world.cycle().ok
    store_raw(world, "backmarket.enabled", False)
    receive(world.db, SKU, 1)
    world.store.clear_request_log()
    assert world.engine.push_pending() == 0
    assert world.requests() == [] and world.engine.switched_off


@pytest.mark.slow
def test_turning_the_sync_off_stops_a_running_daemon(tmp_path, sandbox, token):
    """A real `refurbdesk sync`; another process turns the sync off: the daemon stops within
    seconds, and a stock change made afterwards is not pushed (it stays pending, for later)."""
    from tests.sync.process_world import WITHIN_SECONDS, cli, daemon, wait_for_quantity, wait_until
    from tests.sync.sync_helpers import configure

    db = make_db(tmp_path)
    sandbox.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    imeis = receive(db, SKU, 2)
    configure(db, api_url=sandbox.url, interval_seconds=3600)
    station = daemon(db.url, tmp_path, token)
    try:
        wait_for_quantity(sandbox.url, SKU, 2, [station])
        cli(db.url, tmp_path, "settings", "set", "backmarket.enabled", "false")
        wait_until("the daemon to stop", lambda: not station.alive(), [], WITHIN_SECONDS)
        assert station.proc.returncode == 0
        cli(db.url, tmp_path, "move", imeis[0], "--status", "Repair")
        with db.reads() as s:
            assert pending.count(s) > 0
        assert sandbox.store.listing(SKU)["quantity"] == 2
    finally:
        station.kill()
