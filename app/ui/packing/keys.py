"""The packing station's keyboard: focusable buttons with shortcuts, so a packer never needs the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton

UNDO_KEY = QKeySequence("Ctrl+Z")
SLIP_KEY = QKeySequence("Ctrl+P")
SHIP_KEY = QKeySequence("F9")


def key_text(key: QKeySequence) -> str:
    return key.toString(QKeySequence.SequenceFormat.NativeText)


def give_key(button: QPushButton, key: QKeySequence, what: str) -> None:
    """Tab reaches the button and its shortcut presses it (only while the packing tab is showing:
    a button's shortcut is dead while its page is hidden); the tooltip names the key."""
    button.setShortcut(key)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    # Outside a dialog Enter never presses a push button unless it is auto-default: a scanner's
    # Enter must not ship or undo just because a button has focus.
    button.setAutoDefault(False)
    button.setDefault(False)
    button.setToolTip(f"{what} ({key_text(key)})")
