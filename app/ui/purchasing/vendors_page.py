"""Vendors: who lots are bought from and who defects go back to (adding or editing one is a
manager's). Editing happens in the same row of fields as adding — no dialog: "Edit vendor" (or a
double-click) loads the selected vendor, "Save vendor" renames it or changes its contact."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.purchasing import vendors
from app.ui.context import UiContext
from app.ui.purchasing.common import say, selected_row, table, words
from app.ui.purchasing.rows_model import Column, RowsModel
from app.ui.widgets.guard import run_for


class VendorsPage(QWidget):
    vendors_loaded = Signal(list)  # vendor names, for the pickers of other pages

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vendors_page")
        self._ctx = ctx
        self._manager = True
        self.editing: str | None = None  # the name of the vendor being edited, None while adding
        self.model = RowsModel((Column("Vendor", lambda v: v.name), Column("Contact", lambda v: v.contact)), self)
        self.view = table(self.model, self, stretch=1, name="vendors")
        self.name = QLineEdit(objectName="vendor_name", placeholderText="vendor name")
        self.contact = QLineEdit(objectName="vendor_contact", placeholderText="contact: person, e-mail, phone")
        self.add_button = QPushButton("Add vendor", objectName="add_vendor")
        self.edit_button = QPushButton("Edit vendor", objectName="edit_vendor")
        self.cancel_button = QPushButton("Cancel", objectName="cancel_vendor_edit")
        self.cancel_button.hide()
        self.message = QLabel(objectName="vendor_message", wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.contact, 2)
        row.addWidget(self.add_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.save)
        self.name.returnPressed.connect(self.save)
        self.edit_button.clicked.connect(self.start_edit)
        self.cancel_button.clicked.connect(self.stop_edit)
        self.view.doubleClicked.connect(lambda _index: self.start_edit())
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

    def start_edit(self) -> None:
        vendor = selected_row(self.view)
        if vendor is None:
            say(self.message, "Pick a vendor in the list to edit it.", refused=True)
            return
        if not self._manager:
            return
        self.editing = vendor.name
        self.name.setText(vendor.name)
        self.contact.setText(vendor.contact)
        self.add_button.setText("Save vendor")
        self.cancel_button.show()
        say(self.message, f"Editing {vendor.name}: change the name or contact, then Save vendor.")
        self.name.setFocus()

    def stop_edit(self) -> None:
        self.editing = None
        self.name.clear()
        self.contact.clear()
        self.add_button.setText("Add vendor")
        self.cancel_button.hide()

    def save(self) -> None:
        if self.editing is not None:
            self.edit()
        else:
            self.add()

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

    def edit(self) -> None:
        old, name, contact, db = self.editing, self.name.text(), self.contact.text(), self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return vendors.update_vendor(session, old, new_name=name, contact=contact)

        def done(result) -> None:
            info, changes = result
            self.stop_edit()
            say(self.message, f"Vendor {info.name} saved." if info.name == old else f"Vendor {old} is now {info.name}.")
            self._ctx.events.publish(changes)
            self.reload()

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def set_manager(self, allowed: bool) -> None:
        self._manager = allowed
        if not allowed:
            self.stop_edit()
        for widget in (self.name, self.contact, self.add_button, self.edit_button, self.cancel_button):
            widget.setEnabled(allowed)
