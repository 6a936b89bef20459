"""The orders list: the newest orders matching the filter (a few hundred rows, read off the GUI thread)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.domain import dates
from app.domain.orders_list import OrderSummary

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Order", "Channel", "Customer", "Status", "Scanned", "Created")


def local_time(moment) -> str:
    return dates.when(moment)


class OrdersModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[OrderSummary] = []

    def set_rows(self, rows: list[OrderSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def order(self, row: int) -> OrderSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, number: str) -> int | None:
        return next((i for i, o in enumerate(self._rows) if o.number == number), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        order = self.order(index.row()) if index.isValid() else None
        if order is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (order.number, order.channel, order.customer, order.status,
                    f"{order.scanned:,} of {order.units:,}", local_time(order.created_at))[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return order.customer
        if role == Qt.ItemDataRole.ForegroundRole and not order.is_open:
            return QColor("#757575")  # closed orders read as done
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
