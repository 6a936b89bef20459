"""The receiving screen: scan a PO's barcode (or pick it), then scan units off the vendor's box.

Each scan gets a verdict a receiver reads from a metre away: green (on the manifest — received),
amber (not on the manifest — accept it to a line, or set it aside for quarantine), red (refused,
with the reason: a duplicate, a closed PO, a full line that needs a manager). The lines below show
received vs expected; a label with IMEI, model and PO number prints for each unit received.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.domain.purchasing import receiving, views
from app.domain.purchasing.views import PoView
from app.ui.context import UiContext
from app.ui.packing import feedback
from app.ui.packing.keys import give_key, key_text
from app.ui.purchasing.approval_strip import ApprovalStrip
from app.ui.purchasing.banner import ReceivingBanner
from app.ui.purchasing.common import Asks, no_focus, table
from app.ui.purchasing.receiving_labels import ReceivingLabels
from app.ui.purchasing.po_models import ScanRow, lines_model, scans_model, status_words
from app.ui.serial_jobs import SerialJobs
from app.ui.signin.gates import may
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

PO_CODE = re.compile(r"^PO-?\d{1,12}$", re.IGNORECASE)
ACCEPT_KEY = QKeySequence("F7")
ASIDE_KEY = QKeySequence("F8")
NO_PENDING = "No unexpected unit waiting."
IDLE_TEXT = "Scan the purchase order's barcode (or pick it above), then scan each unit."
BANNER_POINT_SIZE = 24
BANNER_LINES = 4
MAX_SCANS_SHOWN = 200


def _why_unexpected(refusal: str) -> str:
    """The service's words without the CLI's advice: "X is not on PO1's manifest (it is on PO2's)."."""
    core = refusal.split(" — ")[0]
    return (core[len("Unexpected: "):] if core.startswith("Unexpected: ") else core).rstrip(".") + "."


class ReceivingPage(ReceivingLabels, QWidget):
    verdict_shown = Signal(str, str)  # green / amber / red / info, the banner's text
    po_loaded = Signal(str)

    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiving_page")
        self._ctx = ctx
        self._asks = asks or Asks()
        self._writes = SerialJobs(ctx.runner)
        self._last_try: tuple[str, bool, int | None] = ("", False, None)
        self._closed = False
        self.po: PoView | None = None
        self.pending_code: str | None = None  # the amber unit waiting for accept / set aside
        self.last_received: str | None = None
        self.set_aside: list[str] = []
        self.label_words: dict[str, str] = {}  # code → what became of its label
        self._build()

    def _build(self) -> None:
        self.po_combo = QComboBox(objectName="receiving_po")
        self.po_combo.setMinimumWidth(260)
        self.po_combo.activated.connect(lambda _i: self.open_po(self.po_combo.currentData() or ""))
        self.print_labels = QCheckBox("Print a label for each unit", objectName="print_labels")
        self.print_labels.setChecked(True)
        self.reprint_button = QPushButton("Label of last unit…", objectName="label_pdf")
        self.reprint_button.clicked.connect(self.save_last_label)
        self.summary = QLabel(objectName="receiving_summary", wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Purchase order:"))
        top.addWidget(self.po_combo)
        top.addWidget(self.summary, 1)
        top.addWidget(self.print_labels)
        top.addWidget(self.reprint_button)

        self.banner = ReceivingBanner(IDLE_TEXT, self, point_size=BANNER_POINT_SIZE)
        self.banner.setObjectName("receiving_banner")
        self.banner.setFixedHeight(self.banner.fontMetrics().lineSpacing() * BANNER_LINES + 28)
        self.accept_line = QComboBox(objectName="accept_line")
        self.accept_button = QPushButton(f"Accept to this line  {key_text(ACCEPT_KEY)}", objectName="accept_unexpected")
        self.aside_button = QPushButton(f"Set aside (quarantine)  {key_text(ASIDE_KEY)}", objectName="set_aside")
        self.accept_button.clicked.connect(self.accept_unexpected)
        self.aside_button.clicked.connect(self.quarantine)
        amber = QHBoxLayout()
        self.amber_label = QLabel(NO_PENDING, objectName="amber_label")
        amber.addWidget(self.amber_label)
        amber.addWidget(self.accept_line, 1)
        amber.addWidget(self.accept_button)
        amber.addWidget(self.aside_button)
        self.amber_bar = QWidget(objectName="amber_actions")
        self.amber_bar.setLayout(amber)
        for button in (self.accept_button, self.aside_button):
            button.setMinimumHeight(40)
        # A receiver with a scanner in one hand answers an amber scan with a key, not the mouse.
        self.accept_key = give_key(self, self.accept_button, ACCEPT_KEY, "Receive the unexpected unit on the chosen line",
                                   self._nothing_waiting)
        self.aside_key = give_key(self, self.aside_button, ASIDE_KEY, "Set the unexpected unit aside, not received",
                                  self._nothing_waiting)
        no_focus(self.po_combo, self.accept_line, self.print_labels)
        for combo, letters in ((self.po_combo, 24), (self.accept_line, 30)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)

        self.lines = lines_model(self)
        self.lines_view = table(self.lines, self, stretch=1, name="receiving_lines")
        font = QFont(self.lines_view.font())
        font.setPointSize(max(font.pointSize(), 9) + 3)
        self.lines_view.setFont(font)
        self.scans = scans_model(self)
        self.scans_view = table(self.scans, self, stretch=2, name="receiving_scans")
        for view in (self.lines_view, self.scans_view):
            view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.lines_view)
        split.addWidget(self.scans_view)
        split.setSizes([260, 240])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.amber_bar)
        self.approval = ApprovalStrip(self)
        self.approval.approved.connect(self._receive_approved)
        layout.addWidget(self.approval)
        layout.addWidget(split, 1)
        self._show_amber(False)
        self.reload_pos()

    # --- the purchase order being received ----------------------------------------------------

    def reload_pos(self) -> None:
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return views.list_pos(session, open_only=True)

        run_for(self, self._ctx.runner, work, self._fill_pos, lambda exc: self._show("red", str(exc)))

    def _fill_pos(self, pos) -> None:
        current = self.po.number if self.po else None
        self.po_combo.blockSignals(True)
        self.po_combo.clear()
        self.po_combo.addItem("— pick or scan a PO —", "")
        for po in pos:
            self.po_combo.addItem(f"{po.number} · {po.vendor}" + (f" · {po.reference}" if po.reference else ""),
                                  po.number)
        if current:
            self.po_combo.setCurrentIndex(max(0, self.po_combo.findData(current)))
        self.po_combo.blockSignals(False)

    def open_po(self, number: str, *, announce: bool = True) -> None:
        number = number.strip()
        if not number:
            return
        db = self._ctx.db

        def work() -> PoView:
            with db.reads() as session:
                return views.po_view(session, number)

        def done(view: PoView) -> None:
            new = self.po is None or self.po.number != view.number
            self.po = view
            self.lines.set_rows(view.lines)
            self._fill_accept_lines(view)
            self.summary.setText(f"{view.vendor} · {status_words(view.status)} · received {view.received} of "
                                 f"{view.expected}" + (f" · manifest {view.manifest_received}/{view.manifest_rows}"
                                                       if view.manifest_rows else " · no manifest"))
            index = self.po_combo.findData(view.number)
            if index < 0:
                self.po_combo.addItem(f"{view.number} · {view.vendor}", view.number)
                index = self.po_combo.count() - 1
            self.po_combo.setCurrentIndex(index)
            if announce and new:
                self._show("info", f"{view.number} from {view.vendor} open: scan its units "
                                   f"({view.received} of {view.expected} received).", sound=False)
            self.po_loaded.emit(view.number)

        run_for(self, self._ctx.runner, work, done, lambda exc: self._show("red", str(exc)))

    def _fill_accept_lines(self, view: PoView) -> None:
        self.accept_line.clear()
        for line in view.lines:
            room = "full" if line.received >= line.quantity else f"{line.quantity - line.received} to come"
            self.accept_line.addItem(f"Line {line.number}: {line.product} ({room})", line.id)
        free = next((i for i, l in enumerate(view.lines) if l.received < l.quantity), 0)
        self.accept_line.setCurrentIndex(free)

    # --- scans ------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """A PO barcode opens that PO; anything else is a unit for the open PO. False (not ours)
        while no PO is open, so the window shows the unit's details instead."""
        code = code.strip()
        if self._closed or not code:
            return False
        if PO_CODE.match(code):
            self.open_po(code.replace("-", ""))
            return True
        if self.po is None:
            return False
        if self.approval.asking:  # the manager scans their badge to approve the waiting unit
            self.approval.badge(code)
            return True
        self.approval.dismiss()  # the next unit: the over-receipt offer lapses
        if self.pending_code is not None and self.pending_code != code:
            self._note(self.pending_code, "set aside", "not received: the next unit was scanned before it was accepted")
            self.set_aside.append(self.pending_code)
            self.pending_code = None
            self._show_amber(False)
        self._receive(code)
        return True

    def accept_unexpected(self) -> None:
        if self.pending_code is None:
            return
        self._receive(self.pending_code, allow_unexpected=True, line_id=self.accept_line.currentData())

    def _nothing_waiting(self) -> None:
        self._show("info", "No unexpected unit is waiting: F7 and F8 answer an amber scan.", sound=False)

    def quarantine(self) -> None:
        if self.pending_code is None:
            return
        code, self.pending_code = self.pending_code, None
        self.set_aside.append(code)
        self._show_amber(False)
        self._note(code, "set aside", "not received — set aside for quarantine")
        self._show("info", f"{code} set aside for quarantine — not received. Scan the next unit.", sound=False)

    def _receive(self, code: str, *, allow_unexpected: bool = False, line_id: int | None = None,
                 approved_by: Any = None) -> None:
        number, db = self.po.number, self._ctx.db
        self._last_try = (code, allow_unexpected, line_id)

        def work() -> Any:
            with db.sessions.begin() as session:
                return receiving.receive_scan(session, number, code, allow_unexpected=allow_unexpected,
                                              line_id=line_id, approved_by=approved_by)

        self._writes.submit(work, self._on_received, lambda exc: self._on_refused(code, exc))

    def _receive_approved(self, approval) -> None:
        """A manager approved the waiting over-receipt: receive that one unit as it was scanned."""
        code, allow_unexpected, line_id = self._last_try
        if self.po is None or code != self.approval.code:
            return
        self._receive(code, allow_unexpected=allow_unexpected, line_id=line_id, approved_by=approval)

    def _on_received(self, outcome: receiving.ReceiveOutcome) -> None:
        if not self._alive():
            return
        self.pending_code = None
        self.last_received = outcome.code
        self.approval.dismiss()
        self._show_amber(False)
        self._show(outcome.verdict, outcome.message)
        self._note(outcome.code, outcome.verdict, outcome.message)
        self._ctx.events.publish(outcome.changes)
        self.open_po(outcome.po_number, announce=False)
        if self.print_labels.isChecked():
            self._print_label(outcome.code)

    def _on_refused(self, code: str, exc: Exception) -> None:
        if not self._alive():
            return
        verdict = receiving.verdict_of(exc) if isinstance(exc, DomainError) else "red"
        text = str(exc) if isinstance(exc, DomainError) else f"{code} could not be saved ({type(exc).__name__}). Scan it again."
        if verdict == "amber":
            self.pending_code = code
            self._show_amber(True)
            text = f"Unexpected — accept to a line or quarantine: {_why_unexpected(text)}"
        elif getattr(exc, "reason", "") == "over_receipt" and not may(Permission.OVER_RECEIVE):
            text += " A manager approves it (Manager approves…) or signs in and scans it again."
            self.approval.offer(code)
        elif self.approval.asking and code == self.approval.code and text.startswith("Not approved"):
            self.approval.refused(text)
        elif self.approval.code == code:
            self.approval.dismiss()  # refused for another reason (a duplicate by now): nothing to approve
        self._show(verdict, text)
        self._note(code, verdict, text)

    # --- showing ----------------------------------------------------------------------------

    def _show(self, verdict: str, text: str, *, sound: bool = True) -> None:
        if verdict == "green":
            self.banner.show_ok(text)
        elif verdict == "amber":
            self.banner.show_warning(text)
        elif verdict == "red":
            self.banner.show_refusal(text)
        else:
            self.banner.show_info(text)
        self.verdict_shown.emit(verdict, text)
        if sound and verdict in ("green", "amber", "red"):
            feedback.play("ok" if verdict == "green" else "refusal", self._ctx.station.sounds)

    def _note(self, code: str, verdict: str, text: str) -> None:
        self.scans.set_rows([ScanRow(code, verdict, text)] + self.scans.rows[:MAX_SCANS_SHOWN - 1])

    def _show_amber(self, on: bool) -> None:
        """The accept / set-aside row stays in place (the tables never jump between scans); it
        is live only while an unexpected unit waits."""
        self.amber_bar.setStyleSheet("#amber_actions { background: #fff3c4; border-radius: 4px; }" if on else "")
        self.amber_label.setText(f"Unexpected {self.pending_code}: accept to" if on else NO_PENDING)
        for widget in (self.accept_line, self.accept_button, self.aside_button):
            widget.setEnabled(on)

    def refresh(self) -> None:
        self.reload_pos()
        if self.po is not None:
            self.open_po(self.po.number, announce=False)

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def shutdown(self) -> None:
        self._closed = True
        self._writes.close()


__all__ = ["ReceivingPage"]
