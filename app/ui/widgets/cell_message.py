"""A red note pinned under a table cell: a refusal shown right where the user typed."""

from __future__ import annotations

from PySide6.QtCore import QRect, QTimer
from PySide6.QtWidgets import QLabel, QWidget


class CellMessage(QLabel):
    """Child of a view's viewport, so it scrolls out of the way with the cell and shows in grabs."""

    def __init__(self, parent: QWidget, *, timeout_ms: int = 10000) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel { background: #fdecea; color: #b71c1c; border: 2px solid #c62828;"
            " border-radius: 4px; padding: 6px 8px; font-weight: bold; }"
        )
        self.hide()
        self._timer = QTimer(self, singleShot=True, interval=timeout_ms)
        self._timer.timeout.connect(self.hide)

    def show_under(self, cell: QRect, text: str) -> None:
        self.setText(text)
        parent = self.parentWidget()
        width = max(cell.width(), min(520, parent.width() - 8))
        x = max(0, min(cell.left(), parent.width() - width - 4))
        self.setFixedWidth(width)
        self.adjustSize()
        y = cell.bottom() + 2
        if y + self.height() > parent.height():  # near the bottom: above the cell instead
            y = max(0, cell.top() - self.height() - 2)
        self.move(x, y)
        self.show()
        self.raise_()
        self._timer.start()
