"""Grading from a diagnostics export, with a column-mapping preview: another tool's headers
(a Phonecheck-style export) are mapped onto ours here, never by editing the file. The import
runs on the task runner; all or nothing, every bad row listed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from app.domain import reference
from app.domain.csv_import import CsvImportError
from app.domain.purchasing import common as purchasing
from app.domain.purchasing.diagnostics import DiagnosticsResult, import_diagnostics
from app.domain.purchasing.diagnostics_columns import COLUMNS, REQUIRED, DiagnosticsPreview, diagnostics_preview
from app.models import InventoryStatus
from app.ui.context import UiContext
from app.ui.inventory.csv_io import ProblemsModel
from app.ui.purchasing.common import Asks, say, table, words
from app.ui.purchasing.rows_model import Column, RowsModel
from app.ui.widgets.guard import run_for
from app.domain.dates import counted

NOT_IN_FILE = "(not in the file)"


class GradingPage(QWidget):
    preview_shown = Signal()
    import_finished = Signal(str)  # the outcome in words (refusals too)

    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("grading_page")
        self._ctx = ctx
        self._asks = asks or Asks()
        self.path: str | None = None
        self._text = ""
        self.result: DiagnosticsResult | None = None
        self._build()
        self.load_statuses()

    def _build(self) -> None:
        self.choose_button = QPushButton("Choose diagnostics CSV…", objectName="choose_diagnostics")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = QLabel("No file chosen.", objectName="diagnostics_file", wordWrap=True)
        self.pass_status = QComboBox(objectName="pass_status")
        self.fail_status = QComboBox(objectName="fail_status")
        self.import_button = QPushButton("Import and grade", objectName="import_diagnostics")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        statuses = QFormLayout()
        statuses.addRow("Units that pass go to", self.pass_status)
        statuses.addRow("Units with failed tests go to", self.fail_status)
        top.addLayout(statuses)
        top.addWidget(self.import_button)

        self.mapping_box = QGroupBox("Columns: which of the file's columns is which", self)
        grid = QGridLayout(self.mapping_box)
        self.mapping: dict[str, QComboBox] = {}
        for i, column in enumerate(COLUMNS):
            combo = QComboBox(objectName=f"map_{column}")
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.mapping[column] = combo
            title = column.replace("_", " ") + (" *" if column in REQUIRED else "")
            grid.addWidget(QLabel(title), i // 3, (i % 3) * 2)
            grid.addWidget(combo, i // 3, (i % 3) * 2 + 1)
        self.missing_label = QLabel(objectName="mapping_missing", wordWrap=True)
        grid.addWidget(self.missing_label, len(COLUMNS) // 3 + 1, 0, 1, 6)

        self.preview = RowsModel((), self)
        self.preview_view = table(self.preview, self, name="diagnostics_preview")
        self.problems = ProblemsModel([], self)
        self.problems_view = table(self.problems, self, stretch=1, name="diagnostics_problems")
        self.message = QLabel("Choose the export of the diagnostics tool. Required columns are marked *; "
                              "an empty failed-tests cell is a pass.", objectName="grading_message", wordWrap=True)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.preview_view)
        split.addWidget(self.problems_view)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.mapping_box)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def load_statuses(self) -> None:
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return reference.names(session, InventoryStatus)

        def done(names: list[str]) -> None:
            hidden = {n.lower() for n in (purchasing.VENDOR_RMA, purchasing.RETURNED_TO_VENDOR, purchasing.WRITTEN_OFF,
                                          "sold")}
            for combo, default in ((self.pass_status, purchasing.AVAILABLE), (self.fail_status, purchasing.REPAIR)):
                combo.clear()
                combo.addItems([n for n in names if n.lower() not in hidden])
                combo.setCurrentText(default)

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    # --- file and mapping -------------------------------------------------------------------

    def choose_file(self) -> None:
        path = self._asks.open_csv(self, "The diagnostics tool's export")
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        def work():
            text = Path(path).read_text(encoding="utf-8-sig")
            return text, diagnostics_preview(text)

        def done(result) -> None:
            self.path, (self._text, preview) = path, result
            self.file_label.setText(Path(path).name)
            self._show_preview(preview)

        run_for(self, self._ctx.runner, work, done,
                lambda exc: say(self.message, f"{Path(path).name} could not be read: {words(exc)}", refused=True))

    def _show_preview(self, preview: DiagnosticsPreview) -> None:
        self.preview.columns = tuple(Column(h, lambda row, i=i: row[i] if i < len(row) else "")
                                     for i, h in enumerate(preview.headers))
        self.preview.set_rows(preview.rows)
        for column, combo in self.mapping.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for header in preview.headers:
                if header:
                    combo.addItem(header, header)
            combo.setCurrentIndex(max(0, combo.findData(preview.mapping.get(column))))
            combo.blockSignals(False)
        self.problems_view.setModel(None)
        self.problems = ProblemsModel([], self)
        self.problems_view.setModel(self.problems)
        self._mapping_changed()
        say(self.message, f"{counted(len(preview.rows), 'row')} shown of the file. Check each column's match, then import.")
        self.preview_shown.emit()

    def columns(self) -> dict[str, str | None]:
        return {column: combo.currentData() for column, combo in self.mapping.items()}

    def set_column(self, ours: str, theirs: str | None) -> None:
        combo = self.mapping[ours]
        combo.setCurrentIndex(max(0, combo.findData(theirs.strip().lower() if theirs else None)))

    def missing(self) -> list[str]:
        chosen = self.columns()
        return [c for c in REQUIRED if not chosen.get(c) and not (c == "imei" and chosen.get("serial"))]

    def _mapping_changed(self, _index: int = 0) -> None:
        missing = self.missing()
        chosen = [v for v in self.columns().values() if v]
        twice = sorted({v for v in chosen if chosen.count(v) > 1})
        problems = ([f"Required, not matched yet: {', '.join(m.replace('_', ' ') for m in missing)}."] if missing else []) \
            + ([f"A file column is matched twice: {', '.join(twice)}."] if twice else [])
        self.missing_label.setStyleSheet("color: #b71c1c;" if problems else "color: #1b5e20;")
        self.missing_label.setText(" ".join(problems) or "Every required column is matched.")
        self.import_button.setEnabled(bool(self._text) and not problems)

    # --- import -----------------------------------------------------------------------------

    def start_import(self) -> None:
        if not self._text or self.missing():
            return
        text, columns, db = self._text, {k: v for k, v in self.columns().items() if v}, self._ctx.db
        pass_status, fail_status = self.pass_status.currentText(), self.fail_status.currentText()
        self.import_button.setEnabled(False)
        say(self.message, "Importing… (scanning goes on meanwhile)")

        def work() -> DiagnosticsResult:
            with db.sessions.begin() as session:
                return import_diagnostics(session, text, pass_status=pass_status, fail_status=fail_status,
                                          columns=columns)

        run_for(self, self._ctx.runner, work, self._imported, self._refused)

    def _imported(self, result: DiagnosticsResult) -> None:
        self.result = result
        self._ctx.events.publish(result.changes)
        text = (f"Graded {result.units} units: {result.passed} passed → {self.pass_status.currentText()}, "
                f"{result.failed} failed → {self.fail_status.currentText()}; {result.regraded} regraded"
                + (f", {counted(result.new_variations, 'new variation')}" if result.new_variations else "") + ".")
        say(self.message, text)
        self._mapping_changed()
        self.import_finished.emit(text)

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, CsvImportError):
            self.problems_view.setModel(None)
            self.problems = ProblemsModel(exc.problems, self)
            self.problems_view.setModel(self.problems)
            text = f"{counted(len(exc.problems), 'bad row')} — nothing was graded. Every bad row is listed above."
        else:
            text = words(exc)
        say(self.message, text, refused=True)
        self._mapping_changed()
        self.import_finished.emit(text)
