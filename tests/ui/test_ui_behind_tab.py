"""A screen behind another tab reads nothing for the changes it cannot show, and shows them all as
soon as the user brings it to the front: the packer's scans on Packing do not pay for Orders and
Back Market reading the database again and again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLabel, QTabWidget

from app.demo.catalog import DEMO_VARIATIONS
from app.domain import inventory, orders, orders_list
from app.domain.catalog import ProductSpec
from app.domain.changes import Changes
from app.sync import mapping
from app.ui.backmarket.tab import BackMarketTab
from app.ui.orders import OrdersTab
from app.ui.sync.controller import SyncController
from packing_helpers import add_listings, make_imei, seed_stock

pytestmark = pytest.mark.gui

CALCULATED = 5


@pytest.fixture
def window(qtbot) -> Iterator[QTabWidget]:
    """The main window's shape: a Packing page in front, the screen under test behind it."""
    tabs = QTabWidget()
    tabs.addTab(QLabel("Packing"), "Packing")
    qtbot.addWidget(tabs)
    tabs.resize(1100, 700)
    yield tabs


def _settled(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
    ctx.wait()


def _counting(monkeypatch, module, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_orders_behind_packing_read_once_when_brought_to_the_front(qtbot, qapp, ctx, db, window, monkeypatch) -> None:
    tab = OrdersTab(ctx)
    window.addTab(tab, "Orders")
    window.show()
    qtbot.waitExposed(window)
    _settled(qtbot, ctx)
    reads = _counting(monkeypatch, orders_list, "recent_orders")
    seed_stock(db)
    for customer in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        with db.sessions.begin() as s:
            order, _ = orders.create_direct_order(s, customer, [orders.LineRequest(1, sku=DEMO_VARIATIONS[0].sku)])
            changes = Changes.of(orders={order.id})
        ctx.events.publish(changes)  # as a scan on Packing publishes its order
    qapp.processEvents()  # deliver the queued change signals
    _settled(qtbot, ctx)
    assert not tab._debounce.isActive()  # no read is on its way either
    assert reads == []
    assert tab.model.rowCount() == 0  # nothing on this screen moved while nobody looked

    window.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
    assert len(reads) == 1  # three changes, one read
    assert {tab.model.index(r, 2).data() for r in range(3)} == {"Ada Lovelace", "Grace Hopper", "Alan Turing"}

    window.setCurrentIndex(0)
    ctx.events.publish(Changes.of(settings=True))
    qapp.processEvents()
    _settled(qtbot, ctx)
    assert not tab._debounce.isActive() and len(reads) == 1


def test_back_market_behind_packing_reads_its_listings_when_shown(qtbot, qapp, ctx, db, window, monkeypatch) -> None:
    seed_stock(db)
    add_listings(db)
    sync = SyncController(ctx, push_debounce=0.2)
    tab = BackMarketTab(ctx, sync)
    try:
        with qtbot.waitSignal(tab.listings_loaded, timeout=5000):
            window.addTab(tab, "Back Market")
        window.show()
        qtbot.waitExposed(window)
        _settled(qtbot, ctx)
        reads = _counting(monkeypatch, mapping, "listings_rows")
        demo = next(d for d in DEMO_VARIATIONS if d.sku == "IP13-128-MID-A")
        row = tab.listings_model.row_of_sku(demo.sku)
        before = tab.listings_model.index(row, CALCULATED).data()
        spec = ProductSpec(demo.manufacturer, demo.model, demo.model_number, demo.network, demo.capacity, demo.color)
        for n in range(2):
            with db.sessions.begin() as s:
                _unit, changes = inventory.receive_unit(s, inventory.Receipt(spec, demo.grade, demo.conditions),
                                                        imei=make_imei(77_000_001 + n))
            ctx.events.publish(changes)
        tab.reload()  # as the end of a sync cycle asks
        qapp.processEvents()
        _settled(qtbot, ctx)
        assert reads == []
        assert tab.listings_model.index(row, CALCULATED).data() == before

        with qtbot.waitSignal(tab.listings_loaded, timeout=5000):
            window.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
        assert tab.listings_model.index(tab.listings_model.row_of_sku(demo.sku), CALCULATED).data() == str(int(before) + 2)
        assert reads.count(1) == 1  # the whole read covered the two receipts: one read in all
    finally:
        tab.shutdown()
        sync.shutdown()
        ctx.wait()
