"""A one-line label that elides its text instead of growing (a status bar must never resize the window)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *, max_width: int = 320) -> None:
        super().__init__(parent)
        self._full = ""
        self.setMaximumWidth(max_width)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        self._full = text or ""
        self.setToolTip(self._full)
        self.updateGeometry()
        self._elide()

    def text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        hint = super().sizeHint()
        margins = self.contentsMargins()
        wanted = self.fontMetrics().horizontalAdvance(self._full) + 6 + margins.left() + margins.right() if self._full else 0
        return QSize(min(self.maximumWidth(), wanted), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(min(40, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width() - 2)
        QLabel.setText(self, self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))
