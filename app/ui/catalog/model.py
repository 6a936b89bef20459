"""A lazy table of variations: the filter result a page at a time, rows loaded 200 at a time.

Anki's browser and Qt's fetchmore example: `rowCount` grows as the view scrolls (`fetchMore`), so
100,000 variations open instantly and only what is on screen is ever read. The ids come in keyset
pages (catalog_query.matching_page): a word matching most of the catalog reads one page, not every id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.domain.catalog_query import CatalogRow, SortKey, StatusColumn

log = logging.getLogger(__name__)

BATCH = 200
RowLoader = Callable[[list[int]], dict[int, CatalogRow]]
PageLoader = Callable[[SortKey], tuple[list[int], SortKey | None]]  # the filter's ids after a key
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[CatalogRow], object]
    numeric: bool = False
    editable: bool = False
    tip: str = ""


def _conditions(row: CatalogRow) -> str:
    return " ".join(row.conditions)


FIXED = (
    Column("Product", lambda r: r.product),
    Column("Grade", lambda r: r.grade),
    Column("Conditions", _conditions),
    Column("SKU", lambda r: r.sku or "", editable=True),
)
SKU_COLUMN = 3


def _status_column(status: StatusColumn) -> Column:
    return Column(status.name, lambda r, sid=status.id: r.counts.get(sid, 0), numeric=True,
                  tip=f"Units in {status.name} that are on no open order")


# Committed units are counted here and in no status column: a phone scanned onto an order is not for sale.
ON_ORDERS = Column("On orders", lambda r: r.committed, numeric=True,
                   tip="Units scanned onto open orders (committed): not available, whatever their status")
TOTAL = Column("Total", lambda r: r.total, numeric=True, tip="Every unit of the variation")


def columns_for(statuses: list[StatusColumn]) -> list[Column]:
    return [*FIXED, *map(_status_column, statuses), ON_ORDERS, TOTAL]


class CatalogModel(QAbstractTableModel):
    """Variation ids in display order plus a cache of the rows loaded so far.

    Editing a SKU cell never changes the cache: `sku_edit_requested` asks the tab to try it in the
    database, and the row is reloaded only when the database accepted it.
    """

    sku_edit_requested = Signal(int, str, QPersistentModelIndex)  # variation id, typed SKU, cell

    def __init__(self, load_rows: RowLoader, parent=None, load_page: PageLoader | None = None) -> None:
        super().__init__(parent)
        self._load_rows = load_rows
        self._load_page = load_page
        self._after: SortKey | None = None  # where the next page of ids starts; None: all ids are here
        self._total: int | None = None
        self._ids: list[int] = []
        self._loaded = 0
        self._rows: dict[int, CatalogRow] = {}
        self._row_of: dict[int, int] = {}
        self._statuses: list[StatusColumn] = []
        self._columns: list[Column] = columns_for([])

    # --- loading ------------------------------------------------------------------------

    def set_result(self, ids: list[int], statuses: list[StatusColumn], first_rows: dict[int, CatalogRow],
                   after: SortKey | None = None) -> None:
        """A new filter result: its first page of `ids` (all of them when `after` is None), and
        `first_rows` (read off the GUI thread) to fill the first batch."""
        self.beginResetModel()
        self._ids = list(ids)
        self._after = after if self._load_page is not None else None
        self._total = len(self._ids) if self._after is None else None
        self._statuses = list(statuses)
        self._columns = columns_for(self._statuses)
        self._rows = dict(first_rows)
        self._loaded = min(len(self._ids), BATCH) if first_rows or not self._ids else 0
        self._row_of = {vid: i for i, vid in enumerate(self._ids[: self._loaded])}
        self.endResetModel()

    @property
    def statuses(self) -> list[StatusColumn]:
        return list(self._statuses)

    @property
    def match_count(self) -> int:
        """Variations the filter matches: the count once known, else the ids read so far."""
        return self._total if self._total is not None else len(self._ids)

    @property
    def count_known(self) -> bool:
        return self._total is not None

    def set_total(self, total: int) -> None:
        self._total = total

    def variation_id(self, row: int) -> int:
        return self._ids[row]

    def row_data(self, row: int) -> CatalogRow | None:
        return self._rows.get(self._ids[row]) if 0 <= row < self._loaded else None

    def row_of(self, variation_id: int) -> int | None:
        return self._row_of.get(variation_id)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802 (Qt API)
        return not parent.isValid() and (self._loaded < len(self._ids) or self._after is not None)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid():
            return
        if self._loaded + BATCH > len(self._ids) and self._after is not None and self._load_page is not None:
            ids, self._after = self._load_page(self._after)  # one indexed page, a few ms
            self._ids.extend(ids)
            if self._after is None:
                self._total = len(self._ids)
        batch = self._ids[self._loaded : self._loaded + BATCH]
        if not batch:
            return
        missing = [vid for vid in batch if vid not in self._rows]
        if missing:
            self._rows.update(self._load_rows(missing))  # one indexed query, a few ms
        first = self._loaded
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        for offset, vid in enumerate(batch):
            self._row_of[vid] = first + offset
        self._loaded += len(batch)
        self.endInsertRows()

    def refresh_rows(self, rows: dict[int, CatalogRow]) -> None:
        """Replace cached rows (after a change) and repaint just those rows."""
        for vid, row in rows.items():
            if vid not in self._rows and vid not in self._row_of:
                continue
            self._rows[vid] = row
            index = self._row_of.get(vid)
            if index is not None:
                self.dataChanged.emit(self.index(index, 0), self.index(index, self.columnCount() - 1))

    def loaded_ids(self, among: set[int]) -> list[int]:
        return [vid for vid in among if vid in self._row_of]

    # --- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ToolTipRole and column.tip:
                return column.tip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= self._loaded or index.column() >= len(self._columns):
            return None
        row = self._rows.get(self._ids[index.row()])
        if row is None:
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            # Zero units reads as an empty cell: the eye finds the non-empty counts at once.
            return (f"{value:,}" if value else "") if column.numeric else value
        if role == Qt.ItemDataRole.EditRole:
            return column.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"Variation {row.id}: {row.product}"
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._columns[index.column()].editable:
            return False
        row = self._rows.get(self._ids[index.row()])
        typed = str(value or "").strip()
        if row is None or typed == (row.sku or ""):
            return False
        self.sku_edit_requested.emit(row.id, typed, QPersistentModelIndex(index))
        return False  # the database decides; the row is reloaded when it accepts
