"""The direct-order form: customer, lines (a SKU or a variation id, and a quantity), ship-to address.

The dialog hands what was typed to the tab (`submitted`), which creates the order off the GUI thread
and answers with `refused(text)` — the form stays as typed — or `accept()`.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from app.domain.addresses import FIELDS, REQUIRED
from app.domain.limits import MAX_LINE_QUANTITY

ADDRESS_TITLES = {"name": "Name", "company": "Company", "street1": "Street", "street2": "Street (2)",
                  "street3": "Street (3)", "city": "City", "state": "State / region", "postal_code": "Postal code",
                  "country": "Country (FR, US…)", "phone": "Phone", "email": "Email"}
ADDRESS_ORDER = ("name", "company", "street1", "street2", "postal_code", "city", "state", "country", "phone", "email")
KINDS = (("SKU", "sku"), ("Variation id", "variation"))


class LineRow:
    """One line's widgets in the lines grid."""

    def __init__(self, skus: QCompleter) -> None:
        self.kind = QComboBox()
        for title, key in KINDS:
            self.kind.addItem(title, key)
        self.value = QLineEdit(placeholderText="SKU, e.g. IP13-128-MID-A")
        self.value.setCompleter(skus)  # the catalog's SKUs, typed in any case
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed(skus))
        self.quantity = QSpinBox(minimum=1, maximum=MAX_LINE_QUANTITY)
        self.remove = QPushButton("Remove")

    def _kind_changed(self, skus: QCompleter) -> None:
        by_sku = self.kind.currentData() == "sku"
        self.value.setPlaceholderText("SKU, e.g. IP13-128-MID-A" if by_sku else "variation id, e.g. 42 (catalog tooltip)")
        self.value.setCompleter(skus if by_sku else None)

    def widgets(self) -> tuple[QWidget, ...]:
        return self.kind, self.value, self.quantity, self.remove

    def values(self) -> tuple[str, str, str]:
        return self.kind.currentData(), self.value.text(), str(self.quantity.value())


class NewOrderDialog(QDialog):
    submitted = Signal(str, list, dict)  # customer, [(kind, value, quantity)], ship-to fields

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New direct order")
        self.setMinimumWidth(620)
        self.customer = QLineEdit(placeholderText="Customer's name")
        self.skus = QCompleter(QStringListModel(self), self)
        self.skus.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.skus.setFilterMode(Qt.MatchFlag.MatchContains)
        self.lines: list[LineRow] = []
        self.lines_grid = QGridLayout()
        for column, title in enumerate(("", "SKU or variation id", "Quantity")):
            self.lines_grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        self.lines_grid.setColumnStretch(1, 1)
        add_line = QPushButton("Add a line")
        add_line.clicked.connect(lambda: self.add_line())
        lines_box = QGroupBox("Lines")
        lines_layout = QVBoxLayout(lines_box)
        # Many lines scroll inside the box, so the address and the buttons stay on a 700 px screen.
        grid_holder = QWidget()
        grid_holder.setLayout(self.lines_grid)
        self.lines_scroll = QScrollArea(objectName="order_lines_scroll")
        self.lines_scroll.setWidgetResizable(True)
        self.lines_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.lines_scroll.setWidget(grid_holder)
        self.lines_scroll.setMinimumHeight(110)
        self._show_newest = False
        self.lines_scroll.verticalScrollBar().rangeChanged.connect(self._range_changed)
        lines_layout.addWidget(self.lines_scroll, 1)
        lines_layout.addWidget(add_line)

        self.address = {f: QLineEdit() for f in FIELDS}
        self.address["country"].setMaxLength(2)
        ship_box = QGroupBox("Ship to (optional; name, street, postal code, city and country when given)")
        ship_form = QFormLayout(ship_box)
        for f in ADDRESS_ORDER:
            ship_form.addRow(ADDRESS_TITLES[f] + (" *" if f in REQUIRED else ""), self.address[f])

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create order")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("Customer *", self.customer)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(lines_box, 1)
        layout.addWidget(ship_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.add_line()

    def add_line(self, kind: str = "sku", value: str = "", quantity: int = 1) -> LineRow:
        row = LineRow(self.skus)
        row.kind.setCurrentIndex(row.kind.findData(kind))
        row.value.setText(value)
        row.quantity.setValue(quantity)
        row.remove.clicked.connect(lambda: self.remove_line(row))
        self.lines.append(row)
        grid_row = self.lines_grid.rowCount()
        for column, widget in enumerate(row.widgets()):
            self.lines_grid.addWidget(widget, grid_row, column)
        row.value.setFocus()
        self._show_newest = True  # once the grid has its new height (_range_changed)
        return row

    def _range_changed(self, _low: int, high: int) -> None:
        """A line was added at the bottom: scroll down to it (the box scrolls, the dialog does not grow)."""
        if self._show_newest:
            self._show_newest = False
            self.lines_scroll.verticalScrollBar().setValue(high)

    def remove_line(self, row: LineRow) -> None:
        self.lines.remove(row)
        for widget in row.widgets():
            self.lines_grid.removeWidget(widget)
            widget.deleteLater()

    def set_skus(self, skus: list[str]) -> None:
        self.skus.model().setStringList(skus)

    def _submit(self) -> None:
        self.buttons.setEnabled(False)  # one order at a time; the answer re-enables or closes
        self.message.hide()
        self.submitted.emit(self.customer.text(), [row.values() for row in self.lines],
                            {f: edit.text() for f, edit in self.address.items()})

    def refused(self, text: str) -> None:
        """Say why; everything typed stays."""
        self.buttons.setEnabled(True)
        self.message.setText("✗ " + text)
        self.message.show()
