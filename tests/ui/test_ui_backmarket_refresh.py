"""The Back Market tab and the mapping dialog read only the listings a change touches: a scan, a
receipt, a saved mapping or a fast push repaints those rows, never all of them."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.demo.catalog import DEMO_VARIATIONS
from app.domain import inventory, orders
from app.domain.catalog import ProductSpec
from app.domain.changes import Changes
from app.models import Listing
from app.sync import mapping
from app.sync.config import store_token
from app.sync.sandbox import DEMO_TOKEN, SandboxServer
from app.ui.backmarket.tab import BackMarketTab
from app.ui.sync.controller import SyncController

from packing_helpers import add_listings, make_imei, seed_stock

pytestmark = pytest.mark.gui

CALCULATED, BM_QTY = 5, 4


def _receipt(sku: str) -> inventory.Receipt:
    demo = next(d for d in DEMO_VARIATIONS if d.sku == sku)
    spec = ProductSpec(demo.manufacturer, demo.model, demo.model_number, demo.network, demo.capacity, demo.color)
    return inventory.Receipt(spec, demo.grade, demo.conditions)


def _cell(tab: BackMarketTab, sku: str, column: int) -> str:
    model = tab.listings_model
    return model.index(model.row_of_sku(sku), column).data()


@pytest.fixture
def listed(db):
    seed_stock(db)
    return add_listings(db)


@pytest.fixture
def sync(ctx) -> Iterator[SyncController]:
    controller = SyncController(ctx, push_debounce=0.2)
    yield controller
    controller.shutdown()


@pytest.fixture
def tab(qtbot, ctx, sync, listed) -> Iterator[BackMarketTab]:
    widget = BackMarketTab(ctx, sync)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.listings_loaded, timeout=5000):
        pass
    yield widget
    widget.shutdown()
    ctx.wait()


@pytest.fixture
def full_reads(monkeypatch) -> list[object]:
    """Which listing ids each read of listing rows asked for (None: all of them)."""
    asked: list[object] = []
    real = mapping.listings_rows

    def watched(session, listing_ids=None):
        asked.append(None if listing_ids is None else frozenset(listing_ids))
        return real(session, listing_ids)

    monkeypatch.setattr(mapping, "listings_rows", watched)
    return asked


def test_a_received_unit_repaints_only_its_listing(qtbot, ctx, db, tab, full_reads) -> None:
    loads: list = []
    tab.listings_loaded.connect(lambda: loads.append(1))
    before = {sku: _cell(tab, sku, CALCULATED) for sku in (d.sku for d in DEMO_VARIATIONS)}
    with db.sessions.begin() as s:
        _unit, changes = inventory.receive_unit(s, _receipt("IP13-128-MID-A"), imei=make_imei(88_000_001))
    with qtbot.waitSignal(tab.listings_refreshed, timeout=5000) as refreshed:
        ctx.events.publish(changes)
    assert refreshed.args[0] == ("IP13-128-MID-A",)
    assert _cell(tab, "IP13-128-MID-A", CALCULATED) == "7"  # six, and the one just received
    assert all(_cell(tab, sku, CALCULATED) == text for sku, text in before.items() if sku != "IP13-128-MID-A")
    with db.reads() as s:
        listing_id = s.scalar(select(Listing.id).where(Listing.sku == "IP13-128-MID-A"))
    assert full_reads == [frozenset({listing_id})] and loads == []
    assert "to push" in tab.count.text()


def test_an_order_for_a_sku_repaints_the_listings_it_takes_from(qtbot, ctx, db, tab, full_reads) -> None:
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Ada", [orders.LineRequest(2, sku="PX7-128-OBS-A")])
        changes = Changes.of(orders={order.id})
    with qtbot.waitSignal(tab.listings_refreshed, timeout=5000) as refreshed:
        ctx.events.publish(changes)
    assert refreshed.args[0] == ("PX7-128-OBS-A",)
    demo = next(d for d in DEMO_VARIATIONS if d.sku == "PX7-128-OBS-A")
    assert _cell(tab, "PX7-128-OBS-A", CALCULATED) == str(demo.units - 2)
    assert None not in full_reads


def test_a_change_during_a_whole_reload_lands_after_it(qtbot, ctx, db, tab) -> None:
    """The older whole read never paints over the newer row: reads of listings run one at a time."""
    release = threading.Event()
    for _ in range(2):
        ctx.runner.run(lambda: release.wait(30))  # the pool is busy: both reads wait in its queue
    tab.reload()
    with db.sessions.begin() as s:
        _unit, changes = inventory.receive_unit(s, _receipt("S22-128-BLK-A"), imei=make_imei(88_000_002))
    ctx.events.publish(changes)
    demo = next(d for d in DEMO_VARIATIONS if d.sku == "S22-128-BLK-A")
    release.set()
    with qtbot.waitSignal(tab.listings_loaded, timeout=5000):
        pass
    qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=5000)
    assert _cell(tab, "S22-128-BLK-A", CALCULATED) == str(demo.units + 1)


def test_a_setting_or_a_new_listing_reads_every_row(qtbot, ctx, db, tab, full_reads) -> None:
    with db.sessions.begin() as s:
        s.add(Listing(uuid="00000000-0000-4000-8000-000000000999", listing_id=5999, sku="NEW-SKU", sku_norm="new-sku",
                      title="A new listing", grade="GOOD", price="1.00", currency="EUR", bm_quantity=0,
                      publication_state=2))
        new_id = s.scalar(select(Listing.id).where(Listing.sku == "NEW-SKU"))
    with qtbot.waitSignal(tab.listings_loaded, timeout=5000):
        ctx.events.publish(Changes.of(listings={new_id}))  # not on screen yet: the whole list is read
    assert tab.listings_model.row_of_sku("NEW-SKU") >= 0
    with qtbot.waitSignal(tab.listings_loaded, timeout=5000):
        ctx.events.publish(Changes.of(settings=True))
    assert full_reads.count(None) == 2


def test_the_mapping_dialog_reads_only_its_listing(qtbot, tab, listed, full_reads) -> None:
    with qtbot.waitSignal(tab.mapping_dialog_opened, timeout=5000) as opened:
        tab.open_mapping(listed["IP13-128-MID-B"])
    dialog = opened.args[0]
    assert dialog.windowTitle() == "Map listing IP13-128-MID-B"
    assert len(full_reads) == 1 and full_reads[0] is not None and len(full_reads[0]) == 1
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.reserve.setValue(1)
        dialog.save_button.click()
    qtbot.waitUntil(lambda: _cell(tab, "IP13-128-MID-B", CALCULATED).startswith("3"), timeout=5000)  # 4 − 1
    assert None not in full_reads  # the saved rules repainted that one row


# --- a fast push repaints the rows it wrote ---------------------------------------------------


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0, demo=True, block_seconds=0.2, task_delay_seconds=0.1, demo_order_interval=3600)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_a_fast_push_repaints_its_listing_without_a_cycle(qtbot, db, ctx, sync, sandbox) -> None:
    from app.domain import settings

    seed_stock(db)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.api_url", sandbox.url)
        settings.set_(s, "backmarket.interval_seconds", 3600)
    store_token(db, DEMO_TOKEN)
    tab = BackMarketTab(ctx, sync)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(sync.sync_finished, timeout=20000):
        sync.start()
    qtbot.waitUntil(lambda: not ctx.runner.busy and tab.listings_model.rowCount() > 0, timeout=5000)
    demo = DEMO_VARIATIONS[3]  # no demo order takes from it
    assert _cell(tab, demo.sku, BM_QTY) == str(demo.units)
    loads: list = []
    tab.listings_loaded.connect(lambda: loads.append(1))
    pushed: list = []
    sync.listings_pushed.connect(pushed.append)
    with db.sessions.begin() as s:
        _unit, changes = inventory.receive_unit(s, _receipt(demo.sku), imei=make_imei(88_000_003))
    ctx.events.publish(changes)
    qtbot.waitUntil(lambda: _cell(tab, demo.sku, BM_QTY) == str(demo.units + 1), timeout=10000)
    assert sandbox.store.listing(demo.sku)["quantity"] == demo.units + 1
    assert loads == [] and len(pushed) == 1  # no cycle ran: the push's own rows were read
    assert tab.listings_model.index(tab.listings_model.row_of_sku(demo.sku), 6).data(
        Qt.ItemDataRole.DisplayRole).startswith(str(demo.units + 1))
    tab.shutdown()


def test_sorting_is_the_models_own_and_the_selection_follows(qtbot, tab) -> None:
    view, model = tab.listings_view, tab.listings_model
    tab.listings_view.selectRow(tab.listings_proxy.mapFromSource(model.index(model.row_of_sku("PX7-128-OBS-A"), 0)).row())
    view.sortByColumn(CALCULATED, Qt.SortOrder.DescendingOrder)
    shown = [tab.listings_proxy.index(r, CALCULATED).data() for r in range(tab.listings_proxy.rowCount())]
    numbers = [int(text.split()[0]) for text in shown if text[0].isdigit()]
    assert numbers == sorted(numbers, reverse=True) and shown[-1].startswith("—")  # unmatched last
    assert tab._selected_row().sku == "PX7-128-OBS-A"
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    skus = [tab.listings_proxy.index(r, 0).data() for r in range(tab.listings_proxy.rowCount())]
    assert skus == sorted(skus, key=str.lower) and tab._selected_row().sku == "PX7-128-OBS-A"
