"""The big green/red/grey line a packer reads from a metre away after every scan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

OK = "ok"
REFUSAL = "refusal"
INFO = "info"

# High-contrast pairs (background, text): readable on a washed-out warehouse monitor.
_COLOURS = {
    OK: ("#1e7e34", "#ffffff"),
    REFUSAL: ("#c62828", "#ffffff"),
    INFO: ("#e0e0e0", "#212121"),
}
_MARKS = {OK: "✓ ", REFUSAL: "✗ ", INFO: ""}


class VerdictBanner(QLabel):
    """A QLabel that shows one verdict at a time: `show_ok`, `show_refusal`, `show_info`.

    The mark (✓/✗) is part of the text so the verdict survives colour blindness and grey-scale
    screenshots. `kind` tells tests (and sounds) which verdict is showing.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, *, point_size: int = 22) -> None:
        super().__init__(parent)
        self.kind = INFO
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        font = QFont(self.font())
        font.setPointSize(point_size)
        font.setBold(True)
        self.setFont(font)
        self.setMinimumHeight(int(point_size * 3))
        self._paint(INFO, text)

    def show_ok(self, text: str) -> None:
        self._paint(OK, text)

    def show_refusal(self, text: str) -> None:
        self._paint(REFUSAL, text)

    def show_info(self, text: str) -> None:
        self._paint(INFO, text)

    def message(self) -> str:
        """The text without the ✓/✗ mark."""
        mark = _MARKS[self.kind]
        return self.text()[len(mark):] if mark and self.text().startswith(mark) else self.text()

    def _paint(self, kind: str, text: str) -> None:
        self.kind = kind
        background, foreground = _COLOURS[kind]
        self.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground};"
            " border-radius: 6px; padding: 10px 16px; }"
        )
        self.setText(f"{_MARKS[kind]}{text}" if text else "")
