"""The packing station, driven the way a packer drives it: a scanner and very few clicks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.domain import orders
from app.domain.changes import Changes
from app.domain.packing_query import open_order_rows, order_detail
from app.models import Unit
from app.scanner.decoder import ScannerSettings
from app.ui.packing.models import UNMAPPED_HINT, OrderFilterProxy, OrderLinesModel, OrderListModel
from app.ui.packing.ship_dialog import ShipDialog, guess_carrier
from app.ui.packing.tab import PackingTab
from app.ui.scanner import WedgeScanFilter

from packing_helpers import (
    Clock, back_market_order, cancel_line_remotely, direct_order, make_imei, scan_keys, seed_stock,
)

pytestmark = pytest.mark.gui

IP13_A, IP13_B, PIXEL, S22 = "IP13-128-MID-A", "IP13-128-MID-B", "PX7-128-OBS-A", "S22-128-BLK-A"


@pytest.fixture
def stock(db):
    return seed_stock(db)


@pytest.fixture
def tab(qtbot, ctx, stock):
    widget = PackingTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.orders_loaded, timeout=5000):
        pass
    yield widget
    widget.shutdown()
    ctx.wait(10000)


@pytest.fixture
def wedge(qapp):
    scan_filter = WedgeScanFilter(ScannerSettings())
    qapp.installEventFilter(scan_filter)
    yield scan_filter
    qapp.removeEventFilter(scan_filter)


def _router(ctx, tab: PackingTab):
    """The main window's ScanRouter: an order number opens the order, anything else goes to the tab."""
    from app.ui.scan_router import ScanRouter

    router = ScanRouter(ctx, current_tab=lambda: tab, open_order=tab.open_order,
                        show_details=lambda report: None, say=lambda text, bad: None, parent=tab)
    return router.route


def _scan(qtbot, tab: PackingTab, code: str, clock: Clock) -> tuple[str, str]:
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
        scan_keys(tab.lines_view, code, clock)
    return tuple(verdict.args)


def test_models_pass_the_model_tester(qtmodeltester, db, stock) -> None:
    number = direct_order(db, "Ada", [(IP13_A, 2), (PIXEL, 1)])
    back_market_order(db, "7001", "Bob", [("OP11-256-GRN-A", 1, False)])
    with db.reads() as s:
        rows = open_order_rows(s)
        detail = order_detail(s, number)
    orders_model = OrderListModel()
    orders_model.set_rows(rows)
    qtmodeltester.check(orders_model)
    proxy = OrderFilterProxy()
    proxy.setSourceModel(orders_model)
    proxy.set_filters("Back Market", "")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    lines = OrderLinesModel()
    lines.set_rows(detail.lines)
    qtmodeltester.check(lines)
    empty = OrderLinesModel()
    qtmodeltester.check(empty)


def test_a_packers_whole_flow_by_scanner(qtbot, tab, wedge, ctx, db, stock, monkeypatch) -> None:
    number = direct_order(db, "Ada Lovelace", [(IP13_A, 2), (PIXEL, 1)], address="1 Dock Rd\nLondon")
    wedge.code_scanned.connect(_router(ctx, tab))
    clock = Clock()
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        scan_keys(tab.lines_view, number, clock)  # the packing slip's order barcode
    assert tab.open_number == number
    assert "scan 3 units" in tab.banner.text()
    first, second, third = stock.by_sku[IP13_A][:3]

    kind, text = _scan(qtbot, tab, first, clock)
    assert kind == "ok" and tab.banner.kind == "ok"
    assert first in text and "(1/2)" in text and "iPhone 13" in text

    refusals = {
        "12345": "not a valid",  # not an IMEI nor a serial
        make_imei(99_999_999): "Unknown unit",
        stock.in_repair: "not sellable",
        stock.imei(S22): "matches no line",
        first: "already committed to this order",
    }
    for code, words in refusals.items():
        kind, text = _scan(qtbot, tab, code, clock)
        assert kind == "refusal" and tab.banner.kind == "refusal", code
        assert words.lower() in text.lower(), (code, text)

    assert _scan(qtbot, tab, second, clock)[0] == "ok"
    kind, text = _scan(qtbot, tab, third, clock)
    assert kind == "refusal" and "already complete (2/2)" in text

    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as undone:
        qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert second in undone.args[1] and tab.banner.kind == "info"
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.lines[0].scanned == 1, timeout=5000)
    assert _scan(qtbot, tab, third, clock)[0] == "ok"
    assert _scan(qtbot, tab, stock.imei(PIXEL), clock)[0] == "ok"
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 0, timeout=5000)
    assert tab.lines_model.rowCount() == 2
    assert tab.lines_model.index(0, 1).data() == "2 / 2"

    asked: list[bool] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(True) or QMessageBox.StandardButton.No)
    tab.ship_button.click()
    dialog = tab.ship_dialog
    assert dialog is not None and asked == []  # complete: no "ship incomplete?" question
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        scan_keys(dialog.tracking, "1Z999AA10123456784", clock)  # Enter from the scanner presses Ship
    assert shipped.args[0] == "ok" and "Shipped" in shipped.args[1] and "UPS" in shipped.args[1]
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.status == "Shipped", timeout=5000)
    with db.reads() as s:
        order = orders.get_order(s, number)
        assert order.tracking_number == "1Z999AA10123456784" and order.carrier == "UPS"
        sold = s.scalars(select(Unit).where(Unit.imei.in_([first, third, stock.imei(PIXEL)]))).all()
        assert {u.status.name for u in sold} == {"Sold"}
    qtbot.waitUntil(lambda: tab.orders_model.row_of(number) == -1, timeout=5000)  # left the open list


def test_a_cancellation_on_back_market_tells_the_packer(qtbot, tab, db, stock, ctx) -> None:
    number = back_market_order(db, "5501", "Grace Hopper", [(IP13_A, 1, True), (PIXEL, 1, True)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    code = stock.imei(IP13_A)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000):
        assert tab.handle_scan(code)
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.lines[0].scanned == 1, timeout=5000)
    cancel_line_remotely(db, number, 0, note="Back Market: the buyer cancelled the iPhone 13 line.")
    with db.reads() as s:
        order_id = orders.get_order(s, number).id
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        ctx.events.publish(Changes.of(orders={order_id}))  # what the sync worker announces
    kind, text = told.args
    assert kind == "refusal" and code in text and "back on the shelf" in text and "cancelled" in text
    assert tab.header.notice.isVisible() and "buyer cancelled" in tab.header.notice.text()
    assert "do not pack" in tab.lines_model.index(0, 3).data()


def test_unmapped_line_is_flagged_and_filtered_orders_still_open(qtbot, tab, db, stock) -> None:
    direct = direct_order(db, "Ada", [(PIXEL, 1)])
    number = back_market_order(db, "6601", "Alan Turing", [("OP11-256-GRN-A", 1, False)])
    tab.reload_orders()
    qtbot.waitUntil(lambda: tab.orders_model.rowCount() == 2, timeout=5000)
    tab.channel_filter.setCurrentText("Back Market")
    assert tab.orders_proxy.rowCount() == 1
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(direct)  # filtered out of the list, shown all the same
    assert tab.header.number.text() == direct
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    assert tab.lines_model.index(0, 3).data() == UNMAPPED_HINT
    assert "unmapped" in tab.header.notice.text()
    kind, text = "", ""
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
        tab.handle_scan(stock.imei(PIXEL))
    kind, text = verdict.args
    assert kind == "refusal" and "unmapped" in text


def test_shipping_an_incomplete_order_asks_first(qtbot, tab, db, stock, monkeypatch) -> None:
    number = direct_order(db, "Ada", [(IP13_A, 2)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000):
        tab.handle_scan(stock.imei(IP13_A))
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.scanned == 1, timeout=5000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    tab.start_ship()
    assert tab.ship_dialog is None  # the packer said no
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.start_ship()
    dialog = tab.ship_dialog
    assert dialog is not None
    dialog.tracking.setText(number)  # the slip's barcode by mistake
    dialog.ship_button.click()
    assert dialog.isVisible() and "order number" in dialog.problem.text()
    dialog.tracking.setText("JJD0001234567890")
    assert dialog.carrier_name() == "DHL"
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        dialog.ship_button.click()
    assert shipped.args[0] == "ok"
    with db.reads() as s:
        assert orders.get_order(s, number).status.name == "Shipped"


def test_packing_slip_is_saved_as_pdf_without_a_printer(qtbot, tab, db, stock, monkeypatch, tmp_path: Path) -> None:
    import app.ui.packing.slip as slip

    number = direct_order(db, "Ada", [(PIXEL, 1)], address="1 Dock Rd\nLondon")
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    target = tmp_path / "slip.pdf"
    monkeypatch.setattr(slip, "default_printer", lambda: None)
    monkeypatch.setattr(slip.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        tab.slip_button.click()
    assert target.exists() and target.read_bytes().startswith(b"%PDF")
    assert "saved" in told.args[1]


def test_no_open_order_leaves_scans_to_others(tab) -> None:
    assert tab.handle_scan("356938035643809") is False


def test_carrier_is_guessed_from_the_tracking_number(qtbot) -> None:
    assert guess_carrier("1Z999AA10123456784") == "UPS"
    assert guess_carrier("AB123456789GB") == "Royal Mail"
    assert guess_carrier("hello") is None
    dialog = ShipDialog("SO100001", carrier="GLS")
    qtbot.addWidget(dialog)
    dialog.tracking.setText("1Z999AA10123456784")
    assert dialog.carrier_name() == "GLS"  # the packer's own choice wins
