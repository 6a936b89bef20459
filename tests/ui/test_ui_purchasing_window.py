"""The purchasing tabs in the full main window: a scanner's keystrokes (the real wedge filter)
open a PO by its barcode and receive units on it; a packer does not see Reports (costs)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.purchasing import views
from purchasing_helpers import make_po, sign_in
from signin_helpers import add_operators
from test_ui_main_window import window  # noqa: F401 (fixture)
from ui_helpers import ScannerKeys, imei

pytestmark = pytest.mark.gui


def test_scanner_keystrokes_open_a_po_and_receive_on_the_purchasing_tab(qtbot, window, ctx) -> None:  # noqa: F811
    number = make_po(ctx.db, manifest_codes=[imei(1)])
    window.tabs.setCurrentWidget(window.purchasing)
    page = window.purchasing.receiving
    keys = ScannerKeys()
    with qtbot.waitSignal(page.po_loaded, timeout=10000):
        keys.scan(window, number)  # order-like: no such order, so it reaches the tab
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as green:
        keys.scan(window, imei(1))
    assert green.args[0] == "green"
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as amber:
        keys.scan(window, imei(2))
    assert amber.args[0] == "amber" and page.accept_button.isEnabled()
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as accepted:  # F7: accept, the scanner still in hand
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F7)
    assert accepted.args[1].startswith(f"Unexpected unit accepted: {imei(2)}")
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as red:
        keys.scan(window, imei(1))
    assert red.args[0] == "red" and page.banner.kind == "refusal"
    with ctx.db.reads() as s:
        assert views.po_view(s, number).received == 2
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.reports))


def test_a_packer_does_not_see_reports_nor_purchasing_actions(qtbot, window, ctx) -> None:  # noqa: F811
    from app.ui.signin import gates

    add_operators(ctx.db)
    sign_in(ctx.db, "Pat")
    gates.apply_role(window, gates.may)
    assert not window.tabs.isTabVisible(window.tabs.indexOf(window.reports))
    assert window.vendor_returns.create_button.isHidden()
    assert not window.purchasing.orders.pages.isTabVisible(1)
    sign_in(ctx.db, "Max")
    gates.apply_role(window, gates.may)
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.reports))
    assert not window.vendor_returns.create_button.isHidden()
