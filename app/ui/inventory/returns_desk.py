"""Returns desk: scan → who bought it, on which order, when shipped; take it back."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QPushButton, QTextBrowser,
                               QWidget)

from app.domain import returns, settings
from app.ui.context import UiContext
from app.ui.inventory.common import ReferenceLists, ScanPage, big_font, refill
from app.ui.inventory.correct import ConditionChecklist
from app.ui.inventory.labels import print_or_save_label, read_label
from app.ui.inventory.report import last_shipment, report_html

KEEP_GRADE = "(keep the grade)"


class ReturnsPage(ScanPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Scan a returned unit: who bought it, which order, when shipped.", parent)
        self.report: dict | None = None
        self._returned_status = "Returned"
        self.panel = QTextBrowser()
        self.status_combo = QComboBox()
        self.warehouse_combo = QComboBox()
        self.grade_combo = QComboBox()
        self.conditions = ConditionChecklist()
        self.conditions.setToolTip("The unit's damage codes as found now; ticked as it went out.")
        self.print_label = QCheckBox("Print a new label")
        self.print_label.setChecked(ctx.station.auto_print_unit_labels)
        self.take_back = QPushButton("Take it back")
        self.take_back.setFont(big_font(self, 14, bold=True))
        self.take_back.setMinimumHeight(48)
        self.take_back.setEnabled(False)
        self.take_back.clicked.connect(self.receive_return)
        back = QGroupBox("Take back into")
        form = QFormLayout(back)
        form.addRow("Status", self.status_combo)
        form.addRow("Warehouse", self.warehouse_combo)
        form.addRow("Grade", self.grade_combo)
        form.addRow("Conditions", self.conditions)
        form.addRow("", self.print_label)
        form.addRow(self.take_back)
        back.setMaximumWidth(420)
        self.scan_column.addWidget(self.panel, 1)
        left = QVBoxLayout()
        left.addWidget(back)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(self.scan_column, 1)

    def set_reference(self, lists: ReferenceLists, returned_status: str | None = None) -> None:
        self._returned_status = returned_status or self._returned_status
        fresh = self.status_combo.count() == 0
        refill(self.status_combo, lists.statuses)
        refill(self.warehouse_combo, lists.warehouses)
        refill(self.grade_combo, lists.grades, first=KEEP_GRADE)
        self.conditions.set_codes(lists.conditions)
        if fresh and self.status_combo.findText(self._returned_status) >= 0:
            self.status_combo.setCurrentText(self._returned_status)

    def scan(self, code: str) -> None:
        reads = self.ctx.db.reads

        def work():
            with reads() as session:
                return returns.unit_report(session, code), settings.get(session, "inventory.sold_status")

        self.run(work, self._show)

    def _show(self, result) -> None:
        report, sold = result
        self.report = report
        code = report["imei"] or report["serial"]
        self.conditions.check(report["conditions"])  # as it went out; tick what the customer added
        self._panel(report)
        if report["status"] != sold:
            self.take_back.setEnabled(False)
            self.verdict_refused(f"{code} is {report['status']}, not {sold}: only a shipped unit can be taken back.")
            return
        self.take_back.setEnabled(True)
        shipped = last_shipment(report)
        who = f"{shipped['customer']} · {shipped['number']} · shipped {shipped['shipped_at'][:10]}" if shipped else "no shipment on record"
        self.verdict_ok(f"{code}: {who} — choose where it goes, then “Take it back”")

    def _panel(self, report: dict, taken_back: bool = False) -> None:
        code = report["imei"] or report["serial"]
        shipped = last_shipment(report)
        if taken_back:
            head = (f"<p style='font-size:15pt; color:#1b5e20'><b>Taken back</b> — {escape(code)} is now "
                    f"<b>{escape(report['status'])}</b> in {escape(report['warehouse'])}.</p>")
        elif shipped is None:
            head = f"<p style='font-size:14pt; color:#b71c1c'><b>Never shipped</b> — {escape(code)} is {escape(report['status'])}.</p>"
        else:
            head = (f"<p style='font-size:15pt'>Bought by <b>{escape(shipped['customer'])}</b> on order "
                    f"<b>{escape(shipped['number'])}</b> ({escape(shipped['channel'])}), shipped "
                    f"<b>{escape(shipped['shipped_at'][:10])}</b></p>")
        self.panel.setHtml(head + report_html(report))

    def receive_return(self) -> None:
        if self.report is None:
            return
        code = self.report["imei"] or self.report["serial"]
        status, warehouse = self.status_combo.currentText(), self.warehouse_combo.currentText()
        grade = None if self.grade_combo.currentText() == KEEP_GRADE else self.grade_combo.currentText()
        codes = sorted(self.conditions.checked())
        conditions = codes if codes != sorted(self.report["conditions"]) else None
        want_label, ctx = self.print_label.isChecked(), self.ctx

        def work():
            with ctx.db.sessions.begin() as session:
                changes = returns.receive_return(session, code, status=status, warehouse=warehouse, grade=grade,
                                                 conditions=conditions)
            with ctx.db.reads() as session:
                report = returns.unit_report(session, code)
            return changes, report, (read_label(ctx, code) if want_label else None)

        def done(result) -> None:
            changes, report, label = result
            self.take_back.setEnabled(False)
            self.report = None
            self._panel(report, taken_back=True)  # the unit as it is now: its new status, warehouse, grade and history
            text = (f"{code} taken back → {status} · {warehouse}" + (f" · grade {grade}" if grade else "")
                    + (f" · conditions {'+'.join(conditions) or 'none'}" if conditions is not None else ""))
            if label is not None:  # on the printer, or saved as a PDF when there is none
                text += f" · {print_or_save_label(self, ctx, label) or 'label not saved'}"
            self.verdict_ok(text)
            ctx.events.publish(changes)

        self.run(work, done)
