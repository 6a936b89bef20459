"""Password and token fields are no-scan zones: a password manager types fast, and must reach the field.

Scanned codes are logged at DEBUG only: a badge is a credential, an IMEI is a customer's phone.
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QLineEdit

from app.ui.scanner.wedge_filter import NO_SCAN_PROPERTY
from test_wedge_filter import IMEI, SCANNER_GAP_MS, Clock, scan, scan_filter, type_text, window  # noqa: F401

pytestmark = pytest.mark.gui

PASSWORD = "Xk29fLq83mZp01aa"  # what a password manager types, 4 ms a key


def _field(window, *, echo: QLineEdit.EchoMode = QLineEdit.EchoMode.Normal, no_scan: bool = False) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(echo)
    if no_scan:
        field.setProperty(NO_SCAN_PROPERTY, True)
    window.layout().addWidget(field)
    field.setFocus()
    return field


@pytest.mark.parametrize("echo", [QLineEdit.EchoMode.Password, QLineEdit.EchoMode.PasswordEchoOnEdit])
def test_fast_typing_into_a_password_field_is_not_a_scan(qtbot, scan_filter, window, echo) -> None:
    field = _field(window, echo=echo)
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        with qtbot.waitSignal(field.returnPressed, timeout=1000):
            type_text(field, PASSWORD + "\r", Clock(), SCANNER_GAP_MS)
    assert field.text() == PASSWORD


def test_a_field_marked_no_scan_keeps_what_is_typed_fast(qtbot, scan_filter, window) -> None:
    field = _field(window, no_scan=True)
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        with qtbot.waitSignal(field.returnPressed, timeout=1000):
            scan(field, IMEI, Clock())
    assert field.text() == IMEI


def test_a_scan_after_leaving_the_password_field_is_a_scan_again(qtbot, scan_filter, window) -> None:
    field = _field(window, echo=QLineEdit.EchoMode.Password)
    clock = Clock()
    type_text(field, PASSWORD[:8], clock, SCANNER_GAP_MS)  # half a password, then focus moves on
    window.filter_box.setFocus()
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as blocker:
        scan(window.filter_box, IMEI, clock)
    assert blocker.args == [IMEI]
    assert field.text() == PASSWORD[:8] and window.filter_box.text() == ""


def test_scanned_codes_are_logged_at_debug_only(qtbot, scan_filter, window, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000):
        scan(window.filter_box, IMEI, Clock())
    assert [r for r in caplog.records if IMEI in r.getMessage()]  # it is logged, for debugging
    loud = [r for r in caplog.records if IMEI in r.getMessage() and r.levelno >= logging.INFO]
    assert loud == []


def test_a_field_marked_no_scan_between_two_bursts_keeps_the_second(qtbot, scan_filter, window) -> None:
    # The filter asks whether a field is a no-scan zone once per burst: the next burst asks again.
    field = _field(window)
    clock = Clock()
    with qtbot.waitSignal(scan_filter.code_scanned, timeout=1000) as blocker:
        scan(field, IMEI, clock)
    assert blocker.args == [IMEI] and field.text() == ""
    field.setProperty(NO_SCAN_PROPERTY, True)  # e.g. the field turned into a PIN field
    with qtbot.assertNotEmitted(scan_filter.code_scanned):
        with qtbot.waitSignal(field.returnPressed, timeout=1000):
            type_text(field, PASSWORD + "\r", clock, SCANNER_GAP_MS)
    assert field.text() == PASSWORD
