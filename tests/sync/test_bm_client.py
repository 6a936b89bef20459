"""BackMarketClient against the real sandbox over 127.0.0.1: listings, orders and the happy paths."""

from __future__ import annotations

import logging
import socket
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from app.sync.client import BackMarketClient
from app.sync.errors import (
    AccountNotAllowed,
    BackMarketError,
    BotChallenge,
    FirewallBlocked,
    MalformedResponse,
    NotFound,
    Offline,
    RequestRejected,
    ServerError,
    TokenRejected,
)
from app.domain.codes import luhn_check_digit
from app.sync.platforms import DEFAULT_MARKET, base_url, default_user_agent
from app.sync.ratelimit import RequestWindow


def with_check_digit(first14: str) -> str:
    return first14 + luhn_check_digit(first14)


IMEI_A = with_check_digit("35391805743392")
IMEI_B = with_check_digit("49015420323751")


def test_platform_hosts_and_user_agent():
    assert base_url("eu", False) == "https://www.backmarket.fr"
    assert base_url("US", True) == "https://preprod.backmarket.com"
    assert base_url("ap", False) == "https://www.backmarket.co.jp"
    assert DEFAULT_MARKET == {"eu": "fr-fr", "us": "en-us", "ap": "ja-jp"}
    assert default_user_agent() == "BM-RefurbDesk-Sync;contact@example.com"
    with pytest.raises(ValueError):
        base_url("mars", False)


def test_listings_follow_next_through_every_page(sandbox, client):
    sandbox.store.set_page_size_cap(50)
    for n in range(120):
        sandbox.store.add_listing(f"SKU-{n:03d}", f"Phone {n}", "GOOD", "100.00", quantity=n % 3)
    sandbox.store.clear_request_log()

    listings = list(client.iter_listings(page_size=100, min_quantity=0))

    assert sorted(item["sku"] for item in listings) == [f"SKU-{n:03d}" for n in range(120)]
    pages = sandbox.store.request_log()
    assert [entry["query"].get("page") for entry in pages] == [None, "2", "3"]
    # The next links kept our filter and our (clamped) page size.
    assert all(entry["query"]["min_quantity"] == "0" and entry["query"]["page-size"] == "100" for entry in pages)
    assert client.requests_made == 3


def test_listing_filters_by_publication_state(sandbox, client):
    sandbox.store.add_listing("ON-1", "Online", price="10.00", quantity=2)
    sandbox.store.add_listing("OFF-1", "Offline", price="10.00", quantity=0)
    sandbox.store.add_listing("NOPRICE-1", "No price", price=None, quantity=4)
    assert [item["sku"] for item in client.iter_listings(publication_state=2)] == ["ON-1"]
    assert [item["sku"] for item in client.iter_listings(publication_state=3)] == ["OFF-1"]
    assert [item["sku"] for item in client.iter_listings(publication_state=0)] == ["NOPRICE-1"]


def test_update_listing_derives_publication_state(sandbox, client):
    created = sandbox.store.add_listing("IP13-128-BLK-EXC", "iPhone 13", "EXCELLENT", "399.00", quantity=0)
    assert created["publication_state"] == 3

    by_sku = client.get_listing_by_sku("ip13-128-blk-exc")  # SKUs are case-insensitive
    assert by_sku["id"] == created["id"] and by_sku["statuscode"] == 200
    assert client.get_listing(created["listing_id"])["sku"] == "IP13-128-BLK-EXC"

    updated = client.update_listing(created["id"], {"quantity": "4"})
    assert updated["quantity"] == 4 and updated["publication_state"] == 2

    repriced = client.update_listing(created["listing_id"], {"price": "379.50", "currency": "EUR"})
    assert repriced["price"] == "379.50"
    assert client.update_listing(created["id"], {"quantity": 0})["publication_state"] == 3

    with pytest.raises(RequestRejected) as refused:
        client.update_listing(created["id"], {"price": "300.00", "currency": "USD"})
    assert refused.value.status == 400 and "currency" in refused.value.message
    with pytest.raises(NotFound):
        client.get_listing_by_sku("NO-SUCH-SKU")


def test_price_update_needs_the_market_currency(sandbox, naps):
    sandbox.store.add_listing("UK-1", "UK phone", price="250.00", quantity=1, currency="GBP")
    with BackMarketClient(sandbox.url, "sandbox-test-token", market="en-gb", sleep=naps) as uk:
        with pytest.raises(RequestRejected, match="GBP"):
            uk.update_listing(sandbox.store.listing("UK-1")["id"], {"price": "240.00"})
        fixed = uk.update_listing(sandbox.store.listing("UK-1")["id"], {"price": "240.00", "currency": "GBP"})
        assert fixed["price"] == "240.00" and fixed["currency"] == "GBP"


def test_batch_update_becomes_a_task(sandbox, client):
    sandbox.store.add_listing("B-1", "Batch one", price="10.00", quantity=0)
    task_id = client.batch_update_listings("sku;quantity;price\nB-1;7;12.50\nB-404;1;9.99\n")
    assert client.get_task(task_id)["action_status"] == 0
    assert sandbox.store.listing("B-1")["quantity"] == 0  # not real time
    deadline = time.monotonic() + 3
    while (task := client.get_task(task_id))["action_status"] != 9 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert task["result"]["B-1"] == {"status": "OK", "errors": []}
    assert task["result"]["B-404"]["status"] == "KO"
    assert sandbox.store.listing("B-1")["quantity"] == 7


def test_order_list_filters_and_hides_new_and_unpaid(sandbox, client):
    store = sandbox.store
    store.add_listing("A-1", "Phone A", price="100.00", quantity=10)
    paid = store.place_order([{"sku": "A-1", "quantity": 1}], state=1)
    waiting = store.place_order([{"sku": "A-1", "quantity": 1}], state=0)
    unpaid = store.place_order([{"sku": "A-1", "quantity": 1}], state=0)
    store.fail_payment(unpaid["order_id"])

    assert [o["order_id"] for o in client.iter_orders()] == [paid["order_id"]]
    assert [o["order_id"] for o in client.iter_orders(state=0)] == [waiting["order_id"]]
    assert [o["order_id"] for o in client.iter_orders(state=8)] == [unpaid["order_id"]]

    store.validate_payment(waiting["order_id"])
    checkpoint = datetime.now(timezone.utc)
    touched = store.touch_order(paid["order_id"])
    assert touched["date_modification"] > paid["date_modification"]
    since = [o["order_id"] for o in client.iter_orders(date_modification=checkpoint - timedelta(seconds=0))]
    assert set(since) <= {paid["order_id"], waiting["order_id"]} and paid["order_id"] in since
    future = checkpoint + timedelta(hours=1)
    assert list(client.iter_orders(date_creation=future)) == []
    old_style = (checkpoint - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert {o["order_id"] for o in client.iter_orders(date_creation=old_style)} == {
        paid["order_id"], waiting["order_id"]}
    sent = [e for e in store.request_log() if e["query"].get("date_creation", "").endswith("Z")]
    assert sent, "datetimes go out as RFC 3339 with Z"


def test_accept_then_ship_with_tracking_and_imei(sandbox, client):
    store = sandbox.store
    store.add_listing("IP13-128-BLK-EXC", "iPhone 13 128GB Black", "EXCELLENT", "399.00", quantity=2)
    order = store.place_order([{"sku": "IP13-128-BLK-EXC", "quantity": 1}], shipping_address={
        "first_name": "Jane", "last_name": "Doe", "street": "1 rue X", "postal_code": "75003",
        "city": "Paris", "country": "FR"})
    assert store.listing("IP13-128-BLK-EXC")["quantity"] == 1  # Back Market took the unit

    accepted = client.accept_line(order["order_id"], "ip13-128-blk-exc")
    assert accepted["state"] == 3 and accepted["orderlines"][0]["state"] == 2
    shipped = client.ship_order(order["order_id"], tracking_number="1Z999", shipper="UPS",
                                tracking_url="https://ups.example/1Z999", imei=IMEI_A,
                                date_shipping=datetime(2025, 3, 2, 9, 0, tzinfo=timezone.utc))
    assert shipped["state"] == 9
    assert shipped["tracking_number"] == "1Z999" and shipped["shipper"] == "UPS"
    assert shipped["date_shipping"] == "2025-03-02T09:00:00.000000Z"
    assert shipped["orderlines"][0]["state"] == 3 and shipped["orderlines"][0]["imei"] == IMEI_A
    assert client.get_order(order["order_id"]) == shipped
    assert shipped["date_modification"] > order["date_modification"]


def test_state_machine_refusals(sandbox, client):
    store = sandbox.store
    store.add_listing("X-1", "Phone X", price="100.00", quantity=5)
    store.add_listing("Y-1", "Phone Y", price="150.00", quantity=5)
    two_lines = store.place_order([{"sku": "X-1", "quantity": 1}, {"sku": "Y-1", "quantity": 1}])
    oid = two_lines["order_id"]

    client.accept_line(oid, "X-1")
    with pytest.raises(RequestRejected, match="Y-1") as early:
        client.ship_order(oid, tracking_number="T1")  # Y-1 is still waiting in state 1
    assert early.value.status == 400
    client.accept_line(oid, "Y-1")
    with pytest.raises(RequestRejected, match="exactly one"):
        client.ship_order(oid, tracking_number="T1", imei=IMEI_A)
    with pytest.raises(RequestRejected):
        client.accept_line(oid, "X-1")  # already accepted
    with pytest.raises(NotFound):
        client.accept_line(oid, "NOT-IN-ORDER")
    with pytest.raises(NotFound):
        client.get_order(999_999)

    line_id = two_lines["orderlines"][0]["id"]
    assert client.set_orderline_identity(line_id, imei=IMEI_A) == {"imei": IMEI_A, "serial_number": ""}
    assert client.set_orderline_identity(line_id, imei=IMEI_A)["imei"] == IMEI_A  # same value: fine
    with pytest.raises(RequestRejected, match="cannot be corrected"):
        client.set_orderline_identity(line_id, imei=IMEI_B)
    with pytest.raises(RequestRejected, match="valid IMEI"):
        client.set_orderline_identity(two_lines["orderlines"][1]["id"], imei="123456789012345")
    shipped = client.ship_order(oid, tracking_number="T1")
    assert shipped["state"] == 9 and {line["state"] for line in shipped["orderlines"]} == {3}


def test_cancel_and_refunds_move_stock(sandbox, client):
    store = sandbox.store
    store.add_listing("S-1", "Phone S", price="100.00", quantity=3)
    with pytest.raises(ValueError, match="only 3"):
        store.place_order([{"sku": "S-1", "quantity": 4}])
    first = store.place_order([{"sku": "S-1", "quantity": 2}])
    assert store.listing("S-1")["quantity"] == 1
    cancelled = client.cancel_line(first["order_id"], "S-1")
    assert cancelled["orderlines"][0]["state"] == 4
    assert store.listing("S-1")["quantity"] == 3

    second = store.place_order([{"sku": "S-1", "quantity": 1}])
    client.accept_line(second["order_id"], "S-1")
    assert store.refund_line(second["order_id"], "S-1")["orderlines"][0]["state"] == 5
    assert store.listing("S-1")["quantity"] == 3

    third = store.place_order([{"sku": "S-1", "quantity": 1}])
    client.accept_line(third["order_id"], "S-1")
    client.ship_order(third["order_id"], tracking_number="T3")
    assert store.refund_line(third["order_id"], "S-1")["orderlines"][0]["state"] == 6
    assert store.listing("S-1")["quantity"] == 2  # shipped units do not come back by themselves


def test_headers_are_recorded_by_the_sandbox(sandbox, naps):
    agent = "BM-Acme-Stock;ops@acme.example"
    with BackMarketClient(sandbox.url + "/ws/", "sandbox-test-token", market="de-de", user_agent=agent,
                          sleep=naps) as bm:
        list(bm.iter_orders())
    entry = sandbox.store.request_log()[-1]
    assert entry["user_agent"] == agent and entry["accept_language"] == "de-de"
    assert "sandbox-test-token" not in repr(sandbox.store.request_log())


def test_client_paces_itself_inside_the_window(sandbox):
    now = [0.0]
    waits: list[float] = []

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    window = RequestWindow(limit=3, per_seconds=10.0)
    with BackMarketClient(sandbox.url, "sandbox-test-token", sleep=fake_sleep, clock=lambda: now[0],
                          request_budget=window) as bm:
        for _ in range(7):
            list(bm.iter_orders())
    assert waits == [10.0, 10.0]
    assert bm.requests_made == 7


# ---- failures: each one a different error, retried only where that is safe ------------------------

def test_firewall_bot_and_token_refusals(sandbox, client):
    store = sandbox.store
    store.add_fault("html403", method="GET", path_prefix="/ws/orders")
    with pytest.raises(FirewallBlocked) as firewall:
        list(client.iter_orders())
    ray = firewall.value.cf_ray
    assert ray and ray.endswith("-CDG") and ray in firewall.value.user_message
    assert store.request_log()[-1]["status"] == 403

    store.add_fault("bot403", path_prefix="/ws/listings")
    with pytest.raises(BotChallenge) as bot:
        list(client.iter_listings())
    assert bot.value.kind == "bot_challenge"

    store.add_fault("401")
    with pytest.raises(TokenRejected):
        client.get_order(1)
    store.revoke_token("sandbox-test-token")
    with pytest.raises(TokenRejected) as revoked:
        list(client.iter_orders())
    assert "new one" in revoked.value.user_message
    assert client.requests_made == 4  # none of these is worth repeating


def test_server_errors_are_retried_for_reads_only(sandbox, client, naps):
    store = sandbox.store
    store.add_listing("R-1", "Phone R", price="10.00", quantity=2)
    order = store.place_order([{"sku": "R-1", "quantity": 1}])
    store.add_fault("500", method="GET", path_prefix="/ws/orders")
    assert [o["order_id"] for o in client.iter_orders()] == [order["order_id"]]
    assert client.requests_made == 2 and len(naps.waits) == 1

    store.add_fault("503", method="POST", path_prefix="/ws/orders/")
    with pytest.raises(ServerError) as failed:
        client.accept_line(order["order_id"], "R-1")
    assert failed.value.status == 503 and client.requests_made == 3
    # The caller reads back before deciding: the change was not applied.
    assert client.get_order(order["order_id"])["orderlines"][0]["state"] == 1

    store.add_fault("502", method="POST", path_prefix="/ws/listings/")
    listing_id = store.listing("R-1")["id"]
    assert client.update_listing(listing_id, {"quantity": 3})["quantity"] == 3  # absolute: repeatable

    store.add_fault("500", method="GET", count=10)
    with pytest.raises(ServerError):
        client.get_order(order["order_id"])
    assert len(naps.waits) == 2 + client.max_retries


def test_malformed_answer(sandbox, client):
    sandbox.store.add_fault("malformed", path_prefix="/ws/listings")
    with pytest.raises(MalformedResponse) as broken:
        list(client.iter_listings())
    assert broken.value.kind == "malformed_response"


def test_timeouts_are_retried_then_offline(sandbox, naps):
    sandbox.store.add_fault("slow", method="GET", count=1, delay=0.5)
    with BackMarketClient(sandbox.url, "sandbox-test-token", timeout=0.15, max_retries=2, sleep=naps) as bm:
        assert list(bm.iter_orders()) == []
        assert bm.requests_made == 2
        sandbox.store.add_fault("slow", method="GET", count=3, delay=0.5)
        with pytest.raises(Offline) as offline:
            list(bm.iter_orders())
        assert bm.requests_made == 5 and len(naps.waits) == 3
        assert offline.value.may_have_reached_server

        sandbox.store.add_listing("T-1", "Phone T", price="10.00", quantity=1)
        order = sandbox.store.place_order([{"sku": "T-1", "quantity": 1}])
        sandbox.store.add_fault("slow", method="POST", count=1, delay=0.5)
        with pytest.raises(Offline):
            bm.accept_line(order["order_id"], "T-1")  # an order write is never blindly repeated
        assert bm.requests_made == 6


def test_connection_refused_is_offline(naps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with BackMarketClient(f"http://127.0.0.1:{port}", "any-token", max_retries=2, sleep=naps) as bm:
        with pytest.raises(Offline) as offline:
            bm.accept_line(1, "SKU")  # never reached the server, so even a write may go again
    assert bm.requests_made == 3 and len(naps.waits) == 2
    assert not offline.value.may_have_reached_server
    assert "internet" in offline.value.user_message


def mock_client(handler, **options) -> BackMarketClient:
    return BackMarketClient("https://www.backmarket.fr", SECRET, transport=httpx.MockTransport(handler),
                            sleep=lambda _: None, **options)


@pytest.mark.parametrize(
    ("status", "body", "headers", "error", "words"),
    [
        (403, {"error": {"code": "forbidden", "message": "You are not a merchant"}}, {}, AccountNotAllowed,
         "not a merchant"),
        (403, "plain text block", {"cf-ray": "8a1b-CDG"}, FirewallBlocked, "8a1b-CDG"),
        (400, "parameter catalog not found", {}, RequestRejected, "parameter catalog not found"),
        (422, {"error": {"code": "E009", "message": "Validation error"},
               "data": {"fields": {"orderId": ["An integer is needed."]}}}, {}, RequestRejected,
         "orderId: An integer is needed."),
        (400, {"errors": [{"code": "bad", "message": "Category unknown"}], "requestId": "r"}, {},
         RequestRejected, "Category unknown"),
        (404, {"error": {"code": "not_found", "message": "Listing not found"}, "requestId": "r"}, {}, NotFound,
         "Listing not found"),
    ],
)
def test_error_envelopes(status, body, headers, error, words):
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str) and status == 403:
            return httpx.Response(status, text=body, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    with mock_client(answer) as bm, pytest.raises(error) as raised:
        bm.get_listing("x")
    assert words in raised.value.user_message
    assert raised.value.status == status


def test_next_link_on_another_host_keeps_the_token_home():
    hosts: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"count": 2, "next": None, "previous": None, "results": [{"n": 2}]})
        return httpx.Response(200, json={"count": 2, "next": "https://elsewhere.example/ws/listings?page=2",
                                         "previous": None, "results": [{"n": 1}]})

    with mock_client(answer) as bm:
        assert [item["n"] for item in bm.iter_listings()] == [1, 2]
    assert hosts == ["www.backmarket.fr", "www.backmarket.fr"]


SECRET = "tok-SECRET-9f8e7d6c5b4a"


def test_the_token_never_leaks(caplog, sandbox, naps):
    caplog.set_level(logging.DEBUG)
    caught: list[Exception] = []

    def echo(request: httpx.Request) -> httpx.Response:  # a hostile proxy repeating our headers
        auth = request.headers["authorization"]
        kind = request.url.params.get("kind")
        if kind == "html":
            return httpx.Response(403, text=f"<html>{auth}</html>", headers={"cf-ray": "r-1"})
        if kind == "bot":
            return httpx.Response(403, json={"errors": [{"code": "bot-need-challenge", "message": auth}]})
        if kind == "json403":
            return httpx.Response(403, json={"error": {"code": "x", "message": auth}})
        if kind == "429":
            return httpx.Response(429, text=auth)
        if kind == "500":
            return httpx.Response(500, text=auth)
        if kind == "bad":
            return httpx.Response(200, text="{" + auth)
        if kind == "down":
            raise httpx.ConnectError(f"refused {auth}")
        return httpx.Response(int(kind or 400), json=auth)

    with mock_client(echo, max_retries=1) as bm:
        for kind in ("html", "bot", "json403", "429", "500", "bad", "down", "400", "401", "404", "422"):
            with pytest.raises(BackMarketError) as raised:
                list(bm.iter_listings(kind=kind))
            caught.append(raised.value)
    sandbox.store.add_fault("html403")
    with BackMarketClient(sandbox.url, SECRET, sleep=naps) as bm:
        for _ in range(2):  # the firewall page, then the unknown token
            with pytest.raises(BackMarketError) as raised:
                list(bm.iter_orders())
            caught.append(raised.value)
        assert SECRET not in repr(bm)

    kinds = {error.kind for error in caught}
    assert kinds >= {"firewall_blocked", "bot_challenge", "account_not_allowed", "rate_limited",
                     "server_error", "malformed_response", "offline", "request_rejected", "token_rejected",
                     "not_found"}
    for error in caught:
        for text in (str(error), repr(error), error.user_message, error.message):
            assert SECRET not in text
    assert SECRET not in caplog.text
    assert SECRET not in repr(sandbox.store.request_log())
