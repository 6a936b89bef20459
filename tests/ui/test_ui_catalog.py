"""Catalog tab: the lazy model, SQL-side filtering, SKU edits with the uniqueness refusal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from app.domain import catalog_query
from app.domain.catalog_view import catalog_rows
from app.ui.catalog.model import BATCH, SKU_COLUMN, CatalogModel
from app.ui.catalog.tab import CatalogTab
from bench.gui_data import make_catalog
from ui_helpers import IPHONE, PIXEL, imei, receive

pytestmark = pytest.mark.gui


def _loaded(qtbot, tab: CatalogTab, count: int) -> None:
    qtbot.waitUntil(lambda: tab.model.match_count == count and not tab.ctx.runner.busy)


def _filter(qtbot, tab: CatalogTab, text: str, count: int) -> None:
    with qtbot.waitSignal(tab.filter_applied, check_params_cb=lambda shown: shown == text):
        tab.filter_edit.setText(text)
    assert tab.model.match_count == count


def test_model_passes_the_model_tester_and_fetches_in_batches(qtmodeltester, db):
    make_catalog(db, 450, units_per_variation=1)
    with db.reads() as s:
        ids = catalog_query.matching_ids(s, "")
        statuses = catalog_query.status_columns(s)
        first = catalog_query.rows_for(s, ids[:BATCH])

    def load(batch):
        with db.reads() as s:
            return catalog_query.rows_for(s, batch)

    model = CatalogModel(load)
    model.set_result(ids, statuses, first)
    assert model.rowCount() == BATCH and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Product", "Grade", "Conditions", "SKU"]


def test_filter_narrows_in_sql_and_counts_units_by_status(qtbot, ctx):
    receive(ctx.db, [imei(1), imei(2)], product=IPHONE, grade="A", sku="IP13-A")
    receive(ctx.db, [imei(3)], product=IPHONE, grade="B", conditions=("SC",))
    receive(ctx.db, [imei(4)], product=PIXEL, grade="A", status="Repair")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    _loaded(qtbot, tab, 3)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    assert headers == ["Product", "Grade", "Conditions", "SKU", "Available", "Repair", "On orders", "Total"]

    _filter(qtbot, tab, "pixel", 1)
    row = tab.model.row_data(0)
    assert row.product.startswith("Google Pixel 7") and row.counts and row.total == 1
    _filter(qtbot, tab, "iphone SC", 1)  # a product word and a condition code
    assert tab.model.row_data(0).grade == "B"
    _filter(qtbot, tab, "ip13-a", 1)  # SKUs compare case-insensitively
    assert tab.model.data(tab.model.index(0, SKU_COLUMN)) == "IP13-A"
    assert tab.count_label.text() == "1 variation"


def test_sku_edit_in_place_refused_when_taken_and_nothing_changes(qtbot, ctx):
    receive(ctx.db, [imei(1)], grade="A", sku="IP13-A")
    receive(ctx.db, [imei(2)], grade="B")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1000, 500)
    tab.show()
    _loaded(qtbot, tab, 2)
    before = catalog_rows(ctx.db.reads())
    b_row = next(r for r in range(2) if tab.model.row_data(r).grade == "B")
    cell = tab.model.index(b_row, SKU_COLUMN)

    tab.model.setData(cell, "ip13-a")  # what the editor does when the user presses Enter
    qtbot.waitUntil(lambda: tab.cell_message.isVisible())
    assert "already used" in tab.cell_message.text() and "Nothing was changed" in tab.cell_message.text()
    # Pinned under the cell the user typed in.
    assert tab.cell_message.geometry().top() >= tab.table.visualRect(cell).bottom()
    assert tab.model.data(cell) == ""
    assert catalog_rows(ctx.db.reads()) == before

    with qtbot.waitSignal(ctx.events.changes_applied):
        tab.model.setData(cell, "IP13-B")
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(b_row, SKU_COLUMN)) == "IP13-B")
    assert not tab.cell_message.isVisible()


def test_assign_sku_to_several_selected(qtbot, ctx):
    from app.domain import settings

    with ctx.db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
    receive(ctx.db, [imei(1)], grade="A")
    receive(ctx.db, [imei(2)], grade="B")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    _loaded(qtbot, tab, 2)
    tab.table.selectAll()
    tab.assign_sku_to_selected("IP13-ANY")
    qtbot.waitUntil(lambda: all(tab.model.row_data(r).sku == "IP13-ANY" for r in range(2)))
    assert {r["sku"] for r in catalog_rows(ctx.db.reads())} == {"IP13-ANY"}


def test_changes_refresh_only_the_changed_rows(qtbot, ctx):
    receive(ctx.db, [imei(1)], grade="A")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    _loaded(qtbot, tab, 1)
    resets = []
    tab.model.modelReset.connect(lambda: resets.append(1))
    from app.domain.changes import Changes

    receive(ctx.db, [imei(2)], grade="A")
    vid = tab.model.variation_id(0)
    with qtbot.waitSignal(tab.model.dataChanged):
        ctx.events.publish(Changes.of(variations={vid}))
    assert tab.model.row_data(0).total == 2 and not resets


def test_a_broad_filter_reads_one_page_then_pages_on_as_the_table_scrolls(qtbot, ctx):
    """Keyset paging: the first page is shown before the count; fetchMore reads the next page from
    where the last ended, and a variation added in between neither repeats nor skips a row."""
    make_catalog(ctx.db, 450, units_per_variation=1)
    with ctx.db.reads() as s:
        everything = catalog_query.matching_ids(s, "")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.count_shown, timeout=30000) as counted:
        qtbot.waitUntil(lambda: tab.model.rowCount() == BATCH)
    assert counted.args == [450] and tab.count_label.text() == "450 variations"
    assert tab.model.canFetchMore()
    receive(ctx.db, [imei(9001)], product=PIXEL, grade="A")  # lands somewhere in catalog order
    while tab.model.canFetchMore():
        tab.model.fetchMore()
    shown = [tab.model.variation_id(r) for r in range(tab.model.rowCount())]
    with ctx.db.reads() as s:
        now = catalog_query.matching_ids(s, "")
    assert shown[:BATCH] == everything[:BATCH]
    assert len(shown) == len(set(shown))
    assert [v for v in now if v in set(shown)] == shown  # catalog order throughout
    assert set(everything) <= set(shown)


def test_pages_follow_the_filter_and_the_last_page_says_so(db):
    make_catalog(db, 450, units_per_variation=1)
    with db.reads() as s:
        all_ids = catalog_query.matching_ids(s, "")
        first, after = catalog_query.matching_page(s, "", size=200)
        second, after2 = catalog_query.matching_page(s, "", after, size=200)
        third, after3 = catalog_query.matching_page(s, "", after2, size=200)
        assert first + second + third == all_ids and after3 is None and len(third) == 50
        word_ids = catalog_query.matching_ids(s, "zzzz-nothing")
        assert catalog_query.matching_page(s, "zzzz-nothing") == ([], None) and word_ids == []
        assert catalog_query.match_count(s, "") == 450
def test_a_sku_clash_keeps_the_assign_dialog_open_with_the_typed_sku(qtbot, ctx):
    receive(ctx.db, [imei(1)], grade="A", sku="IP13-A")
    receive(ctx.db, [imei(2)], grade="B")
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    _loaded(qtbot, tab, 2)
    b_row = next(r for r in range(2) if tab.model.row_data(r).grade == "B")
    tab.table.selectRow(b_row)
    tab.assign_sku_to_selected()
    dialog = tab.assign_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.sku_edit, "ip13-a")
    qtbot.keyClick(dialog.sku_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible)
    assert dialog.isVisible() and dialog.sku_edit.text() == "ip13-a"
    assert "already used by Apple iPhone" in dialog.message.text() and "· A" in dialog.message.text()
    assert "Nothing was changed" in dialog.message.text()
    assert tab.model.row_data(b_row).sku is None
    dialog.sku_edit.setText("IP13-B")
    with qtbot.waitSignal(ctx.events.changes_applied):
        qtbot.keyClick(dialog.sku_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert {r["sku"] for r in catalog_rows(ctx.db.reads())} == {"IP13-A", "IP13-B"}


def test_committed_units_count_on_orders_not_available_and_counts_have_separators(qtbot, ctx):
    from app.domain import fulfilment, orders
    from app.domain.inventory import find_unit

    receive(ctx.db, [imei(n) for n in range(1, 4)], grade="A")
    with ctx.db.sessions.begin() as s:
        vid = find_unit(s, imei(1)).variation_id
        order, _ = orders.create_direct_order(s, "Zoe", [orders.LineRequest(1, variation_id=vid)])
        fulfilment.commit_unit(s, order.number, imei(1))
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    _loaded(qtbot, tab, 1)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(tab.model.columnCount())]
    cells = dict(zip(headers, (tab.model.data(tab.model.index(0, c)) for c in range(len(headers)))))
    assert (cells["Available"], cells["On orders"], cells["Total"]) == ("2", "1", "3")
    assert "not available" in tab.model.headerData(headers.index("On orders"), Qt.Orientation.Horizontal,
                                                   Qt.ItemDataRole.ToolTipRole)
    from app.domain.catalog_query import CatalogRow

    big = CatalogRow(1, "P", "A", (), None, {1: 12345}, 1000)
    tab.model.refresh_rows({tab.model.variation_id(0): big})
    assert [tab.model.data(tab.model.index(0, c)) for c in (headers.index("On orders"), headers.index("Total"))] == [
        "1,000", "13,345"]


@pytest.mark.parametrize("words", ["13 midnight", "MIDNIGHT iphone 13", "apple 128 13"])
def test_product_words_match_in_any_order(qtbot, ctx, words):
    from ui_helpers import IPHONE

    receive(ctx.db, [imei(1)], product=IPHONE)
    receive(ctx.db, [imei(2)], product=PIXEL)
    tab = CatalogTab(ctx)
    qtbot.addWidget(tab)
    _loaded(qtbot, tab, 2)
    _filter(qtbot, tab, words, 1)
    assert "Midnight" in tab.model.row_data(0).product
