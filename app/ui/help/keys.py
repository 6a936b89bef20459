"""The keyboard shortcuts the guide lists: read from the packing keys and the window's own actions,
so the list is always the keys the app really answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction

from app.ui.packing.keys import SHIP_KEY, SLIP_KEY, UNDO_KEY, key_text


@dataclass(frozen=True)
class Shortcut:
    keys: str
    what: str
    where: str


def app_shortcuts(actions: Iterable[tuple[QAction | None, str]]) -> list[Shortcut]:
    found = [Shortcut(key_text(UNDO_KEY), "Undo the last scan", "Packing"),
             Shortcut(key_text(SLIP_KEY), "Print the packing slip", "Packing"),
             Shortcut(key_text(SHIP_KEY), "Ship the order (or scan the carrier's label)", "Packing"),
             Shortcut("Enter", "Finish a typed code (a scanner sends it itself)", "Scan boxes"),
             Shortcut("Tab / Shift+Tab", "Move between fields and buttons", "Everywhere")]
    for action, what in actions:
        if action is not None and not action.shortcut().isEmpty():
            found.append(Shortcut(key_text(action.shortcut()), what, "Everywhere"))
    return found
