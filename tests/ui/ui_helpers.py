"""Helpers for GUI tests: demo-like data in a temporary database, timed scanner keystrokes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from app.db import Database
from app.domain.catalog import ProductSpec
from app.domain.codes import luhn_check_digit
from app.domain.inventory import Receipt, receive_unit

IPHONE = ProductSpec("Apple", "iPhone 13", "A2633", "Unlocked", "128GB", "Midnight")
PIXEL = ProductSpec("Google", "Pixel 7", "GVU6C", "Unlocked", "128GB", "Obsidian")


def imei(n: int) -> str:
    body = f"35693803{n:06d}"
    return body + luhn_check_digit(body)


def bad_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def receive(db: Database, codes, *, product: ProductSpec = IPHONE, grade: str = "A", conditions=(), sku=None,
            status: str = "Available") -> None:
    with db.sessions.begin() as s:
        for code in codes:
            receive_unit(s, Receipt(product, grade, tuple(conditions), status, "Main", sku), code=code)


class ScannerKeys:
    """Types codes into a widget as a keyboard-wedge scanner would: 4 ms apart, explicit timestamps."""

    def __init__(self, start: int = 5_000_000, gap_ms: int = 4) -> None:
        self.now = start
        self.gap_ms = gap_ms

    def scan(self, widget: QWidget, code: str, terminator: str = "\r") -> None:
        for ch in code + terminator:
            self.now += self.gap_ms
            self._press(widget, ch)
        self.now += 2000  # the next scan is a human moment later

    def type(self, widget: QWidget, text: str, gap_ms: int = 150) -> None:
        for ch in text:
            self.now += gap_ms
            self._press(widget, ch)

    def _press(self, widget: QWidget, ch: str) -> None:
        key = _key_for(ch)
        text = "" if ch in "\r\t" else ch
        modifiers = Qt.KeyboardModifier.ShiftModifier if ch.isupper() else Qt.KeyboardModifier.NoModifier
        target = QApplication.focusWidget() or widget
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, modifiers, text)
            event.setTimestamp(self.now)
            QApplication.sendEvent(target, event)


def _key_for(ch: str) -> int:
    if ch == "\r":
        return Qt.Key.Key_Return.value
    if ch == "\t":
        return Qt.Key.Key_Tab.value
    return QKeySequence(ch.upper())[0].key().value if ch.strip() else Qt.Key.Key_Space.value


def sell(db: Database, code: str, customer: str = "Jane Doe", tracking: str = "1Z999") -> str:
    """Put a received unit on a direct order and ship it; returns the order number."""
    from app.domain import fulfilment, orders
    from app.domain.inventory import find_unit

    with db.sessions.begin() as s:
        unit = find_unit(s, code)
        order, _ = orders.create_direct_order(s, customer, [orders.LineRequest(1, variation_id=unit.variation_id)])
        number = order.number
        fulfilment.commit_unit(s, number, code)
        fulfilment.ship_order(s, number, tracking, "UPS")
    return number
