"""A ShipStation request in flight is cut off by abort() from another thread (the sync stopping, the
app quitting), and the engine hands its stop event and abort to the ShipStation client it runs."""

from __future__ import annotations

import socket
import threading

import pytest

from app.integrations.shipstation.client import ShipStationV1Client
from app.integrations.shipstation.errors import Interrupted, Offline
from tests.shipstation.ss_helpers import KEY

NEVER = 600.0  # the client's timeout: only abort() can end the call within a test run
DEADLINE = 60.0  # a generous bound for a stuck run, never a claim about speed


@pytest.fixture
def silent():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(DEADLINE)
    yield server
    server.close()


def test_abort_cuts_off_a_shipstation_call_in_flight(silent):
    kept: list = []
    client = ShipStationV1Client(f"http://127.0.0.1:{silent.getsockname()[1]}", KEY, timeout=NEVER,
                                 on_open=kept.append)
    assert kept == [client]
    outcome: dict = {}

    def call() -> None:
        try:
            outcome["value"] = client.list_stores()
        except BaseException as exc:  # noqa: BLE001 — handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    conn, _ = silent.accept()
    conn.settimeout(DEADLINE)
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    client.abort()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), (Interrupted, Offline)), outcome
    with pytest.raises(Interrupted):
        client.list_stores()  # nothing more is sent
    conn.close()
    client.close()


def test_stopping_the_sync_cuts_off_a_hung_shipstation_step(db, bm, silent, monkeypatch):
    from tests.shipstation.ss_helpers import enable
    from tests.sync.sync_helpers import World

    world = World(db, bm, lambda _s: None, "bm-test-token")

    class Silent:  # enable() wants something with a .url
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"

    enable(world.db, Silent(), in_sync_cycle=True)
    monkeypatch.setenv("REFURBDESK_SHIPSTATION_KEY", "test-api-key:test-api-secret")
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("report", world.cycle()), daemon=True)
    thread.start()
    conn, _ = silent.accept()  # Back Market is done; ShipStation's first request hangs here
    world.engine.interrupt()
    thread.join(DEADLINE)
    assert not thread.is_alive()
    report = outcome["report"]
    assert report.error and "ShipStation" in report.error
    conn.close()
