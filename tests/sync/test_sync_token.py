"""The token never lands in anything the app writes: database, logs, config."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.sync.sync_helpers import JANE, World, make_db, receive


def test_token_is_in_no_file_the_app_writes(tmp_path, sandbox, naps):
    token = "tok-Zq81-very-secret-VALUE"
    sandbox.store.add_token(token)
    world = World(make_db(tmp_path), sandbox, naps, token)
    world.store.add_listing("IP13-A", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    receive(world.db, "IP13-A", 1)
    world.store.place_order([{"sku": "IP13-A", "quantity": 1}], shipping_address=JANE, allow_oversell=True)
    world.store.add_fault("502", method="GET", path_prefix="/ws/orders", count=1)
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"), REFURBDESK_BACKMARKET_TOKEN=token)
    for args in (["sync", "--once", "--progress"], ["backmarket", "listings", "--json"], ["sync", "--once"]):
        done = subprocess.run([sys.executable, "-m", "app", "-v", "--db", world.db.url, *args],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        assert token not in done.stdout and token not in done.stderr
    world.store.revoke_token(token)
    done = subprocess.run([sys.executable, "-m", "app", "-v", "--db", world.db.url, "sync", "--once"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1 and token not in done.stderr
    world.db.dispose()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in written) and any("sqlite3" in p.name for p in written)
    for path in written:
        assert token.encode() not in path.read_bytes(), path
