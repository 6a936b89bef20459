"""Packing without the mouse: scans and the keyboard only (issue #14, item 2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabWidget

from app.domain import inventory, orders
from app.scanner.decoder import ScannerSettings
from app.ui.packing.tab import PackingTab
from app.ui.scan_router import ScanRouter
from app.ui.scanner import WedgeScanFilter

from packing_helpers import Clock, direct_order, make_imei, press, scan_keys, seed_stock

pytestmark = pytest.mark.gui

IP13_A, PIXEL = "IP13-128-MID-A", "PX7-128-OBS-A"
TRACKING = "1Z999AA10123456784"


@pytest.fixture
def stock(db):
    return seed_stock(db)


@pytest.fixture
def station(qtbot, ctx, stock):
    """The packing tab as the main window shows it: a page of a tab widget, in an active window."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tab = PackingTab(ctx)
    tabs.addTab(QTabWidget(), "Inventory")
    tabs.addTab(tab, "Packing")
    tabs.setCurrentWidget(tab)
    tabs.resize(1280, 800)
    tabs.show()
    tabs.activateWindow()
    qtbot.waitActive(tabs)
    with qtbot.waitSignal(tab.orders_loaded, timeout=5000):
        pass
    yield tabs, tab
    tab.shutdown()
    ctx.wait(10000)


@pytest.fixture
def wedge(qapp):
    scan_filter = WedgeScanFilter(ScannerSettings())
    qapp.installEventFilter(scan_filter)
    yield scan_filter
    qapp.removeEventFilter(scan_filter)


def _scan(qtbot, tab: PackingTab, code: str, clock: Clock) -> tuple[str, str]:
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
        scan_keys(QApplication.focusWidget() or tab, code, clock)
    return tuple(verdict.args)


def _key(qtbot, tabs: QTabWidget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or tabs, key, modifier)


def test_buttons_take_focus_and_name_their_keys(qtbot, station, db) -> None:
    tabs, tab = station
    number = direct_order(db, "Ada", [(PIXEL, 1)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    for button, key in ((tab.undo_button, "Ctrl+Z"), (tab.slip_button, "Ctrl+P"), (tab.ship_button, "F9")):
        assert button.focusPolicy() == Qt.FocusPolicy.StrongFocus
        assert key in button.toolTip() and key in button.text()
    tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tabs.tabBar(), timeout=5000)
    _key(qtbot, tabs, Qt.Key.Key_Tab)  # Tab leaves the tab bar for the packing buttons
    assert QApplication.focusWidget() in (tab.undo_button, tab.slip_button, tab.ship_button)
    assert QApplication.focusWidget() is tab.slip_button  # nothing scanned yet: Undo and Ship are off


def test_a_whole_packing_flow_by_keyboard_and_scans(qtbot, station, wedge, ctx, db, stock) -> None:
    tabs, tab = station
    number = direct_order(db, "Ada Lovelace", [(IP13_A, 2)], address="1 Dock Rd\nLondon")
    router = ScanRouter(ctx, current_tab=lambda: tab, open_order=tab.open_order,
                        show_details=lambda report: None, say=lambda text, bad: None, parent=tab)
    wedge.code_scanned.connect(router.route)
    clock = Clock()
    tabs.tabBar().setFocus()  # where focus sits when the packer comes to the tab
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        scan_keys(QApplication.focusWidget(), number, clock)
    first, second = stock.by_sku[IP13_A][:2]
    assert _scan(qtbot, tab, first, clock)[0] == "ok"

    kind, text = _scan(qtbot, tab, TRACKING, clock)  # incomplete order: not a unit, refused as today
    assert kind == "refusal" and "unknown unit" in text.lower() and tab.ship_dialog is None

    assert _scan(qtbot, tab, second, clock)[0] == "ok"
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 0, timeout=5000)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as undone:
        _key(qtbot, tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert second in undone.args[1] and undone.args[0] == "info"
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 1, timeout=5000)
    assert _scan(qtbot, tab, second, clock)[0] == "ok"
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 0, timeout=5000)

    # A complete order: a real unit's IMEI and an unknown IMEI still get the commit checks' refusals.
    kind, text = _scan(qtbot, tab, second, clock)
    assert kind == "refusal" and "already committed" in text and tab.ship_dialog is None
    kind, text = _scan(qtbot, tab, make_imei(99_999_999), clock)
    assert kind == "refusal" and "unknown unit" in text.lower() and tab.ship_dialog is None

    _scan(qtbot, tab, TRACKING, clock)  # the carrier label: Ship opens with the number filled in
    dialog = tab.ship_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.tracking_number() == TRACKING and dialog.carrier_name() == "UPS"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.tracking, timeout=5000)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        press(QApplication.focusWidget(), "\r", clock.tick(1500))  # the packer's own Enter
    assert shipped.args[0] == "ok" and "Shipped" in shipped.args[1]
    with db.reads() as s:
        order = orders.get_order(s, number)
        assert order.status.name == "Shipped" and order.tracking_number == TRACKING


def test_f9_opens_ship_and_ctrl_p_prints_the_slip(qtbot, station, db, stock, monkeypatch, tmp_path) -> None:
    import app.ui.packing.slip as slip

    tabs, tab = station
    number = direct_order(db, "Ada", [(PIXEL, 1)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000):
        tab.handle_scan(stock.imei(PIXEL))
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 0 and tab.ship_button.isEnabled(),
                    timeout=5000)
    target = tmp_path / "slip.pdf"
    monkeypatch.setattr(slip, "default_printer", lambda: None)
    monkeypatch.setattr(slip.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    tabs.tabBar().setFocus()
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        _key(qtbot, tabs, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert target.exists() and "saved" in told.args[1]
    _key(qtbot, tabs, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: tab.ship_dialog is not None and tab.ship_dialog.isVisible(), timeout=5000)
    assert tab.ship_dialog.tracking_number() == ""


def test_a_key_whose_button_is_off_says_why(qtbot, station, db, stock) -> None:
    tabs, tab = station
    tabs.tabBar().setFocus()
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        _key(qtbot, tabs, Qt.Key.Key_F9)
    assert told.args[1] == "Open an order first: scan its packing slip."
    number = direct_order(db, "Ada", [(PIXEL, 1)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        _key(qtbot, tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert told.args[1] == "Nothing to undo on this order."
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:
        _key(qtbot, tabs, Qt.Key.Key_F9)
    assert told.args[1] == f"Nothing is scanned onto {number} yet." and tab.ship_dialog is None


def test_scanning_the_label_right_after_the_last_unit_ships_without_asking(qtbot, station, wedge, ctx, db,
                                                                           stock, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    tabs, tab = station
    number = direct_order(db, "Ada", [(PIXEL, 1)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    asked: list[bool] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(True) or QMessageBox.StandardButton.No)
    tab.handle_scan(stock.imei(PIXEL))  # the label follows at once, before the order's details reload
    tab.handle_scan(TRACKING)
    qtbot.waitUntil(lambda: tab.ship_dialog is not None and tab.ship_dialog.isVisible(), timeout=5000)
    assert asked == [] and tab.ship_dialog.tracking_number() == TRACKING
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000):
        tab.ship_dialog.ship_button.click()
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.status == "Shipped", timeout=5000)
    tabs.activateWindow()  # the closed dialog leaves no active window on the offscreen platform
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tabs, timeout=5000)
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as told:  # Ctrl+Z never frees a shipped unit
        _key(qtbot, tabs, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "cannot be undone" in told.args[1]
    with db.reads() as s:
        assert orders.get_order(s, number).status.name == "Shipped"
        assert inventory.find_unit(s, stock.imei(PIXEL)).status.name == "Sold"
