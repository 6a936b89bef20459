"""Look up: scan a unit → its whole history; reprint its label."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QWidget

from app.domain import returns
from app.ui.context import UiContext
from app.ui.inventory.common import ScanPage
from app.ui.inventory.labels import print_label, read_label
from app.ui.inventory.report import report_html


class LookupPage(ScanPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Scan a unit to see its whole history.", parent)
        self.report: dict | None = None
        self.panel = QTextBrowser()
        self.panel.setOpenLinks(False)
        self.reprint = QPushButton("Reprint label")
        self.reprint.setEnabled(False)
        self.reprint.clicked.connect(self.reprint_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reprint)
        self.scan_column.addWidget(self.panel, 1)
        self.scan_column.addLayout(buttons)
        self.setLayout(self.scan_column)

    def scan(self, code: str) -> None:
        reads = self.ctx.db.reads

        def work() -> dict:
            with reads() as session:
                return returns.unit_report(session, code)

        self.run(work, self.show_report)

    def show_report(self, report: dict) -> None:
        self.report = report
        self.panel.setHtml(report_html(report))
        self.reprint.setEnabled(True)
        code = report["imei"] or report["serial"]
        self.verdict_ok(f"{code} — {report['product']} · {report['grade']} · {report['status']} · {report['warehouse']}")

    def reprint_label(self) -> None:
        if self.report is None:
            return
        code = self.report["imei"] or self.report["serial"]
        self.run(lambda: read_label(self.ctx, code),
                 lambda data: self.verdict_info(f"{code}: {print_label(self.ctx, data)}"))
