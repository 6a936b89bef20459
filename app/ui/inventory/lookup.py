"""Look up: scan a unit → its whole history; correct it; reprint its label (or save it as PDF)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.domain import returns, unit_corrections
from app.domain.errors import InvalidInput
from app.ui.context import UiContext
from app.ui.inventory.common import ReferenceLists, ScanPage
from app.ui.inventory.correct import CorrectionBox
from app.ui.inventory.labels import print_or_save_label, read_label
from app.ui.inventory.report import report_html


class LookupPage(ScanPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Scan a unit to see its whole history, correct it or reprint its label.", parent)
        self.report: dict | None = None
        self.panel = QTextBrowser()
        self.panel.setOpenLinks(False)
        self.reprint = QPushButton("Reprint label")
        self.reprint.setEnabled(False)
        self.reprint.clicked.connect(self.reprint_label)
        self.correct = CorrectionBox()
        self.correct.save.clicked.connect(self.save_correction)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reprint)
        self.scan_column.addWidget(self.panel, 1)
        self.scan_column.addLayout(buttons)
        left = QVBoxLayout()
        left.addWidget(self.correct)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(self.scan_column, 1)

    def set_reference(self, lists: ReferenceLists) -> None:
        self.correct.set_reference(lists)

    def scan(self, code: str) -> None:
        reads = self.ctx.db.reads

        def work() -> dict:
            with reads() as session:
                return returns.unit_report(session, code)

        self.run(work, self.show_report)

    def _display(self, report: dict) -> None:
        self.report = report
        self.panel.setHtml(report_html(report))
        self.reprint.setEnabled(True)
        self.correct.load(report)

    def show_report(self, report: dict) -> None:
        self._display(report)
        code = report["imei"] or report["serial"]
        self.verdict_ok(f"{code} — {report['product']} · {report['grade']} · {report['status']} · {report['warehouse']}")

    def save_correction(self) -> None:
        if self.report is None:
            return
        code = self.report["imei"] or self.report["serial"]
        try:
            correction = self.correct.correction()
        except InvalidInput as exc:
            self.verdict_refused(exc)
            return
        if correction.is_empty():
            self.verdict_refused(f"{code}: nothing to save — change the grade, conditions, product, warehouse or cost first.")
            return
        ctx = self.ctx

        def work():
            with ctx.db.sessions.begin() as session:
                changes = unit_corrections.correct_unit(session, code, correction)
            with ctx.db.reads() as session:
                return changes, returns.unit_report(session, code)

        def done(result) -> None:
            changes, report = result
            self._display(report)
            self.verdict_ok(f"{code} corrected: {CorrectionBox.summary(correction)}")
            ctx.events.publish(changes)

        self.run(work, done)  # a refusal keeps what was typed, to fix and save again

    def reprint_label(self) -> None:
        if self.report is None:
            return
        code = self.report["imei"] or self.report["serial"]

        def done(data) -> None:
            outcome = print_or_save_label(self, self.ctx, data)
            if outcome:
                self.verdict_info(f"{code}: {outcome}")

        self.run(lambda: read_label(self.ctx, code), done)
