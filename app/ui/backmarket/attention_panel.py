"""Needs attention: Back Market updates not sent (given up, or waiting after an error), with Retry.

Nothing is given up silently: a shipment or accept Back Market keeps refusing shows here with its
order, what it was, attempts, the last error and when it was made, until it is retried or sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from app.domain.dates import when
from app.sync import attention
from app.sync.attention import OutboxItem, SetAsideRecord
from app.ui.context import UiContext
from app.ui.packing.table_model import CENTER, Column, RowStyle, RowTableModel

log = logging.getLogger(__name__)

_BOX = "QFrame#needs_attention { background: #fff8f6; border: 1px solid #e5b3ad; border-radius: 6px; }"
_TITLE = "QLabel { color: #b71c1c; font-weight: bold; font-size: 11pt; }"
_FAILED = RowStyle(background="#fde2e1")
VISIBLE_ROWS = 5


def _created(item: OutboxItem) -> str:
    return when(item.created_at)


ATTENTION_COLUMNS: list[Column[OutboxItem]] = [
    Column("Order", lambda r: r.order or "—"),
    Column("What", lambda r: r.kind_words),
    Column("State", lambda r: "given up" if r.state == attention.FAILED else "waiting to retry", CENTER),
    Column("Attempts", lambda r: str(r.attempts), CENTER, sort_key=lambda r: r.attempts),
    Column("Last error", lambda r: r.last_error or "", tooltip=lambda r: r.last_error or ""),
    Column("Created", _created, CENTER, sort_key=lambda r: r.created_at),
]


class AttentionModel(RowTableModel[OutboxItem]):
    def __init__(self, parent=None) -> None:
        super().__init__(ATTENTION_COLUMNS, lambda r: _FAILED if r.state == attention.FAILED else None, parent)


@dataclass(frozen=True)
class AttentionSnapshot:
    items: tuple[OutboxItem, ...]
    set_aside: tuple[SetAsideRecord, ...]


class AttentionPanel(QFrame):
    loaded = Signal(object)  # AttentionSnapshot
    retried = Signal(int)  # how many were put back to pending

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loading = self._dirty = False
        self.setObjectName("needs_attention")
        self.setStyleSheet(_BOX)
        self.title = QLabel(objectName="attention_title")
        self.title.setStyleSheet(_TITLE)
        self.hint = QLabel("Back Market was not told about these yet. Check the error (fix it in the Back Market "
                           "Back Office if needed), then Retry: the next sync sends them with fresh attempts.",
                           objectName="attention_hint")
        self.hint.setWordWrap(True)
        self.model = AttentionModel(self)
        self.view = QTableView(objectName="attention_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        self.retry_button = QPushButton("Retry", objectName="attention_retry")
        self.retry_button.setToolTip("Send the selected updates again at the next sync, with fresh attempts")
        self.retry_all_button = QPushButton("Retry all", objectName="attention_retry_all")
        self.retry_button.clicked.connect(self.retry_selected)
        self.retry_all_button.clicked.connect(self.retry_all)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.retry_button)
        top.addWidget(self.retry_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.view)
        self.hide()  # until something needs attention

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        if self._loading:
            self._dirty = True
            return
        self._loading = True
        db = self._ctx.db

        def work() -> AttentionSnapshot:
            with db.reads() as session:
                return AttentionSnapshot(tuple(attention.needs_attention(session)),
                                         tuple(attention.set_aside_records(session)))

        self._ctx.runner.run(work, self._on_loaded, self._on_failed)

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    def _on_loaded(self, snapshot: AttentionSnapshot) -> None:
        if not self._alive():
            return
        self._loading = False
        self.show_items(snapshot.items)
        self.loaded.emit(snapshot)
        if self._dirty:
            self._dirty = False
            self.reload()

    def _on_failed(self, exc: Exception) -> None:
        if self._alive():
            self._loading = False
            log.warning("needs-attention list could not be read: %s", exc)
            self.title.setText(f"Needs attention: the list could not be read ({exc})")
            self.show()

    def show_items(self, items) -> None:
        self.model.set_rows(list(items))
        given_up = sum(1 for i in items if i.state == attention.FAILED)
        waiting = len(items) - given_up
        parts = ([f"{given_up} given up"] if given_up else []) + ([f"{waiting} waiting to retry"] if waiting else [])
        self.title.setText(f"Needs attention — {len(items)} Back Market update{'s' if len(items) != 1 else ''} "
                           f"not sent ({', '.join(parts)})" if items else "Nothing needs attention.")
        shown = min(max(len(items), 1), VISIBLE_ROWS)  # the table fits its rows; more scroll
        self.view.setFixedHeight(self.view.horizontalHeader().sizeHint().height()
                                 + shown * self.view.verticalHeader().defaultSectionSize() + 2 * self.view.frameWidth())
        self.setVisible(bool(items))
        self._enable()

    def _enable(self) -> None:
        self.retry_button.setEnabled(bool(self._selected_ids()))
        self.retry_all_button.setEnabled(self.model.rowCount() > 0)

    def _selected_ids(self) -> list[int]:
        rows = {index.row() for index in self.view.selectionModel().selectedRows()}
        return [self.model.row_at(r).id for r in sorted(rows) if self.model.row_at(r) is not None]

    # --- retry -----------------------------------------------------------------------------

    def retry_selected(self) -> None:
        ids = self._selected_ids()
        if ids:
            self._retry(ids)

    def retry_all(self) -> None:
        self._retry(None)

    def _retry(self, ids: list[int] | None) -> None:
        db = self._ctx.db
        self.retry_button.setEnabled(False)
        self.retry_all_button.setEnabled(False)

        def work() -> int:
            with db.sessions.begin() as session:
                return attention.retry(session, ids)

        def done(count: int) -> None:
            if self._alive():
                self.retried.emit(count)
                self.reload()

        self._ctx.runner.run(work, done, self._on_failed)
