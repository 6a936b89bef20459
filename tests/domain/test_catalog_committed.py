"""The catalog's counts: a unit scanned onto an open order counts "on orders", never in its status;
product words match in any order. On SQLite and PostgreSQL."""

from __future__ import annotations

from app.domain import catalog_query, fulfilment, inventory, orders
from app.domain.catalog import ProductSpec
from tests.dbfixtures import make_imei, receive

PHONE = ProductSpec("Apple", "iPhone 13", "A2633", "Unlocked", "128GB", "Midnight")


def _row(db):
    with db.reads() as s:
        ids = catalog_query.matching_ids(s)
        return catalog_query.rows_for(s, ids)[ids[0]], catalog_query.status_columns(s)


def test_committed_units_leave_their_status_count_until_released(db):
    for n in range(1, 4):
        receive(db, make_imei(n), product=PHONE)
    with db.sessions.begin() as s:
        vid = inventory.find_unit(s, make_imei(1)).variation_id
        order, _ = orders.create_direct_order(s, "Zoe", [orders.LineRequest(2, variation_id=vid)])
        number = order.number
    for n in (1, 2):
        with db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, make_imei(n))
    row, columns = _row(db)
    available = next(c.id for c in columns if c.name == "Available")
    assert (row.counts.get(available), row.committed, row.total) == (1, 2, 3)
    assert catalog_query.units_summary(row, columns) == "Available 1 · on orders 2"
    with db.sessions.begin() as s:
        orders.set_order_status(s, number, "Cancelled")
    row, _ = _row(db)
    assert (row.counts.get(available), row.committed, row.total) == (3, 0, 3)


def test_product_words_match_in_any_order(db):
    receive(db, make_imei(1), product=PHONE)
    receive(db, make_imei(2), product=ProductSpec("Apple", "iPhone 12", capacity="64GB", color="Blue"))
    with db.reads() as s:
        for words in ("13 midnight", "Midnight IPHONE 13", "128gb apple 13"):
            assert len(catalog_query.matching_ids(s, words)) == 1, words
        assert catalog_query.matching_ids(s, "13 blue") == []
