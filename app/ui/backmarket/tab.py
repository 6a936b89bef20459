"""The Back Market tab: listings with their calculated quantities and sync health; settings; shipping."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.ui.backmarket import queries
from app.ui.backmarket.attention_panel import AttentionPanel
from app.ui.backmarket.health_panel import SyncHealthPanel
from app.ui.backmarket.listings_model import ListingsFilter, ListingsModel
from app.ui.backmarket.mapping_dialog import MappingDialog
from app.ui.backmarket.queries import ListingRow
from app.ui.backmarket.settings_panel import BackMarketSettingsPanel
from app.ui.behind_tab import behind_another_tab
from app.ui.context import UiContext
from app.ui.shipping.panel import ShippingPanel
from app.ui.sync.controller import SyncController
from app.domain.dates import counted

log = logging.getLogger(__name__)


class BackMarketTab(QWidget):
    listings_loaded = Signal()  # every row read anew
    listings_refreshed = Signal(object)  # tuple of the SKUs whose rows were read anew (a change, a push)
    mapping_dialog_opened = Signal(object)  # MappingDialog

    def __init__(self, ctx: UiContext, sync: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backmarket_tab")
        self._ctx = ctx
        self._sync = sync
        # One read of listings in flight at a time, so answers land in the order they were asked:
        # an older answer never paints over a newer one. Requests meanwhile are merged.
        self._reading = False
        self._want_all = False
        self._want_some: Changes | None = None
        self._unmapped = self._due = 0
        self._closed = False
        self.mapping_dialog: MappingDialog | None = None
        self._build()
        ctx.events.changes_applied.connect(self._on_changes)
        sync.health_changed.connect(self.health.show_health)
        sync.sync_finished.connect(lambda _report: self.reload())
        sync.listings_pushed.connect(self.refresh_listings)  # a fast push: only the rows it wrote
        sync.sync_finished.connect(lambda _report: self.attention.reload())
        sync.sync_finished.connect(lambda _report: self.shipping_panel.reload_health())
        self.attention.loaded.connect(lambda snapshot: self.health.show_set_aside(snapshot.set_aside))
        self.health.sync_now_clicked.connect(sync.sync_now)
        self.health.show_health(sync.health())
        self.reload()
        self.attention.reload()

    def _build(self) -> None:
        self.health = SyncHealthPanel(self)
        self.attention = AttentionPanel(self._ctx, self)
        self.listings_model = ListingsModel(self)
        self.listings_proxy = ListingsFilter(self)
        self.listings_proxy.setSourceModel(self.listings_model)
        self.listings_view = QTableView(objectName="listings")
        self.listings_view.setModel(self.listings_proxy)
        self.listings_view.setSortingEnabled(True)
        self.listings_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.listings_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.listings_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.listings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.listings_view.verticalHeader().hide()
        self.listings_view.setWordWrap(False)
        self.listings_view.verticalHeader().setDefaultSectionSize(self.listings_view.fontMetrics().height() + 10)
        # Sized once, from a sample, when the first rows arrive: resizing to contents on every change
        # would ask each of 10,000 rows its size on the GUI thread after every scan.
        header = self.listings_view.horizontalHeader()
        # Long texts are elided with the whole text as tooltip; Last error takes what is left, so it
        # shows at 1024 px too. Columns are sized once from the first rows (sampled), never per change:
        # sizing to contents over 10,000 rows on every refresh cost more than the refresh itself.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)  # last error
        header.setMinimumSectionSize(40)
        header.setResizeContentsPrecision(200)
        self._columns_sized = False
        self.listings_view.doubleClicked.connect(self._open_mapping_at)
        self.filter_box = QLineEdit(objectName="listings_filter")
        self.filter_box.setPlaceholderText("Filter listings: SKU, title, grade, what it maps to…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.listings_proxy.set_text)
        self.count = QLabel(objectName="listings_count")
        top = QHBoxLayout()
        top.addWidget(self.filter_box, 1)
        top.addWidget(self.count)
        hint = QLabel("Double-click a listing to map it and set its reserve / list-at-most rules. "
                      "Yellow: Back Market shows another number than we would list (a push is due). "
                      "Grey: nothing matches, never written.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")

        listings_page = QWidget()
        page = QVBoxLayout(listings_page)
        page.addWidget(self.health)
        page.addWidget(self.attention)
        page.addLayout(top)
        page.addWidget(self.listings_view, 1)
        page.addWidget(hint)
        self.settings_panel = BackMarketSettingsPanel(self._ctx, self)
        self.pages = QTabWidget(self)
        self.pages.addTab(listings_page, "Listings and sync")
        self.pages.addTab(self.settings_panel, "Settings")
        self.shipping_panel = ShippingPanel(self._ctx, self)
        self.pages.addTab(self.shipping_panel, "Shipping (ShipStation)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._page = self.pages.currentIndex()
        self._returning = False
        self.pages.currentChanged.connect(self._page_changed)

    def _page_changed(self, index: int) -> None:
        """Leaving Settings with unsaved changes asks first, in place (Save / Discard / Stay)."""
        left, self._page = self._page, index
        ask = getattr(self.pages.widget(left), "ask_before_leaving", None)  # Settings, Shipping
        if ask is None or index == left or self._returning:
            return
        if ask(lambda: self.pages.setCurrentIndex(index), f"going to {self.pages.tabText(index)}"):
            self._returning = True  # back to the form while it asks: the page left now is not asked
            try:
                self.pages.setCurrentIndex(left)
            finally:
                self._returning = False

    def ask_before_leaving(self, then, where: str = "leaving") -> bool:
        """The main window asks this before leaving the tab or closing: True when the settings have
        unsaved changes (the strip now asks and `then` runs once saved or discarded)."""
        for panel in (self.settings_panel, self.shipping_panel):
            if panel.has_unsaved_changes():  # one at a time: `then` comes back here for the next
                self.pages.setCurrentWidget(panel)
                return panel.ask_before_leaving(then, where)
        return False

    # --- the interface the main window uses ------------------------------------------------

    def handle_scan(self, code: str) -> bool:
        """A scanned SKU label finds its listing; anything else is not ours."""
        row = self.listings_model.row_of_sku(code)
        if row < 0:
            return False
        self.pages.setCurrentIndex(0)
        self.filter_box.setText(self.listings_model.row_at(row).sku)
        index = self.listings_proxy.mapFromSource(self.listings_model.index(row, 0))
        if index.isValid():
            self.listings_view.selectRow(index.row())
        return True

    def shutdown(self) -> None:
        self._closed = True
        try:
            self._ctx.events.changes_applied.disconnect(self._on_changes)
        except (RuntimeError, TypeError):
            pass

    # --- listings --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every listing anew (first show, after a sync cycle, a setting or a SKU changed)."""
        self._want_all = True
        self._next_read()

    def refresh_listings(self, changes: object) -> None:
        """Read anew only the listings this change can have moved."""
        if isinstance(changes, Changes):
            self._want_some = changes if self._want_some is None else self._want_some | changes
            self._next_read()

    def _next_read(self) -> None:
        if self._closed or self._reading or behind_another_tab(self):
            return  # behind another tab: what was asked waits for showEvent
        db = self._ctx.db
        if self._want_all:
            self._want_all, self._want_some = False, None  # the whole read covers what was asked

            def everything():
                with db.reads() as session:
                    return queries.listing_rows(session), queries.last_run(session)

            self._reading = True
            self._ctx.runner.run(everything, self._on_loaded, self._on_failed)
        elif self._want_some is not None:
            changes, self._want_some = self._want_some, None

            def touched():
                with db.reads() as session:
                    return queries.touched_listing_rows(session, changes)

            self._reading = True
            self._ctx.runner.run(touched, self._on_touched, self._on_failed)

    def _alive(self) -> bool:
        return not self._closed and shiboken6.isValid(self)

    def _on_loaded(self, result) -> None:
        if not self._alive():
            return
        rows, run = result
        self._reading = False
        selected = self._selected_row()
        self.listings_model.set_rows(rows)
        if rows and not self._columns_sized:
            self._size_columns()
        if self._sync.last_report is None:
            self.health.show_stored_run(run)
        self._unmapped = sum(1 for r in rows if r.calculated is None)
        self._due = sum(1 for r in rows if r.differs)
        self._show_count()
        if selected is not None:
            row = self.listings_model.row_of_sku(selected.sku)
            index = self.listings_proxy.mapFromSource(self.listings_model.index(row, 0)) if row >= 0 else QModelIndex()
            if index.isValid():
                self.listings_view.selectRow(index.row())
        self.listings_loaded.emit()
        self._next_read()

    def _on_touched(self, rows: list[ListingRow] | None) -> None:
        if not self._alive():
            return
        self._reading = False
        swapped = None if rows is None else self.listings_model.replace_rows(rows)
        if swapped is None:  # any listing may have moved, or one is new to this screen
            self._want_all = True
        else:
            for old, new in swapped:
                self._unmapped += (new.calculated is None) - (old.calculated is None)
                self._due += new.differs - old.differs
            self._show_count()
            self.listings_refreshed.emit(tuple(r.sku for r in rows))
        self._next_read()

    def _size_columns(self) -> None:
        self._columns_sized = True
        header = self.listings_view.horizontalHeader()
        for column in range(self.listings_model.columnCount()):
            if column not in (1, 5, 7, 8):  # long texts are elided, with tooltips
                self.listings_view.resizeColumnToContents(column)
        for column, width in ((1, 150), (5, 90), (7, 180)):  # title, calculated, mapped to
            header.resizeSection(column, width)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._next_read()  # the reads asked for while another tab was in front

    def _show_count(self) -> None:
        self.count.setText(f"{counted(self.listings_model.rowCount(), 'listing')} · {self._unmapped:,} not matched · "
                           f"{self._due:,} to push")

    def _on_failed(self, exc: Exception) -> None:
        if self._alive():
            self._reading = False
            self.count.setText(f"Listings could not be read: {exc}")
            self._next_read()

    def _selected_row(self) -> ListingRow | None:
        index = self.listings_view.currentIndex()
        if not index.isValid():
            return None
        return self.listings_model.row_at(self.listings_proxy.mapToSource(index).row())

    def _on_changes(self, changes: object) -> None:
        if self._closed or not isinstance(changes, Changes):
            return
        if changes.settings or changes.catalog:  # lists renamed or deleted too: shown at once, unsaved edits kept
            self.settings_panel.refresh_choices()
            self.shipping_panel.reload()  # its key state too; unsaved edits kept
        if changes.catalog or changes.settings:
            self.reload()
        elif changes.stock or changes.listing_ids:
            self.refresh_listings(changes)

    # --- mapping ---------------------------------------------------------------------------

    def _open_mapping_at(self, index: QModelIndex) -> None:
        row = self.listings_model.row_at(self.listings_proxy.mapToSource(index).row())
        if row is not None:
            self.open_mapping(row.uuid)

    def open_mapping(self, uuid: str) -> None:
        db = self._ctx.db

        def work() -> queries.MappingChoices:
            with db.reads() as session:
                return queries.mapping_choices(session, uuid)

        def show(choices: queries.MappingChoices) -> None:
            if not self._alive():
                return
            dialog = MappingDialog(self._ctx, choices, self)
            dialog.finished.connect(dialog.deleteLater)
            self.mapping_dialog = dialog
            dialog.open()
            self.mapping_dialog_opened.emit(dialog)

        self._ctx.runner.run(work, show, lambda e: self.count.setText(f"Cannot map: {e}"))
