"""The Orders screen's domain: newest orders filtered in SQL, one order's detail, the order form, cancel."""

from __future__ import annotations

import pytest

from app.domain import fulfilment, orders, orders_list
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from tests.dbfixtures import make_imei, receive
from tests.domain.test_receive_roles import _sign_in

ADDRESS = {"name": "Jane Doe", "street1": "1 Main St", "city": "Paris", "postal_code": "75003", "country": "fr"}


def _create(db, customer="Alice", lines=(("sku", "S-1", "1"),), ship_to=None):
    with db.sessions.begin() as s:
        return orders_list.create_order(s, customer, [orders_list.form_line(*line) for line in lines], ship_to)[0]


def test_form_creates_an_order_with_its_address_and_the_list_finds_it(db):
    receive(db, make_imei(1), sku="S-1")
    first = _create(db, "Alice Martin", ship_to=ADDRESS)
    second = _create(db, "Bob", lines=(("sku", "S-1", "2"), ("variation", "1", "")), ship_to={k: "" for k in ADDRESS})
    with db.reads() as s:
        assert [o.number for o in orders_list.recent_orders(s)] == [second, first]
        assert [o.number for o in orders_list.recent_orders(s, "martin alice")] == [first]
        assert [o.number for o in orders_list.recent_orders(s, first[-3:].lower())] == [first]
        bob = orders_list.recent_orders(s, "bob")[0]
        assert (bob.units, bob.scanned, bob.is_open, bob.channel) == (3, 0, True, "Direct")
        detail = orders_list.order_detail(s, first)
        assert detail["ship_to"]["country"] == "FR" and detail["customer"] == "Alice Martin"
        assert orders_list.order_detail(s, second)["ship_to"] is None
        assert "Shipped" not in orders_list.status_names(s) and "Cancelled" in orders_list.status_names(s)


@pytest.mark.parametrize("customer, lines, ship_to, words", [
    ("", (("sku", "S", "1"),), None, "Who is the customer"),
    ("Al", (("sku", "", "1"),), None, "needs a SKU or a variation id"),
    ("Al", (("variation", "v7", "1"),), None, "variation id is a whole number"),
    ("Al", (("sku", "S", "two"),), None, "not a whole number"),
    ("Al", (("sku", "S", "0"),), None, "quantity is 1 to 10,000"),
    ("Al", (("variation", "999", "1"),), None, "no variation with id 999"),
    ("Al", (("sku", "S", "1"),), {**ADDRESS, "city": ""}, "needs city"),
    ("Al", (("sku", "S", "1"),), {**ADDRESS, "country": "France"}, "two-letter code"),
])
def test_form_refusals_are_one_line_and_create_nothing(db, customer, lines, ship_to, words):
    with pytest.raises(DomainError) as info:
        _create(db, customer, lines, ship_to)
    assert words in str(info.value) and "\n" not in str(info.value)
    with db.reads() as s:
        assert orders_list.recent_orders(s) == []


def test_cancel_frees_the_scanned_units_and_refuses_what_cannot_be_cancelled(db):
    receive(db, make_imei(1), sku="S-1")
    receive(db, make_imei(2), sku="S-1")
    number = _create(db, lines=(("sku", "S-1", "2"),))
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, make_imei(1))
    with db.sessions.begin() as s:
        changes = orders_list.cancel_order(s, number)
    assert changes.unit_ids and changes.message == f"{number} → Cancelled"
    with db.reads() as s:
        assert orders_list.order_detail(s, number)["lines"][0]["committed"] == []
    with pytest.raises(DomainError, match="already Cancelled"), db.sessions.begin() as s:
        orders_list.cancel_order(s, number)
    shipped = _create(db)
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, shipped, make_imei(2))
        fulfilment.ship_order(s, shipped, "T-1")
    with pytest.raises(DomainError, match="returns desk"), db.sessions.begin() as s:
        orders_list.cancel_order(s, shipped)
    with db.sessions.begin() as s:
        bm = orders.new_order(s, customer="Eve", channel="Back Market", status=orders.status_named(s, "orders.new_status"),
                              prefix=orders.BACK_MARKET_PREFIX, external_id="4242")
        bm_number = bm.number
    with pytest.raises(DomainError, match="Back Market order: cancel it there"), db.sessions.begin() as s:
        orders_list.cancel_order(s, bm_number)


def test_a_packer_may_not_create_or_cancel(db):
    receive(db, make_imei(1), sku="S-1")
    number = _create(db)
    _sign_in(db, "Sam", "packer")
    with pytest.raises(PermissionRefused, match="create direct orders"):
        _create(db)
    with pytest.raises(PermissionRefused, match="change order statuses"), db.sessions.begin() as s:
        orders_list.cancel_order(s, number)
