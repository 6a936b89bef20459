"""CSV import (all rows or none, with a per-row problem report) and export, off the GUI thread."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHeaderView, QLabel, QMessageBox,
                               QProgressDialog, QTableView, QVBoxLayout, QWidget)

from app.db import sqlite_path
from app.domain.csv_export import export_inventory_file
from app.domain.cancel import Cancelled, CancelToken
from app.domain.csv_import import CsvImportError, ImportResult, import_csv
from app.ui.context import UiContext
from app.ui.widgets.guard import run_for
from app.domain.dates import counted

PROGRESS_EVERY_S = 0.2
log = logging.getLogger(__name__)


class ProblemsModel(QAbstractTableModel):
    """(line, problem) rows of a refused CSV file."""

    HEADERS = ("Line", "Problem")

    def __init__(self, problems: list[tuple[int, str]], parent=None) -> None:
        super().__init__(parent)
        self._problems = list(problems)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < 2:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        line, problem = self._problems[index.row()]
        return (str(line) if line else "—") if index.column() == 0 else problem


class ProblemsDialog(QDialog):
    def __init__(self, path: str, problems: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("CSV import refused")
        self.resize(760, 420)
        self.model = ProblemsModel(problems, self)
        heading = QLabel(f"<b>{counted(len(problems), 'bad row')} in {Path(path).name} — nothing was imported.</b><br>"
                         "Fix these rows and import the file again.")
        heading.setStyleSheet("color: #b71c1c; font-size: 12pt;")
        table = QTableView()
        table.setModel(self.model)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)


class _Progress(QObject):
    """Lives on the GUI thread; the import's callback emits from the worker, Qt queues it here."""

    moved = Signal(int, int)


class CsvTransfer(QObject):
    """Starts imports and exports; `finished(str)` carries the outcome in words."""

    finished = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self.progress_dialog: QProgressDialog | None = None
        self.problems_dialog: ProblemsDialog | None = None
        self.result_box: QMessageBox | None = None
        self.cancel_token: CancelToken | None = None

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self._parent, "Import inventory CSV", "", "CSV files (*.csv);;All files (*)")
            if not path:
                return
        progress = _Progress(self)
        name = Path(path).name
        cancel = CancelToken()
        self.cancel_token = cancel
        dialog = QProgressDialog(f"Checking {name}…", "Cancel import", 0, 0, self._parent)
        dialog.setWindowTitle("Import inventory")
        dialog.setMinimumWidth(460)  # the label changes while it runs: the dialog keeps its size
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress_dialog = dialog

        def cancel_requested() -> None:
            # All or nothing: the worker stops at its next step and removes what it wrote.
            cancel.cancel()
            dialog.setCancelButton(None)  # Qt hid the dialog; it stays up, without a button, until done
            dialog.setRange(0, 0)
            dialog.setLabelText(f"Cancelling the import of {name}: removing what was written…")
            dialog.show()

        dialog.canceled.connect(cancel_requested)

        shown = {"at": 0.0}

        def moved(done: int, total: int) -> None:
            if cancel.cancelled:
                return
            now = time.monotonic()
            if now - shown["at"] < PROGRESS_EVERY_S and done < total:
                return  # a repaint of the dialog costs the scan the GUI thread: a few a second is plenty
            shown["at"] = now
            dialog.setLabelText(f"Importing {name}: {done:,} of {counted(total, 'unit')}")
            dialog.setMaximum(total)
            dialog.setValue(done)

        progress.moved.connect(moved)
        db = self.ctx.db

        def work() -> ImportResult:
            return import_csv(db, Path(path), progress=progress.moved.emit, cancel=cancel, check_apart=True)

        def done(result: ImportResult) -> None:
            self._close_progress(progress)
            self.ctx.events.publish(result.changes)
            message = (f"Imported {counted(result.units, 'unit')} from {name} "
                       f"({counted(result.new_products, 'new product')}, {counted(result.new_variations, 'new variation')}).")
            self.result_box = QMessageBox(QMessageBox.Icon.Information, "Import inventory", message, parent=self._parent)
            self.result_box.open()
            self.finished.emit(message)

        def failed(exc: Exception) -> None:
            self._close_progress(progress)
            if isinstance(exc, Cancelled):
                self.finished.emit(f"Import of {name} cancelled; nothing was imported")
                return
            self._refused(path, exc)

        run_for(self, self.ctx.runner, work, done, failed)

    def cancel_import(self) -> None:
        """What the progress dialog's Cancel button does (tests press it through this too)."""
        if self.progress_dialog is not None and self.cancel_token is not None and not self.cancel_token.cancelled:
            self.progress_dialog.canceled.emit()

    def _close_progress(self, progress: _Progress) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        progress.deleteLater()

    def _refused(self, path: str, exc: Exception) -> None:
        problems = exc.problems if isinstance(exc, CsvImportError) else [(0, str(exc))]
        self.problems_dialog = ProblemsDialog(path, problems, self._parent)
        self.problems_dialog.open()
        self.finished.emit(f"{counted(len(problems), 'bad row')}, nothing imported")

    def export_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self._parent, "Export inventory CSV", "inventory.csv", "CSV files (*.csv)")
            if not path:
                return
        reads = self.ctx.db.reads

        database_file = sqlite_path(self.ctx.db.url)

        def work() -> int:
            with reads() as session:  # refuses the database file; atomic (temp file + rename)
                return export_inventory_file(session, path, database_file=database_file)

        run_for(self, self.ctx.runner, work, lambda n: self.finished.emit(f"Exported {counted(n, 'unit')} to {path}"),
                            lambda exc: self.finished.emit(f"Export failed: {exc}"))
