"""The GUI's sync worker holds the lease between cycles and pushes what any process changed.

- A stock change made by another process (the CLI) reaches the sandbox within seconds, through
  pending_pushes, while the worker idles between hourly cycles.
- The worker renews its lease in its idle loop (another station never takes over a live GUI).
- Stopping with a bound releases the lease from the GUI thread even while the worker is stuck in a
  call; the stuck call cannot write afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import SyncLease
from app.sync import config
from app.sync.engine import SyncEngine
from app.sync.sandbox import SandboxServer
from app.ui.sync.controller import SyncController
from tests.sync.sync_helpers import configure, receive

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]
SKU = "IP13-A"
TOKEN = "gui-test-token"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0, block_seconds=0.2, task_delay_seconds=0.1)
    server.start()
    server.store.add_token(TOKEN)
    server.store.add_listing(SKU, "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shop(db, sandbox) -> list[str]:
    imeis = receive(db, SKU, 2)
    configure(db, api_url=sandbox.url, interval_seconds=3600)
    config.store_token(db, TOKEN)
    return imeis


def make_controller(qtbot, ctx, **engine_options) -> SyncController:
    factory = (lambda database: SyncEngine(database, **engine_options)) if engine_options else None
    return SyncController(ctx, engine_factory=factory, push_debounce=0.2)


def lease_row(db):
    with db.reads() as s:
        return s.execute(select(SyncLease.holder, SyncLease.expires_at)).first()


def quantity(sandbox: SandboxServer) -> int:
    return sandbox.store.listing(SKU)["quantity"]


def test_a_change_made_by_another_process_is_pushed_between_cycles(qtbot, db, ctx, sandbox, shop, tmp_path):
    controller = make_controller(qtbot, ctx)
    try:
        with qtbot.waitSignal(controller.sync_finished, timeout=30000):
            controller.start()
        assert quantity(sandbox) == 2
        env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "cli"), REFURBDESK_STATION="desk-2")
        env.pop("REFURBDESK_BACKMARKET_TOKEN", None)
        done = subprocess.run([sys.executable, "-m", "app", "--db", db.url, "move", shop[0], "--status", "Repair"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        qtbot.waitUntil(lambda: quantity(sandbox) == 1, timeout=30000)
        qtbot.waitUntil(lambda: "1 quantity pushed" in controller.last_push, timeout=10000)
    finally:
        controller.shutdown()


def test_the_worker_renews_its_lease_while_it_idles(qtbot, db, ctx, sandbox, shop):
    controller = make_controller(qtbot, ctx, lease_ttl=3.0)
    try:
        with qtbot.waitSignal(controller.sync_finished, timeout=30000):
            controller.start()
        holder, first_expiry = lease_row(db)
        qtbot.waitUntil(lambda: lease_row(db).expires_at > first_expiry, timeout=20000)
        assert lease_row(db).holder == holder
    finally:
        controller.shutdown()


@pytest.mark.parametrize("abortable", [True, False], ids=["cut-off", "cannot-cut-off"])
def test_stopping_releases_the_lease_even_while_the_worker_is_stuck(qtbot, db, ctx, sandbox, shop, monkeypatch,
                                                                    abortable):
    if not abortable:  # an httpx whose insides changed: the call cannot be cut off, so the thread is parked
        monkeypatch.setattr("app.sync.client.make_abortable", lambda _http: None)
    sandbox.store.add_fault("slow", method="GET", path_prefix="/ws/listings", count=1, delay=6.0)
    controller = make_controller(qtbot, ctx)

    def in_flight() -> bool:
        return any(r["path"].startswith("/ws/listings") and r.get("status") is None
                   for r in sandbox.store.request_log())

    try:
        controller.start()
        qtbot.waitUntil(lambda: in_flight() and lease_row(db) is not None, timeout=30000)
        if abortable:
            assert controller.stop(wait_ms=30000)  # the call is cut off: the thread ends, no 6 s wait
        else:
            assert not controller.stop(wait_ms=100)  # the thread is still in its call: parked
            assert in_flight()
        assert lease_row(db) is None  # either way the lease is free at once
    finally:
        if not controller.shutdown():  # the parked thread ends when its slow answer comes
            assert controller.wait_stopped(60000)
    assert lease_row(db) is None
