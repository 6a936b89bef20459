"""New purchase order: vendor, reference, expected date and its lines (model, quantity, unit cost)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.domain.purchasing import orders
from app.domain.purchasing.orders import PoLineSpec
from app.ui.context import UiContext
from app.ui.purchasing.common import money, say, table, words
from app.ui.purchasing.rows_model import Column, RowsModel
from app.ui.widgets.guard import run_for

LINE_FIELDS = ("manufacturer", "model", "model_number", "network", "capacity", "color", "grade")


class NewPoForm(QGroupBox):
    created = Signal(str)  # the new PO's number

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("New purchase order", parent)
        self.setObjectName("new_po_form")
        self._ctx = ctx
        self.vendor = QComboBox(objectName="po_vendor")
        self.reference = QLineEdit(objectName="po_reference", placeholderText="the vendor's invoice or lot number")
        self.expected = QDateEdit(QDate.currentDate().addDays(7), objectName="po_expected", calendarPopup=True)
        self.fields = {name: QLineEdit(objectName=f"line_{name}", placeholderText=name.replace("_", " "))
                       for name in LINE_FIELDS}
        self.qty = QSpinBox(objectName="line_qty", minimum=1, maximum=100000, value=10)
        self.cost = QLineEdit(objectName="line_cost", placeholderText="unit cost, e.g. 180.00")
        self.add_line_button = QPushButton("Add line", objectName="add_po_line")
        self.remove_line_button = QPushButton("Remove line", objectName="remove_po_line")
        self.create_button = QPushButton("Create PO", objectName="create_po")
        self.message = QLabel(objectName="po_form_message", wordWrap=True)
        self.lines = RowsModel((
            Column("Product", lambda s: " ".join(v for v in (s.manufacturer, s.model, s.model_number, s.network,
                                                             s.capacity, s.color) if v)),
            Column("Grade", lambda s: s.grade or ""),
            Column("Qty", lambda s: s.quantity, align_right=True),
            Column("Unit cost", lambda s: money(s.unit_cost), align_right=True),
        ), self)
        self.lines_view = table(self.lines, self, stretch=0, name="new_po_lines")
        self.lines_view.setMinimumHeight(90)

        head = QFormLayout()
        head.addRow("Vendor", self.vendor)
        head.addRow("Reference", self.reference)
        head.addRow("Expected", self.expected)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for name in ("manufacturer", "model", "model_number", "network"):
            row1.addWidget(self.fields[name])
        for name in ("capacity", "color", "grade"):
            row2.addWidget(self.fields[name])
        row2.addWidget(QLabel("qty"))
        row2.addWidget(self.qty)
        row2.addWidget(self.cost)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_line_button)
        buttons.addWidget(self.remove_line_button)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.lines_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.add_line_button.clicked.connect(self.add_line)
        self.remove_line_button.clicked.connect(self.remove_line)
        self.create_button.clicked.connect(self.create)

    def set_vendors(self, names: list[str]) -> None:
        current = self.vendor.currentText()
        self.vendor.clear()
        self.vendor.addItems(names)
        if current in names:
            self.vendor.setCurrentText(current)

    def add_line(self) -> bool:
        values = {name: " ".join(edit.text().split()) for name, edit in self.fields.items()}
        if not values["manufacturer"] or not values["model"]:
            say(self.message, "A line needs at least a manufacturer and a model.", refused=True)
            return False
        try:
            cost = Decimal(self.cost.text().strip().replace(",", ""))
        except InvalidOperation:
            say(self.message, f"Unit cost “{self.cost.text()}” is not an amount such as 180.00.", refused=True)
            return False
        grade = values.pop("grade") or None
        spec = PoLineSpec(values["manufacturer"], values["model"], self.qty.value(), cost,
                          values["model_number"], values["network"], values["capacity"], values["color"], grade)
        self.lines.set_rows([*self.lines.rows, spec])
        say(self.message, f"Line {len(self.lines.rows)} added. Add another, or create the PO.")
        for name in ("model_number", "capacity", "color", "grade"):
            self.fields[name].clear()
        return True

    def remove_line(self) -> None:
        index = self.lines_view.currentIndex()
        row = index.row() if index.isValid() else len(self.lines.rows) - 1
        if row >= 0:
            self.lines.set_rows(self.lines.rows[:row] + self.lines.rows[row + 1:])

    def create(self) -> None:
        vendor, lines = self.vendor.currentText(), list(self.lines.rows)
        reference, expected = self.reference.text(), self.expected.date().toPython()
        db = self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return orders.create_po(session, vendor, lines, reference_text=reference, expected_date=expected)

        def done(result) -> None:
            self.lines.set_rows([])
            self.reference.clear()
            say(self.message, f"{result.number} created as a draft for {vendor}.")
            self._ctx.events.publish(result.changes)
            self.created.emit(result.number)

        self.create_button.setEnabled(False)

        def finished(_value=None) -> None:
            self.create_button.setEnabled(True)

        run_for(self, self._ctx.runner, work, lambda r: (finished(), done(r)),
                lambda exc: (finished(), say(self.message, words(exc), refused=True)))
