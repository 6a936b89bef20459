"""What every inventory page shares: the user-managed lists, a scan page with verdicts, labels."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select

from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.errors import DomainError
from app.models import Condition, Grade, InventoryStatus, Product, Warehouse
from app.ui import sounds
from app.ui.context import UiContext
from app.ui.widgets.verdict import OK, REFUSAL, VerdictBanner
from app.ui.serial_jobs import SerialJobs
from app.ui.widgets.guard import guarded

log = logging.getLogger(__name__)

MAX_LOG_LINES = 500


@dataclass(frozen=True)
class ReferenceLists:
    grades: tuple[str, ...]
    conditions: tuple[tuple[str, str], ...]  # (code, name)
    statuses: tuple[str, ...]
    warehouses: tuple[str, ...]
    products: tuple[tuple[str, ProductSpec], ...]  # (display name, spec)


def load_reference(session) -> ReferenceLists:
    products = []
    for row in session.execute(select(*(getattr(Product, f) for f in PRODUCT_FIELDS)).order_by(*(getattr(Product, f) for f in PRODUCT_FIELDS))):
        spec = ProductSpec(*row)
        products.append((spec.display_name, spec))
    return ReferenceLists(
        tuple(session.scalars(select(Grade.name).order_by(Grade.position, Grade.id))),
        tuple((code, name) for code, name in session.execute(select(Condition.code, Condition.name).order_by(Condition.code))),
        tuple(session.scalars(select(InventoryStatus.name).order_by(InventoryStatus.position, InventoryStatus.id))),
        tuple(session.scalars(select(Warehouse.name).order_by(Warehouse.id))),
        tuple(products),
    )


def refill(combo: QComboBox, names, *, first: str | None = None) -> None:
    """Replace a combo's items, keeping the current choice when it still exists."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first)
    combo.addItems(list(names))
    index = combo.findText(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def big_font(widget: QWidget, points: int = 13, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    return font


class VerdictLog(QAbstractListModel):
    """The scans of this session, newest first, green or red."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[str, str]] = []  # (kind, text)

    def add(self, kind: str, text: str) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._lines.insert(0, (kind, f"{time.strftime('%H:%M:%S')}  {'✓' if kind == OK else '✗' if kind == REFUSAL else '·'} {text}"))
        self.endInsertRows()
        if len(self._lines) > MAX_LOG_LINES:
            self.beginRemoveRows(QModelIndex(), MAX_LOG_LINES, len(self._lines) - 1)
            del self._lines[MAX_LOG_LINES:]
            self.endRemoveRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        kind, text = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#1b5e20" if kind == OK else "#b71c1c" if kind == REFUSAL else "#424242")
        return None


class ScanPage(QWidget):
    """A page that takes scans: a big verdict, a box to type a code by hand, this session's log.

    Subclasses implement `scan(code)` and report with `verdict_ok` / `verdict_refused`.
    """

    verdict_shown = Signal(str, str)  # kind, text — for tests and the status bar
    busy_changed = Signal(bool)

    def __init__(self, ctx: UiContext, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Scans are written one after another so verdicts come back in the order they were scanned.
        self._writes = SerialJobs(ctx.writer)
        self.last_verdict_ms: float | None = None  # scan-to-verdict, measured for the bench
        self._scan_started = 0.0
        self.banner = VerdictBanner(prompt)
        self.code_edit = QLineEdit(placeholderText="Scan, or type an IMEI / serial and press Enter")
        self.code_edit.setFont(big_font(self, 14))
        self.code_edit.returnPressed.connect(self._typed)
        go = QPushButton("Enter")
        go.clicked.connect(self._typed)
        self.log_model = VerdictLog(self)
        self.log_view = QListView()
        self.log_view.setModel(self.log_model)
        self.log_view.setFont(big_font(self, 11))
        self.log_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        entry = QHBoxLayout()
        entry.addWidget(self.code_edit, 1)
        entry.addWidget(go)
        self.scan_column = QVBoxLayout()
        self.scan_column.addWidget(self.banner)
        self.scan_column.addLayout(entry)

    def handle_scan(self, code: str) -> bool:
        self._scan_started = time.perf_counter()
        self.scan(code.strip())
        return True

    def scan(self, code: str) -> None:
        raise NotImplementedError

    def _typed(self) -> None:
        code = self.code_edit.text().strip()
        if code:
            self.code_edit.clear()
            self.handle_scan(code)

    def verdict_ok(self, text: str) -> None:
        self._verdict(OK, text)

    def verdict_refused(self, error: Exception | str) -> None:
        if isinstance(error, DomainError) or isinstance(error, str):
            text = str(error)
        else:
            log.exception("scan failed", exc_info=error)
            text = f"Something went wrong: {error}"
        self._verdict(REFUSAL, text)

    def verdict_info(self, text: str) -> None:
        self.banner.show_info(text)
        self.verdict_shown.emit("info", text)

    def _verdict(self, kind: str, text: str) -> None:
        if self._scan_started:
            self.last_verdict_ms = (time.perf_counter() - self._scan_started) * 1000
            log.debug("scan to verdict %.1f ms", self.last_verdict_ms)
            self._scan_started = 0.0
        (self.banner.show_ok if kind == OK else self.banner.show_refusal)(text)
        self.log_model.add(kind, text)
        if self.ctx.station.sounds:
            sounds.play(kind)
        self.verdict_shown.emit(kind, text)

    def run(self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[Exception], None] | None = None) -> None:
        self._writes.submit(work, guarded(self, done), guarded(self, failed or self.verdict_refused))
