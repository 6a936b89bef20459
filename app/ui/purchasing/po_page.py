"""Purchase orders: the list with received vs expected, one PO's lines and units, and the
manager's actions on it — place, attach the manifest, landed cost, close or cancel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter,
                               QTabWidget, QVBoxLayout, QWidget)

from app.domain.csv_import import CsvImportError
from app.domain.errors import InvalidInput
from app.domain.purchasing import landed, manifest, orders, views
from app.domain.purchasing.views import PoView
from app.ui.context import UiContext
from app.ui.inventory.csv_io import ProblemsModel
from app.ui.purchasing.common import Asks, money, say, table, words
from app.ui.purchasing.po_form import NewPoForm
from app.ui.purchasing.po_models import lines_model, po_list_model, status_words, units_model
from app.ui.purchasing.vendors_page import VendorsPage
from app.ui.widgets.guard import run_for
from app.domain.dates import counted


class PoPage(QWidget):
    receive_requested = Signal(str)  # "Receive…" on a PO: the tab opens the receiving screen on it
    po_shown = Signal(str)

    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("po_page")
        self._ctx = ctx
        self._asks = asks or Asks()
        self.po: PoView | None = None
        self.problems = ProblemsModel([], self)
        self._build()
        self.reload()

    def _build(self) -> None:
        self.list_model = po_list_model(self)
        self.list_view = table(self.list_model, self, stretch=3, name="po_list")
        self.list_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._picked(self.list_model.row(current.row())))
        self.list_view.doubleClicked.connect(  # a double-click on an order opens it for receiving
            lambda index: self._receive_row(self.list_model.row(index.row())))
        self.open_only = QCheckBox("Open orders only", objectName="open_only", checked=True)
        self.open_only.toggled.connect(lambda _on: self.reload())
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.open_only)
        left_layout.addWidget(self.list_view, 1)

        self.header = QLabel("Pick a purchase order on the left.", objectName="po_header", wordWrap=True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.header.setFont(font)
        self.lines = lines_model(self)
        self.lines_view = table(self.lines, self, stretch=1, name="po_lines")
        self.units = units_model(self)
        self.units_view = table(self.units, self, stretch=5, name="po_units")
        self.problems_view = table(self.problems, self, stretch=1, name="manifest_problems")
        self.problems_view.hide()
        self.buttons = {}
        actions = QHBoxLayout()
        for key, title in (("receive", "Receive…"), ("place", "Mark placed"), ("manifest", "Attach manifest…"),
                           ("close", "Close PO"), ("cancel", "Cancel PO")):
            button = QPushButton(title, objectName=f"po_{key}")
            self.buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.buttons["receive"].clicked.connect(lambda: self.po and self.receive_requested.emit(self.po.number))
        self.buttons["place"].clicked.connect(lambda: self._act("place"))
        self.buttons["close"].clicked.connect(lambda: self._act("close"))
        self.buttons["cancel"].clicked.connect(lambda: self._act("cancel"))
        self.buttons["manifest"].clicked.connect(self.attach_manifest)
        self.landed_amount = QLineEdit(objectName="landed_amount", placeholderText="freight / fees, e.g. 120.00")
        self.landed_method = QComboBox(objectName="landed_method")
        self.landed_method.addItem("spread equally", landed.EQUAL)
        self.landed_method.addItem("spread by unit cost", landed.BY_COST)
        self.landed_description = QLineEdit(objectName="landed_description", placeholderText="what it is (freight…)")
        self.landed_button = QPushButton("Add landed cost", objectName="add_landed_cost")
        self.landed_button.clicked.connect(self.add_landed_cost)
        landed_row = QHBoxLayout()
        landed_row.addWidget(QLabel("Landed cost"))
        landed_row.addWidget(self.landed_amount)
        landed_row.addWidget(self.landed_method)
        landed_row.addWidget(self.landed_description, 1)
        landed_row.addWidget(self.landed_button)
        self.message = QLabel(objectName="po_message", wordWrap=True)
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.header)
        detail_layout.addLayout(actions)
        detail_layout.addWidget(self.lines_view, 2)
        detail_layout.addWidget(self.units_view, 3)
        detail_layout.addWidget(self.problems_view, 2)
        detail_layout.addLayout(landed_row)
        detail_layout.addWidget(self.message)

        self.form = NewPoForm(self._ctx, self)
        self.form.created.connect(self._created)
        self.vendors = VendorsPage(self._ctx, self)
        self.vendors.vendors_loaded.connect(self.form.set_vendors)
        self.pages = QTabWidget(self)
        self.pages.addTab(detail, "Order")
        self.pages.addTab(self.form, "New purchase order")
        self.pages.addTab(self.vendors, "Vendors")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.pages)
        split.setSizes([380, 900])
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._update_buttons()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        open_only, db = self.open_only.isChecked(), self._ctx.db

        def work():
            with db.reads() as session:
                return views.list_pos(session, open_only=open_only)

        def done(rows) -> None:
            current = self.po.number if self.po else None
            self.list_model.set_rows(rows)
            for i, row in enumerate(rows):
                if row.number == current:
                    self.list_view.selectRow(i)

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def _receive_row(self, summary) -> None:
        if summary is not None and summary.status in ("draft", "placed", "partially_received", "received"):
            self.receive_requested.emit(summary.number)

    def _picked(self, summary) -> None:
        if summary is not None and (self.po is None or self.po.number != summary.number):
            self.show_po(summary.number)

    def show_po(self, number: str) -> None:
        db = self._ctx.db

        def work() -> PoView:
            with db.reads() as session:
                return views.po_view(session, number)

        def done(view: PoView) -> None:
            self.po = view
            self.lines.set_rows(view.lines)
            self.units.set_rows(view.units)
            expected = f" · expected {view.expected_date:%Y-%m-%d}" if view.expected_date else ""
            manifest_words = (f"manifest {view.manifest_received}/{view.manifest_rows} received"
                              + (f", {len(view.manifest_missing)} missing" if view.manifest_missing else "")
                              if view.manifest_rows else "no manifest")
            landed_words = f" · landed cost {money(view.landed_cost)}" if view.landed_cost else ""
            self.header.setText(f"{view.number} · {view.vendor}" + (f" · ref {view.reference}" if view.reference else "")
                                + f" · {status_words(view.status)}{expected}\nreceived {view.received} of "
                                  f"{view.expected} · {manifest_words}{landed_words}")
            self.pages.setCurrentIndex(0)
            self._update_buttons()
            self.po_shown.emit(view.number)

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def _created(self, number: str) -> None:
        self.reload()
        self.show_po(number)
        say(self.message, f"{number} created as a draft: attach the vendor's manifest, then receive it.")

    def _update_buttons(self) -> None:
        status = self.po.status if self.po else None
        receivable = status in ("draft", "placed", "partially_received", "received")
        self.buttons["receive"].setEnabled(receivable)
        self.buttons["place"].setEnabled(status == "draft")
        self.buttons["manifest"].setEnabled(receivable)
        self.buttons["close"].setEnabled(status in ("partially_received", "received"))
        self.buttons["cancel"].setEnabled(status in ("draft", "placed"))
        self.landed_button.setEnabled(status is not None and status != "cancelled")

    # --- actions ----------------------------------------------------------------------------

    def _write(self, work, said: str) -> None:
        number = self.po.number

        def done(result) -> None:
            changes = getattr(result, "changes", result)
            self._ctx.events.publish(changes)
            say(self.message, said.format(result=result))
            self.reload()
            self.show_po(number)

        def failed(exc: Exception) -> None:
            if isinstance(exc, CsvImportError):
                self.problems_view.setModel(None)
                self.problems = ProblemsModel(exc.problems, self)
                self.problems_view.setModel(self.problems)
                self.problems_view.show()
                say(self.message, f"{counted(len(exc.problems), 'bad row')} — nothing imported; each is listed above.",
                    refused=True)
            else:
                say(self.message, words(exc), refused=True)

        run_for(self, self._ctx.runner, work, done, failed)

    def _act(self, action: str) -> None:
        if self.po is None:
            return
        number, db = self.po.number, self._ctx.db
        call = {"place": orders.place_po, "close": orders.close_po, "cancel": orders.cancel_po}[action]

        def work():
            with db.sessions.begin() as session:
                return call(session, number)

        self._write(work, {"place": f"{number} marked placed.", "close": f"{number} closed: nothing more is received "
                           "on it (a vendor's replacements still are).", "cancel": f"{number} cancelled."}[action])

    def attach_manifest(self) -> None:
        if self.po is None:
            return
        path = self._asks.open_csv(self, f"The vendor's IMEI list for {self.po.number}")
        if not path:
            return
        number, db = self.po.number, self._ctx.db
        self.problems_view.hide()

        def work():
            text = Path(path).read_text(encoding="utf-8-sig")
            with db.sessions.begin() as session:
                return manifest.import_manifest(session, number, text, filename=Path(path).name)

        self._write(work, "Manifest of {result.po_number} attached: {result.rows} units.")

    def add_landed_cost(self) -> None:
        if self.po is None:
            return
        number, db = self.po.number, self._ctx.db
        amount = self.landed_amount.text().strip().replace(",", "")
        method, description = self.landed_method.currentData(), self.landed_description.text()

        def work():
            try:
                value = Decimal(amount)
            except InvalidOperation:
                raise InvalidInput(f"Landed cost “{amount}” is not an amount such as 120.00.") from None
            with db.sessions.begin() as session:
                return landed.add_landed_cost(session, number, value, method=method, description=description)

        self.landed_amount.clear()
        self._write(work, "Landed cost {result.amount} spread over {result.units} units of {result.po_number}.")

    def set_manager(self, allowed: bool) -> None:
        """Purchasing is a manager's: a packer sees the orders and receives, nothing more."""
        self.pages.setTabVisible(1, allowed)
        self.vendors.set_manager(allowed)
        for key in ("place", "manifest", "close", "cancel"):
            self.buttons[key].setVisible(allowed)
        for widget in (self.landed_amount, self.landed_method, self.landed_description, self.landed_button):
            widget.setVisible(allowed)
