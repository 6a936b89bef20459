"""Ship an order: a scannable tracking number and the carrier."""

from __future__ import annotations

import logging
import re

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.codes import luhn_valid
from app.ui.scanner import SCAN_TARGET_PROPERTY
from app.domain.dates import counted

log = logging.getLogger(__name__)

CARRIERS = ("UPS", "DHL", "FedEx", "USPS", "Colissimo", "La Poste", "Royal Mail", "Chronopost", "GLS", "DPD", "Other")

# Tracking-number shapes distinctive enough to pick the carrier for the packer.
_CARRIER_PATTERNS = (
    (re.compile(r"^1Z[0-9A-Z]{16}$"), "UPS"),
    (re.compile(r"^(94|93|92|95)\d{20}$"), "USPS"),
    (re.compile(r"^[A-Z]{2}\d{9}GB$"), "Royal Mail"),
    (re.compile(r"^(6A|6C|6G|6H|6M|6Q|6V|6W|7Q|8R|8V|9L|9V)\d{11}$"), "Colissimo"),
    (re.compile(r"^[A-Z]{2}\d{9}FR$"), "La Poste"),
    (re.compile(r"^JJD\d{10,}$"), "DHL"),
)


def guess_carrier(tracking: str) -> str | None:
    text = tracking.strip().upper().replace(" ", "")
    return next((carrier for pattern, carrier in _CARRIER_PATTERNS if pattern.match(text)), None)


def tracking_problem(tracking: str, order_number: str) -> str | None:
    """Catch the wrong barcode scanned into the tracking field (the slip's order number, a phone)."""
    text = tracking.strip()
    if not text:
        return "Scan or type the tracking number."
    if text.upper() == order_number.upper():
        return "That is the order number from the packing slip — scan the carrier label's barcode."
    if len(text) == 15 and text.isdigit() and luhn_valid(text):
        return "That is a phone's IMEI — scan the carrier label's barcode."
    return None


class ShipDialog(QDialog):
    """Scanning the label fills the tracking field and ships at once (Enter presses Ship)."""

    def __init__(self, order_number: str, missing: int = 0, carrier: str = "", parent: QWidget | None = None, *,
                 ask_shipstation: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Ship {order_number}")
        self.setObjectName("ship_dialog")
        self._order_number = order_number
        self._carrier_chosen = bool(carrier)

        big = QFont(self.font())
        big.setPointSize(max(big.pointSize(), 10) + 6)

        self.tracking = QLineEdit(objectName="tracking")
        self.tracking.setProperty(SCAN_TARGET_PROPERTY, True)  # the wedge filter leaves scans here alone
        self.tracking.setPlaceholderText("scan the carrier label")
        self.tracking.setFont(big)
        self.tracking.setMinimumWidth(420)
        self.carrier = QComboBox(objectName="carrier")
        self.carrier.setEditable(True)
        self.carrier.addItems(CARRIERS)
        self.carrier.setFont(big)
        self.carrier.setCurrentText(carrier or CARRIERS[0])
        # The order waits in ShipStation for a label: mark it shipped there too? (the next sync does it)
        self.mark_in_shipstation = QCheckBox("&Mark it shipped in ShipStation too (it is waiting there for a label)",
                                             objectName="mark_in_shipstation")
        self.mark_in_shipstation.setChecked(True)
        asked = QFont(self.font())
        asked.setPointSize(max(asked.pointSize(), 10) + 2)
        asked.setBold(True)
        self.mark_in_shipstation.setFont(asked)
        self.mark_in_shipstation.setVisible(ask_shipstation)
        self._ask_shipstation = ask_shipstation
        self.problem = QLabel(objectName="problem")
        self.problem.setStyleSheet("color: #c62828; font-weight: bold;")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Tracking number", self.tracking)
        form.addRow("Carrier", self.carrier)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ship_button = self.buttons.addButton("Ship", QDialogButtonBox.ButtonRole.AcceptRole)
        # Enter — the scanner's, or the packer's — must mean Ship, never Cancel.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        self.ship_button.setAutoDefault(True)
        self.ship_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        title = QLabel(f"Ship order {order_number}")
        title.setFont(big)
        layout.addWidget(title)
        if missing:
            warning = QLabel(f"⚠ Incomplete: {counted(missing, 'unit')} not scanned will not be shipped.")
            warning.setStyleSheet("color: #8a5a00; font-weight: bold;")
            layout.addWidget(warning)
        layout.addLayout(form)
        if ask_shipstation:
            layout.addWidget(self.mark_in_shipstation)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.tracking.textChanged.connect(self._on_tracking_changed)
        self.carrier.activated.connect(lambda _i: setattr(self, "_carrier_chosen", True))
        self._on_tracking_changed("")
        self.tracking.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.ship_button.setDefault(True)  # the button box re-picks a default when shown
        self.tracking.setFocus()

    def _on_tracking_changed(self, text: str) -> None:
        self.problem.clear()
        self.ship_button.setEnabled(bool(text.strip()))
        guess = guess_carrier(text)
        if guess and not self._carrier_chosen:
            self.carrier.setCurrentText(guess)

    def accept(self) -> None:
        problem = tracking_problem(self.tracking.text(), self._order_number)
        if problem:
            self.problem.setText(problem)
            self.tracking.selectAll()
            self.tracking.setFocus()
            return
        super().accept()

    def tracking_number(self) -> str:
        return self.tracking.text().strip()

    def carrier_name(self) -> str:
        return self.carrier.currentText().strip()

    def marks_in_shipstation(self) -> bool | None:
        """The packer's answer to "mark it shipped in ShipStation too?"; None when it was not asked."""
        return self.mark_in_shipstation.isChecked() if self._ask_shipstation else None
