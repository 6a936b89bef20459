"""The packing station's keyboard: focusable buttons with shortcuts, so a packer never needs the mouse."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

UNDO_KEY = QKeySequence("Ctrl+Z")
SLIP_KEY = QKeySequence("Ctrl+P")
SHIP_KEY = QKeySequence("F9")


def key_text(key: QKeySequence) -> str:
    return key.toString(QKeySequence.SequenceFormat.NativeText)


def give_key(page: QWidget, button: QPushButton, key: QKeySequence, what: str,
             why_not: Callable[[], None]) -> QShortcut:
    """Tab reaches the button and the key presses it; the tooltip names the key.

    The shortcut belongs to the packing page, so it is live only while that page is showing (a
    hidden page's shortcuts are dead) and not while a dialog is in front. When the button is off,
    the key still answers: `why_not` tells the packer why nothing happened.
    """
    shortcut = QShortcut(key, page)
    shortcut.activated.connect(lambda: button.click() if button.isEnabled() else why_not())
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    # Outside a dialog Enter never presses a push button unless it is auto-default: a scanner's
    # Enter must not ship or undo just because a button has focus.
    button.setAutoDefault(False)
    button.setDefault(False)
    button.setToolTip(f"{what} ({key_text(key)})")
    return shortcut
