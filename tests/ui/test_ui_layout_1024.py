"""At 1024×700 the columns that matter are on screen, judged by geometry: the catalog's product name
gets the room (SKU and counts as wide as their contents), packing's order list keeps Scanned and
Created, Back Market keeps Last error (elided, the whole text as tooltip). No horizontal scrolling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableView

from app.demo.seed import seed_demo
from app.models import Listing
from app.ui.main_window import MainWindow
from packing_helpers import add_listings

pytestmark = pytest.mark.gui

LONG_ERROR = ("BM400: the listing's quantity could not be updated because the product is under review by "
              "Back Market's catalogue team; try again once the review is over")


@pytest.fixture
def window(qtbot, ctx, tmp_path):
    seed_demo(ctx.db)
    uuids = add_listings(ctx.db)
    with ctx.db.sessions.begin() as s:
        listing = s.query(Listing).filter_by(uuid=uuids["IP13-128-MID-A"]).one()
        listing.last_error = LONG_ERROR
    win = MainWindow(ctx, start_sync=False,
                     geometry=QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat),
                     station_path=tmp_path / "station.json")
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.width() == 1024 and win.height() == 700)
    yield win
    win.close()


def _settle() -> None:
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def _title(view: QTableView, column: int) -> str:
    return str(view.model().headerData(column, Qt.Orientation.Horizontal))


def _span(view: QTableView, column: int) -> tuple[int, int]:
    header = view.horizontalHeader()
    left = header.sectionViewportPosition(column)
    return left, left + header.sectionSize(column)


def _in_view(view: QTableView, column: int) -> bool:
    left, right = _span(view, column)
    return not view.isColumnHidden(column) and left >= 0 and right <= view.viewport().width()


def _columns(view: QTableView) -> dict[str, int]:
    return {_title(view, c): c for c in range(view.model().columnCount())}


def test_catalog_gives_the_product_name_the_room(qtbot, window):
    window.tabs.setCurrentWidget(window.catalog)
    view = window.catalog.table
    qtbot.waitUntil(lambda: view.model().rowCount() >= 10)
    _settle()
    header = view.horizontalHeader()
    columns = _columns(view)
    assert all(_in_view(view, c) for c in columns.values()), {t: _span(view, c) for t, c in columns.items()}
    product = header.sectionSize(columns["Product"])
    assert product >= 300
    assert all(product > header.sectionSize(c) for t, c in columns.items() if t != "Product")
    # the SKU column is as wide as its longest SKU, not a fixed 180 px
    widest_sku = max(view.fontMetrics().horizontalAdvance(str(view.model().index(r, columns["SKU"]).data()))
                     for r in range(view.model().rowCount()))
    assert widest_sku <= header.sectionSize(columns["SKU"]) <= widest_sku + 40
    assert view.horizontalScrollBar().maximum() == 0


def test_packing_keeps_scanned_and_created_in_view(qtbot, window):
    window.tabs.setCurrentWidget(window.packing)
    window.open_order("SO100001")
    view = window.packing.orders_view
    qtbot.waitUntil(lambda: view.model().rowCount() >= 2)
    _settle()
    columns = _columns(view)
    for title in ("Order", "Scanned", "Created", "Status"):
        assert _in_view(view, columns[title]), (title, _span(view, columns[title]), view.viewport().width())
    assert view.horizontalScrollBar().maximum() == 0
    customer = view.model().index(0, columns["Customer"])
    assert customer.data(Qt.ItemDataRole.ToolTipRole) == customer.data()  # elided: the whole name on hover
    lines = window.packing.lines_view
    assert all(_in_view(lines, c) for c in range(lines.model().columnCount()))


def test_back_market_keeps_last_error_in_view_elided_with_its_tooltip(qtbot, window):
    tab = window.backmarket
    window.tabs.setCurrentWidget(tab)
    view = tab.listings_view
    qtbot.waitUntil(lambda: view.model().rowCount() >= 10)
    _settle()
    columns = _columns(view)
    last_error = columns["Last error"]
    assert _in_view(view, last_error)
    assert view.horizontalHeader().sectionSize(last_error) >= 100
    assert view.horizontalScrollBar().maximum() == 0
    row = next(r for r in range(view.model().rowCount()) if view.model().index(r, 0).data() == "IP13-128-MID-A")
    cell = view.model().index(row, last_error)
    assert cell.data() == LONG_ERROR and cell.data(Qt.ItemDataRole.ToolTipRole) == LONG_ERROR
    assert view.fontMetrics().horizontalAdvance(LONG_ERROR) > view.horizontalHeader().sectionSize(last_error)
    assert view.textElideMode() == Qt.TextElideMode.ElideRight and not view.wordWrap()  # shown elided
