"""The sandbox itself, spoken to with plain httpx: wire shapes, auth, admin interface, demo, lifecycle."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from app.demo.catalog import DEMO_UNMATCHED_LISTING, DEMO_VARIATIONS
from app.sync.sandbox import DEMO_TOKEN, SandboxServer
from app.sync.sandbox.demo import DemoOrders

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
ORDER_KEYS = {
    "order_id", "state", "date_creation", "date_modification", "date_payment", "date_shipping", "price",
    "shipping_price", "currency", "country_code", "shipper", "shipper_display", "tracking_number",
    "tracking_url", "is_backship", "delivery_note", "paypal_reference", "installment_payment",
    "payment_method", "sales_taxes", "shipping_address", "billing_address", "orderlines",
}
LINE_KEYS = {
    "id", "date_creation", "state", "listing", "listing_id", "product_id", "product", "brand", "quantity",
    "price", "shipping_price", "shipping_delay", "currency", "orderline_fee", "sales_taxes", "backcare",
    "backcare_price", "return_reason", "return_message", "imei", "serial_number", "condition",
}
ADDRESS_KEYS = {"first_name", "last_name", "company", "street", "street2", "postal_code", "city", "country",
                "phone", "email", "gender"}


@pytest.fixture
def http(sandbox, token):
    headers = {"Authorization": f"Basic {token}", "User-Agent": "BM-Tests-Sandbox;t@example.com",
               "Accept-Language": "fr-fr"}
    with httpx.Client(base_url=sandbox.url, headers=headers, timeout=5.0) as session:
        yield session


@pytest.fixture
def admin(sandbox):
    with httpx.Client(base_url=f"{sandbox.url}/_admin", timeout=5.0) as session:
        yield session


def test_auth_is_per_token_with_error_response_v1(sandbox, http):
    sandbox.store.add_token("second-token")
    answer = httpx.get(f"{sandbox.url}/ws/orders")
    assert answer.status_code == 401
    assert set(answer.json()) == {"error", "requestId"} and answer.json()["error"]["code"] == "unauthorized"
    assert http.get("/ws/orders", headers={"Authorization": "Basic nope"}).status_code == 401
    assert http.get("/ws/orders", headers={"Authorization": "Bearer second-token"}).status_code == 401
    sandbox.store.revoke_token("second-token")
    assert http.get("/ws/orders", headers={"Authorization": "Basic second-token"}).status_code == 401
    assert http.get("/ws/orders").status_code == 200  # the other token still works


def test_pagination_defaults_cap_and_absolute_links(sandbox, http, admin):
    for n in range(23):
        sandbox.store.add_listing(f"P-{n:02d}", f"Phone {n}", price="5.00", quantity=1)
    first = http.get("/ws/listings", params={"min_quantity": 1}).json()
    assert first["count"] == 23 and len(first["results"]) == 10 and first["previous"] is None
    assert first["next"] == f"{sandbox.url}/ws/listings?min_quantity=1&page=2"
    last = httpx.get(first["next"].replace("page=2", "page=3"), headers=http.headers).json()
    assert len(last["results"]) == 3 and last["next"] is None
    assert last["previous"] == f"{sandbox.url}/ws/listings?min_quantity=1&page=2"

    assert len(http.get("/ws/listings", params={"page-size": 100}).json()["results"]) == 23
    admin.post("/config", json={"page_size_cap": 5}).raise_for_status()
    capped = http.get("/ws/listings", params={"page-size": 100}).json()
    assert len(capped["results"]) == 5 and "page-size=100" in capped["next"]
    assert http.get("/ws/listings", params={"page": 0}).status_code == 400


def test_listing_lookups_and_update_validation(sandbox, http):
    listing = sandbox.store.add_listing("Look-1", "Phone", "FAIR", "80.00", quantity=1)
    for params in ({"sku": "LOOK-1"}, {"listing_id": listing["listing_id"]}, {"id": listing["id"]}):
        found = http.get("/ws/listings/detail", params=params).json()
        assert found["sku"] == "Look-1" and found["statuscode"] == 200 and found["state"] == 3
    assert http.get("/ws/listings/detail").status_code == 400
    assert http.get("/ws/listings/00000000-0000-0000-0000-000000000000").status_code == 404

    url = f"/ws/listings/{listing['id']}"
    assert http.post(url, json={"qty": 3}).json() == "unknown or read-only field(s): qty"
    assert http.post(url, json={"quantity": -1}).status_code == 400
    assert http.post(url, json={"quantity": "2.5"}).status_code == 400
    assert http.post(url, json={"grade": "GOOD"}).status_code == 400
    assert http.post(url, json={"price": 75}).json()["price"] == "75.00"
    japan = http.post(url, json={"price": "9000"}, headers={"Accept-Language": "ja-jp"})
    assert japan.status_code == 400 and "JPY" in japan.json()
    assert http.get(url, headers={"Accept-Language": "ja-jp"}).json()["publication_state"] == 0


def test_order_json_looks_like_the_wire_example(sandbox, http):
    sandbox.store.add_listing("W-1", "iPhone 13 128GB Black", "EXCELLENT", "399.00", quantity=1)
    placed = sandbox.store.place_order([{"sku": "W-1", "quantity": 1}],
                                       shipping_address={"first_name": "Jane", "last_name": "Doe"})
    order = http.get(f"/ws/orders/{placed['order_id']}").json()
    assert ORDER_KEYS <= set(order) and set(order) - ORDER_KEYS <= {"expected_dispatch_date"}
    assert set(order["orderlines"][0]) == LINE_KEYS
    assert set(order["shipping_address"]) == ADDRESS_KEYS == set(order["billing_address"])
    assert order["shipping_address"]["street2"] == "" and order["shipping_address"]["email"] == ""
    assert all(STAMP.match(order[key]) for key in ("date_creation", "date_modification", "date_payment"))
    assert order["date_shipping"] is None and order["paypal_reference"] is None
    line = order["orderlines"][0]
    assert line["listing"] == "W-1" and line["imei"] == "" and line["condition"] == 10
    assert (order["price"], line["orderline_fee"], line["sales_taxes"]) == ("399.00", "39.90", "66.50")
    assert "T" in order["expected_dispatch_date"] and not order["expected_dispatch_date"].endswith("Z")


def test_order_filters_accept_both_date_styles_and_validate_ids(sandbox, http):
    sandbox.store.add_listing("D-1", "Phone", price="1.00", quantity=3)
    sandbox.store.place_order([{"sku": "D-1", "quantity": 1}])
    raw = f"{sandbox.url}/ws/orders?date_creation=2024-04-21+00:00:00"  # how older clients send it
    assert httpx.get(raw, headers=http.headers).json()["count"] == 1
    assert http.get("/ws/orders", params={"date_modification": "2999-01-01T00:00:00.5+02:00"}).json()["count"] == 0
    assert http.get("/ws/orders", params={"date_creation": "yesterday"}).status_code == 400
    invalid = http.get("/ws/orders/abc")
    assert invalid.status_code == 422 and invalid.json()["data"]["fields"]["orderId"]
    assert http.post("/ws/orders/40001/invoice", files={"invoice": b"%PDF"}).status_code == 200
    assert http.get("/ws/nothing-here").json()["error"]["message"] == "Webservices unavailable"
    assert http.delete("/ws/orders").status_code == 405


def test_order_state_follows_its_lines(sandbox, http):
    store = sandbox.store
    for sku in ("M-1", "M-2", "M-3"):
        store.add_listing(sku, f"Phone {sku}", price="10.00", quantity=2)
    order = store.place_order([{"sku": "M-1", "quantity": 1}, {"sku": "M-2", "quantity": 2}], state=0)
    oid = order["order_id"]
    assert order["state"] == 0 and order["date_payment"] is None
    assert http.post(f"/ws/orders/{oid}", json={"order_id": oid, "new_state": 2, "sku": "M-1"}).status_code == 400
    assert store.validate_payment(oid)["state"] == 1
    change = {"order_id": oid, "new_state": 2, "sku": "M-1"}
    assert http.post(f"/ws/orders/{oid}", json=change).json()["state"] == 1  # one line still waiting
    assert http.post(f"/ws/orders/{oid}", json={**change, "order_id": oid + 1}).status_code == 400
    assert http.post(f"/ws/orders/{oid}", json={"new_state": 2, "sku": "M-2"}).status_code == 400
    cancelled = http.post(f"/ws/orders/{oid}", json={"order_id": oid, "new_state": 4, "sku": "M-2"}).json()
    assert cancelled["state"] == 3 and store.listing("M-2")["quantity"] == 2
    ship = {"order_id": oid, "new_state": 3}
    assert "tracking_number" in http.post(f"/ws/orders/{oid}", json=ship).json()["error"]["message"]
    shipped = http.post(f"/ws/orders/{oid}", json={**ship, "tracking_number": "TN", "serial_number": "SN1"})
    assert shipped.status_code == 400  # two lines, even if one is cancelled
    shipped = http.post(f"/ws/orders/{oid}", json={**ship, "tracking_number": "TN"}).json()
    assert shipped["state"] == 9 and [line["state"] for line in shipped["orderlines"]] == [3, 4]

    lonely = store.place_order([{"sku": "M-3", "quantity": 1}])
    store.cancel_line(lonely["order_id"], "M-3")
    assert store.order(lonely["order_id"])["state"] == 1  # undocumented: kept as it was by default
    store.configure(all_cancelled_order_state=9)
    assert store.touch_order(lonely["order_id"])["state"] == 9


def test_serial_on_ship_for_a_single_unit(sandbox, http):
    sandbox.store.add_listing("SN-1", "Tablet", price="10.00", quantity=1)
    oid = sandbox.store.place_order([{"sku": "SN-1", "quantity": 1}])["order_id"]
    http.post(f"/ws/orders/{oid}", json={"order_id": oid, "new_state": 2, "sku": "SN-1"}).raise_for_status()
    shipped = http.post(f"/ws/orders/{oid}", json={"order_id": oid, "new_state": 3, "tracking_number": "T",
                                                   "serial_number": "C02XYZ"}).json()
    assert shipped["orderlines"][0]["serial_number"] == "C02XYZ"
    assert http.patch(f"/ws/orderlines/{shipped['orderlines'][0]['id']}", json={"serial_number": "OTHER"}) \
        .status_code == 400
    assert http.patch("/ws/orderlines/1", json={"imei": "1"}).status_code == 404


def test_admin_interface_over_http(sandbox, admin, token):
    assert admin.post("/tokens", json={"token": "via-admin"}).json() == {"ok": True}
    listing = admin.post("/listings", json={"sku": "ADM-1", "title": "Admin phone", "grade": "GOOD",
                                            "price": "120.00", "quantity": 2, "currency": "EUR"}).json()
    assert listing["publication_state"] == 2
    order = admin.post("/orders", json={"lines": [{"sku": "ADM-1", "quantity": 1, "price": "110.00"}],
                                        "shipping_address": {"first_name": "Ann"}, "state": 0}).json()
    assert order["orderlines"][0]["price"] == "110.00"
    assert admin.post(f"/orders/{order['order_id']}/validate_payment").json()["state"] == 1
    assert admin.post(f"/orders/{order['order_id']}/touch").json()["date_modification"] > \
        order["date_modification"]
    assert admin.post("/orders", json={"lines": [{"sku": "ADM-1", "quantity": 9}]}).status_code == 400
    assert admin.post(f"/orders/{order['order_id']}/cancel_line", json={"sku": "ADM-1"}).json()[
        "orderlines"][0]["state"] == 4
    assert admin.get("/orders/999").status_code == 404
    assert admin.post("/faults", json={"fault": "503", "method": "GET", "count": 1}).json() == {"ok": True}
    assert admin.get("/faults").json()[0]["kind"] == "503"
    assert admin.post("/faults", json={"fault": "teapot"}).status_code == 400

    bearer = {"Authorization": "Basic via-admin", "User-Agent": "BM-T-T;t@t.example"}
    assert httpx.get(f"{sandbox.url}/ws/orders", headers=bearer).status_code == 503
    assert httpx.get(f"{sandbox.url}/ws/orders", headers=bearer).status_code == 200
    log = admin.get("/requests").json()
    assert [entry["status"] for entry in log] == [503, 200]
    assert "via-admin" not in str(log) and "authorization" not in str(log).lower()
    admin.post("/tokens/revoke", json={"token": "via-admin"}).raise_for_status()
    assert httpx.get(f"{sandbox.url}/ws/orders", headers=bearer).status_code == 401
    assert admin.delete("/requests").json() == {"ok": True} and admin.get("/requests").json() == []
    assert admin.post("/limits/reset").status_code == 200
    assert admin.post("/config", json={"no_such_knob": 1}).status_code == 400
    assert "actions" in admin.get("/nothing").json()
    assert len(admin.get("/listings").json()) == 1


def test_missing_user_agent_is_warned_not_refused(sandbox, token, caplog):
    caplog.set_level(logging.WARNING, logger="app.sync.sandbox")
    with httpx.Client(headers={"Authorization": f"Basic {token}"}) as bare:
        del bare.headers["User-Agent"]
        assert bare.get(f"{sandbox.url}/ws/orders").status_code == 200
    assert "without a User-Agent" in caplog.text
    assert sandbox.store.request_log()[-1]["user_agent"] is None


def test_concurrent_requests_share_one_consistent_store(sandbox, http, token):
    listing = sandbox.store.add_listing("C-1", "Phone", price="10.00", quantity=0)
    problems: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            with httpx.Client(base_url=sandbox.url, headers=http.headers, timeout=5.0) as own:
                for k in range(15):
                    own.post(f"/ws/listings/{listing['id']}", json={"quantity": n * 100 + k}).raise_for_status()
                    own.get("/ws/listings").raise_for_status()
        except BaseException as problem:  # noqa: BLE001 - surfaced by the assert below
            problems.append(problem)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert len(sandbox.store.request_log()) == 6 * 15 * 2


def test_demo_seeds_listings_token_and_orders():
    with SandboxServer(demo=True, demo_order_interval=0.05) as demo:
        skus = {item["sku"] for item in demo.store.all_listings()}
        assert skus == {v.sku for v in DEMO_VARIATIONS} | {DEMO_UNMATCHED_LISTING[0]}
        assert all(item["quantity"] == 0 for item in demo.store.all_listings())
        orders = demo.store.all_orders()
        assert len(orders) == 2 and {o["state"] for o in orders} == {1}
        answer = httpx.get(f"{demo.url}/ws/orders", headers={"Authorization": f"Basic {DEMO_TOKEN}"})
        assert answer.json()["count"] == 2
        demo.store.find_listing_by_sku("PX7-128-OBS-A").quantity = 3
        deadline = time.monotonic() + 3
        while len(demo.store.all_orders()) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        newest = demo.store.all_orders()[-1]
        assert newest["orderlines"][0]["listing"] == "PX7-128-OBS-A" and newest["state"] == 1
    demo.store.find_listing_by_sku("PX7-128-OBS-A").quantity = 0
    assert DemoOrders(demo.store, seed=1).place_one() is None  # nothing in stock, nobody buys


def test_stop_really_stops(token):
    server = SandboxServer().start()
    server.store.add_token(token)
    with httpx.Client(headers={"Authorization": f"Basic {token}"}) as session:
        assert session.get(f"{server.url}/ws/orders").status_code == 200  # leaves a kept-alive connection
        url = server.url
        server.stop()
        with pytest.raises(httpx.TransportError):
            session.get(f"{url}/ws/orders")


def test_serve_prints_its_address_and_stops_on_sigterm():
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.sync.sandbox import serve; serve(0, True)"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"(http://127\.0\.0\.1:\d+) \(token: demo-sandbox-token\)", line)
        assert match, line
        answer = httpx.get(f"{match.group(1)}/ws/listings", headers={"Authorization": f"Basic {DEMO_TOKEN}"})
        assert answer.json()["count"] == len(DEMO_VARIATIONS) + 1
        process.terminate()
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
