"""The Purchasing tab (receiving, purchase orders and vendors, grading), the Vendor returns tab and
the Reports tab, as the main window shows them; scans go to whichever page is showing."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.domain.changes import Changes
from app.ui.context import UiContext
from app.ui.purchasing.common import Asks
from app.ui.purchasing.grading import GradingPage
from app.ui.purchasing.po_page import PoPage
from app.ui.purchasing.receiving import ReceivingPage
from app.ui.purchasing.reports_page import ReportsPage
from app.ui.purchasing.rma_page import RmaPage


class PurchasingTab(QWidget):
    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("purchasing_tab")
        self._ctx = ctx
        asks = asks or Asks()
        self.receiving = ReceivingPage(ctx, asks, self)
        self.orders = PoPage(ctx, asks, self)
        self.grading = GradingPage(ctx, asks, self)
        self.pages = QTabWidget(self)
        self.pages.addTab(self.receiving, "Receive")
        self.pages.addTab(self.orders, "Purchase orders && vendors")
        self.pages.addTab(self.grading, "Grading (diagnostics)")
        self._stale: set[QWidget] = set()
        self.pages.currentChanged.connect(self._page_shown)
        self.orders.receive_requested.connect(self.receive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        ctx.events.changes_applied.connect(self._on_changes)

    def handle_scan(self, code: str) -> bool:
        page = self.pages.currentWidget()
        if page is self.orders:  # a PO barcode scanned while looking at orders: receive it
            self.pages.setCurrentWidget(self.receiving)
            page = self.receiving
        return page.handle_scan(code) if hasattr(page, "handle_scan") else False

    def receive(self, number: str) -> None:
        self.pages.setCurrentWidget(self.receiving)
        self.receiving.open_po(number)

    def _on_changes(self, changes: Changes) -> None:
        if not isinstance(changes, Changes):
            return
        self._stale |= {self.orders, self.receiving}
        self._stale.discard(self.pages.currentWidget())  # the page that showing refreshes itself
        if self.pages.currentWidget() is self.orders:
            self.orders.reload()

    def _page_shown(self, _index: int) -> None:
        page = self.pages.currentWidget()
        if page in self._stale:
            self._stale.discard(page)
            if page is self.orders:
                self.orders.reload()
                self.orders.vendors.reload()
            elif page is self.receiving:
                self.receiving.refresh()

    def set_manager(self, allowed: bool) -> None:
        self.orders.set_manager(allowed)

    def shutdown(self) -> None:
        self.receiving.shutdown()
        try:
            self._ctx.events.changes_applied.disconnect(self._on_changes)
        except (RuntimeError, TypeError):
            pass


class VendorReturnsTab(RmaPage):
    """The Vendor returns tab: the RMA page, refreshed when stock changes elsewhere."""

    def __init__(self, ctx: UiContext, asks: Asks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, asks, parent)
        ctx.events.changes_applied.connect(self._on_changes)

    def _on_changes(self, changes: Changes) -> None:
        if isinstance(changes, Changes) and not self.isVisible():
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._stale = False
            self.reload()
            if self.rma is not None:
                self.show_rma(self.rma.number)


class ReportsTab(ReportsPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        ctx.events.changes_applied.connect(self._on_changes)

    def _on_changes(self, _changes) -> None:
        self.mark_stale()
