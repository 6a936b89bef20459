"""Assign one SKU to the selected variations: the dialog stays open on a refusal, with the SKU as typed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class AssignSkuDialog(QDialog):
    """Asks for the SKU; `submitted` hands it to the tab, which answers with `refused` or `accept()`."""

    submitted = Signal(str)

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign SKU")
        self.setMinimumWidth(520)
        self.sku_edit = QLineEdit(placeholderText="e.g. IP13-128-MID-A (empty clears the SKU)")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"SKU for {count:,} selected variation{'s' if count != 1 else ''}:"))
        layout.addWidget(self.sku_edit)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _submit(self) -> None:
        self.buttons.setEnabled(False)  # one save at a time; the answer re-enables or closes
        self.message.hide()
        self.submitted.emit(self.sku_edit.text().strip())

    def refused(self, text: str) -> None:
        """Say why, keep the typed SKU, select it so the next keystrokes replace it."""
        self.buttons.setEnabled(True)
        self.message.setText("✗ " + text)
        self.message.show()
        self.adjustSize()  # the whole reason shows, however long
        self.sku_edit.setFocus()
        self.sku_edit.selectAll()
