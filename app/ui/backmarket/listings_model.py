"""The listings table: what Back Market shows next to what we would list, and why."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.domain.dates import when
from app.ui.backmarket.queries import ListingRow
from app.ui.packing.table_model import CENTER, RIGHT, Column, RowStyle, RowTableModel, SORT_ROLE, sort_in_source

_UNMAPPED = RowStyle(foreground="#7a7a7a")
_ERROR = RowStyle(background="#fde2e1")
_DIFFERS = RowStyle(background="#fff3cd")


def _calculated(row: ListingRow) -> str:
    if row.calculated is None:
        return f"— {row.why}" if row.why else "—"
    return f"{row.calculated}" + (f" ({row.why})" if row.why else "")


def _calculated_tip(row: ListingRow) -> str:
    if row.calculated is None:
        return f"Never written to Back Market: {row.why or 'nothing matches this listing'}."
    rules = [f"keep {row.reserve} in reserve"] if row.reserve else []
    if row.max_listed is not None:
        rules.append(f"list at most {row.max_listed}")
    return (f"{row.available} available − {row.outstanding} wanted by open orders"
            + (f", then {', '.join(rules)}" if rules else "") + f" = {row.calculated}")


def _pushed(row: ListingRow) -> str:
    if row.last_pushed is None:
        return ""
    return f"{row.last_pushed} · {when(row.last_pushed_at)}" if row.last_pushed_at else str(row.last_pushed)


LISTING_COLUMNS: list[Column[ListingRow]] = [
    Column("SKU", lambda r: r.sku),
    Column("Title", lambda r: r.title, tooltip=lambda r: r.title),
    Column("Grade", lambda r: r.grade),
    Column("Price", lambda r: r.price, RIGHT),
    Column("BM qty", lambda r: str(r.bm_quantity), CENTER, sort_key=lambda r: r.bm_quantity),
    Column("Calculated", _calculated, CENTER, sort_key=lambda r: -1 if r.calculated is None else r.calculated,
           tooltip=_calculated_tip),
    Column("Last pushed", _pushed, CENTER, sort_key=lambda r: r.last_pushed_at),
    Column("Mapped to", lambda r: r.mapped_to or "—", tooltip=lambda r: r.mapped_to),
    Column("Last error", lambda r: r.last_error, tooltip=lambda r: r.last_error),
]


def _style(row: ListingRow) -> RowStyle | None:
    if row.last_error:
        return _ERROR
    if row.calculated is None:
        return _UNMAPPED
    return _DIFFERS if row.differs else None


class ListingsModel(RowTableModel[ListingRow]):
    """A refreshed row keeps its place until the next sort (rows do not jump under the eye)."""

    def __init__(self, parent=None) -> None:
        super().__init__(LISTING_COLUMNS, _style, parent)
        self._by_uuid: dict[str, int] = {}

    def _rows_changed(self) -> None:
        self._by_uuid = {r.uuid: i for i, r in enumerate(self._rows)}

    def replace_rows(self, rows: Sequence[ListingRow]) -> list[tuple[ListingRow, ListingRow]] | None:
        """Put these fresher rows in place of the shown ones (same UUID); only their cells repaint.
        Returns (old, new) pairs, or None when one is not shown at all (a new listing: reload)."""
        if any(r.uuid not in self._by_uuid for r in rows):
            return None
        swapped = []
        for row in rows:
            i = self._by_uuid[row.uuid]
            old, self._rows[i] = self._rows[i], row
            if old != row:
                swapped.append((old, row))
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self._columns) - 1))
        return swapped

    def row_of_sku(self, sku: str) -> int:
        wanted = sku.strip().lower()
        return next((i for i, r in enumerate(self._rows) if r.sku.lower() == wanted), -1)


class ListingsFilter(QSortFilterProxyModel):
    """The filter box matches SKU, title, grade and what the listing maps to."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._needle = ""
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not sort_in_source(self, column, order):
            super().sort(column, order)

    def set_text(self, text: str) -> None:
        needle = text.strip().lower()
        if needle != self._needle:
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        row = model.row_at(source_row) if isinstance(model, ListingsModel) else None
        if row is None:
            return False
        haystack = f"{row.sku} {row.title} {row.grade} {row.mapped_to}".lower()
        return all(word in haystack for word in self._needle.split())


__all__ = ["ListingsModel", "ListingsFilter", "LISTING_COLUMNS", "Qt"]
