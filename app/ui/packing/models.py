"""The packing station's two tables: the open orders (filterable) and the open order's lines."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.domain.dates import sort_key, when
from app.domain.packing_query import OrderRow, PackingLine
from app.ui.packing.table_model import CENTER, Column, RowStyle, RowTableModel, SORT_ROLE, sort_in_source

UNMAPPED_HINT = "unmapped listing — map it in Back Market tab"

_COMPLETE = RowStyle(background="#d8f0dc")
_WARNING = RowStyle(background="#ffe8b3")
_CLOSED = RowStyle(foreground="#8a8a8a")


def _created(row: OrderRow) -> str:
    return when(row.created_at)


ORDER_COLUMNS: list[Column[OrderRow]] = [
    Column("Order", lambda r: r.number),
    Column("Channel", lambda r: r.channel),
    Column("Customer", lambda r: r.customer, tooltip=lambda r: r.customer),
    Column("Status", lambda r: r.status),
    Column("Scanned", lambda r: f"{r.scanned} / {r.wanted}", CENTER, sort_key=lambda r: r.wanted - r.scanned),
    Column("Created", _created, sort_key=lambda r: sort_key(r.created_at)),
]


def _order_style(row: OrderRow) -> RowStyle | None:
    return _COMPLETE if row.complete else None


class OrderListModel(RowTableModel[OrderRow]):
    def __init__(self, parent=None) -> None:
        super().__init__(ORDER_COLUMNS, _order_style, parent)

    def row_of(self, number: str) -> int:
        wanted = number.strip().upper()
        return next((i for i, r in enumerate(self._rows) if r.number.upper() == wanted), -1)


class OrderFilterProxy(QSortFilterProxyModel):
    """Channel and status filters; an empty filter lets every order through."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._channel = ""
        self._status = ""
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not sort_in_source(self, column, order):
            super().sort(column, order)

    def set_filters(self, channel: str, status: str) -> None:
        if (channel, status) != (self._channel, self._status):
            self.beginFilterChange()
            self._channel, self._status = channel, status
            self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        row = model.row_at(source_row) if isinstance(model, OrderListModel) else None
        if row is None:
            return False
        return (not self._channel or row.channel == self._channel) and (not self._status or row.status == self._status)


def line_note(line: PackingLine) -> str:
    if line.closed:
        return f"{line.closed_why} on the marketplace — do not pack"
    if line.unmapped:
        return UNMAPPED_HINT
    if line.scanned >= line.quantity:
        return "complete ✓"
    return f"{line.missing} to scan"


def _line_style(line: PackingLine) -> RowStyle | None:
    if line.closed:
        return _CLOSED
    if line.unmapped:
        return _WARNING
    return _COMPLETE if line.scanned >= line.quantity else None


LINE_COLUMNS: list[Column[PackingLine]] = [
    Column("Wants", lambda l: l.wants, tooltip=lambda l: l.wants),
    Column("Scanned", lambda l: f"{l.scanned} / {l.quantity}", CENTER, sort_key=lambda l: l.missing),
    Column("IMEIs / serials", lambda l: " ".join(l.codes), tooltip=lambda l: "\n".join(l.codes)),
    Column("", line_note),
]


class OrderLinesModel(RowTableModel[PackingLine]):
    def __init__(self, parent=None) -> None:
        super().__init__(LINE_COLUMNS, _line_style, parent)
