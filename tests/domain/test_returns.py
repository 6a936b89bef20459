"""Returns desk: who bought a unit and when; taking it back into a status, warehouse and grade."""

from __future__ import annotations

import pytest

from app.domain import fulfilment, inventory, orders, reference, returns
from app.domain.errors import DomainError, NotFound
from tests.dbfixtures import make_imei, receive


def _sell(db, code, customer, tracking):
    with db.sessions.begin() as s:
        variation = inventory.find_unit(s, code).variation_id
        order, _ = orders.create_direct_order(s, customer, [orders.LineRequest(1, variation_id=variation)])
        number = order.number
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, code)
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, tracking, "UPS")
    return number


def test_unit_report_lists_every_order_with_customer_and_dates(db):
    code = make_imei(1)
    receive(db, code, sku="S", conditions=("SC",))
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Returns")
        order, _ = orders.create_direct_order(s, "Eve", [orders.LineRequest(1, sku="S")])
        cancelled = order.number
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, cancelled, code)
    with db.sessions.begin() as s:
        orders.set_order_status(s, cancelled, "Cancelled")
    first = _sell(db, code, "Frank", "T-1")
    with db.sessions.begin() as s:
        returns.receive_return(s, code, status="Available", warehouse="Returns", grade="B")
    second = _sell(db, code, "Grace", "T-2")
    with db.reads() as s:
        report = returns.unit_report(s, code)
    assert [(o["number"], o["customer"], o["channel"]) for o in report["orders"]] == [
        (cancelled, "Eve", "Direct"), (first, "Frank", "Direct"), (second, "Grace", "Direct")]
    assert report["orders"][0]["shipped_at"] is None and report["orders"][0]["released_at"]
    for o, tracking in zip(report["orders"][1:], ("T-1", "T-2")):
        assert o["committed_at"] and o["shipped_at"] and o["tracking_number"] == tracking and o["carrier"] == "UPS"
        assert o["shipped_at"].endswith("Z")
    assert (report["status"], report["grade"], report["conditions"]) == ("Sold", "B", ["SC"])
    assert [h["event"] for h in report["history"]] == [
        "received", "committed", "released", "committed", "shipped", "returned", "grade", "committed", "shipped"]
    assert report["history"][5]["order"] == first


def test_receive_return_into_status_warehouse_and_grade(db):
    code = make_imei(1)
    receive(db, code, sku="S")
    number = _sell(db, code, "Heidi", "T")
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Returns shelf")
        changes = returns.receive_return(s, code, status="Returned", warehouse="returns shelf", grade="C", conditions=["CG"])
        assert changes.unit_ids
    with db.reads() as s:
        report = returns.unit_report(s, code)
    assert (report["status"], report["warehouse"], report["grade"], report["conditions"]) == ("Returned", "Returns shelf", "C", ["CG"])
    returned = [h for h in report["history"] if h["event"] == "returned"][0]
    assert f"from order {number}" in returned["detail"] and returned["order"] == number


def test_a_unit_that_was_not_shipped_is_refused(db):
    receive(db, make_imei(1))
    with db.sessions.begin() as s, pytest.raises(DomainError) as info:
        returns.receive_return(s, make_imei(1), status="Available", warehouse="Main")
    assert info.value.reason == "not_shipped" and "only a shipped unit" in str(info.value)
    with db.sessions.begin() as s, pytest.raises(NotFound):
        returns.receive_return(s, make_imei(2), status="Available", warehouse="Main")
