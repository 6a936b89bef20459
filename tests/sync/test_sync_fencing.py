"""The lease is fenced (issue 9, finding 6).

- A process without a usable token never takes the lease: a tokenless daemon started first does
  not keep the real sync station from syncing.
- The lease is re-checked immediately before every remote write (quantity writes, and the outbox,
  which ticks right before each of its writes): once another station holds it, nothing more is sent.
- One call, its retries and waits included, stays below a third of the lease: a Retry-After of
  300 s gives the call up as rate limited instead of sleeping through the lease.
- Waits are interruptible: stopping ends a Retry-After wait at once; stopping the daemon releases
  the lease even while its thread is stuck in a call.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select

from app.models import SyncLease
from app.sync import lease
from app.sync.config import build_client
from app.sync.daemon import SyncDaemon
from app.sync.engine import SyncEngine
from tests.sync.process_world import DEADLINE, daemon, wait_for_quantity, wait_until
from tests.sync.sync_helpers import JANE, World, configure, make_db, receive

SKU = "IP13-A"


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    receive(w.db, SKU, 2)
    return w


def holder(db) -> str | None:
    with db.reads() as s:
        return s.scalar(select(SyncLease.holder))


def wait_for(what: str, condition, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="subprocess daemons")
def test_a_tokenless_daemon_started_first_does_not_block_the_real_one(tmp_path, sandbox, token):
    db = make_db(tmp_path)
    sandbox.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    receive(db, SKU, 2)
    configure(db, api_url=sandbox.url, interval_seconds=1)
    tokenless = daemon(db.url, tmp_path, "", "front-desk", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    stations = [tokenless]
    try:
        wait_until("the tokenless daemon to try a cycle",
                   lambda: any(line.startswith("Sync failed") for line in tokenless.lines()), stations)
        assert holder(db) is None  # it never took the lease
        good = daemon(db.url, tmp_path, token, "back-office")
        stations.append(good)
        wait_for_quantity(sandbox.url, SKU, 2, stations)
        assert holder(db) == f"back-office (pid {good.proc.pid})"
        assert all(line.startswith(("Sync failed: No Back Market API token", "Back Market sync running"))
                   for line in tokenless.lines() if line.strip()), tokenless.lines()
    finally:
        for st in stations:
            st.kill()


def test_no_quantity_is_written_once_another_station_holds_the_lease(world):
    def progress(text: str) -> None:
        if text.startswith("Pushing"):  # our lease ran out while we were busy; another station took it
            lease.take_over(world.db, world.engine.station, "office (pid 77)")

    report = world.engine.run_once(progress)
    assert report.error_kind == "lease_lost"
    assert not [r for r in world.writes() if r["path"].startswith("/ws/listings/")]
    assert world.store.listing(SKU)["quantity"] == 0


def test_the_outbox_writes_nothing_once_another_station_holds_the_lease(world):
    configure(world.db, auto_accept=True)
    world.store.place_order([{"sku": SKU, "quantity": 1}], shipping_address=JANE, allow_oversell=True)

    def progress(text: str) -> None:
        if text.startswith("Sending updates"):
            lease.take_over(world.db, world.engine.station, "office (pid 77)")

    report = world.engine.run_once(progress)
    assert report.lines_accepted == 1, report
    assert report.error_kind == "lease_lost"
    assert not [r for r in world.writes() if r["path"].startswith("/ws/orders")]


def test_a_long_retry_after_gives_the_call_up_instead_of_outliving_the_lease(world, naps):
    world.store.add_fault("429", method="GET", path_prefix="/ws/listings", count=1, retry_after=300)
    report = world.cycle()
    assert report.error_kind == "rate_limited"
    assert not [w for w in naps.waits if w >= world.engine.lease_ttl / 3]


def test_stopping_ends_a_retry_after_wait_at_once(world, sandbox):
    engine = SyncEngine(world.db, lambda: build_client(world.db, timeout=5.0, request_budget=None),
                        station="patient (pid 3)", lease_ttl=600.0)
    world.store.add_fault("429", method="GET", path_prefix="/ws/listings", count=1, retry_after=120)
    reports = []
    thread = threading.Thread(target=lambda: reports.append(engine.run_once()))
    thread.start()
    wait_for("the 429", lambda: any(r.get("status") == 429 for r in world.store.request_log()))
    engine.interrupt()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "the Retry-After wait was not interrupted"
    assert reports[0].error_kind == "cancelled"


def test_stopping_the_daemon_releases_the_lease_while_a_call_is_stuck(world):
    world.timeout = 30.0
    world.store.add_fault("slow", method="GET", path_prefix="/ws/listings", count=1, delay=6.0)
    sync = SyncDaemon(world.engine, interval_seconds=3600).start()

    def in_flight() -> list[dict]:
        return [r for r in world.store.request_log() if r["path"].startswith("/ws/listings") and r.get("status") is None]

    wait_for("the listings request to hang", in_flight)
    assert holder(world.db) == world.engine.station
    sync.stop(timeout=0.1)
    assert holder(world.db) is None  # released at once...
    assert in_flight(), "...while the call was still stuck"
