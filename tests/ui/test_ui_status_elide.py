"""A long status message elides (the full text as its tooltip) and never widens the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from test_ui_main_window import _factories

pytestmark = pytest.mark.gui


def test_a_long_status_message_keeps_the_window_width(qtbot, ctx, tmp_path):
    win = MainWindow(ctx, factories=_factories(), start_sync=False,
                     geometry=QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat),
                     station_path=tmp_path / "station.json")
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.width() == 1024)
    text = ("IMEI 356938035643809 refused: " + "the unit is committed to order BM-40006 and cannot be moved " * 10)[:500]
    assert len(text) == 500
    win.status.say(text, refusal=True)
    win.layout().activate()
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    label = win.status.message_label
    assert win.minimumSizeHint().width() <= 1024
    assert win.width() == 1024
    assert label.toolTip() == "✗ " + text
    shown = label.text()
    assert shown != label.toolTip() and shown.endswith("…") and len(shown) < len(label.toolTip())
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()
    # a short message shows whole
    win.status.say("Station settings saved.")
    QApplication.processEvents()
    assert label.text() == "Station settings saved." and label.toolTip() == "Station settings saved."
    win.close()
