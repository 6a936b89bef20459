"""A `refurbdesk sync` killed mid-cycle (kill -9): the next cycle duplicates nothing and loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app.models import Order, OutboxMessage
from app.sync.engine import SyncEngine
from tests.polling import wait_until
from tests.sync.sync_helpers import JANE, World, configure, make_db, pack_and_ship, receive


@pytest.mark.skipif(os.name != "posix", reason="kill -9")
def test_killed_mid_cycle_then_resumed(tmp_path, sandbox, naps, token, monkeypatch):
    monkeypatch.setenv("REFURBDESK_STATION", "crash-bench")
    world = World(make_db(tmp_path), sandbox, naps, token)
    store = world.store
    store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    configure(world.db, auto_accept=True)
    units = receive(world.db, "IP13-A", 2)
    first = store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    assert world.cycle().ok
    world.engine.close()
    pack_and_ship(world.db, f"BM{first['order_id']}", units[:1], tracking="TRK-CRASH")
    second = store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    # Back Market gets the ship, but the process dies before it hears the answer.
    store.add_fault("slow", method="POST", path_prefix=f"/ws/orders/{first['order_id']}", count=1, delay=2.0)
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_BACKMARKET_TOKEN=token)
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", world.db.url, "sync"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def ships():
        return [r for r in store.request_log() if r["method"] == "POST" and r["path"] == f"/ws/orders/{first['order_id']}"
                and (r.get("json") or {}).get("new_state") == 3]

    try:
        wait_until(ships, "the subprocess to send the ship")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # The sandbox finishes applying the ship the dead process sent (it answers into the void).
    wait_until(lambda: all(r.get("status") is not None for r in ships()), "the sandbox to apply the dead process's ship")
    with world.db.reads() as s:
        assert s.scalar(select(OutboxMessage.done_at).where(OutboxMessage.kind == "ship_order")) is None

    store.clear_request_log()
    engine = SyncEngine(world.db, world.client)  # this station, another pid: takes the dead one's lease
    report = engine.run_once()
    engine.close()
    assert report.ok, report.error
    with world.db.reads() as s:
        assert s.scalar(select(func.count(Order.id)).where(Order.external_id.in_(
            [str(first["order_id"]), str(second["order_id"])]))) == 2
        assert s.scalar(select(OutboxMessage.done_at).where(OutboxMessage.kind == "ship_order")) is not None
    remote = store.order(first["order_id"])
    assert remote["state"] == 9 and remote["tracking_number"] == "TRK-CRASH"
    assert not [r for r in store.request_log() if r["method"] == "POST" and r["path"].startswith("/ws/orders/")
                and (r.get("json") or {}).get("new_state") == 3]  # read back: not shipped twice
