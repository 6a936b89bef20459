"""Shipping at the packing station an order ShipStation still has waiting for a label: "yes" (mark it
shipped there too) is the next sync's markasshipped; "no" is recorded on the order and the mirroring
step leaves it open in ShipStation — and a cancellation is still mirrored whatever was answered."""

from __future__ import annotations

import pytest

from app.domain import fulfilment, orders
from app.domain.errors import DomainError
from app.integrations.shipstation.packing import leave_open, ship_at_packing
from app.integrations.shipstation.status import health, is_waiting_in_shipstation, order_shipping
from app.models import ShipStationOrder
from tests.shipstation.test_ss_flow import _direct_order
from tests.shipstation.ss_helpers import admin, enable, remote_order, steps
from tests.sync.sync_helpers import receive


def _order_id(db, number):
    with db.reads() as s:
        return orders.get_order(s, number).id


def _pushed_and_packed(db, sandbox, client, n=2):
    imeis = receive(db, "PX7-128", n)
    enable(db, sandbox)
    numbers = [_direct_order(db, "sku=PX7-128,qty=1") for _ in range(n)]
    steps(db, client)
    for number, imei in zip(numbers, imeis):
        with db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, imei)
    steps(db, client)  # the scanned IMEIs re-pushed
    return numbers


def test_no_leaves_it_open_in_shipstation_and_yes_marks_it_shipped(db, sandbox, client):
    kept_open, marked = _pushed_and_packed(db, sandbox, client)
    with db.reads() as s:
        assert is_waiting_in_shipstation(s, _order_id(db, kept_open))
        assert health(s).waiting_for_label == 2
    with db.sessions.begin() as s:
        ship_at_packing(s, kept_open, "PACK-TRK-NO", "UPS", mark_in_shipstation=False)
    with db.sessions.begin() as s:
        ship_at_packing(s, marked, "PACK-TRK-YES", "UPS", mark_in_shipstation=True)
    with db.reads() as s:
        assert order_shipping(s, _order_id(db, kept_open)).state == "left_open"
        assert health(s).waiting_for_label == 1  # the one left open on purpose is not "waiting"

    admin(sandbox, "DELETE", "/requests")
    result = steps(db, client)
    assert result.marked_shipped == 1
    sent = [r["json"] for r in admin(sandbox, "GET", "/requests") if r["path"] == "/orders/markasshipped"]
    assert [s["trackingNumber"] for s in sent] == ["PACK-TRK-YES"]
    assert remote_order(sandbox, kept_open)["orderStatus"] == "awaiting_shipment"
    assert remote_order(sandbox, marked)["orderStatus"] == "shipped"
    admin(sandbox, "DELETE", "/requests")
    assert steps(db, client).marked_shipped == 0  # asked once, answered once: never sent later
    assert not [r for r in admin(sandbox, "GET", "/requests") if r["path"] == "/orders/markasshipped"]


def test_not_asked_keeps_todays_behaviour_and_a_refused_ship_records_nothing(db, sandbox, client):
    [number] = _pushed_and_packed(db, sandbox, client, n=1)
    order_id = _order_id(db, number)
    with pytest.raises(DomainError, match="tracking"), db.sessions.begin() as s:
        ship_at_packing(s, number, "", "UPS", mark_in_shipstation=False)  # no tracking: refused
    with db.reads() as s:
        assert s.get(ShipStationOrder, order_id).leave_open is False
        assert orders.get_order(s, number).status.is_open
    with db.sessions.begin() as s:
        ship_at_packing(s, number, "PACK-TRK-1", "UPS")  # not asked (None): mark it shipped, as before
    assert steps(db, client).marked_shipped == 1


def test_a_cancellation_is_mirrored_even_when_left_open_was_recorded(db, sandbox, client):
    [number] = _pushed_and_packed(db, sandbox, client, n=1)
    with db.sessions.begin() as s:
        assert leave_open(s, _order_id(db, number))
    with db.sessions.begin() as s:
        orders.set_order_status(s, number, "Cancelled")
    assert steps(db, client).cancelled == 1
    assert remote_order(sandbox, number)["orderStatus"] == "cancelled"


def test_an_order_shipstation_does_not_know_records_nothing(db, sandbox):
    receive(db, "PX7-128", 1)
    enable(db, sandbox)
    number = _direct_order(db, "sku=PX7-128,qty=1")
    with db.sessions.begin() as s:
        assert leave_open(s, _order_id(db, number)) is False
        assert s.get(ShipStationOrder, _order_id(db, number)) is None
