"""One station syncs at a time: the lease."""

from __future__ import annotations

from datetime import timedelta

from app.models.base import utcnow
from app.sync import lease
from app.sync.engine import SyncEngine
from tests.sync.sync_helpers import World, make_db


def test_lease_rules(tmp_path):
    db = make_db(tmp_path)
    assert lease.acquire(db, "A")
    assert lease.acquire(db, "A")  # ours: renewed
    assert not lease.acquire(db, "B")
    assert lease.current_holder(db) == "A"
    assert lease.renew(db, "A") and not lease.renew(db, "B")
    later = utcnow() + timedelta(seconds=120)
    assert lease.acquire(db, "B", now=later)  # A's lease ran out
    assert not lease.renew(db, "A", now=later)
    lease.release(db, "A")  # not the holder: nothing happens
    assert lease.current_holder(db, now=later) == "B"
    lease.release(db, "B")
    assert lease.current_holder(db) is None


def test_second_engine_skips_while_first_holds(tmp_path, sandbox, naps, token):
    world = World(make_db(tmp_path), sandbox, naps, token)
    assert world.cycle().ok
    other = SyncEngine(world.db, world.client, station="office (pid 77)")
    report = other.run_once()
    assert report.skipped == "another station is syncing: test (pid 1)"
    assert "another station is syncing" in report.summary_line()
    world.engine.close()
    assert other.run_once().ok


def test_dead_process_of_this_station_is_taken_over(tmp_path, sandbox, naps, token):
    world = World(make_db(tmp_path), sandbox, naps, token)
    assert lease.acquire(world.db, "bench (pid 999999)")
    engine = SyncEngine(world.db, world.client, station="bench (pid 1000000)")
    assert engine.run_once().ok
