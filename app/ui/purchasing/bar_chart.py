"""A horizontal bar chart painted with QPainter: 0 MB added to the package (PySide6-Essentials has
no QtCharts; the Addons wheel that has it costs far more than a few bars need).

Bars are horizontal so long names (a warehouse, a vendor) are read, not rotated; each bar carries
its value as text, so the chart survives grey-scale print-outs and colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#4e342e", "#37474f")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown, e.g. "12,400.00 (62 units)"
    colour: str = PALETTE[0]


class BarChart(QWidget):
    ROW = 26

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: tuple[Bar, ...] = ()
        self.empty_text = "Nothing to show yet."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(self._height_for(3))

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = tuple(bars)
        self.setMinimumHeight(self._height_for(max(len(self.bars), 1)))
        self.updateGeometry()
        self.update()

    def _height_for(self, rows: int) -> int:
        return 34 + rows * self.ROW + 8

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(420, self._height_for(max(len(self.bars), 1)))

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSize(title_font.pointSize() + 1)
        painter.setFont(title_font)
        painter.setPen(QColor("#212121"))
        painter.drawText(QRectF(8, 4, self.width() - 16, 24), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.title)
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        if not self.bars:
            painter.setPen(QColor("#757575"))
            painter.drawText(QRectF(8, 34, self.width() - 16, self.ROW), Qt.AlignmentFlag.AlignVCenter, self.empty_text)
            painter.end()
            return
        label_w = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 12, int(self.width() * 0.38))
        text_w = max(metrics.horizontalAdvance(b.text) for b in self.bars) + 12
        left, right = 8 + label_w, self.width() - 8 - text_w
        span = max(right - left, 10)
        top_value = max((b.value for b in self.bars), default=0) or 1
        painter.setPen(QPen(QColor("#bdbdbd"), 1))
        painter.drawLine(left, 32, left, 34 + len(self.bars) * self.ROW)
        for i, bar in enumerate(self.bars):
            y = 34 + i * self.ROW
            painter.setPen(QColor("#212121"))
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w - 8)
            painter.drawText(QRectF(8, y, label_w - 8, self.ROW), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             label)
            width = span * max(bar.value, 0) / top_value
            painter.fillRect(QRectF(left + 1, y + 5, max(width, 1 if bar.value > 0 else 0), self.ROW - 10),
                             QColor(bar.colour))
            painter.drawText(QRectF(left + width + 6, y, text_w, self.ROW),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)
        painter.end()
