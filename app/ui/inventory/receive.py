"""Receive: set product, grade, conditions, status, warehouse once — then scan unit after unit."""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListView, QVBoxLayout, QWidget)

from app.domain import inventory
from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.errors import DomainError, InvalidInput
from app.domain.inventory import Receipt
from app.ui.context import UiContext
from app.ui.inventory.common import ReferenceLists, ScanPage, big_font, refill
from app.ui.inventory.labels import print_label, read_label

log = logging.getLogger(__name__)

FIELD_TITLES = {"manufacturer": "Manufacturer", "model": "Model", "model_number": "Model number",
                "network": "Network", "capacity": "Capacity", "color": "Colour"}


class ReceivePage(ScanPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Set up the receipt on the left, then scan IMEIs or serials one after another.", parent)
        self.received = 0
        self._products: dict[str, ProductSpec] = {}
        self._product = ""  # the product picked in the list; a different pick clears SKU and cost

        self.product_combo = QComboBox(editable=True)
        self.product_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.product_combo.lineEdit().setPlaceholderText("Type to search existing products")
        completer = QCompleter(self.product_combo.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.product_combo.setCompleter(completer)
        self.product_combo.currentIndexChanged.connect(self._product_picked)
        self.new_product = QCheckBox("A new product")
        self.new_fields = {f: QLineEdit() for f in PRODUCT_FIELDS}
        new_box = QWidget()
        new_form = QFormLayout(new_box)
        new_form.setContentsMargins(0, 0, 0, 0)
        for f, edit in self.new_fields.items():
            new_form.addRow(FIELD_TITLES[f], edit)
        new_box.setVisible(False)
        self.new_product.toggled.connect(new_box.setVisible)
        self.new_product.toggled.connect(lambda on: self.product_combo.setEnabled(not on))

        self.grade_combo = QComboBox()
        self.condition_model = QStandardItemModel(self)
        conditions = QListView()
        conditions.setModel(self.condition_model)
        conditions.setMaximumHeight(130)
        self.status_combo = QComboBox()
        self.warehouse_combo = QComboBox()
        self.sku_edit = QLineEdit(placeholderText="optional")
        self.cost_edit = QLineEdit(placeholderText="optional, e.g. 215.00")
        self.print_labels = QCheckBox("Print a label for each unit")
        self.print_labels.setChecked(ctx.station.auto_print_unit_labels)

        setup = QGroupBox("Receipt")
        form = QFormLayout(setup)
        form.addRow("Product", self.product_combo)
        form.addRow("", self.new_product)
        form.addRow(new_box)
        form.addRow("Grade", self.grade_combo)
        form.addRow("Conditions", conditions)
        form.addRow("Status", self.status_combo)
        form.addRow("Warehouse", self.warehouse_combo)
        form.addRow("SKU", self.sku_edit)
        form.addRow("Cost", self.cost_edit)
        form.addRow("", self.print_labels)
        setup.setMaximumWidth(460)

        self.count_label = QLabel("0 received this session")
        self.count_label.setFont(big_font(self, 16, bold=True))
        self.scan_column.insertWidget(1, self.count_label)
        self.scan_column.addWidget(self.log_view, 1)
        left = QVBoxLayout()
        left.addWidget(setup)
        left.addStretch(1)  # the form keeps its natural height instead of spreading its rows apart
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(self.scan_column, 1)

    def set_reference(self, lists: ReferenceLists, not_received: tuple[str, ...] = ()) -> None:
        """New lists (a new product or variation, a settings change): every choice on the form stays.

        `not_received` names the statuses a unit cannot be received into (the sold and returned statuses).
        """
        self._products = dict(lists.products)
        product = self._product  # the product chosen before the reload, or "" for none
        self.product_combo.blockSignals(True)
        self.product_combo.clear()
        self.product_combo.addItems([name for name, _ in lists.products])
        self.product_combo.setCurrentIndex(self.product_combo.findText(product) if product else -1)
        self.product_combo.blockSignals(False)
        self._product = self.product_combo.currentText() if self.product_combo.currentIndex() >= 0 else ""
        self.product_combo.lineEdit().setCursorPosition(0)  # a long name shows its maker and model
        refill(self.grade_combo, lists.grades)
        hidden = {name.strip().lower() for name in not_received}
        refill(self.status_combo, [name for name in lists.statuses if name.strip().lower() not in hidden])
        refill(self.warehouse_combo, lists.warehouses)
        checked = set(self.checked_conditions())
        self.condition_model.clear()
        for code, name in lists.conditions:
            item = QStandardItem(f"{code} — {name}")
            item.setData(code, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
            self.condition_model.appendRow(item)

    def checked_conditions(self) -> list[str]:
        return [self.condition_model.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.condition_model.rowCount())
                if self.condition_model.item(r).checkState() == Qt.CheckState.Checked]

    def set_conditions(self, codes) -> None:
        for r in range(self.condition_model.rowCount()):
            item = self.condition_model.item(r)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in codes else Qt.CheckState.Unchecked)

    def _product_picked(self, index: int) -> None:
        name = self.product_combo.itemText(index) if index >= 0 else ""
        self.product_combo.lineEdit().setCursorPosition(0)  # a long name shows its maker and model
        if name != self._product:
            self._product = name
            self.sku_edit.clear()  # the SKU and cost belong to the product they were typed for
            self.cost_edit.clear()

    def choose_product(self, name: str) -> None:
        self.new_product.setChecked(False)
        self.product_combo.setCurrentIndex(self.product_combo.findText(name))

    def receipt(self) -> Receipt:
        """The receipt as set up on screen, or InvalidInput saying what is missing."""
        if self.new_product.isChecked():
            spec = ProductSpec(**{f: e.text() for f, e in self.new_fields.items()}).cleaned()
        else:
            spec = self._products.get(self.product_combo.currentText())
            if spec is None:
                raise InvalidInput("Choose a product first (or tick “A new product” and describe it).")
        if not self.grade_combo.currentText():
            raise InvalidInput("Choose a grade first.")
        cost = None
        if self.cost_edit.text().strip():
            try:
                cost = Decimal(self.cost_edit.text().strip().replace(",", "."))
            except InvalidOperation:
                raise InvalidInput(f"The cost “{self.cost_edit.text()}” is not a number.") from None
        return Receipt(spec, self.grade_combo.currentText(), tuple(self.checked_conditions()),
                       self.status_combo.currentText(), self.warehouse_combo.currentText(),
                       self.sku_edit.text().strip() or None, cost)

    def refuse(self, code: str, error: Exception) -> None:
        """A refusal on one line that names the scanned code."""
        if not isinstance(error, DomainError):
            log.error("receiving %s failed", code, exc_info=error)
        text = " ".join(str(error).split()) if isinstance(error, DomainError) else f"Something went wrong: {error}"
        self.verdict_refused(text if code in text else f"{code}: {text}")

    def scan(self, code: str) -> None:
        try:
            receipt = self.receipt()
        except DomainError as exc:
            self.refuse(code, exc)
            return
        ctx, want_label = self.ctx, self.print_labels.isChecked()

        def work():
            with ctx.db.sessions.begin() as session:
                unit, changes = inventory.receive_unit(session, receipt, code=code)
                received = unit.code
            return received, changes, (read_label(ctx, received) if want_label else None)

        self.run(work, self._received, lambda exc: self.refuse(code, exc))

    def _received(self, result) -> None:
        code, changes, label = result
        self.received += 1
        self.count_label.setText(f"{self.received} received this session")
        text = f"{code} received — {self.receipt_summary()}"
        self.verdict_ok(text)
        self.ctx.events.publish(changes)
        if label is not None:
            outcome = print_label(self.ctx, label)
            self.banner.show_ok(f"{text} · {outcome}")
            self.log_model.add("info", f"{code}: {outcome}")

    def receipt_summary(self) -> str:
        name = (" ".join(e.text() for e in self.new_fields.values() if e.text()) if self.new_product.isChecked()
                else self.product_combo.currentText())
        conditions = "+".join(self.checked_conditions())
        return f"{name} · {self.grade_combo.currentText()}" + (f" · {conditions}" if conditions else "")
