"""Vendors: who lots are bought from and who defects go back to (adding one is a manager's)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.purchasing import vendors
from app.ui.context import UiContext
from app.ui.purchasing.common import say, table, words
from app.ui.purchasing.rows_model import Column, RowsModel
from app.ui.widgets.guard import run_for


class VendorsPage(QWidget):
    vendors_loaded = Signal(list)  # vendor names, for the pickers of other pages

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vendors_page")
        self._ctx = ctx
        self.model = RowsModel((Column("Vendor", lambda v: v.name), Column("Contact", lambda v: v.contact)), self)
        self.view = table(self.model, self, stretch=1, name="vendors")
        self.name = QLineEdit(objectName="vendor_name", placeholderText="vendor name")
        self.contact = QLineEdit(objectName="vendor_contact", placeholderText="contact: person, e-mail, phone")
        self.add_button = QPushButton("Add vendor", objectName="add_vendor")
        self.message = QLabel(objectName="vendor_message", wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.contact, 2)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.name.returnPressed.connect(self.add)
        self.reload()

    def reload(self) -> None:
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return vendors.list_vendors(session)

        def done(rows) -> None:
            self.model.set_rows(rows)
            self.vendors_loaded.emit([v.name for v in rows])

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def add(self) -> None:
        name, contact, db = self.name.text(), self.contact.text(), self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return vendors.add_vendor(session, name, contact)

        def done(result) -> None:
            info, changes = result
            self.name.clear()
            self.contact.clear()
            say(self.message, f"Vendor {info.name} added.")
            self._ctx.events.publish(changes)
            self.reload()

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def set_manager(self, allowed: bool) -> None:
        for widget in (self.name, self.contact, self.add_button):
            widget.setEnabled(allowed)
