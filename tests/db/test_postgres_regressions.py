"""Regressions for two bugs that broke nearly everything on PostgreSQL (SQLite ignores both).

1. `select(Model).with_for_update()` on Unit, Order and Variation: their lazy="joined" relationships
   become LEFT OUTER JOINs, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
   Fixed by locking only the model's own table, `with_for_update(of=Model)`.
2. orders.new_order's temporary number f"TMP-{timestamp}-{id(object())}" is ~37 characters;
   orders.number is VARCHAR(30), so creating any order failed on PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest

from app.db import open_database
from app.domain import catalog, fulfilment, inventory, orders
from app.domain.setup import initialize
from tests.db.pg_waits import wait_until_blocked
from tests.dbfixtures import IPHONE, make_imei

pytestmark = pytest.mark.postgres


@pytest.fixture
def raw_pg(pg_database_url):
    db = open_database(pg_database_url)
    initialize(db)
    yield db
    db.dispose()


def test_locking_reads_work_on_postgres(raw_pg):
    with raw_pg.sessions.begin() as s:
        unit, _ = inventory.receive_unit(s, inventory.Receipt(IPHONE, "A"), code=make_imei(1))
        variation_id = unit.variation_id
    with raw_pg.sessions.begin() as s:
        assert inventory.find_unit(s, make_imei(1), lock=True).imei == make_imei(1)
        catalog.assign_sku(s, [variation_id], "S")
        with pytest.raises(Exception) as info:
            orders.get_order(s, "SO1", lock=True)
        assert "no order" in str(info.value)


def test_creating_an_order_works_on_postgres(raw_pg):
    with raw_pg.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Alice", [orders.LineRequest(1, sku="S")])
        assert order.number.startswith("SO")


def test_packing_flow_on_postgres(raw_pg):
    with raw_pg.sessions.begin() as s:
        inventory.receive_unit(s, inventory.Receipt(IPHONE, "A", sku="S"), code=make_imei(1))
        number = orders.create_direct_order(s, "Alice", [orders.LineRequest(1, sku="S")])[0].number
    with raw_pg.sessions.begin() as s:
        fulfilment.commit_unit(s, number, make_imei(1))
    with raw_pg.sessions.begin() as s:
        fulfilment.ship_order(s, number, "T")


def test_locked_order_read_after_a_concurrent_status_change(raw_pg):
    """Station A cancels an order; station B, waiting on the order's lock, must then see Cancelled."""
    with raw_pg.sessions.begin() as s:
        number = orders.create_direct_order(s, "Alice", [orders.LineRequest(1, sku="S")])[0].number
    seen = {}

    def station_b():
        with raw_pg.sessions.begin() as s:
            order = orders.get_order(s, number, lock=True)
            seen["status"] = order.status.name if order.status is not None else None

    with raw_pg.sessions.begin() as s:
        orders.set_order_status(s, number, "Cancelled")
        b = threading.Thread(target=station_b)
        b.start()
        wait_until_blocked(raw_pg)
    b.join(30)
    assert seen == {"status": "Cancelled"}
