"""Inventory tab: Receive, Look up, Move and Returns desk pages, plus CSV import."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.domain import settings
from app.domain.changes import Changes
from app.ui.context import UiContext
from app.ui.inventory.common import ReferenceLists, ScanPage, load_reference
from app.ui.inventory.csv_io import CsvTransfer
from app.ui.inventory.lookup import LookupPage
from app.ui.inventory.move import MovePage
from app.ui.inventory.receive import ReceivePage
from app.ui.inventory.returns_desk import ReturnsPage
from app.ui.widgets.guard import run_for
from app.domain.purchasing.common import RETURNED_TO_VENDOR, VENDOR_RMA, WRITTEN_OFF

LEFT_US = (VENDOR_RMA, RETURNED_TO_VENDOR, WRITTEN_OFF)
log = logging.getLogger(__name__)


class InventoryTab(QWidget):
    reference_loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.receive = ReceivePage(ctx)
        self.lookup = LookupPage(ctx)
        self.move = MovePage(ctx)
        self.returns = ReturnsPage(ctx)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        for page, title in ((self.receive, "Receive"), (self.lookup, "Look up"), (self.move, "Move"),
                            (self.returns, "Returns desk")):
            self.pages.addTab(page, title)
        self.csv = CsvTransfer(ctx, self)
        import_button = QPushButton("Import CSV…")
        import_button.clicked.connect(lambda: self.csv.import_file())
        self.pages.setCornerWidget(import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        ctx.events.changes_applied.connect(self._on_changes)
        self.reload_reference()

    def current_page(self) -> ScanPage:
        return self.pages.currentWidget()

    def show_page(self, page: ScanPage) -> None:
        self.pages.setCurrentWidget(page)

    def handle_scan(self, code: str) -> bool:
        return self.current_page().handle_scan(code)

    def reload_reference(self) -> None:
        reads = self.ctx.db.reads

        def work():
            with reads() as session:
                return (load_reference(session), settings.get(session, "inventory.returned_status"),
                        settings.get(session, "inventory.sold_status"))

        run_for(self, self.ctx.runner, work, self._apply_reference, lambda exc: log.error("reference lists: %s", exc))

    def _apply_reference(self, result: tuple[ReferenceLists, str, str]) -> None:
        lists, returned, sold = result
        # A unit never arrives straight into a status that means it left (or is leaving) us.
        self.receive.set_reference(lists, not_received=(sold, returned, *LEFT_US))
        self.lookup.set_reference(lists)
        self.move.set_reference(lists)
        self.returns.set_reference(lists, returned)
        self.reference_loaded.emit()

    def _on_changes(self, changes: Changes) -> None:
        if changes.catalog or changes.settings:
            self.reload_reference()  # a new product or a renamed list: the combos follow
