"""`orders --json` streams: orders are read a page at a time and written item by item, with the
same content and text as the whole list."""

from __future__ import annotations

import io
import json

from app.cli import common
from app.domain import fulfilment, orders
from app.domain.orders_view import iter_order_rows, orders_rows
from tests.dbfixtures import make_imei, receive


def _orders(db, n: int) -> list[str]:
    numbers = []
    vid = None
    for i in range(n):
        uid = receive(db, make_imei(100 + i))
        with db.reads() as s:
            from app.models import Unit
            vid = s.get(Unit, uid).variation_id
        with db.sessions.begin() as s:
            order, _ = orders.create_direct_order(s, f"Customer {i}", [orders.LineRequest(1, variation_id=vid),
                                                                       orders.LineRequest(2, sku=f"S{i}")])
            numbers.append(order.number)
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, numbers[0], make_imei(100))
        orders.change_order_status(s, numbers[1], "Cancelled")
    return numbers


def test_pages_give_every_order_once_in_order_with_lines_and_codes(db):
    numbers = _orders(db, 5)
    with db.reads() as s:
        paged = list(iter_order_rows(s, page=2))
        whole = orders_rows(s, order_ids=range(1, 1000))
        open_only = [o["number"] for o in iter_order_rows(s, open_only=True, page=2)]
    assert [o["number"] for o in paged] == numbers and paged == whole
    assert paged[0]["lines"][0]["committed"] == [make_imei(100)] and paged[0]["customer"] == "Customer 0"
    assert paged[0]["lines"][1]["wants"] == "SKU S0" and paged[1]["status"] == "Cancelled"
    assert open_only == [n for n in numbers if n != numbers[1]]


def test_the_streamed_json_is_the_same_text_as_the_whole_list(db, monkeypatch):
    _orders(db, 3)
    with db.reads() as s:
        rows = orders_rows(s)
    for items in (rows, []):
        whole, streamed = io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", whole)
        common.print_json(items)
        monkeypatch.setattr("sys.stdout", streamed)
        common.print_json_list(iter(items))
        assert streamed.getvalue() == whole.getvalue()
        assert json.loads(streamed.getvalue()) == items
