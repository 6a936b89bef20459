"""The packing station: pick or scan an order, scan its units, get a verdict, ship it."""

from __future__ import annotations

import logging
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import fulfilment, packing_query
from app.domain.changes import Changes
from app.domain.errors import DomainError, ScanRefused
from app.domain.packing_query import OrderDetail, OrderRow
from app.domain.scan_transaction import scanning
from app.integrations.shipstation import status as shipstation_status
from app.integrations.shipstation.packing import ship_at_packing
from app.integrations.shipstation.status import OrderShipping
from app.ui.context import UiContext
from app.ui.packing import feedback
from app.ui.packing.header import OrderHeader
from app.ui.packing.keys import SHIP_KEY, SLIP_KEY, UNDO_KEY, give_key, key_text
from app.ui.packing.models import OrderFilterProxy, OrderLinesModel, OrderListModel
from app.ui.serial_jobs import SerialJobs
from app.ui.packing.ship_dialog import ShipDialog
from app.ui.packing.tracking_scan import tracking_scan
from app.ui.packing.slip import print_or_save_slip
from app.ui.widgets.verdict import VerdictBanner
from app.domain.dates import counted

log = logging.getLogger(__name__)

ALL_CHANNELS = "All channels"
ALL_STATUSES = "All open statuses"
BANNER_POINT_SIZE = 28  # readable from a metre away
BANNER_LINES = 5  # room for the longest refusal, so the table below never jumps between scans
IDLE_TEXT = "Scan a packing slip's order barcode, or pick an order on the left."


def _table(model, parent: QWidget, grow: int = 0) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(False)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a scanner-only station never needs focus here
    if grow:
        font = QFont(view.font())
        font.setPointSize(max(font.pointSize(), 9) + grow)
        view.setFont(font)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 12)
    return view


class PackingTab(QWidget):
    order_opened = Signal(str)  # the open order's details were (re)loaded
    verdict_shown = Signal(str, str)  # kind ("ok" / "refusal" / "info"), banner text
    orders_loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packing_tab")
        self._ctx = ctx
        self._writes = SerialJobs(ctx.writer)
        self._closed = False
        self._open_number: str | None = None
        self._detail: OrderDetail | None = None
        self._shipping: OrderShipping | None = None  # the open order's ShipStation state
        self._waiting_in_shipstation = False
        self._detail_generation = 0
        self._detail_loading = self._detail_dirty = False
        self._announce = False  # say "order open — scan N units" once its details arrive
        self._list_loading = self._list_dirty = False
        self._committed_here: list[str] = []  # codes scanned onto the open order at this station
        self._syncing_selection = False
        self._last_carrier = ""
        self.ship_dialog: ShipDialog | None = None
        self.scan_started_at: float | None = None  # perf_counter of the scan in flight (bench)
        self.last_commit_ms = 0.0  # how long the last scan's database transaction took
        self._build()
        ctx.events.changes_applied.connect(self._on_changes)
        self.reload_orders()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.orders_model = OrderListModel(self)
        self.orders_proxy = OrderFilterProxy(self)
        self.orders_proxy.setSourceModel(self.orders_model)
        self.orders_view = _table(self.orders_proxy, self, grow=1)
        self.orders_view.setObjectName("open_orders")
        self.orders_view.setSortingEnabled(True)
        self.orders_view.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # oldest first: first in, first packed
        # Sized to a sample of the rows when the first ones arrive, not on every reload: resizing to
        # contents asks every open order its size on the GUI thread, while the packer waits.
        header = self.orders_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(200)
        self._orders_sized = False
        self.orders_view.selectionModel().currentRowChanged.connect(self._on_row_picked)
        self.channel_filter = QComboBox(objectName="channel_filter")
        self.status_filter = QComboBox(objectName="status_filter")
        self.channel_filter.addItem(ALL_CHANNELS)
        self.status_filter.addItem(ALL_STATUSES)
        for combo in (self.channel_filter, self.status_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
            # A focused combo would jump to the item a scanned serial's first letter starts with.
            combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        filters = QHBoxLayout()
        filters.addWidget(self.channel_filter)
        filters.addWidget(self.status_filter)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.orders_view)

        self.header = OrderHeader(self)
        self.banner = VerdictBanner(IDLE_TEXT, self, point_size=BANNER_POINT_SIZE)
        self.banner.setObjectName("verdict_banner")
        self.banner.setFixedHeight(self.banner.fontMetrics().lineSpacing() * BANNER_LINES + 28)
        self.lines_model = OrderLinesModel(self)
        self.lines_view = _table(self.lines_model, self, grow=4)
        self.lines_view.setObjectName("order_lines")
        lines_header = self.lines_view.horizontalHeader()
        lines_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lines_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lines_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        lines_header.resizeSection(2, self.lines_view.fontMetrics().horizontalAdvance("8" * 15) + 24)  # one IMEI
        # The product name is what the packer reads: wrap it (and the IMEIs) rather than cut it off.
        self.lines_view.setWordWrap(True)
        self.lines_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Short labels (the tooltips say it all): at 1024 px the order list keeps its Scanned and Created.
        self.undo_button = QPushButton(f"↶ Undo  {key_text(UNDO_KEY)}", objectName="undo_scan")
        self.slip_button = QPushButton(f"Print slip  {key_text(SLIP_KEY)}", objectName="print_slip")
        self.ship_button = QPushButton(f"Ship…  {key_text(SHIP_KEY)}", objectName="ship")
        buttons = QHBoxLayout()
        for button in (self.undo_button, self.slip_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.ship_button)
        for button in (self.undo_button, self.slip_button, self.ship_button):
            button.setMinimumHeight(44)
            font = QFont(button.font())
            font.setPointSize(max(font.pointSize(), 9) + 3)
            button.setFont(font)
        self.undo_key = give_key(self, self.undo_button, UNDO_KEY, "Take the last scanned unit off this order",
                                 self._say_why_no_undo)
        self.slip_key = give_key(self, self.slip_button, SLIP_KEY, "Print the packing slip", self._say_why_not)
        self.ship_key = give_key(self, self.ship_button, SHIP_KEY, "Ship this order", self._say_why_not)
        self.ship_button.setStyleSheet("QPushButton { font-weight: bold; padding: 0 28px; }")
        self.undo_button.clicked.connect(self.undo_last_scan)
        self.slip_button.clicked.connect(self.print_slip)
        self.ship_button.clicked.connect(lambda: self.start_ship())  # not clicked(bool) as the tracking number
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.lines_view, 1)
        right_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 540])  # at 1024 px the order list keeps Scanned and Created in view
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._update_buttons()

    # --- the interface the main window uses -----------------------------------------------

    @property
    def open_number(self) -> str | None:
        return self._detail.number if self._detail else self._open_number

    @property
    def detail(self) -> OrderDetail | None:
        return self._detail

    def open_order(self, number: str) -> None:
        number = number.strip()
        if not number:
            return
        if self._detail is None or self._detail.number.upper() != number.upper():
            self._committed_here.clear()
            self._detail = None
        self._open_number = number
        self._select_in_list(number)
        self._announce = True
        self._load_detail()

    def handle_scan(self, code: str) -> bool:
        """Commit a scanned unit to the open order; False when no order is open (not ours to handle)."""
        if self._closed or self._open_number is None:
            return False
        number, code = self.open_number or self._open_number, code.strip()
        self.scan_started_at = self.scan_started_at or time.perf_counter()
        db = self._ctx.db

        def work() -> Any:
            started = time.perf_counter()
            try:
                with scanning(db) as session:
                    if not code.isdigit():
                        other = packing_query.order_id_for(session, code)
                        if other is not None:  # a packing slip's order barcode: open that order instead
                            return ("order", code)
                    try:
                        return fulfilment.commit_unit(session, number, code)
                    except ScanRefused as exc:
                        tracking = tracking_scan(session, number, code, exc)
                        if tracking is None:
                            raise
                        return ("tracking", code, tracking)
            finally:
                self.last_commit_ms = (time.perf_counter() - started) * 1000.0  # the bench's breakdown

        self._writes.submit(work, self._on_scanned, self._on_refused)
        return True

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writes.close()
        try:
            self._ctx.events.changes_applied.disconnect(self._on_changes)
        except (RuntimeError, TypeError):
            pass
        if self.ship_dialog is not None and shiboken6.isValid(self.ship_dialog):
            self.ship_dialog.reject()

    # --- scans -----------------------------------------------------------------------------

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def _on_scanned(self, result: Any) -> None:
        if not self._alive():
            return
        if isinstance(result, tuple) and result[0] == "order":
            self.scan_started_at = None
            self.open_order(result[1])
            return
        if isinstance(result, tuple) and result[0] == "tracking":  # the carrier label on a complete order
            _, code, detail = result
            self._show("info", f"Tracking number {code}: press Enter to ship {detail.number}.", sound=False)
            self.start_ship(code, detail)
            return
        verdict: fulfilment.ScanVerdict = result
        self._committed_here.append(verdict.code)
        self._show("ok", verdict.message)
        self._ctx.events.publish(verdict.changes)

    def _on_refused(self, exc: Exception) -> None:
        if not self._alive():
            return
        if isinstance(exc, DomainError):
            self._show("refusal", str(exc))
        else:
            log.error("scan failed: %r", exc)
            self._show("refusal", f"The scan could not be saved ({type(exc).__name__}). Scan it again.")

    def _show(self, kind: str, text: str, *, sound: bool = True) -> None:
        {"ok": self.banner.show_ok, "refusal": self.banner.show_refusal}.get(kind, self.banner.show_info)(text)
        self.scan_started_at = None
        self.verdict_shown.emit(kind, text)
        if sound:
            feedback.play(kind, self._ctx.station.sounds)

    def undo_last_scan(self) -> None:
        number = self.open_number
        code = self._committed_here[-1] if self._committed_here else (self._detail.last_code if self._detail else None)
        if number is None or code is None:
            self._show("info", "Nothing to undo on this order.", sound=False)
            return
        db = self._ctx.db

        def work() -> Changes:
            with db.sessions.begin() as session:
                return fulfilment.uncommit_unit(session, number, code)

        def done(changes: Changes) -> None:
            if code in self._committed_here:
                self._committed_here.remove(code)
            self._show("info", f"↶ {code} taken off {number} — it is free again.", sound=False)
            self._ctx.events.publish(changes)

        self._writes.submit(work, done, self._on_refused)

    def _say_why_no_undo(self) -> None:
        """Ctrl+Z while Undo is off. Never uncommits: on a shipped order that would free a sold unit."""
        detail = self._detail
        if detail is not None and not detail.allows_commit:
            self._show("info", f"Order {detail.number} is {detail.status}: scans on it cannot be undone here.",
                       sound=False)
        else:
            self._show("info", "Nothing to undo on this order.", sound=False)

    def _say_why_not(self) -> None:
        """Ctrl+P or F9 while its button is off: say why, instead of doing nothing."""
        detail = self._detail
        if detail is None:
            self._show("info", "Open an order first: scan its packing slip.", sound=False)
        elif not detail.is_open:
            self._show("info", f"Order {detail.number} is {detail.status}; it cannot be shipped.", sound=False)
        else:
            self._show("info", f"Nothing is scanned onto {detail.number} yet.", sound=False)

    # --- shipping and the slip -------------------------------------------------------------

    def start_ship(self, tracking: str = "", detail: OrderDetail | None = None) -> None:
        detail = detail or self._detail
        if detail is None:
            return
        dialog = self.ship_dialog
        if tracking and dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.tracking.setText(tracking)  # already asked: the label just fills the number in
            return
        if not detail.is_open:
            self._show("refusal", f"Order {detail.number} is {detail.status}; it cannot be shipped.")
            return
        missing = detail.missing
        if missing:
            answer = QMessageBox.question(
                self, f"Ship {detail.number} incomplete?",
                f"Order {detail.number} is missing {counted(missing, 'unit')}.\n\n"
                "Ship only what is scanned? The missing units will not be sent.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        label = self._shipping if self._shipping is not None and self._shipping.tracking and \
            self._shipping.state in ("label_bought", "not_packed") else None
        carrier = (label.carrier if label is not None else None) or self._last_carrier
        dialog = ShipDialog(detail.number, missing, carrier, self, ask_shipstation=self._waiting_in_shipstation)
        if tracking or label is not None:
            dialog.tracking.setText(tracking or label.tracking)  # the label bought in ShipStation fills it in
        dialog.accepted.connect(lambda: self._ship(detail.number, dialog.tracking_number(), dialog.carrier_name(),
                                                   bool(missing), dialog.marks_in_shipstation()))
        dialog.finished.connect(dialog.deleteLater)
        self.ship_dialog = dialog
        dialog.open()

    def _ship(self, number: str, tracking: str, carrier: str, incomplete: bool, mark: bool | None = None) -> None:
        self._last_carrier = carrier
        db = self._ctx.db

        def work() -> Changes:
            with db.sessions.begin() as session:
                return ship_at_packing(session, number, tracking, carrier, allow_incomplete=incomplete,
                                       mark_in_shipstation=mark)

        def done(changes: Changes) -> None:
            self._committed_here.clear()
            told = {True: " · marked shipped in ShipStation at the next sync",
                    False: " · left open in ShipStation"}.get(mark, "")
            self._show("ok", f"Shipped {number} · {carrier} {tracking}{told}")
            self._ctx.events.publish(changes)

        self._writes.submit(work, done, self._on_refused)

    def print_slip(self) -> None:
        if self._detail is None:
            return
        try:
            text = print_or_save_slip(self, self._detail, self._ctx.station)
        except Exception as exc:  # a printer or disk problem: say so, keep packing
            log.exception("packing slip failed")
            self._show("refusal", f"The packing slip could not be printed: {exc}")
            return
        if text:
            self._show("info", text, sound=False)

    # --- loading ---------------------------------------------------------------------------

    def reload_orders(self) -> None:
        if self._closed:
            return
        if self._list_loading:
            self._list_dirty = True
            return
        self._list_loading = True
        db = self._ctx.db

        def work() -> tuple[list[OrderRow], tuple[list[str], list[str]]]:
            with db.reads() as session:
                return packing_query.open_order_rows(session), packing_query.filter_choices(session)

        self._ctx.runner.run(work, self._on_orders_loaded, self._on_orders_failed)

    def _on_orders_loaded(self, result: tuple[list[OrderRow], tuple[list[str], list[str]]]) -> None:
        if not self._alive():
            return
        rows, (channels, statuses) = result
        self._list_loading = False
        self._refill(self.channel_filter, ALL_CHANNELS, channels)
        self._refill(self.status_filter, ALL_STATUSES, statuses)
        self._syncing_selection = True
        try:
            self.orders_model.set_rows(rows)
        finally:
            self._syncing_selection = False
        if rows and not self._orders_sized:
            self._orders_sized = True
            for column in range(self.orders_model.columnCount()):
                if column != 2:
                    self.orders_view.resizeColumnToContents(column)
        if self.open_number:
            self._select_in_list(self.open_number)
        self.orders_loaded.emit()
        if self._list_dirty:
            self._list_dirty = False
            self.reload_orders()

    def refresh_orders(self, order_ids: set[int]) -> None:
        """Re-read only these orders' rows (a scan, an order's status): the rest of the list stands."""
        if self._closed:
            return
        if self._list_loading:
            self._list_dirty = True  # a whole read is on its way; read again after it
            return
        db = self._ctx.db
        asked = set(order_ids)

        def work() -> list[OrderRow]:
            with db.reads() as session:
                return packing_query.open_order_rows(session, asked)

        def loaded(rows: list[OrderRow]) -> None:
            if not self._alive():
                return
            self._syncing_selection = True
            try:
                self.orders_model.merge_rows(rows, asked, lambda r: r.order_id)
            finally:
                self._syncing_selection = False
            if self.open_number:
                self._select_in_list(self.open_number)
            self.orders_loaded.emit()

        self._ctx.runner.run(work, loaded, self._on_orders_failed)

    def _on_orders_failed(self, exc: Exception) -> None:
        if self._alive():
            self._list_loading = False
            log.error("open orders could not be loaded: %r", exc)

    def _load_detail(self) -> None:
        if self._closed or self._open_number is None:
            return
        if self._detail_loading:
            self._detail_dirty = True
            return
        self._detail_loading = True
        self._detail_generation += 1
        generation, number, db = self._detail_generation, self._open_number, self._ctx.db

        def work() -> tuple[OrderDetail, OrderShipping | None, bool]:
            with db.reads() as session:
                detail = packing_query.order_detail(session, number)
                return (detail, *shipstation_status.for_packing(session, detail.order_id))

        self._ctx.runner.run(work, lambda d: self._on_detail(generation, d),
                             lambda e: self._on_detail_failed(generation, number, e))

    def _on_detail(self, generation: int, result: tuple[OrderDetail, OrderShipping | None, bool]) -> None:
        if not self._alive():
            return
        detail, shipping, waiting = result
        self._detail_loading = False
        if self._detail_dirty:  # something changed while we read: read again, show the newest
            self._detail_dirty = False
            self._load_detail()
            return
        if generation != self._detail_generation or self._open_number is None:
            return
        before, self._detail = self._detail, detail
        self._shipping, self._waiting_in_shipstation = shipping, waiting
        self._open_number = detail.number
        self.header.show_detail(detail)
        self.header.show_shipping(shipping)
        self.lines_model.set_rows(detail.lines)
        self._update_buttons()
        told = before is not None and before.order_id == detail.order_id and self._tell_about_releases(before, detail)
        if self._announce and not told:
            self._show("info", self._opening_text(detail), sound=False)
        self._announce = False
        self.order_opened.emit(detail.number)

    def _on_detail_failed(self, generation: int, number: str, exc: Exception) -> None:
        if not self._alive():
            return
        self._detail_loading = False
        if generation != self._detail_generation:
            return
        self._open_number = self._detail.number if self._detail else None
        self._show("refusal", str(exc) if isinstance(exc, DomainError) else f"Order {number} could not be loaded.")

    @staticmethod
    def _opening_text(detail: OrderDetail) -> str:
        if not detail.allows_commit:
            return f"{detail.number} is {detail.status}."
        if detail.missing == 0:
            return f"{detail.number}: every unit is scanned — ship it."
        return f"{detail.number} open — scan {counted(detail.missing, 'unit')}."

    def _tell_about_releases(self, before: OrderDetail, after: OrderDetail) -> bool:
        """The marketplace cancelled or refunded lines of the order in front of the packer."""
        closed, released = packing_query.released_since(before, after)
        parts: list[str] = []
        if closed:
            whys = sorted({line.closed_why for line in closed})
            parts.append(f"{after.channel} {' / '.join(whys)} {counted(len(closed), 'line')} of {after.number}.")
        elif before.allows_commit and not after.allows_commit and not after.tracking_number:
            parts.append(f"{after.number} is now {after.status}.")
        if not parts and not released:
            return False
        if released:
            parts.append(f"Take out of the box, back on the shelf: {', '.join(released)}.")
            self._committed_here = [c for c in self._committed_here if c not in released]
        text = " ".join(parts)
        self.header.add_notice(text)
        self._show("refusal" if released else "info", text, sound=bool(released))
        return True

    def _on_changes(self, changes: Changes) -> None:
        if self._closed or not isinstance(changes, Changes):
            return
        if changes.catalog or changes.settings:
            self.reload_orders()
        elif changes.order_ids:
            self.refresh_orders(set(changes.order_ids))
        if self._detail is not None and (self._detail.order_id in changes.order_ids or changes.catalog):
            self._load_detail()

    # --- list selection and filters --------------------------------------------------------

    @staticmethod
    def _refill(combo: QComboBox, everything: str, names: list[str]) -> None:
        current = combo.currentText()
        wanted = [everything, *names]
        if [combo.itemText(i) for i in range(combo.count())] == wanted:
            return
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(wanted)
        combo.setCurrentIndex(max(0, combo.findText(current)))
        combo.blockSignals(False)

    def _apply_filters(self) -> None:
        channel = "" if self.channel_filter.currentIndex() <= 0 else self.channel_filter.currentText()
        status = "" if self.status_filter.currentIndex() <= 0 else self.status_filter.currentText()
        self._syncing_selection = True
        try:
            self.orders_proxy.set_filters(channel, status)
        finally:
            self._syncing_selection = False
        if self.open_number:
            self._select_in_list(self.open_number)

    def _select_in_list(self, number: str) -> None:
        row = self.orders_model.row_of(number)
        proxy_index = self.orders_proxy.mapFromSource(self.orders_model.index(row, 0)) if row >= 0 else QModelIndex()
        selection = self.orders_view.selectionModel()
        self._syncing_selection = True
        try:
            if proxy_index.isValid():
                selection.setCurrentIndex(proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
                self.orders_view.scrollTo(proxy_index)
            else:  # shipped, or filtered out: shown on the right all the same
                selection.clear()
        finally:
            self._syncing_selection = False

    def _on_row_picked(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing_selection or not current.isValid():
            return
        row = self.orders_model.row_at(self.orders_proxy.mapToSource(current).row())
        if row is not None and row.number != self.open_number:
            self.open_order(row.number)

    def _update_buttons(self) -> None:
        detail = self._detail
        self.undo_button.setEnabled(bool(detail and detail.allows_commit and (self._committed_here or detail.last_code)))
        self.slip_button.setEnabled(detail is not None)
        self.ship_button.setEnabled(bool(detail and detail.is_open and detail.scanned))
