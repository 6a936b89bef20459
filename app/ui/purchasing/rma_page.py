"""Vendor returns: build an RMA by scanning defective units (each with its reason), a manager
approves it, it ships with a tracking number (the units leave sellable stock, so the marketplace
quantity drops), and each line is resolved — credit, replacement, returned, rejected, written off —
with credit expected vs received on top. The packing list for the box saves as a PDF."""

from __future__ import annotations

import re
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from app.domain.purchasing import rma, rma_flow, vendors, views
from app.domain.purchasing.views import RmaView
from app.ui.context import UiContext
from app.ui.purchasing.common import Asks, money, say, table, words
from app.ui.purchasing.rma_actions import RmaActions
from app.ui.purchasing.rma_models import RESOLUTION_WORDS, rma_lines_model, rma_list_model
from app.ui.serial_jobs import SerialJobs
from app.ui.widgets.guard import run_for
from app.ui.widgets.verdict import VerdictBanner
from app.domain.dates import counted

RMA_CODE = re.compile(r"^RMA-?\d{1,12}$", re.IGNORECASE)
NEXT_STEP = {
    "draft": "{number}: type why the units go back, then scan each defective unit. A manager approves it.",
    "approved": "{number} is approved: pack the units with the packing list, type the tracking number, ship.",
    "shipped": "{number} is with the vendor: scan or select a unit and record how the vendor resolved it.",
    "closed": "{number} is closed: every line is resolved.",
}
IDLE_TEXT = "Open or create an RMA, type why the units go back, then scan each defective unit."


class RmaPage(RmaActions, QWidget):
    rma_shown = Signal(str)
    verdict_shown = Signal(str, str)  # ok / refusal / info, text

    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rma_page")
        self._ctx = ctx
        self._asks = asks or Asks()
        self._writes = SerialJobs(ctx.runner)
        self.rma: RmaView | None = None
        self._build()
        self.reload()

    def _build(self) -> None:
        self.list_model = rma_list_model(self)
        self.list_view = table(self.list_model, self, stretch=1, name="rma_list")
        self.list_view.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self._picked(self.list_model.row(current.row())))
        self.vendor = QComboBox(objectName="rma_vendor")
        self.ra_number = QLineEdit(objectName="rma_ra", placeholderText="vendor's RA number (if given yet)")
        self.create_button = QPushButton("New RMA", objectName="create_rma")
        self.create_button.clicked.connect(self.create)
        new_box = QGroupBox("New vendor return", self)
        new_rows = QVBoxLayout(new_box)
        new_rows.addWidget(self.vendor)
        new_row = QHBoxLayout()
        new_row.addWidget(self.ra_number, 1)
        new_row.addWidget(self.create_button)
        new_rows.addLayout(new_row)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(new_box)
        left_layout.addWidget(self.list_view, 1)

        self.header = QLabel("No RMA open.", objectName="rma_header", wordWrap=True)
        font = self.header.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.header.setFont(font)
        self.reason = QLineEdit(objectName="rma_reason", placeholderText="why they go back, e.g. no power")
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel("Reason for the next scans:"))
        reason_row.addWidget(self.reason, 1)
        self.banner = VerdictBanner(IDLE_TEXT, self, point_size=16)
        self.banner.setObjectName("rma_banner")
        self.lines = rma_lines_model(self)
        self.lines_view = table(self.lines, self, stretch=2, name="rma_lines")
        header = self.lines_view.horizontalHeader()
        for column, width in ((1, 200), (4, 125), (5, 185)):  # long words elide (tooltip in full), no scrolling
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setStretchLastSection(False)

        self.buttons = {}
        flow = QHBoxLayout()
        self.tracking = QLineEdit(objectName="rma_tracking", placeholderText="tracking number of the parcel")
        self.tracking.setMinimumWidth(180)
        for key, title in (("approve", "Approve (manager)"), ("remove", "Take unit off"), ("ship", "Ship"),
                           ("pdf", "Packing list PDF…")):
            self.buttons[key] = QPushButton(title, objectName=f"rma_{key}")
        flow.addWidget(self.buttons["approve"])
        flow.addWidget(self.buttons["remove"])
        flow.addWidget(self.tracking, 1)
        flow.addWidget(self.buttons["ship"])
        flow.addWidget(self.buttons["pdf"])
        self.buttons["approve"].clicked.connect(self.approve)
        self.buttons["remove"].clicked.connect(self.remove_selected)
        self.buttons["ship"].clicked.connect(self.ship)
        self.buttons["pdf"].clicked.connect(self.save_packing_list)

        self.resolution = QComboBox(objectName="rma_resolution")
        for key in rma_flow.RESOLUTIONS:
            self.resolution.addItem(RESOLUTION_WORDS[key], key)
        self.resolution.currentIndexChanged.connect(self._resolution_changed)
        self.credit = QLineEdit(objectName="rma_credit", placeholderText="amount credited")
        self.replacement = QLineEdit(objectName="rma_replacement", placeholderText="replacement IMEI / serial")
        self.resolve_button = QPushButton("Resolve selected line", objectName="rma_resolve")
        self.resolve_button.clicked.connect(self.resolve_selected)
        resolve = QHBoxLayout()
        resolve.addWidget(QLabel("Resolve:"))
        resolve.addWidget(self.resolution)
        resolve.addWidget(self.credit)
        resolve.addWidget(self.replacement)
        resolve.addWidget(self.resolve_button)
        self.message = QLabel(objectName="rma_message", wordWrap=True)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.header)
        right_layout.addLayout(reason_row)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.lines_view, 1)
        right_layout.addLayout(flow)
        right_layout.addLayout(resolve)
        right_layout.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([270, 1010])
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._resolution_changed()
        self._update_buttons()

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return views.list_rmas(session), [v.name for v in vendors.list_vendors(session)]

        def done(result) -> None:
            rows, names = result
            current = self.vendor.currentText()
            self.vendor.clear()
            self.vendor.addItems(names)
            if current in names:
                self.vendor.setCurrentText(current)
            self.list_model.set_rows(rows)
            for i, row in enumerate(rows):
                if self.rma is not None and row.number == self.rma.number:
                    self.list_view.selectRow(i)

        run_for(self, self._ctx.runner, work, done, lambda exc: say(self.message, words(exc), refused=True))

    def _picked(self, row) -> None:
        if row is not None and (self.rma is None or self.rma.number != row.number):
            self.show_rma(row.number)

    def show_rma(self, number: str) -> None:
        db = self._ctx.db

        def work() -> RmaView:
            with db.reads() as session:
                return views.rma_view(session, number)

        def done(view: RmaView) -> None:
            opened = self.rma is None or self.rma.number != view.number
            self.rma = view
            self.lines.set_rows(view.lines)
            ra = f" · RA {view.ra_number}" if view.ra_number else " · no RA number yet"
            tracking = f" · tracking {view.tracking}" if view.tracking else ""
            approved = f" · approved by {view.approved_by}" if view.approved_at else ""
            self.header.setText(f"{view.number} · {view.vendor}{ra} · {view.status}{approved}{tracking}\n"
                                f"{counted(len(view.lines), 'unit')}, {view.open_lines} open · credit expected "
                                f"{money(view.credit_expected)} · received {money(view.credit_received)}")
            self._update_buttons()
            if opened:
                self.banner.show_info(NEXT_STEP[view.status].format(number=view.number))
            self.rma_shown.emit(view.number)

        run_for(self, self._ctx.runner, work, done, lambda exc: self._verdict("refusal", words(exc)))

    def _update_buttons(self) -> None:
        status = self.rma.status if self.rma else None
        self.buttons["approve"].setEnabled(status == "draft")
        self.buttons["remove"].setEnabled(status in ("draft", "approved"))
        self.buttons["ship"].setEnabled(status == "approved")
        self.tracking.setEnabled(status == "approved")
        self.buttons["pdf"].setEnabled(status is not None)
        self.resolve_button.setEnabled(status == "shipped")

    def _resolution_changed(self, _i: int = 0) -> None:
        key = self.resolution.currentData()
        self.credit.setVisible(key == rma_flow.CREDITED)
        self.replacement.setVisible(key == rma_flow.REPLACED)

    # --- scans ------------------------------------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """An RMA barcode opens it; on a draft a unit joins it with the reason typed above; on a
        shipped RMA a unit's scan selects its line to resolve."""
        code = code.strip()
        if RMA_CODE.match(code):
            self.show_rma(code.replace("-", ""))
            return True
        if self.rma is None:
            return False
        if self.rma.status == "shipped":
            for i, line in enumerate(self.lines.rows):
                if line.code == code:
                    self.lines_view.selectRow(i)
                    self._verdict("info", f"{code} selected: choose how the vendor resolved it.")
                    return True
            self._verdict("refusal", f"Unit {code} is not on {self.rma.number}.")
            return True
        if self.rma.status != "draft":
            self._verdict("refusal", f"{self.rma.number} is {self.rma.status}: units are added only while it is a draft.")
            return True
        number, reason, db = self.rma.number, self.reason.text(), self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return rma.add_to_rma(session, number, code, reason)

        self._writes.submit(work, lambda r: self._done(r, f"✓ {code} added to {number}: {' '.join(reason.split())}."),
                            lambda exc: self._verdict("refusal", words(exc)))
        return True

    def set_manager(self, allowed: bool) -> None:
        """RMAs are a manager's (approval included); a packer sees them."""
        for widget in (self.create_button, self.buttons["approve"], self.buttons["remove"], self.buttons["ship"],
                       self.resolve_button):
            widget.setVisible(allowed)

    def shutdown(self) -> None:
        self._writes.close()


__all__ = ["RmaPage"]
