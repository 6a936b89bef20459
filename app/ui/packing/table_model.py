"""A read-only table model over a list of frozen rows, with its columns declared as data.

Shared by the packing station and the Back Market tab: each screen lists its columns (title, how
to read a row, alignment) and, optionally, how a whole row is coloured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

#: The role sorting uses: numbers sort as numbers, blanks last.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    align: Qt.AlignmentFlag = LEFT
    sort_key: Callable[[Row], Any] | None = None
    tooltip: Callable[[Row], str] | None = None


@dataclass(frozen=True)
class RowStyle:
    background: str | None = None
    foreground: str | None = None


class RowTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, columns: Sequence[Column[Row]], style: Callable[[Row], RowStyle | None] | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []
        self._style = style
        self._sort: tuple[int, Qt.SortOrder] | None = None  # set by sort(): new rows arrive sorted

    # --- content ---------------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self._rows_changed()
        self.endResetModel()

    def merge_rows(self, fresh: Sequence[Row], asked: set, key: Callable[[Row], object]) -> None:
        """Fresh copies of the rows whose key was `asked` for: replaced where they are, dropped when
        `fresh` has no row for them, added when new. Rows that keep their places are repainted
        without resetting the model (the view keeps its scroll and selection)."""
        by_key = {key(r): r for r in fresh}
        merged: list[Row] = []
        changed: list[int] = []
        for row in self._rows:
            k = key(row)
            if k not in asked:
                merged.append(row)
            elif k in by_key:
                changed.append(len(merged))
                merged.append(by_key.pop(k))
        merged.extend(by_key.values())  # newly listed
        in_place = len(merged) == len(self._rows) and not by_key and self._in_order_at(merged, changed)
        if not in_place:
            self.set_rows(merged)
            return
        self._rows = merged
        self._rows_changed()
        last = self.columnCount() - 1
        for position in changed:
            self.dataChanged.emit(self.index(position, 0), self.index(position, last))

    def _rows_changed(self) -> None:
        """After the rows were replaced or reordered (subclasses keep their look-ups here)."""

    # --- sorting: in Python, by the columns' sort keys -------------------------------------
    # A QSortFilterProxyModel sorting through data() calls would hold the GUI thread for a
    # second at 10,000 rows; sorted() does it in milliseconds. Proxies pass sort() on (sort_in_source).

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        kept = [(index, id(self._rows[index.row()])) for index in self.persistentIndexList()
                if index.isValid() and index.row() < len(self._rows)]
        self._rows = self._sorted(self._rows)
        self._rows_changed()
        position = {id(r): i for i, r in enumerate(self._rows)}
        for index, key in kept:  # the selection follows its row
            self.changePersistentIndex(index, self.index(position[key], index.column()))
        self.layoutChanged.emit()

    def _row_key(self) -> Callable[[Row], tuple]:
        assert self._sort is not None
        column = self._sort[0]
        key = self._columns[column].sort_key or self._columns[column].text

        def sort_key(row: Row):
            value = key(row)
            if isinstance(value, (int, float)):
                return (0, value, "")
            text = str(value).lower()
            return (1, 0, text) if text else (2, 0, "")  # blanks last

        return sort_key

    def _sorted(self, rows: Sequence[Row]) -> list[Row]:
        if self._sort is None:
            return list(rows)
        return sorted(rows, key=self._row_key(), reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)

    def _in_order_at(self, rows: list[Row], positions: list[int]) -> bool:
        """Whether the rows at `positions` still sit between their neighbours in the sort order."""
        if self._sort is None:
            return True
        key = self._row_key()
        descending = self._sort[1] == Qt.SortOrder.DescendingOrder

        def before(a: Row, b: Row) -> bool:
            ka, kb = key(a), key(b)
            return ka >= kb if descending else ka <= kb

        last = len(rows) - 1
        return all((p == 0 or before(rows[p - 1], rows[p])) and (p == last or before(rows[p], rows[p + 1]))
                   for p in positions)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def column_titles(self) -> list[str]:
        return [c.title for c in self._columns]

    # --- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (0 <= index.column() < len(self._columns)):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            key = column.sort_key(row) if column.sort_key else column.text(row)
            return key if isinstance(key, (int, float, str)) else str(key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align.value)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and self._style is not None:
            style = self._style(row)
            colour = None if style is None else (
                style.background if role == Qt.ItemDataRole.BackgroundRole else style.foreground)
            return QBrush(QColor(colour)) if colour else None
        return None


def sort_in_source(proxy, column: int, order: Qt.SortOrder) -> bool:
    """A filter proxy's sort(): have its RowTableModel sort itself; the proxy keeps source order."""
    source = proxy.sourceModel()
    if not isinstance(source, RowTableModel):
        return False
    proxy.setDynamicSortFilter(False)
    source.sort(column, order)
    return True
