"""The read models the screens will use, and `refurbdesk shipstation sandbox` as a real process."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import httpx

from app.domain import addresses, fulfilment, orders
from app.integrations.shipstation.sandbox import DEMO_KEY
from app.integrations.shipstation.status import health, is_waiting_in_shipstation, order_shipping
from tests.shipstation.ss_helpers import PARIS, admin, enable, steps
from tests.sync.sync_helpers import receive


def test_what_the_packing_screen_and_the_shipping_panel_read(db, sandbox, client):
    imeis = receive(db, "PX7-128", 2)
    enable(db, sandbox)
    with db.sessions.begin() as s:
        waiting, _ = orders.create_direct_order(s, "A", [orders.parse_line("sku=PX7-128,qty=1")])
        addresses.set_address(s, waiting.id, addresses.parse_ship_to(PARIS))
        labelled, _ = orders.create_direct_order(s, "B", [orders.parse_line("sku=PX7-128,qty=1")])
        addresses.set_address(s, labelled.id, addresses.parse_ship_to(PARIS))
        no_address, _ = orders.create_direct_order(s, "C", [orders.parse_line("sku=PX7-128,qty=1")])
    with db.reads() as s:
        assert order_shipping(s, waiting.id).state == "not_sent"
    steps(db, client)
    admin(sandbox, "POST", f"/orders/{labelled.number}/label", {"tracking_number": "LBL1", "carrier_code": "ups"})
    steps(db, client)
    with db.reads() as s:
        assert order_shipping(s, waiting.id).state == "waiting_for_label"
        assert is_waiting_in_shipstation(s, waiting.id)
        state = order_shipping(s, labelled.id)
        assert (state.state, state.tracking, state.carrier) == ("not_packed", "LBL1", "UPS")
        assert not is_waiting_in_shipstation(s, labelled.id)
        assert order_shipping(s, no_address.id).state == "problem"
        h = health(s)
    assert h.waiting_for_label == 1 and h.not_packed == (labelled.number,)
    assert [n for n, _ in h.problems] == [no_address.number]
    assert h.last_run["error"] is None and "ShipStation done" in h.last_run["summary"]
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, labelled.number, imeis[0])
    steps(db, client)
    with db.reads() as s:
        assert order_shipping(s, labelled.id).state == "label_bought"
        assert health(s).not_packed == ()


def test_the_sandbox_command_serves_the_demo_key_until_stopped(tmp_path):
    env = dict(os.environ, REFURBDESK_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.Popen([sys.executable, "-m", "app", "shipstation", "sandbox", "--port", "0"],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()  # blocks until the server says where it listens
        assert line.startswith("ShipStation sandbox running at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split(" ", 1)[0]
        auth = {"Authorization": "Basic " + base64.b64encode(DEMO_KEY.encode()).decode()}
        stores = httpx.get(f"{url}/stores", headers=auth, timeout=5.0)
        assert stores.status_code == 200 and stores.headers["X-Rate-Limit-Limit"] == "40"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
