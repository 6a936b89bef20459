"""Sizes are checked in the domain, the same on SQLite (which stores anything) and PostgreSQL (which
answered with a raw length error): a one-line refusal naming the field and its limit (issue #9 finding 14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain import fulfilment, inventory, orders
from app.domain.catalog import ProductSpec, variation_for
from app.domain.errors import InvalidInput
from app.models import Order, Product, Unit
from tests.dbfixtures import IPHONE, make_imei, receive


def refused(action, *words):
    with pytest.raises(InvalidInput) as info:
        action()
    message = str(info.value)
    assert "\n" not in message and len(message) < 300, message
    for word in words:
        assert word in message, message
    return message


def count(db, model):
    with db.reads() as s:
        return s.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(("field", "limit"), [("manufacturer", 80), ("model", 120), ("model_number", 60),
                                              ("network", 60), ("capacity", 30), ("color", 60)])
def test_product_fields_within_their_column_sizes(db, field, limit):
    values = {"manufacturer": "Apple", "model": "iPhone"}
    receive(db, make_imei(1), product=ProductSpec(**{**values, field: "x" * limit}))
    long = ProductSpec(**{**values, field: "x" * (limit + 1)})
    refused(lambda: receive(db, make_imei(2), product=long), field.replace("_", " "), str(limit))
    huge = ProductSpec(**{**values, field: "y" * 100_000})
    refused(lambda: receive(db, make_imei(3), product=huge), str(limit), "100,000")
    assert count(db, Unit) == 1 and count(db, Product) == 1


@pytest.mark.parametrize("cost", [Decimal("1e12"), Decimal("10000000000"), Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_unit_cost_fits_numeric_12_2(db, cost):
    refused(lambda: receive(db, make_imei(1), cost=cost), "cost")
    receive(db, make_imei(1), cost=Decimal("9999999999.99"))
    assert count(db, Unit) == 1


def direct(db, *lines, customer="Alice"):
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, customer, list(lines))
        return order.number


@pytest.mark.parametrize("qty", [0, -1, 10_001, 10**12])
def test_direct_order_quantity_is_1_to_10000(db, qty):
    receive(db, make_imei(1), sku="S")
    refused(lambda: orders.parse_line(f"sku=S,qty={qty}"), "quantity", "10,000")
    refused(lambda: direct(db, orders.LineRequest(qty, sku="S")), "quantity", "10,000")
    direct(db, orders.LineRequest(10_000, sku="S"))
    assert count(db, Order) == 1


def test_direct_order_price_sku_and_customer_sizes(db):
    receive(db, make_imei(1), sku="S")
    refused(lambda: direct(db, orders.LineRequest(1, sku="S", price=Decimal("1e12"))), "price")
    refused(lambda: direct(db, orders.LineRequest(1, sku="S", price=Decimal("-5"))), "price")
    refused(lambda: direct(db, orders.LineRequest(1, sku="S" * 121)), "SKU", "120")
    refused(lambda: direct(db, orders.LineRequest(1, sku="S"), customer="C" * 100_000), "customer", "200")
    assert count(db, Order) == 0
    direct(db, orders.LineRequest(1, sku="S", price=Decimal("9999999999.99")), customer="C" * 200)


def test_tracking_and_carrier_sizes(db):
    code = make_imei(1)
    receive(db, code, sku="S")
    number = direct(db, orders.LineRequest(1, sku="S"))
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, code)

    def ship(tracking, carrier):
        with db.sessions.begin() as s:
            fulfilment.ship_order(s, number, tracking, carrier)

    refused(lambda: ship("T" * 201, "UPS"), "tracking", "200")
    refused(lambda: ship("T-1", "U" * 101), "carrier", "100")
    ship("T" * 200, "U" * 100)
