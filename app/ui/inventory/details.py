"""A unit's details (history) in a window of its own: what a scan opens when no tab takes it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.ui.inventory.report import report_html


class UnitDetailsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unit details")
        self.resize(720, 560)
        self.report: dict | None = None
        self.panel = QTextBrowser()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addWidget(buttons)

    def show_report(self, report: dict) -> None:
        self.report = report
        self.setWindowTitle(f"Unit {report['imei'] or report['serial']} — {report['product']}")
        self.panel.setHtml(report_html(report))
        self.show()
        self.raise_()
