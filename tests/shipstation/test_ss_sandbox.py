"""The sandbox behaves as ShipStation v1 does (shipstation-api.md §9), and its admin hooks do what a
seller does in ShipStation's screens."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import httpx
import pytest

from app.integrations.shipstation.dates import from_pacific
from tests.shipstation.ss_helpers import KEY, admin, outgoing

AUTH = {"Authorization": "Basic " + base64.b64encode(KEY.encode()).decode()}


def api(sandbox, method, path, **kwargs):
    return httpx.request(method, f"{sandbox.url}{path}", headers=AUTH, timeout=5.0, **kwargs)


def test_every_answer_carries_the_rate_limit_headers_and_the_41st_is_refused(sandbox):
    http = httpx.Client(base_url=sandbox.url, headers=AUTH, timeout=5.0)
    for n in range(40):
        response = http.get("/stores")
        assert response.headers["X-Rate-Limit-Limit"] == "40"
        assert response.headers["X-Rate-Limit-Remaining"] == str(39 - n)
        assert 0 < int(response.headers["X-Rate-Limit-Reset"]) <= 60
    refused = http.get("/stores")
    http.close()
    assert refused.status_code == 429 and refused.json() == {"message": "Too Many Requests"}
    assert refused.headers["X-Rate-Limit-Remaining"] == "0"


def test_basic_auth_on_every_route(sandbox):
    assert httpx.get(f"{sandbox.url}/stores").status_code == 401
    wrong = {"Authorization": "Basic " + base64.b64encode(b"a:b").decode()}
    assert httpx.get(f"{sandbox.url}/orders", headers=wrong).status_code == 401


def test_createorder_upserts_by_order_key_and_locks_shipped_orders(sandbox, client):
    first = client.push_orders([outgoing("5001")])[0]
    again = client.push_orders([outgoing("5001", codes=("356938035643809",))])[0]
    assert first.order_id == again.order_id
    orders = admin(sandbox, "GET", "/orders")
    assert len(orders) == 1 and orders[0]["items"][0]["options"] == [
        {"name": "IMEI/Serial", "value": "356938035643809"}]
    assert orders[0]["orderId"] > 2**31
    assert orders[0]["advancedOptions"]["storeId"] == 22766  # the manual store by default
    admin(sandbox, "POST", "/orders/5001/label", {"tracking_number": "9400111899561704681189"})
    locked = client.push_orders([outgoing("5001")])[0]
    assert not locked.success and "can no longer be modified" in (locked.error or "")


def test_paths_are_case_insensitive_and_createorders_takes_at_most_100(sandbox):
    body = {"orderNumber": "X1", "orderDate": "2026-11-20 10:00:00", "orderStatus": "awaiting_shipment",
            "billTo": {"name": "A"}, "shipTo": {"name": "A"}, "orderKey": "k1"}
    assert api(sandbox, "POST", "/Orders/CreateOrder", json=body).status_code == 200
    assert api(sandbox, "POST", "/orders/createorders", json=[body] * 101).status_code == 400
    missing = api(sandbox, "POST", "/orders/createorder", json={**body, "shipTo": None})
    assert missing.status_code == 400 and "shipTo" in missing.json()["message"]


def test_a_label_then_a_void_then_a_new_label(sandbox, client):
    client.push_orders([outgoing("6001")])
    label = admin(sandbox, "POST", "/orders/6001/label",
                  {"tracking_number": "1Z999AA10123456784", "carrier_code": "ups", "cost": 12.4})
    assert admin(sandbox, "GET", "/orders")[0]["orderStatus"] == "shipped"
    admin(sandbox, "POST", f"/shipments/{label['shipmentId']}/void")
    assert admin(sandbox, "GET", "/orders")[0]["orderStatus"] == "awaiting_shipment"
    admin(sandbox, "POST", "/orders/6001/label", {"tracking_number": "1Z999AA10123456785", "carrier_code": "ups"})
    since = datetime(2020, 1, 1, tzinfo=timezone.utc)
    shipments = list(client.iter_shipments(since))
    assert [(s.tracking_number, s.voided) for s in shipments] == [
        ("1Z999AA10123456784", True), ("1Z999AA10123456785", False)]  # voided labels stay listed
    assert shipments[0].cost is not None and str(shipments[0].cost) == "12.40"
    assert shipments[0].void_date is not None


def test_marked_shipped_in_shipstation_is_a_fulfillment_not_a_shipment(sandbox, client):
    client.push_orders([outgoing("7001")])
    admin(sandbox, "POST", "/orders/7001/mark_shipped", {"carrier_code": "FedEx", "tracking_number": "782390443992"})
    since = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert list(client.iter_shipments(since)) == []
    [fulfillment] = list(client.iter_fulfillments(since))
    assert (fulfillment.order_number, fulfillment.carrier_code, fulfillment.tracking_number) == (
        "7001", "FedEx", "782390443992")


def test_a_label_bought_across_the_autumn_change_is_read_back_at_its_utc_instant(sandbox, client):
    client.push_orders([outgoing("8001"), outgoing("8002")])
    pdt = datetime(2026, 11, 1, 8, 45, tzinfo=timezone.utc)  # 01:45 PDT
    pst = datetime(2026, 11, 1, 10, 15, tzinfo=timezone.utc)  # 02:15 PST
    admin(sandbox, "POST", "/orders/8001/label", {"tracking_number": "A1", "created": pdt.isoformat()})
    admin(sandbox, "POST", "/orders/8002/label", {"tracking_number": "A2", "created": pst.isoformat()})
    raw = admin(sandbox, "GET", "/shipments")
    assert [s["createDate"] for s in raw] == ["2026-11-01T01:45:00.0000000", "2026-11-01T02:15:00.0000000"]
    assert [s.created for s in client.iter_shipments(datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc))] == [pst]
    # 09:00 UTC is 01:00 PST, an hour Pacific time shows twice: read as the earlier (PDT) one, so
    # the label from 08:45 UTC is read again rather than missed.
    assert [s.created for s in client.iter_shipments(datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc))] == [pdt, pst]
    assert [s.created for s in client.iter_shipments(datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc))] == [pdt, pst]


def test_a_label_bought_across_the_spring_change(sandbox, client):
    client.push_orders([outgoing("8101")])
    pst = datetime(2026, 3, 8, 9, 50, tzinfo=timezone.utc)  # 01:50 PST, ten minutes before the jump
    admin(sandbox, "POST", "/orders/8101/label", {"tracking_number": "B1", "created": pst.isoformat()})
    [shipment] = client.iter_shipments(datetime(2026, 3, 8, 9, 45, tzinfo=timezone.utc))
    assert shipment.created == pst and shipment.ship_date == from_pacific("2026-03-08")
    assert list(client.iter_shipments(datetime(2026, 3, 8, 10, 5, tzinfo=timezone.utc))) == []


@pytest.mark.parametrize("path", ["/nothing", "/orders/createorder"])
def test_unknown_route_or_wrong_method(sandbox, path):
    assert api(sandbox, "GET", path).status_code in (404, 405)


def test_the_request_log_never_holds_the_key(sandbox, client):
    client.list_stores()
    log = str(admin(sandbox, "GET", "/requests"))
    assert "test-api" not in log and "Basic" not in log
