"""Catalog tab: filter as you type (SQL-side), edit SKUs in place, assign a SKU to many."""

from __future__ import annotations

import logging

import shiboken6

from PySide6.QtCore import QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from app.domain import catalog, catalog_query
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.ui.catalog.assign_dialog import AssignSkuDialog
from app.ui.catalog.model import BATCH, SKU_COLUMN, CatalogModel
from app.ui.context import UiContext
from app.ui.widgets.cell_message import CellMessage
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

FILTER_DELAY_MS = 150


class CatalogTab(QWidget):
    filter_applied = Signal(str)  # the filter text whose result is now on screen
    count_shown = Signal(int)  # the number of matching variations, once counted
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0  # drops filter results that arrive after a newer filter was typed
        self._shown_text = ""  # the filter whose pages the table is fetching
        self.model = CatalogModel(self._load_rows, self, load_page=self._load_page)
        self.model.sku_edit_requested.connect(self._save_sku)
        self.assign_dialog: AssignSkuDialog | None = None

        self.filter_edit = QLineEdit(placeholderText="Filter: product words, SKU, grade (A, B…), condition codes (CG, SC…)")
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = QLabel("")
        self.assign_button = QPushButton("Assign SKU to selected…")
        self.assign_button.clicked.connect(lambda: self.assign_sku_to_selected())
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.verticalHeader().hide()
        self.model.modelReset.connect(self._size_columns)
        self.cell_message = CellMessage(self.table.viewport())

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.assign_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        self._debounce = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        self.filter_edit.textChanged.connect(lambda _text: self._debounce.start())
        ctx.events.changes_applied.connect(self._on_changes)
        self.reload()

    # --- filtering ---------------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """Scans are not the catalog's: the router opens the unit's details instead."""
        return False

    def reload(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation, text, reads = self._generation, self.filter_edit.text(), self.ctx.db.reads

        def work():
            with reads() as session:
                ids, after = catalog_query.matching_page(session, text)
                return ids, after, catalog_query.status_columns(session), catalog_query.rows_for(session, ids[:BATCH])

        run_for(self, self.ctx.runner, work, lambda result: self._show_result(generation, text, *result), self._show_error)

    def _show_result(self, generation: int, text: str, ids, after, statuses, first_rows) -> None:
        if generation != self._generation or text != self.filter_edit.text():
            return
        self._shown_text = text
        self.model.set_result(ids, statuses, first_rows, after)
        if self.model.count_known:
            self._show_count(generation, self.model.match_count)
        else:
            self.count_label.setText(f"{len(ids):,}+ variations (counting…)")
            reads = self.ctx.db.reads

            def count() -> int:
                with reads() as session:
                    return catalog_query.match_count(session, text)

            run_for(self, self.ctx.runner, count, lambda n: self._show_count(generation, n))
        self.filter_applied.emit(self.filter_edit.text())

    def _show_count(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return
        self.model.set_total(n)
        self.count_label.setText(f"{n:,} variation{'s' if n != 1 else ''}")
        self.count_shown.emit(n)

    def _show_error(self, exc: Exception) -> None:
        log.error("catalog filter failed: %s", exc)
        self._say(f"Could not read the catalog: {exc}", refusal=True)

    def _load_page(self, after):
        with self.ctx.db.reads() as session:
            return catalog_query.matching_page(session, self._shown_text, after)

    def _load_rows(self, ids: list[int]):
        with self.ctx.db.reads() as session:
            return catalog_query.rows_for(session, ids)

    def _size_columns(self) -> None:
        # The product name gets whatever is left (elided, the whole name as tooltip); SKU, grade and
        # the counts take what their contents need, so at 1024 px the name still reads.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        header.setStretchLastSection(False)

    # --- SKUs -------------------------------------------------------------------------------

    def selected_variation_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.variation_id(r) for r in rows]

    def assign_sku_to_selected(self, sku: str | None = None) -> None:
        ids = self.selected_variation_ids()
        if not ids:
            self._say("Select one or more variations first (click, Shift+click, Ctrl+click).", refusal=True)
            return
        if sku is not None:
            self._run_assign(ids, sku, None)
            return
        # Window-modal but not blocking: a refusal comes back into the same dialog, SKU as typed.
        if self.assign_dialog is not None:
            self.assign_dialog.deleteLater()
        dialog = AssignSkuDialog(len(ids), self)
        dialog.submitted.connect(lambda typed: self._run_assign(ids, typed, None, dialog))
        self.assign_dialog = dialog
        dialog.open()

    def _save_sku(self, variation_id: int, sku: str, cell: QPersistentModelIndex) -> None:
        self._run_assign([variation_id], sku, cell)

    def _run_assign(self, ids: list[int], sku: str, cell: QPersistentModelIndex | None,
                    dialog: AssignSkuDialog | None = None) -> None:
        sessions = self.ctx.db.sessions

        def work() -> Changes:
            with sessions.begin() as session:
                return catalog.assign_sku(session, ids, sku)

        def refused(exc: Exception) -> None:
            text = f"{exc} Nothing was changed." if isinstance(exc, DomainError) else f"Could not save the SKU: {exc}"
            if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.refused(text)
                return
            if cell is not None and cell.isValid():
                self.cell_message.show_under(self.table.visualRect(self.model.index(cell.row(), cell.column())), text)
            self._say(text, refusal=True)

        def saved(changes: Changes) -> None:
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.accept()
            self.cell_message.hide()
            self._say(changes.message or "SKU saved.", refusal=False)
            self.ctx.events.publish(changes)

        run_for(self, self.ctx.runner, work, saved, refused)

    def _say(self, text: str, *, refusal: bool) -> None:
        colour = "#b71c1c" if refusal else "#1b5e20"
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold; padding: 2px;")
        self.message.setText(("✗ " if refusal else "✓ ") + text)
        self.message.show()

    # --- refreshing ----------------------------------------------------------------------------

    def _on_changes(self, changes: Changes) -> None:
        if changes.catalog or changes.settings:
            self.reload()  # new variations or renamed lists: the filter result itself may differ
            return
        shown = self.model.loaded_ids(set(changes.variation_ids))
        if not shown:
            return
        reads, statuses = self.ctx.db.reads, self.model.statuses

        def work():
            with reads() as session:
                return catalog_query.rows_for(session, shown), catalog_query.status_columns(session)

        def done(result) -> None:
            rows, new_statuses = result
            if [s.id for s in new_statuses] != [s.id for s in statuses]:
                self.reload()  # a status got its first unit: it needs a column
            else:
                self.model.refresh_rows(rows)

        run_for(self, self.ctx.runner, work, done)
