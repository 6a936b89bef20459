"""The issue's "Done when", against both sandboxes over real sockets: a Back Market order is imported,
pushed to ShipStation with its address and SKU, re-pushed with its IMEI once scanned, shipped here
from the label bought in ShipStation (tracking, carrier, cost), and Back Market gets tracking and IMEI."""

from __future__ import annotations

from decimal import Decimal

from app.domain import fulfilment, orders, settings
from app.domain.orders_view import orders_rows
from app.integrations.shipstation.status import order_shipping
from app.models import ShipStationOrder
from tests.shipstation.ss_helpers import admin, enable, remote_order, steps
from tests.sync.sync_helpers import JANE, World, receive


def _world(db, bm):
    return World(db, bm, lambda _s: None, "bm-test-token")


def _link(db, number):
    with db.reads() as s:
        order = orders.get_order(s, number)
        return s.get(ShipStationOrder, order.id), order


def test_a_back_market_order_flows_through_shipstation_and_back(db, bm, sandbox, client):
    world = _world(db, bm)
    bm.store.add_listing("IP13-128-A", "iPhone 13 128GB", "EXCELLENT", "429.00", quantity=1)
    [imei] = receive(world.db, "IP13-128-A", 1)
    enable(world.db, sandbox)
    placed = bm.store.place_order([{"sku": "IP13-128-A", "quantity": 1}], shipping_address=JANE)
    assert world.cycle().ok
    number = f"BM{placed['order_id']}"

    # 1. pushed with the buyer's address and the SKU
    result = steps(world.db, client)
    assert result.pushed == 1
    pushed = remote_order(sandbox, number)
    assert pushed["orderStatus"] == "awaiting_shipment"
    assert pushed["shipTo"]["name"] == "Jane Doe" and pushed["shipTo"]["street1"] == "1 rue des Archives"
    assert (pushed["shipTo"]["postalCode"], pushed["shipTo"]["city"], pushed["shipTo"]["country"]) == (
        "75003", "Paris", "FR")
    assert [(i["sku"], i["quantity"], i["options"]) for i in pushed["items"]] == [("IP13-128-A", 1, [])]
    assert pushed["orderKey"] == f"refurbdesk-{number}"

    # nothing changed: nothing sent again
    admin(sandbox, "DELETE", "/requests")
    assert steps(world.db, client).pushed == 0
    assert not [r for r in admin(sandbox, "GET", "/requests") if r["method"] == "POST"]

    # 2. the IMEI scanned here is re-pushed, onto the same ShipStation order
    with world.db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imei)
    assert steps(world.db, client).pushed == 1
    again = remote_order(sandbox, number)
    assert again["orderId"] == pushed["orderId"] and len(admin(sandbox, "GET", "/orders")) == 1
    assert again["items"][0]["options"] == [{"name": "IMEI/Serial", "value": imei}]
    assert imei in again["internalNotes"]

    # 3. a label bought in ShipStation ships the order here, as the packing station would
    admin(sandbox, "POST", f"/orders/{number}/label",
          {"tracking_number": "9400111899561704681189", "carrier_code": "stamps_com", "cost": 8.15})
    result = steps(world.db, client)
    assert result.shipped_from_labels == 1 and result.pushed == 0
    link, order = _link(world.db, number)
    assert order.status.name == "Shipped"
    assert (order.tracking_number, order.carrier) == ("9400111899561704681189", "USPS")
    assert link.label_cost == Decimal("8.15") and not link.waiting_for_packing
    with world.db.reads() as s:
        assert order_shipping(s, order.id).state == "label_bought"

    # 4. Back Market receives the tracking and the IMEI through the outbox
    report = world.cycle()
    assert report.ok, report.error
    remote = bm.store.order(placed["order_id"])
    assert remote["state"] == 9 and remote["tracking_number"] == "9400111899561704681189"
    assert remote["orderlines"][0]["imei"] == imei
    # and ShipStation is not told again: the label already shipped it there
    admin(sandbox, "DELETE", "/requests")
    steps(world.db, client)
    assert not [r for r in admin(sandbox, "GET", "/requests") if r["method"] == "POST"]


def test_a_label_for_an_order_not_packed_waits_for_the_packer(db, sandbox, client):
    imeis = receive(db, "PX7-128", 2)
    enable(db, sandbox)
    number = _direct_order(db, "sku=PX7-128,qty=2")
    steps(db, client)
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imeis[0])
    steps(db, client)
    admin(sandbox, "POST", f"/orders/{number}/label", {"tracking_number": "1Z999AA10123456784", "carrier_code": "ups"})

    result = steps(db, client)
    assert (result.shipped_from_labels, result.waiting_for_packing) == (0, 1)
    link, order = _link(db, number)
    assert order.status.name == "New" and link.waiting_for_packing
    assert "not packed" in order.note and "1Z999AA10123456784" in order.note
    with db.reads() as s:
        assert order_shipping(s, order.id).state == "not_packed"
    assert steps(db, client).waiting_for_packing == 0  # flagged once, not every cycle

    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imeis[1])
    result = steps(db, client)
    assert result.shipped_from_labels == 1
    link, order = _link(db, number)
    assert order.status.name == "Shipped" and order.tracking_number == "1Z999AA10123456784" and order.carrier == "UPS"
    assert not link.waiting_for_packing


def test_a_voided_label_is_ignored_and_the_new_label_ships_it(db, sandbox, client):
    [imei] = receive(db, "PX7-128", 1)
    enable(db, sandbox)
    number = _direct_order(db, "sku=PX7-128,qty=1")
    steps(db, client)
    label = admin(sandbox, "POST", f"/orders/{number}/label", {"tracking_number": "VOIDED1", "carrier_code": "fedex"})
    admin(sandbox, "POST", f"/shipments/{label['shipmentId']}/void")
    admin(sandbox, "POST", f"/orders/{number}/label", {"tracking_number": "LIVE2", "carrier_code": "fedex", "cost": 11})
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imei)

    result = steps(db, client)
    assert result.shipped_from_labels == 1
    link, order = _link(db, number)
    assert (order.tracking_number, order.carrier, link.label_cost) == ("LIVE2", "FedEx", Decimal("11.00"))


def test_a_label_voided_after_shipping_then_a_new_label_replaces_the_tracking(db, bm, sandbox, client):
    world = _world(db, bm)
    bm.store.add_listing("IP13-128-A", "iPhone 13 128GB", "EXCELLENT", "429.00", quantity=1)
    [imei] = receive(world.db, "IP13-128-A", 1)
    enable(world.db, sandbox)
    placed = bm.store.place_order([{"sku": "IP13-128-A", "quantity": 1}], shipping_address=JANE)
    world.cycle()
    number = f"BM{placed['order_id']}"
    with world.db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imei)
    steps(world.db, client)
    first = admin(sandbox, "POST", f"/orders/{number}/label", {"tracking_number": "OLD1", "carrier_code": "ups"})
    assert steps(world.db, client).shipped_from_labels == 1

    admin(sandbox, "POST", f"/shipments/{first['shipmentId']}/void")
    result = steps(world.db, client)
    assert result.voided == 1 and any("voided after this order shipped" in w for w in result.warnings)
    admin(sandbox, "POST", f"/orders/{number}/label", {"tracking_number": "NEW2", "carrier_code": "ups"})
    steps(world.db, client)
    _, order = _link(world.db, number)
    assert order.tracking_number == "NEW2" and "replaces voided OLD1" in order.note
    assert world.cycle().ok  # the outbox had not run yet: Back Market gets the new tracking only
    assert bm.store.order(placed["order_id"])["tracking_number"] == "NEW2"


def test_marked_shipped_in_shipstation_ships_it_here(db, sandbox, client):
    [imei] = receive(db, "PX7-128", 1)
    enable(db, sandbox)
    number = _direct_order(db, "sku=PX7-128,qty=1")
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imei)
    steps(db, client)
    admin(sandbox, "POST", f"/orders/{number}/mark_shipped", {"carrier_code": "FedEx", "tracking_number": "7823904"})
    assert steps(db, client).shipped_from_labels == 1
    link, order = _link(db, number)
    assert (order.status.name, order.tracking_number, order.carrier, link.label_cost) == (
        "Shipped", "7823904", "FedEx", None)


def test_local_cancellation_and_local_shipment_are_mirrored(db, sandbox, client):
    imeis = receive(db, "PX7-128", 2)
    enable(db, sandbox)
    cancelled = _direct_order(db, "sku=PX7-128,qty=1")
    packed = _direct_order(db, "sku=PX7-128,qty=1")
    steps(db, client)
    with db.sessions.begin() as s:
        orders.set_order_status(s, cancelled, "Cancelled")
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, packed, imeis[1])
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, packed, "PACK-TRK-1", "UPS")

    result = steps(db, client)
    assert (result.cancelled, result.marked_shipped) == (1, 1)
    assert remote_order(sandbox, cancelled)["orderStatus"] == "cancelled"
    assert remote_order(sandbox, packed)["orderStatus"] == "shipped"
    sent = [r["json"] for r in admin(sandbox, "GET", "/requests") if r["path"] == "/orders/markasshipped"]
    assert len(sent) == 1 and sent[0]["notifySalesChannel"] is False
    assert (sent[0]["trackingNumber"], sent[0]["carrierCode"]) == ("PACK-TRK-1", "ups")
    assert admin(sandbox, "GET", "/shipments") == []
    # our own mark-as-shipped comes back in /fulfillments: it must not do anything here
    admin(sandbox, "DELETE", "/requests")
    again = steps(db, client)
    assert (again.cancelled, again.marked_shipped, again.shipped_from_labels) == (0, 0, 0)
    assert not [r for r in admin(sandbox, "GET", "/requests") if r["method"] == "POST"]


def test_an_order_without_an_address_is_not_pushed_and_says_why(db, sandbox, client):
    receive(db, "PX7-128", 1)
    enable(db, sandbox)
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Walk-in", [orders.parse_line("sku=PX7-128,qty=1")])
        number = order.number
    result = steps(db, client)
    assert (result.pushed, result.not_pushable) == (0, 1)
    assert admin(sandbox, "GET", "/orders") == []
    link, _ = _link(db, number)
    assert "no shipping address" in link.problem
    assert steps(db, client).not_pushable == 0  # said once


def test_skip_mode_leaves_back_market_orders_to_shipstation_but_ships_them_from_its_labels(db, bm, sandbox, client):
    world = _world(db, bm)
    bm.store.add_listing("IP13-128-A", "iPhone 13 128GB", "EXCELLENT", "429.00", quantity=1)
    [imei] = receive(world.db, "IP13-128-A", 1)
    enable(world.db, sandbox, backmarket_orders="skip")
    placed = bm.store.place_order([{"sku": "IP13-128-A", "quantity": 1}], shipping_address=JANE)
    world.cycle()
    number = f"BM{placed['order_id']}"
    direct = _direct_order(world.db, "sku=IP13-128-A,qty=1")
    assert steps(world.db, client).pushed == 1
    assert [o["orderNumber"] for o in admin(sandbox, "GET", "/orders")] == [direct]

    # ShipStation's own Back Market store imported it under Back Market's order id
    store = admin(sandbox, "POST", "/stores", {"name": "Back Market", "marketplace": "Back Market"})
    native = {"orderNumber": str(placed["order_id"]), "orderKey": "bm-native-1", "orderDate": "2026-11-20 10:00:00",
              "orderStatus": "awaiting_shipment", "billTo": {"name": "Jane Doe"}, "shipTo": {"name": "Jane Doe"},
              "advancedOptions": {"storeId": store["storeId"]}}
    sandbox.store.upsert_order(native)
    with world.db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, imei)
    admin(sandbox, "POST", f"/orders/{placed['order_id']}/label", {"tracking_number": "NATIVE1", "carrier_code": "usps"})
    assert steps(world.db, client).shipped_from_labels == 1
    _, order = _link(world.db, number)
    assert (order.status.name, order.tracking_number, order.carrier) == ("Shipped", "NATIVE1", "USPS")


def _direct_order(db, line: str) -> str:
    from app.domain import addresses
    from tests.shipstation.ss_helpers import PARIS

    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Jeanne Martin", [orders.parse_line(line)])
        addresses.set_address(s, order.id, addresses.parse_ship_to(PARIS))
        return order.number


def test_orders_rows_unchanged(db):
    with db.reads() as s:
        assert orders_rows(s) == [] and settings.get(s, "shipstation.push_statuses") == ["New", "Ready to ship"]


def test_the_sync_cycle_runs_the_shipstation_steps_after_back_market(db, bm, sandbox, monkeypatch):
    """`refurbdesk sync` and the app's sync worker run one cycle: Back Market, then ShipStation."""
    world = _world(db, bm)
    receive(world.db, "PX7-128", 1)
    enable(world.db, sandbox, in_sync_cycle=True)
    number = _direct_order(world.db, "sku=PX7-128,qty=1")
    monkeypatch.setenv("REFURBDESK_SHIPSTATION_KEY", "test-api-key:test-api-secret")
    report = world.cycle()
    assert report.ok, report.error
    assert remote_order(sandbox, number)["orderStatus"] == "awaiting_shipment"

    admin(sandbox, "POST", f"/orders/{number}/label",
          {"tracking_number": "1Z999AA10123456784", "carrier_code": "ups", "cost": 9.5})
    world.cycle()
    link, _order = _link(world.db, number)
    assert link.waiting_for_packing  # the unit is not scanned yet: the packer is told, nothing ships


def test_a_shipstation_failure_does_not_hide_what_back_market_did(db, bm, sandbox):
    world = _world(db, bm)
    enable(world.db, sandbox, in_sync_cycle=True)  # on, but no key set
    bm.store.add_listing("IP13-128-A", "iPhone 13 128GB", "EXCELLENT", "429.00", quantity=1)
    report = world.cycle()
    assert report.listings_imported == 1
    assert report.error and report.error.startswith("ShipStation: No ShipStation API key is set")
