"""The app-wide keyboard-wedge filter, fed with key events carrying explicit timestamps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.scanner.decoder import ScannerSettings
from app.ui.scanner.wedge_filter import SCAN_TARGET_PROPERTY, WedgeScanFilter

pytestmark = pytest.mark.gui

IMEI = "356938035643809"
SCANNER_GAP_MS = 4
PERSON_GAP_MS = 140


class Clock:
    """Hands out key-event timestamps, so tests control timing without sleeping."""

    def __init__(self, start: int = 1_000_000) -> None:
        self.now = start

    def tick(self, ms: int) -> int:
        self.now += ms
        return self.now


def press(widget: QWidget, key: int, text: str, timestamp: int) -> QKeyEvent:
    modifiers = Qt.KeyboardModifier.ShiftModifier if text.isupper() else Qt.KeyboardModifier.NoModifier
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, modifiers, text)
        event.setTimestamp(timestamp)
        QApplication.sendEvent(widget, event)
        if kind == QEvent.Type.KeyPress:
            pressed = event
    return pressed


def key_for(ch: str) -> int:
    if ch == "\r":
        return Qt.Key.Key_Return.value
    if ch == "\t":
        return Qt.Key.Key_Tab.value
    return QKeySequence(ch.upper())[0].key().value if ch.strip() else Qt.Key.Key_Space.value


def type_text(widget: QWidget, text: str, clock: Clock, gap_ms: int) -> None:
    for ch in text:
        press(widget, key_for(ch), ch, clock.tick(gap_ms))


def scan(widget: QWidget, code: str, clock: Clock, terminator: str = "\r") -> None:
    clock.tick(1000)  # the scanner fires well after whatever came before
    type_text(widget, code + terminator, clock, SCANNER_GAP_MS)


@pytest.fixture
def scan_filter(qapp: QApplication) -> Iterator[WedgeScanFilter]:
    wedge = WedgeScanFilter(ScannerSettings())
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)


class PackingScreen(QWidget):
    """Stand-in for a screen with a filter box and a notes field."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.filter_box = QLineEdit(objectName="filter_box")
        self.notes = QPlainTextEdit(objectName="notes")
        layout.addWidget(self.filter_box)
        layout.addWidget(self.notes)


@pytest.fixture
def window(qtbot) -> PackingScreen:
    window = PackingScreen()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_scan_into_line_edit_emits_code_and_leaves_text_alone(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    box.setFocus()
    clock = Clock()
    type_text(box, "ipho", clock, PERSON_GAP_MS)
    box.setCursorPosition(2)
    returned: list[bool] = []
    box.returnPressed.connect(lambda: returned.append(True))
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as blocker:
        scan(box, IMEI, clock)
    assert blocker.args == [IMEI]
    assert box.text() == "ipho"
    assert box.cursorPosition() == 2
    assert returned == []  # the Enter was swallowed


def test_slow_typing_passes_through_untouched(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    box.setFocus()
    clock = Clock()
    returned: list[bool] = []
    box.returnPressed.connect(lambda: returned.append(True))
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        type_text(box, "Pixel 7\r", clock, PERSON_GAP_MS)
    assert box.text() == "Pixel 7"
    assert returned == [True]


def test_fast_but_short_burst_is_typing(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    clock = Clock()
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        type_text(box, "ab\r", clock, SCANNER_GAP_MS)
    assert box.text() == "ab"


def test_scan_replacing_a_selection_restores_it(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    box.setText("grade A")
    box.setSelection(6, 1)
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as blocker:
        scan(box, "ORD-2291", Clock())
    assert blocker.args == ["ORD-2291"]
    assert box.text() == "grade A" and box.selectedText() == "A"


def test_scan_into_plain_text_edit_is_undone(qtbot, scan_filter, window) -> None:
    notes: QPlainTextEdit = window.notes
    notes.setPlainText("screen scratched")
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as blocker:
        scan(notes, IMEI, Clock(), terminator="\t")
    assert blocker.args == [IMEI]
    assert notes.toPlainText() == "screen scratched"


def test_scan_target_keeps_text_and_gets_enter(qtbot, scan_filter, window) -> None:
    tracking = QLineEdit()
    tracking.setProperty(SCAN_TARGET_PROPERTY, True)
    window.layout().addWidget(tracking)
    tracking.setFocus()
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        with qtbot.waitSignal(tracking.returnPressed, timeout=1000):
            scan(tracking, "1Z999AA10123456784", Clock())
    assert tracking.text() == "1Z999AA10123456784"


def test_double_trigger_within_window_emits_once(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    clock = Clock()
    seen: list[str] = []
    scan_filter.code_scanned.connect(seen.append)
    type_text(box, IMEI + "\r", clock, SCANNER_GAP_MS)
    clock.tick(300)
    type_text(box, IMEI + "\r", clock, SCANNER_GAP_MS)
    assert seen == [IMEI]
    assert box.text() == ""  # the repeat is still recognised as a scan and cleaned up
    clock.tick(2000)
    type_text(box, IMEI + "\r", clock, SCANNER_GAP_MS)
    assert seen == [IMEI, IMEI]


def test_scan_does_not_press_the_default_button(qtbot, scan_filter) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    field = QLineEdit(dialog)
    ok = QPushButton("Ship", dialog)
    ok.setDefault(True)
    layout = QVBoxLayout(dialog)
    layout.addWidget(field)
    layout.addWidget(ok)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.assertNotEmitted(ok.clicked):
        with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000):
            scan(field, "ORD-77", Clock())
    assert dialog.isVisible() and field.text() == ""


def test_scan_on_a_plain_widget_still_emits_once(qtbot, scan_filter, window) -> None:
    # The event travels from the button up to the window; it must be counted only once.
    button = QPushButton("Undo")
    window.layout().addWidget(button)
    seen: list[str] = []
    scan_filter.code_scanned.connect(seen.append)
    clock = Clock()
    type_text(button, "ORD-1\rORD-2\r", clock, SCANNER_GAP_MS)
    assert seen == ["ORD-1", "ORD-2"]


def test_shift_presses_between_capitals_do_not_break_the_burst(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    clock = Clock()
    seen: list[str] = []
    scan_filter.code_scanned.connect(seen.append)
    clock.tick(1000)
    for ch in "BM42\r":
        press(box, Qt.Key.Key_Shift.value, "", clock.tick(1))
        press(box, key_for(ch), ch, clock.tick(SCANNER_GAP_MS))
    assert seen == ["BM42"]


def test_scan_claims_enter_from_a_shortcut(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    fired: list[bool] = []
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_Return), window)
    shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
    shortcut.activated.connect(lambda: fired.append(True))
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000):
        scan(box, IMEI, Clock())
    assert fired == []


def test_settings_change_at_runtime(qtbot, scan_filter, window) -> None:
    box: QLineEdit = window.filter_box
    scan_filter.set_settings(ScannerSettings(prefix="#", min_length=6))
    assert scan_filter.settings.prefix == "#"
    seen: list[str] = []
    scan_filter.code_scanned.connect(seen.append)
    clock = Clock()
    scan(box, "#ORD-1", clock)  # too short once the prefix is gone: typing, not a scan
    assert seen == [] and box.text() == "#ORD-1"
    box.clear()
    scan(box, "#ORD-12", clock)
    assert seen == ["ORD-12"] and box.text() == ""
