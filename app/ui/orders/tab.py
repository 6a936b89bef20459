"""Orders tab: find an order by number or customer, create a direct order, change its status, cancel it.

The same services as `refurbdesk order create` / `order status` (app/domain/orders.py); the
permission checks are theirs, and the buttons a role may not use are disabled with the reason.
"""

from __future__ import annotations

import logging
from typing import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget)

from app.domain import orders, orders_list
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.ui.behind_tab import behind_another_tab
from app.ui.context import UiContext
from app.ui.orders.detail import ask_yes_no, detail_html
from app.ui.orders.model import OrdersModel
from app.ui.orders.new_order import NewOrderDialog
from app.ui.signin.gates import may, refusal_words
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

FILTER_DELAY_MS = 150


class OrdersTab(QWidget):
    orders_shown = Signal()  # a list result is on screen (tests wait for it)
    said = Signal(str, bool)  # text, refusal
    detail_shown = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm: Callable[[str, str], bool] = lambda title, text: ask_yes_no(self, title, text)
        self.detail: dict | None = None
        self.new_order_dialog: NewOrderDialog | None = None
        self._generation = 0
        self._stale = False  # changes arrived while another tab was in front
        self._select_after: str | None = None
        self._wanted: str | None = None

        self.filter_edit = QLineEdit(placeholderText="Find: order number or customer")
        self.filter_edit.setClearButtonEnabled(True)
        self.open_only = QCheckBox("Open orders only")
        self.open_only.setChecked(True)
        self.count_label = QLabel("")
        self.new_button = QPushButton("New order…")
        self.new_button.clicked.connect(lambda: self.open_new_order())
        # The page's own shortcut: live only while the Orders tab shows; a disabled button says why.
        self.new_shortcut = QShortcut(QKeySequence("Ctrl+N"), self)
        self.new_shortcut.activated.connect(lambda: self.open_new_order() if self.new_button.isEnabled()
                                            else self._say(self.new_button.toolTip(), True))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()

        self.model = OrdersModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._row_chosen(current.row()))

        self.panel = QTextBrowser()
        self.status_combo = QComboBox()
        self.status_button = QPushButton("Set status")
        self.status_button.clicked.connect(lambda: self.set_status())
        self.cancel_button = QPushButton("Cancel order…")
        self.cancel_button.clicked.connect(lambda: self.cancel_order())
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Status"))
        actions.addWidget(self.status_combo, 1)
        actions.addWidget(self.status_button)
        actions.addStretch(0)
        actions.addWidget(self.cancel_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.panel, 1)
        right_layout.addLayout(actions)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.open_only)
        bar.addWidget(self.count_label)
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._debounce.timeout.connect(self.reload)
        self.filter_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.open_only.toggled.connect(lambda _on: self.reload())
        ctx.events.changes_applied.connect(self._on_changes)
        self._show_detail(None)
        self.reload()

    # --- the list ------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        return False  # an order number scanned anywhere opens it in Packing (the scan router)

    def reload(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation, text, open_only, reads = self._generation, self.filter_edit.text(), self.open_only.isChecked(), self.ctx.db.reads

        def work():
            with reads() as session:
                return orders_list.recent_orders(session, text, open_only=open_only), orders_list.status_names(session)

        def done(result) -> None:
            if generation != self._generation:
                return  # a newer filter is on its way
            rows, statuses = result
            keep = self._select_after or (self.detail or {}).get("number")
            self._select_after = None
            current = self.status_combo.currentText()
            self.status_combo.clear()
            self.status_combo.addItems(statuses)
            self.status_combo.setCurrentText(current)
            self.model.set_rows(rows)
            n = len(rows)
            more = " (newest shown; type to find older)" if n >= orders_list.SHOWN else ""
            self.count_label.setText(f"{n:,} order{'s' if n != 1 else ''}{more}")
            row = self.model.row_of(keep) if keep else None
            if row is not None:
                self.table.selectRow(row)
            if keep:
                self.show_order(keep)  # fresh, even when the filter no longer lists it (cancelled, say)
            self.orders_shown.emit()

        run_for(self, self.ctx.runner, work, done, lambda exc: self._say(f"Could not read the orders: {exc}", True))

    def _row_chosen(self, row: int) -> None:
        order = self.model.order(row)
        if order is not None and order.number != (self.detail or {}).get("number"):
            self.show_order(order.number)

    def show_order(self, number: str) -> None:
        reads = self.ctx.db.reads
        self._wanted = number  # two workers: a slower answer for an earlier click is dropped

        def work():
            with reads() as session:
                return orders_list.order_detail(session, number)

        def done(detail: dict) -> None:
            if self._wanted == number:
                self._show_detail(detail)

        run_for(self, self.ctx.runner, work, done, lambda exc: self._say(str(exc), True))

    def _show_detail(self, detail: dict | None) -> None:
        self.detail = detail
        if detail is None:
            self.panel.setHtml("<p style='color:#616161'>Choose an order to see its lines and address, "
                               "or press <b>New order…</b> (Ctrl+N).</p>")
        else:
            self.panel.setHtml(detail_html(detail))
            self.status_combo.setCurrentText(detail["status"])
        self._apply_gates()
        self.detail_shown.emit()

    def _apply_gates(self) -> None:
        chosen = self.detail is not None
        # Only an open direct order is cancelled here (a marketplace cancels its own; the sync follows).
        direct = chosen and self.detail["channel"] == "Direct" and self.detail["is_open"]
        for button, perm, usable in ((self.new_button, Permission.DIRECT_ORDERS, True),
                                     (self.status_button, Permission.ORDER_STATUSES, chosen),
                                     (self.cancel_button, Permission.ORDER_STATUSES, direct)):
            allowed = may(perm)
            button.setEnabled(allowed and usable)
            button.setToolTip("" if allowed else refusal_words(perm))
        if chosen and not direct and may(Permission.ORDER_STATUSES):
            self.cancel_button.setToolTip(
                f"A {self.detail['channel']} order is cancelled on {self.detail['channel']}; the sync follows."
                if self.detail["channel"] != "Direct" else "Only an open order can be cancelled.")
        self.new_button.setToolTip(self.new_button.toolTip() or "New direct order (Ctrl+N)")

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API): the operator may have changed
        self._apply_gates()
        super().showEvent(event)
        if self._stale:  # orders changed while another tab was in front
            self._stale = False
            self.reload()

    def _on_changes(self, changes: Changes) -> None:
        if changes.order_ids or changes.settings or changes.catalog:
            if behind_another_tab(self):
                self._stale = True  # read once, when the user comes back to this tab
            else:
                self._debounce.start()

    # --- actions -------------------------------------------------------------------------------

    def open_new_order(self) -> NewOrderDialog:
        if self.new_order_dialog is not None and shiboken6.isValid(self.new_order_dialog):
            self.new_order_dialog.deleteLater()
        dialog = NewOrderDialog(self)
        dialog.submitted.connect(lambda customer, lines, ship_to: self._create(dialog, customer, lines, ship_to))
        self.new_order_dialog = dialog
        dialog.open()  # window-modal, not blocking: a refusal comes back into the same form
        dialog.customer.setFocus()
        reads = self.ctx.db.reads

        def skus():
            with reads() as session:
                return orders_list.known_skus(session)

        run_for(dialog, self.ctx.runner, skus, dialog.set_skus, lambda exc: log.warning("SKU list: %s", exc))
        return dialog

    def _create(self, dialog: NewOrderDialog, customer: str, lines: list, ship_to: dict) -> None:
        sessions = self.ctx.db.sessions

        def work():
            requests = []
            for n, line in enumerate(lines, start=1):
                try:
                    requests.append(orders_list.form_line(*line))
                except DomainError as exc:
                    raise type(exc)(f"Line {n}: {exc}") from None
            with sessions.begin() as session:
                return orders_list.create_order(session, customer, requests, ship_to)

        def done(result) -> None:
            number, changes = result
            if shiboken6.isValid(dialog):
                dialog.accept()
            self._select_after = number
            self.open_only.setChecked(True)
            self.filter_edit.clear()
            self._say(f"Order {number} created for {' '.join(customer.split())}.", False)
            self.ctx.events.publish(changes)
            self.reload()

        def refused(exc: Exception) -> None:
            text = str(exc) if isinstance(exc, DomainError) else f"Could not create the order: {exc}"
            if not isinstance(exc, DomainError):
                log.error("creating an order failed", exc_info=exc)
            if shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.refused(text + " Nothing was created.")
            else:
                self._say(text, True)

        run_for(self, self.ctx.runner, work, done, refused)

    def set_status(self, name: str | None = None) -> None:
        if self.detail is None:
            return
        number, name = self.detail["number"], name or self.status_combo.currentText()
        self._write(lambda session: orders.change_order_status(session, number, name), f"{number} → {name}")

    def cancel_order(self) -> None:
        if self.detail is None:
            return
        number = self.detail["number"]
        scanned = sum(len(line["committed"]) for line in self.detail["lines"])
        freed = f" The {scanned} scanned unit{'s go' if scanned != 1 else ' goes'} back to stock." if scanned else ""
        if not self.confirm("Cancel order", f"Cancel order {number} for {self.detail['customer']}?{freed}"):
            return
        self._write(lambda session: orders_list.cancel_order(session, number), f"{number} cancelled")

    def _write(self, action, words: str) -> None:
        sessions = self.ctx.db.sessions

        def work() -> Changes:
            with sessions.begin() as session:
                return action(session)

        def done(changes: Changes) -> None:
            self._say(changes.message or words, False)
            self.ctx.events.publish(changes)
            self.reload()

        run_for(self, self.ctx.runner, work, done,
                lambda exc: self._say(f"{exc} Nothing was changed." if isinstance(exc, DomainError) else str(exc), True))

    def _say(self, text: str, refusal: bool) -> None:
        colour = "#b71c1c" if refusal else "#1b5e20"
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold; padding: 2px;")
        self.message.setText(("✗ " if refusal else "✓ ") + text)
        self.message.show()
        self.said.emit(text, refusal)
