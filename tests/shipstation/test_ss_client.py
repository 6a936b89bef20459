"""The v1 client against the sandbox over a real socket: pacing by the headers, 429/Reset, 401, 5xx,
one broken order, timeouts, interruption — and the key never in a message or a log line."""

from __future__ import annotations

import base64
import logging
import socket
import threading
from datetime import datetime, timezone

import pytest

from app.integrations.shipstation.client import ShipStationV1Client
from app.integrations.shipstation.errors import (
    Interrupted, KeyRejected, Offline, RateLimited, ServerError,
)
from app.integrations.shipstation.records import PageTrouble
from tests.shipstation.ss_helpers import KEY, admin, make_client, outgoing

SECRETS = [KEY, "test-api-key", "test-api-secret", base64.b64encode(KEY.encode()).decode()]


def test_a_hundred_calls_stay_within_forty_a_minute_by_the_headers(sandbox, client, clock):
    start = clock()
    for _ in range(100):
        assert client.list_stores()[0].name == "ShipStation Manual Store"
    assert sandbox.store.limits.throttled == 0  # never earned a 429
    assert client.requests_made == 100
    assert clock() - start >= 120  # 100 requests need three windows: two waits of a minute at least
    assert max(clock.waits) <= 61


def test_a_new_process_learns_the_window_from_its_first_answer(sandbox, clock):
    with make_client(sandbox, clock) as first:
        for _ in range(39):
            first.list_stores()
    with make_client(sandbox, clock) as second:  # its own pacer: knows nothing of the first
        second.list_stores()  # the 40th of the window: answers Remaining 0
        waited = len(clock.waits)
        second.list_stores()  # must wait for the Reset, not earn a 429
    assert sandbox.store.limits.throttled == 0
    assert len(clock.waits) == waited + 1 and clock.waits[-1] > 0


def test_a_429_waits_the_reset_and_goes_again(sandbox, client, clock):
    admin(sandbox, "POST", "/faults", {"fault": "429", "path_prefix": "/stores", "reset": 17})
    assert client.list_stores()
    assert clock.waits and 17 <= clock.waits[0] < 18.5


def test_still_rate_limited_past_the_calls_time_budget_is_a_rate_limited_error(sandbox, clock):
    admin(sandbox, "POST", "/faults", {"fault": "429", "path_prefix": "/stores", "reset": 600})
    with make_client(sandbox, clock, call_budget_seconds=120) as ss, pytest.raises(RateLimited) as caught:
        ss.list_stores()
    assert "40 requests a minute" in caught.value.user_message
    assert clock.waits == []  # refused at once rather than sitting out ten minutes


def test_a_rejected_key_says_so_without_repeating_it(sandbox, clock, caplog):
    caplog.set_level(logging.DEBUG)
    with make_client(sandbox, clock, key="test-api-key:wrong-secret") as ss, pytest.raises(KeyRejected) as caught:
        ss.list_stores()
    error = caught.value
    assert error.kind == "key_rejected" and "did not accept the API key" in error.user_message
    text = f"{error.message} {error.user_message} {error!r} {caplog.text}"
    assert "wrong-secret" not in text and "test-api-key" not in text


def test_a_revoked_key_is_rejected(sandbox, client):
    admin(sandbox, "POST", "/keys/revoke", {"key": KEY})
    with pytest.raises(KeyRejected):
        client.list_stores()


def test_5xx_is_retried_and_shipstations_own_words_reach_the_seller(sandbox, client, clock, caplog):
    caplog.set_level(logging.DEBUG)
    admin(sandbox, "POST", "/faults", {"fault": "500", "path_prefix": "/stores", "count": 2})
    assert client.list_stores()
    assert len(clock.waits) == 2 and clock.waits[1] > clock.waits[0] / 2  # backoff between tries
    admin(sandbox, "POST", "/faults", {"fault": "500", "path_prefix": "/stores", "count": 50})
    with pytest.raises(ServerError) as caught:
        client.list_stores()
    assert "Object reference not set to an instance of an object" in caught.value.user_message
    assert not any(secret in caplog.text for secret in SECRETS)


def test_one_broken_order_fails_alone_in_a_bulk_push(sandbox, client):
    admin(sandbox, "POST", "/faults/broken_order", {"order_number": "1002"})
    results = client.push_orders([outgoing("1001"), outgoing("1002"), outgoing("1003")])
    assert [(r.order_number, r.success) for r in results] == [("1001", True), ("1002", False), ("1003", True)]
    assert "Object reference" in (results[1].error or "")
    assert sorted(o["orderNumber"] for o in admin(sandbox, "GET", "/orders")) == ["1001", "1003"]


def test_a_shipment_list_page_broken_by_one_order_skips_only_that_record(sandbox, client):
    client.push_orders([outgoing(str(n)) for n in range(2001, 2008)])
    for n in range(2001, 2008):
        admin(sandbox, "POST", f"/orders/{n}/label", {"tracking_number": f"9400{n}"})
    admin(sandbox, "POST", "/faults/broken_order", {"order_number": "2004"})
    trouble = PageTrouble()
    since = datetime(2020, 1, 1, tzinfo=timezone.utc)
    numbers = [s.order_number for s in client.iter_shipments(since, trouble)]
    assert numbers == ["2001", "2002", "2003", "2005", "2006", "2007"]
    assert len(trouble.skipped) == 1 and "position 4" in trouble.skipped[0]


def test_a_slow_answer_times_out_and_a_read_goes_again(sandbox, clock):
    admin(sandbox, "POST", "/faults", {"fault": "slow", "path_prefix": "/stores", "delay": 1.0})
    with make_client(sandbox, clock, timeout=0.2) as ss:
        assert ss.list_stores()
    assert len(clock.waits) == 1


def test_nobody_listening_is_offline(clock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ShipStationV1Client(f"http://127.0.0.1:{port}", KEY, clock=clock, wait=clock.wait) as ss:
        with pytest.raises(Offline) as caught:
            ss.list_stores()
    assert "Could not reach ShipStation" in caught.value.user_message
    assert len(clock.waits) == ss.max_retries


def test_a_stop_request_interrupts_a_wait(sandbox):
    stop = threading.Event()
    admin(sandbox, "POST", "/faults", {"fault": "429", "path_prefix": "/stores", "reset": 100})
    with ShipStationV1Client(sandbox.url, KEY, stop=stop) as ss:  # real waits on the event
        stop.set()
        with pytest.raises(Interrupted):
            ss.list_stores()


def test_the_key_is_not_in_the_clients_repr_and_plain_http_is_only_for_this_machine(sandbox):
    with ShipStationV1Client(sandbox.url, KEY) as ss:
        assert not any(secret in repr(ss) for secret in SECRETS)
    with pytest.raises(ValueError, match="https"):
        ShipStationV1Client("http://ssapi.shipstation.com", KEY)
    with pytest.raises(ValueError, match="KEY:SECRET") as caught:
        ShipStationV1Client(sandbox.url, "just-a-key")
    assert "just-a-key" not in str(caught.value)


def test_mark_as_shipped_never_notifies_the_sales_channel(sandbox, client):
    result = client.push_orders([outgoing("3001")])[0]
    client.mark_as_shipped(result.order_id, carrier_code="usps", tracking_number="9400111",
                           ship_date=datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc))
    sent = [r for r in admin(sandbox, "GET", "/requests") if r["path"] == "/orders/markasshipped"][-1]["json"]
    assert sent["notifySalesChannel"] is False and sent["notifyCustomer"] is False
    assert sent["shipDate"] == "2026-11-20"
    fulfillments = admin(sandbox, "GET", "/fulfillments")
    assert [(f["orderNumber"], f["trackingNumber"]) for f in fulfillments] == [("3001", "9400111")]
    assert admin(sandbox, "GET", "/shipments") == []


def test_find_order_by_key_among_prefix_matches(client):
    client.push_orders([outgoing("40"), outgoing("401"), outgoing("4012")])
    found = client.find_order("refurbdesk-test-401", "401")
    assert found is not None and found.order_number == "401" and found.status == "awaiting_shipment"
    assert client.find_order("refurbdesk-test-999", "999") is None


def test_narrowing_down_a_broken_record_deep_in_the_list_loses_and_repeats_nothing(sandbox, client):
    numbers = [str(n) for n in range(2101, 2114)]  # 13 labels, pages of 5, the 8th broken
    client.push_orders([outgoing(n) for n in numbers])
    for n in numbers:
        admin(sandbox, "POST", f"/orders/{n}/label", {"tracking_number": f"T{n}"})
    admin(sandbox, "POST", "/faults/broken_order", {"order_number": "2108"})
    client.page_size = 5
    trouble = PageTrouble()
    read = [s.order_number for s in client.iter_shipments(datetime(2020, 1, 1, tzinfo=timezone.utc), trouble)]
    assert read == [n for n in numbers if n != "2108"]
    assert len(trouble.skipped) == 1 and "position 8" in trouble.skipped[0]
