"""After a scan the open-orders list re-reads that one order, not all of them (issue 12): its
'Scanned' count moves where it is, the rest of the list stands (no reset: scroll and selection
stay), and an order that is no longer open leaves the list."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.domain import fulfilment
from app.domain.changes import Changes
from app.domain.packing_query import open_order_rows
from app.ui.packing.models import OrderListModel
from app.ui.packing.tab import PackingTab

from packing_helpers import direct_order
from test_ui_packing import stock, tab  # noqa: F401 (the packing tab's fixtures)

pytestmark = pytest.mark.gui

IP13_A, PIXEL = "IP13-128-MID-A", "PX7-128-OBS-A"


def _scanned(tab: PackingTab, number: str) -> str:
    model = tab.orders_model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).number == number)
    return model.data(model.index(row, 4))


def test_a_scan_moves_its_orders_count_without_resetting_the_list(qtbot, ctx, db, stock, tab):
    first = direct_order(db, "Ada", [(IP13_A, 2)])
    others = [direct_order(db, f"Customer {n}", [(PIXEL, 1)]) for n in range(3)]
    with qtbot.waitSignal(tab.orders_loaded, timeout=5000):
        tab.reload_orders()
    assert tab.orders_model.rowCount() == 4
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000):  # "SO… open — scan 2 units."
        tab.open_order(first)
    resets = []
    tab.orders_model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(tab.orders_loaded, timeout=5000):
        with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
            tab.handle_scan(stock.by_sku[IP13_A][0])
        assert verdict.args[0] == "ok", verdict.args
    assert _scanned(tab, first) == "1 / 2"
    assert resets == []  # the other three rows were neither re-read nor reset
    assert [tab.orders_model.row_at(i).number for i in range(4)] == [first, *others]


def test_an_order_shipped_elsewhere_leaves_the_list_and_a_new_one_joins_it(qtbot, ctx, db, stock, tab):
    gone = direct_order(db, "Ada", [(PIXEL, 1)])
    with qtbot.waitSignal(tab.orders_loaded, timeout=5000):
        tab.reload_orders()
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, gone, stock.by_sku[PIXEL][0])
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, gone, "1Z999", "UPS")
    new = direct_order(db, "Bob", [(IP13_A, 1)])
    with db.reads() as s:
        new_id = next(r.order_id for r in open_order_rows(s) if r.number == new)
        old_id = s.scalar(text("SELECT id FROM orders WHERE number = :n"), {"n": gone})
    with qtbot.waitSignal(tab.orders_loaded, timeout=5000):
        ctx.events.publish(Changes.of(orders={old_id, new_id}))
    numbers = [tab.orders_model.row_at(i).number for i in range(tab.orders_model.rowCount())]
    assert gone not in numbers and new in numbers


def test_merge_rows_passes_the_model_tester(qtmodeltester, db, stock):
    a = direct_order(db, "Ada", [(IP13_A, 1)])
    direct_order(db, "Bob", [(PIXEL, 1)])
    with db.reads() as s:
        rows = open_order_rows(s)
    model = OrderListModel()
    model.set_rows(rows)
    model.sort(0)
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, a, stock.by_sku[IP13_A][0])
    with db.reads() as s:
        fresh = open_order_rows(s, {rows[0].order_id})
    model.merge_rows(fresh, {rows[0].order_id}, lambda r: r.order_id)
    qtmodeltester.check(model)
    assert any(model.row_at(i).scanned == 1 for i in range(model.rowCount()))
