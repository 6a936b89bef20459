"""Sync health: when it last ran, what it did, when it runs next, and the last error in plain words."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.sync.engine import SyncReport
from app.ui.backmarket.queries import LastRun
from app.ui.sync.controller import SyncHealth, short_reason

_BOX = "QFrame#sync_health { background: #f6f7f9; border: 1px solid #d9dce1; border-radius: 6px; }"
_ERROR = "QLabel { color: #c62828; font-weight: bold; }"
_GOOD = "QLabel { color: #1e7e34; font-weight: bold; }"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone() if moment.tzinfo else moment
    today = datetime.now().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d %H:%M")


def did_text(summary: dict) -> str:
    """What a cycle did, from a SyncReport's summary_dict (or a stored sync run)."""
    if not summary:
        return "—"
    if summary.get("skipped"):
        return f"skipped: {summary['skipped']}"
    parts = [
        f"{summary.get('listings_imported', 0)} listings imported",
        f"{summary.get('orders_imported', 0)} orders imported ({summary.get('orders_updated', 0)} updated)",
        f"{summary.get('lines_accepted', 0)} lines accepted",
        f"{summary.get('quantities_pushed', 0)} quantities pushed",
        f"outbox {summary.get('outbox_sent', 0)} sent / {summary.get('outbox_failed', 0)} failed",
    ]
    if summary.get("quantities_left"):
        parts.append(f"{summary['quantities_left']} wait for the hourly budget")
    if summary.get("skipped_unmapped"):
        parts.append(f"{summary['skipped_unmapped']} listings not mapped")
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
        self.error.hide()

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

    def _error(self, kind: str | None, message: str | None) -> None:
        if not message:
            self.error.hide()
            return
        self.error.setText(f"{short_reason(kind, 'Sync failed').capitalize()}: {message}")
        self.error.show()
