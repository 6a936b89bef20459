"""“This station”: scanner, serial port, printer, label sizes, sounds — saved per workstation."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from app.labels.sizes import PRESETS
from app.station_config import StationConfig

DEFAULT_PRINTER = "(system default printer)"
NO_SERIAL = "(no serial scanner)"
BAUDS = ("1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200")


def _ports() -> list[tuple[str, str]]:
    try:
        from app.scanner.serial_reader import list_ports

        return list_ports()
    except Exception:  # no serial support on this machine: free text still works
        return []


def _printers() -> list[str]:
    try:
        from app.ui.printing import available_printers

        return available_printers()
    except Exception:
        return []


class StationPage(QWidget):
    def __init__(self, config: StationConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station_name = QLineEdit(config.station_name, placeholderText="empty: this computer's name")
        self.wedge = QCheckBox("Listen for a USB (keyboard-wedge) scanner")
        self.wedge.setChecked(config.wedge_scanner)
        self.prefix = QLineEdit(config.scanner_prefix, placeholderText="none")
        self.suffix = QLineEdit(config.scanner_suffix, placeholderText="none")
        self.max_gap = QDoubleSpinBox(minimum=5, maximum=200, decimals=0, suffix=" ms", value=config.scanner_max_gap_ms)
        self.serial_port = QComboBox(editable=True)
        self.serial_port.addItem(NO_SERIAL, "")
        for device, description in _ports():
            self.serial_port.addItem(f"{device} — {description}", device)
        if config.serial_port:
            index = self.serial_port.findData(config.serial_port)
            if index >= 0:
                self.serial_port.setCurrentIndex(index)
            else:
                self.serial_port.setEditText(config.serial_port)
        self.baud = QComboBox(editable=True)
        self.baud.addItems(BAUDS)
        self.baud.setCurrentText(str(config.serial_baud))
        self.printer = QComboBox()
        self.printer.addItem(DEFAULT_PRINTER, "")
        for name in _printers():
            self.printer.addItem(name, name)
        if config.printer and self.printer.findData(config.printer) < 0:
            self.printer.addItem(f"{config.printer} (not found)", config.printer)
        self.printer.setCurrentIndex(max(0, self.printer.findData(config.printer)))
        self.label_size = QComboBox()
        self.slip_size = QComboBox()
        for size in PRESETS:
            self.label_size.addItem(size.name)
            self.slip_size.addItem(size.name)
        self.label_size.setCurrentText(config.label_size)
        self.slip_size.setCurrentText(config.slip_size)
        self.auto_print = QCheckBox("Print a label for every unit received")
        self.auto_print.setChecked(config.auto_print_unit_labels)
        self.sounds = QCheckBox("Play a sound with each verdict")
        self.sounds.setChecked(config.sounds)
        self._base = config

        scanner = QGroupBox("Scanners")
        form = QFormLayout(scanner)
        form.addRow("Station name", self.station_name)
        form.addRow("", self.wedge)
        form.addRow("Scanner prefix", self.prefix)
        form.addRow("Scanner suffix", self.suffix)
        form.addRow("Max gap between keystrokes", self.max_gap)
        form.addRow("Serial scanner port", self.serial_port)
        form.addRow("Baud", self.baud)
        printing = QGroupBox("Labels and sounds")
        form2 = QFormLayout(printing)
        form2.addRow("Label printer", self.printer)
        form2.addRow("Unit label size", self.label_size)
        form2.addRow("Packing slip size", self.slip_size)
        form2.addRow("", self.auto_print)
        form2.addRow("", self.sounds)
        layout = QVBoxLayout(self)
        layout.addWidget(scanner)
        layout.addWidget(printing)
        layout.addStretch(1)

    def serial_port_value(self) -> str:
        index = self.serial_port.currentIndex()
        text = self.serial_port.currentText().strip()
        if index >= 0 and self.serial_port.itemText(index) == text:
            return self.serial_port.itemData(index) or ""
        return "" if text == NO_SERIAL else text.split(" — ")[0]

    def config(self) -> StationConfig:
        try:
            baud = int(self.baud.currentText())
        except ValueError:
            baud = self._base.serial_baud
        return self._base.with_changes(
            station_name=self.station_name.text().strip(),
            wedge_scanner=self.wedge.isChecked(),
            scanner_prefix=self.prefix.text(),
            scanner_suffix=self.suffix.text(),
            scanner_max_gap_ms=float(self.max_gap.value()),
            serial_port=self.serial_port_value(),
            serial_baud=baud,
            printer=self.printer.currentData() or "",
            label_size=self.label_size.currentText(),
            slip_size=self.slip_size.currentText(),
            auto_print_unit_labels=self.auto_print.isChecked(),
            sounds=self.sounds.isChecked(),
        )
