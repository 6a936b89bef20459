"""Sync health: when it last ran, what it did, when it runs next, the last error in plain words, and
its warnings — with the Back Market records set aside because they could not be read — as a count
and a list, so "order 123 set aside: line 2 has quantity 0" reaches the manager."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QLabel, QListView, QPushButton,
                               QVBoxLayout, QWidget)

from app.domain.dates import counted, when
from app.sync.engine import SyncReport
from app.ui.backmarket.queries import LastRun
from app.ui.sync.controller import SyncHealth, short_reason

_BOX = "QFrame#sync_health { background: #f6f7f9; border: 1px solid #d9dce1; border-radius: 6px; }"
_ERROR = "QLabel { color: #c62828; font-weight: bold; }"
_GOOD = "QLabel { color: #1e7e34; font-weight: bold; }"
_WARN = "QLabel { color: #8a5a00; font-weight: bold; }"


def _when(moment: datetime | None) -> str:
    return when(moment, empty="—")


def did_text(summary: dict) -> str:
    """What a cycle did, from a SyncReport's summary_dict (or a stored sync run)."""
    if not summary:
        return "—"
    if summary.get("skipped"):
        return f"skipped: {summary['skipped']}"
    parts = [
        f"{counted(summary.get('listings_imported', 0), 'listing')} imported",
        f"{counted(summary.get('orders_imported', 0), 'order')} imported ({summary.get('orders_updated', 0)} updated)",
        f"{counted(summary.get('lines_accepted', 0), 'line')} accepted",
        f"{counted(summary.get('quantities_pushed', 0), 'quantity')} pushed",
        f"outbox {summary.get('outbox_sent', 0)} sent / {summary.get('outbox_failed', 0)} failed",
    ]
    if summary.get("quantities_left"):
        parts.append(f"{summary['quantities_left']} wait for the hourly budget")
    if summary.get("skipped_unmapped"):
        parts.append(f"{counted(summary['skipped_unmapped'], 'listing')} not mapped")
    return " · ".join(parts)


class SyncHealthPanel(QFrame):
    sync_now_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_health")
        self.setStyleSheet(_BOX)
        self.state = QLabel(objectName="health_state")
        self.state.setStyleSheet("QLabel { font-weight: bold; font-size: 11pt; }")
        self.last_run = QLabel("—", objectName="health_last_run")
        self.next_run = QLabel("—", objectName="health_next_run")
        self.did = QLabel("—", objectName="health_did")
        self.did.setWordWrap(True)
        self.last_push = QLabel("—", objectName="health_last_push")
        self.error = QLabel("", objectName="health_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # cf-ray to copy
        self.warnings_title = QLabel("No warnings", objectName="health_warnings_title")
        self.warnings_model = QStringListModel(self)
        self.warnings_view = QListView(objectName="health_warnings")
        self.warnings_view.setModel(self.warnings_model)
        self.warnings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.warnings_view.setWordWrap(True)
        self.warnings_view.hide()
        self._report_warnings: list[str] = []
        self._set_aside: list[str] = []
        self.sync_now = QPushButton("Sync now", objectName="sync_now")
        self.sync_now.setMinimumHeight(34)
        self.sync_now.clicked.connect(self.sync_now_clicked)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        for row, (label, widget) in enumerate((("Last run", self.last_run), ("Next run", self.next_run))):
            grid.addWidget(QLabel(label), 0, row * 2)
            grid.addWidget(widget, 0, row * 2 + 1)
        grid.addWidget(QLabel("What it did"), 1, 0)
        grid.addWidget(self.did, 1, 1, 1, 3)
        grid.addWidget(QLabel("Last push"), 2, 0)
        grid.addWidget(self.last_push, 2, 1, 1, 3)
        top = QHBoxLayout()
        top.addWidget(self.state, 1)
        top.addWidget(self.sync_now)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.warnings_view)
        self.error.hide()
        self._show_warnings()

    def show_stored_run(self, run: LastRun | None) -> None:
        """Before this session's first cycle: what the last one (any station) did."""
        if run is None:
            self.did.setText("The sync has not run yet.")
            return
        ok = run.error is None
        self.last_run.setText(f"{_when(run.finished)} — {'ok' if ok else 'failed'}")
        self.last_run.setStyleSheet(_GOOD if ok else _ERROR)
        self.did.setText(did_text(run.summary))
        self._error(run.error_kind, run.error)
        self.show_warnings([str(w) for w in run.summary.get("warnings") or []])

    def show_health(self, health: SyncHealth) -> None:
        busy = f" — {health.progress}" if health.busy and health.progress else ""
        self.state.setText(health.state + busy)
        self.next_run.setText(_when(health.next_run_at) if health.running else "— (sync not running)")
        if health.last_push:
            self.last_push.setText(health.last_push)
        report: SyncReport | None = health.last_report
        if report is not None:
            self.last_run.setText(f"{_when(health.last_finished_at)} — {'ok' if report.ok else 'failed'}")
            self.last_run.setStyleSheet(_GOOD if report.ok else _ERROR)
            self.did.setText(did_text(report.summary_dict()))
            self._error(report.error_kind, report.error)
            self.show_warnings(list(report.warnings))

    def _error(self, kind: str | None, message: str | None) -> None:
        if not message:
            self.error.hide()
            return
        self.error.setText(f"{short_reason(kind, 'Sync failed').capitalize()}: {message}")
        self.error.show()

    # --- warnings and records set aside ---------------------------------------------------------

    def show_warnings(self, warnings: list[str]) -> None:
        """The last cycle's warnings (a record set aside is listed once, from show_set_aside)."""
        self._report_warnings = [w for w in warnings if " set aside: " not in w]
        self._show_warnings()

    def show_set_aside(self, records) -> None:
        """Back Market records that could not be read (SetAsideRecord), until they read cleanly."""
        self._set_aside = [record.text for record in records]
        self._show_warnings()

    def _show_warnings(self) -> None:
        lines = self._set_aside + self._report_warnings
        parts = []
        if self._report_warnings:
            parts.append(counted(len(self._report_warnings), "warning"))
        if self._set_aside:
            parts.append(f"{counted(len(self._set_aside), 'Back Market record')} "
                         "set aside (could not be read)")
        self.warnings_title.setText(" · ".join(parts) if parts else "No warnings")
        self.warnings_title.setStyleSheet(_WARN if parts else _GOOD)
        self.warnings_model.setStringList(lines)
        if lines:  # the list fits its lines, up to five; more scroll
            line = max(self.warnings_view.sizeHintForRow(0), self.warnings_view.fontMetrics().height() + 2)
            height = min(len(lines), 5) * line + 2 * self.warnings_view.frameWidth() + 2
            self.warnings_view.setMinimumHeight(height)
            self.warnings_view.setMaximumHeight(height)
        self.warnings_view.setVisible(bool(lines))
