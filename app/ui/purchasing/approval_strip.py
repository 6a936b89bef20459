"""The over-receipt approval strip of the receiving screen: after a red "line is complete" verdict
at a packer's station, "Manager approves…" opens a row (no dialog) where a manager types their name
and PIN — or scans their badge — to let that one unit in. The station stays the packer's."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.purchasing.approval import Approval
from app.ui.purchasing.common import REFUSED_STYLE

OFFER_TEXT = "Line complete: {code} needs a manager's approval."
ASK_TEXT = "Manager: your name and PIN, or scan your badge, to receive {code}."


class ApprovalStrip(QWidget):
    approved = Signal(object)  # Approval, for the unit in `code`

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("over_receipt_approval")
        self.code: str | None = None  # the over-receipt unit waiting for a manager
        self.label = QLabel(objectName="approval_label", wordWrap=True)
        self.offer_button = QPushButton("Manager approves…", objectName="manager_approves")
        self.name = QLineEdit(objectName="approver_name", placeholderText="manager's name")
        self.pin = QLineEdit(objectName="approver_pin", placeholderText="PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.approve_button = QPushButton("Approve", objectName="approve_over_receipt")
        self.cancel_button = QPushButton("Cancel", objectName="cancel_approval")
        self.refusal = QLabel(objectName="approval_refusal", wordWrap=True)
        self.refusal.setStyleSheet(REFUSED_STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 2)
        row.addWidget(self.offer_button)
        row.addWidget(self.name, 1)
        row.addWidget(self.pin)
        row.addWidget(self.approve_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.refusal, 2)
        for button in (self.offer_button, self.approve_button, self.cancel_button):
            button.setMinimumHeight(36)
        self.offer_button.clicked.connect(self.ask)
        self.name.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.approve)
        self.approve_button.clicked.connect(self.approve)
        self.cancel_button.clicked.connect(self.dismiss)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#over_receipt_approval { background: #ffebee; border-radius: 4px; }")
        self.dismiss()

    @property
    def asking(self) -> bool:
        """True while the name/PIN row is open: a scan now is the manager's badge."""
        return self.code is not None and self.name.isVisible()

    def offer(self, code: str) -> None:
        self.code = code
        self._mode(asking=False)
        self.label.setText(OFFER_TEXT.format(code=code))
        self.show()

    def ask(self) -> None:
        if self.code is None:
            return
        self._mode(asking=True)
        self.label.setText(ASK_TEXT.format(code=self.code))
        self.name.setFocus()

    def approve(self) -> None:
        if self.code is not None:
            self.approved.emit(Approval(self.name.text(), self.pin.text()))

    def badge(self, code: str) -> None:
        if self.code is not None:
            self.approved.emit(Approval(badge=code))

    def refused(self, text: str) -> None:
        """The approval was refused: say why, clear the PIN, keep asking."""
        self.refusal.setText(text)
        self.refusal.show()
        self.pin.clear()
        self.pin.setFocus()

    def dismiss(self) -> None:
        self.code = None
        self.name.clear()
        self.pin.clear()
        self.refusal.clear()
        self.hide()

    def _mode(self, *, asking: bool) -> None:
        self.offer_button.setVisible(not asking)
        for widget in (self.name, self.pin, self.approve_button):
            widget.setVisible(asking)
        self.refusal.setVisible(False)
        self.refusal.clear()
