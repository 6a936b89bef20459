"""The sync lease with two real `refurbdesk sync` daemons on one PostgreSQL database.

Two processes (`python -m app --db URL sync`), the sandbox on 127.0.0.1, a cycle every second:
only the lease holder runs cycles (rows in sync_runs), the other one prints "Sync skipped: another
station is syncing: …"; after the holder is killed with -9, the survivor takes over and no order is
imported twice.

Also pinned: on PostgreSQL a free lease must really be taken (psycopg reports rowcount -1 for
INSERT … ON CONFLICT DO NOTHING, so acquire() reads RETURNING instead).

Take-over timing: a *restarted process of the same station* takes over at once (the engine's
dead-process path); *another station* takes over once the lease runs out — these tests shorten
it with REFURBDESK_SYNC_LEASE_SECONDS.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.models import Order, SyncLease, SyncRun
from app.models.base import utcnow
from app.sync.sandbox import SandboxServer
from tests.dbfixtures import pg_cluster, pg_database_url, pg_db  # noqa: F401  (fixtures)
from tests.sync.sync_helpers import JANE, configure, receive

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="kill -9 and os.kill(pid, 0)"),
]

REPO = Path(__file__).resolve().parents[2]
LEASE_ENV = "REFURBDESK_SYNC_LEASE_SECONDS"  # proposed: not read by the app yet
SHORT_TTL = 8  # seconds; comfortably more than a sandbox cycle even on a loaded 2-core machine
DEADLINE = 90.0  # generous upper bound for anything we wait for (polled, never slept through)
POLL = 0.1

SKIPPED = re.compile(r"^Sync skipped: another station is syncing: (.+)\.$")
LISTINGS = {"IP13-A": ("iPhone 13", "EXCELLENT", "A"), "IP13-B": ("iPhone 13", "GOOD", "B"),
            "PX7-A": ("Pixel 7", "EXCELLENT", "A")}


# --------------------------------------------------------------------------- helpers


@dataclass
class Station:
    name: str
    proc: subprocess.Popen
    log: Path
    _file: object = field(repr=False, default=None)

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def skipped(self) -> list[str]:
        """The holders named in this process's "Sync skipped" lines, in order."""
        return [m.group(1) for m in map(SKIPPED.match, self.lines()) if m]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        # Reap it: a zombie still answers os.kill(pid, 0), so the engine would think it alive.
        self.proc.wait(timeout=30)
        if self._file is not None:
            self._file.close()
            self._file = None


def start_station(url: str, name: str, tmp_path: Path, token: str, extra_env: dict[str, str] | None = None) -> Station:
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_BACKMARKET_TOKEN=token,
               REFURBDESK_STATION=name, PYTHONUNBUFFERED="1", **(extra_env or {}))
    env.pop("REFURBDESK_DB", None)
    log = tmp_path / f"{name}-{len(list(tmp_path.glob('*.out')))}.out"
    out = open(log, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", url, "sync"], cwd=REPO, env=env,
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Station(name, proc, log, out)


def wait_for(what: str, condition: Callable[[], object], stations: list[Station], timeout: float = DEADLINE):
    """Poll `condition` until truthy; fail with the processes' output when it never gets there."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n" + dump(stations))
        for st in stations:
            if st._file is not None and not st.alive():
                pytest.fail(f"{st.name} exited with {st.proc.returncode} while waiting for {what}\n" + dump(stations))
        time.sleep(POLL)


def dump(stations: list[Station]) -> str:
    return "\n".join(f"--- {st.name} (pid {st.proc.pid}):\n" + "\n".join(st.lines()[-30:]) for st in stations)


def runs(db: Database) -> list[SyncRun]:
    with db.reads() as s:
        rows = s.scalars(select(SyncRun).order_by(SyncRun.id)).all()
        s.expunge_all()
        return list(rows)


def finished_runs_by(db: Database, holder: str) -> int:
    with db.reads() as s:
        return s.scalar(select(func.count(SyncRun.id)).where(SyncRun.station == holder,
                                                             SyncRun.finished_at.is_not(None)))


def lease_row(db: Database) -> tuple[str, object] | None:
    with db.reads() as s:
        row = s.execute(select(SyncLease.holder, SyncLease.expires_at)).first()
    return (row.holder, row.expires_at) if row else None


def imported(db: Database, remote_id: int) -> bool:
    with db.reads() as s:
        return s.scalar(select(func.count(Order.id)).where(Order.external_id == str(remote_id))) >= 1


def place(sandbox: SandboxServer, sku: str) -> int:
    return sandbox.store.place_order([{"sku": sku, "quantity": 1}], shipping_address=JANE, allow_oversell=True)["order_id"]


def assert_no_duplicate_orders(db: Database, remote_ids: list[int]) -> None:
    with db.reads() as s:
        ext = s.execute(select(Order.channel_id, Order.external_id).where(Order.external_id.is_not(None))).all()
    counts = Counter(ext)
    assert not [k for k, n in counts.items() if n > 1], f"duplicate orders: {counts}"
    mine = Counter(e for _c, e in ext)
    for rid in remote_ids:
        assert mine[str(rid)] == 1, f"remote order {rid} imported {mine[str(rid)]} times"


def assert_one_station_at_a_time(db: Database) -> None:
    """No two sync_runs overlap in time, whoever ran them (a killed run has no finished_at: it ends
    where the next run starts, which is the best we know)."""
    rows = runs(db)
    for a, b in zip(rows, rows[1:]):
        if a.finished_at is not None:
            assert a.finished_at <= b.started_at, f"runs overlap: {a.station} {a.id} and {b.station} {b.id}"


@pytest.fixture
def shop(pg_db: Database, sandbox: SandboxServer, token: str) -> Database:
    """Listings on the sandbox, matching stock in the database, a fast interval, auto-accept on."""
    for sku, (model, grade, local_grade) in LISTINGS.items():
        sandbox.store.add_listing(sku, model, grade, "399.00", quantity=0)
        receive(pg_db, sku, 3, model=model, grade=local_grade)
    configure(pg_db, api_url=sandbox.url, interval_seconds=1, auto_accept=True)
    return pg_db


def two_daemons(db: Database, tmp_path: Path, token: str, names: tuple[str, str], stations: list[Station],
                extra_env: dict[str, str] | None = None) -> tuple[Station, Station, str]:
    """Start both at once; return (holder, other, holder's lease name) once the holder has run a few
    cycles and the other has skipped a few."""
    stations.extend(start_station(db.url, n, tmp_path, token, extra_env) for n in names)

    def settled():
        by_station = Counter(r.station for r in runs(db) if r.finished_at is not None)
        for st, other in (stations, stations[::-1]):
            holder = f"{st.name} (pid {st.proc.pid})"
            if by_station[holder] >= 3 and len(other.skipped()) >= 3:
                return st, other, holder
        return None

    holder_st, other_st, holder = wait_for("one daemon syncing and the other skipping", settled, stations)
    # Only the holder ever ran a cycle; the other one named the holder each time it skipped.
    assert {r.station for r in runs(db)} == {holder}, dump(stations)
    assert set(other_st.skipped()) == {holder}, dump(stations)
    # The holder never skipped because of someone else. (It may skip its very first cycle naming
    # itself: see test_sync_once_takes_a_free_lease_on_postgresql.)
    assert set(holder_st.skipped()) <= {holder}, dump(stations)
    assert lease_row(db)[0] == holder
    assert_one_station_at_a_time(db)
    return holder_st, other_st, holder


# --------------------------------------------------------------------------- tests


def test_two_stations_only_the_lease_holder_syncs(shop, sandbox, tmp_path, token):
    """Distinct stations: one syncs, the other skips; killing the holder does not free the lease
    before it runs out (another station cannot tell a dead holder from a slow one)."""
    db = shop
    first = place(sandbox, "IP13-A")
    stations: list[Station] = []
    try:
        holder_st, other_st, holder = two_daemons(db, tmp_path, token, ("front-desk", "back-office"), stations)
        wait_for("the first order imported", lambda: imported(db, first), stations)
        second = place(sandbox, "PX7-A")
        wait_for("an order placed while both run imported", lambda: imported(db, second), stations)

        _, expires = lease_row(db)
        holder_st.kill()
        assert expires - utcnow() > timedelta(seconds=10), "the lease is about to run out anyway"
        skipped_before = len(other_st.skipped())
        wait_for("the survivor to keep skipping", lambda: len(other_st.skipped()) >= skipped_before + 3, [other_st])
        assert set(other_st.skipped()) == {holder}, dump(stations)
        assert {r.station for r in runs(db)} == {holder}
        assert other_st.alive()
        assert_no_duplicate_orders(db, [first, second])
    finally:
        for st in stations:
            st.kill()


def test_a_restarted_process_of_the_same_station_takes_over_at_once(shop, sandbox, tmp_path, token):
    """Same station name, two processes: the engine's dead-process path (os.kill(pid, 0)) lets the
    survivor take the lease of the killed one on its next cycle, without waiting for the TTL."""
    db = shop
    first = place(sandbox, "IP13-A")
    stations: list[Station] = []
    try:
        holder_st, other_st, holder = two_daemons(db, tmp_path, token, ("bench-1", "bench-1"), stations)
        wait_for("the first order imported", lambda: imported(db, first), stations)
        holder_st.kill()
        killed_at = utcnow()
        survivor = f"{other_st.name} (pid {other_st.proc.pid})"
        wait_for("the survivor to take over and finish cycles",
                 lambda: finished_runs_by(db, survivor) >= 2, [other_st])
        assert lease_row(db)[0] == survivor
        took_over = min(r.started_at for r in runs(db) if r.station == survivor)
        assert took_over >= killed_at - timedelta(seconds=1)
        assert took_over - killed_at < timedelta(seconds=30), "should not have waited for the 90 s TTL"
        second = place(sandbox, "PX7-A")
        wait_for("an order placed after the take-over imported", lambda: imported(db, second), [other_st])
        assert {r.station for r in runs(db)} == {holder, survivor}
        assert_one_station_at_a_time(db)
        assert_no_duplicate_orders(db, [first, second])
    finally:
        for st in stations:
            st.kill()


def test_sync_once_takes_a_free_lease_on_postgresql(shop, sandbox, tmp_path, token):
    """`sync --once` on a database where nobody holds the lease (a fresh one, or after a daemon
    stopped cleanly and released it) must run the cycle."""
    db = shop
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_BACKMARKET_TOKEN=token,
               REFURBDESK_STATION="solo")
    env.pop("REFURBDESK_DB", None)
    assert lease_row(db) is None
    done = subprocess.run([sys.executable, "-m", "app", "--db", db.url, "sync", "--once"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Sync done: 3 listings"), done.stdout + done.stderr
    [run] = runs(db)
    assert run.station.startswith("solo (pid ") and run.finished_at is not None and run.error is None
    assert lease_row(db) is None  # released on exit


def test_another_station_takes_over_after_the_lease_runs_out(shop, sandbox, tmp_path, token):
    db = shop
    first = place(sandbox, "IP13-A")
    stations: list[Station] = []
    env = {LEASE_ENV: str(SHORT_TTL)}
    try:
        holder_st, other_st, holder = two_daemons(db, tmp_path, token, ("front-desk", "back-office"), stations, env)
        _, expires = lease_row(db)
        if expires - utcnow() > timedelta(seconds=SHORT_TTL + 5):
            pytest.fail(f"the lease runs {(expires - utcnow()).total_seconds():.0f} s ahead: {LEASE_ENV} is ignored")
        wait_for("the first order imported", lambda: imported(db, first), stations)
        holder_st.kill()
        survivor = f"{other_st.name} (pid {other_st.proc.pid})"
        wait_for("the other station to take over and finish cycles",
                 lambda: finished_runs_by(db, survivor) >= 2, [other_st], timeout=SHORT_TTL + 60)
        assert lease_row(db)[0] == survivor
        second = place(sandbox, "PX7-A")
        wait_for("an order placed after the take-over imported", lambda: imported(db, second), [other_st])
        assert {r.station for r in runs(db)} == {holder, survivor}
        assert_one_station_at_a_time(db)
        assert_no_duplicate_orders(db, [first, second])
    finally:
        for st in stations:
            st.kill()
