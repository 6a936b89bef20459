"""The main window: Catalog, Inventory, Packing, Back Market, Purchasing, Vendor returns, Reports; menus;
status bar; clean shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from app import __version__
from app.threads import keep_start_up_objects
from app.ui import sounds
from app.ui.catalog import CatalogTab
from app.ui.context import UiContext
from app.ui.first_run import FirstRunPanel
from app.ui.help import GuideDialog, Shortcut, app_shortcuts, open_folder
from app.ui.inventory import InventoryTab
from app.ui.inventory.details import UnitDetailsDialog
from app.ui.orders import OrdersTab
from app.ui.scan_router import ScannerInputs, ScanRouter
from app.ui.status import StatusLine

log = logging.getLogger(__name__)


def _packing_tab(ctx: UiContext) -> QWidget:
    from app.ui.packing.tab import PackingTab

    return PackingTab(ctx)


def _backmarket_tab(ctx: UiContext, sync: Any) -> QWidget:
    from app.ui.backmarket.tab import BackMarketTab

    return BackMarketTab(ctx, sync)


def _purchasing_tabs(ctx: UiContext) -> tuple[QWidget, QWidget, QWidget]:
    from app.ui.purchasing.tab import PurchasingTab, ReportsTab, VendorReturnsTab

    return PurchasingTab(ctx), VendorReturnsTab(ctx), ReportsTab(ctx)


def _sync_controller(ctx: UiContext) -> Any:
    from app.ui.sync.controller import SyncController

    return SyncController(ctx)


@dataclass
class TabFactories:
    """How the window builds the tabs other teams own (tests swap in small doubles)."""

    packing: Callable[[UiContext], QWidget] = _packing_tab
    backmarket: Callable[[UiContext, Any], QWidget] = _backmarket_tab
    sync: Callable[[UiContext], Any] = _sync_controller


class MainWindow(QMainWindow):
    def __init__(
        self,
        ctx: UiContext,
        *,
        scanners: ScannerInputs | None = None,
        factories: TabFactories | None = None,
        geometry: QSettings | None = None,
        station_path: Path | None = None,
        start_sync: bool = True,
    ) -> None:
        super().__init__()
        factories = factories or TabFactories()
        self.ctx = ctx
        self.scanners = scanners
        self._geometry = geometry if geometry is not None else QSettings()
        self._station_path = station_path
        self._closed = False
        self._no_questions = False
        self.threads_ended = True  # False after shutdown() if a sync thread could not be stopped
        self.setWindowTitle("RefurbDesk")
        sounds.set_enabled(ctx.station.sounds)

        self.sync = factories.sync(ctx)
        self.catalog = CatalogTab(ctx)
        self.inventory = InventoryTab(ctx)
        self.packing = factories.packing(ctx)
        self.backmarket = factories.backmarket(ctx, self.sync)
        self.orders = OrdersTab(ctx)
        self.purchasing, self.vendor_returns, self.reports = _purchasing_tabs(ctx)
        self.tabs = QTabWidget()
        for tab, title in ((self.catalog, "Catalog"), (self.inventory, "Inventory"), (self.packing, "Packing"),
                           (self.orders, "Orders"), (self.backmarket, "Back Market"), (self.purchasing, "Purchasing"),
                           (self.vendor_returns, "Vendor returns"), (self.reports, "Reports")):
            self.tabs.addTab(tab, title)
        self.first_run = FirstRunPanel(ctx, self._geometry)
        self.first_run.go.connect(self.go_to_step)
        self.work_area = QWidget()  # the getting-started list over the tabs (behind the sign-in screen)
        work_layout = QVBoxLayout(self.work_area)
        work_layout.setContentsMargins(4, 4, 4, 0)
        work_layout.addWidget(self.first_run)
        work_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(self.work_area)
        self.open_folder: Callable[[Path], bool] = open_folder  # tests swap in a recorder
        self.guide: GuideDialog | None = None

        self.status = StatusLine(self._station_name(), ctx.db.url)
        self.setStatusBar(self.status)
        self.sync.state_changed.connect(self.status.set_sync_state)
        self.details = UnitDetailsDialog(self)
        self.router = ScanRouter(ctx, current_tab=self.tabs.currentWidget, open_order=self.open_order,
                                 show_details=self.details.show_report,
                                 say=lambda text, refusal: self.status.say(text, refusal=refusal), parent=self)
        if scanners is not None:
            scanners.code_scanned.connect(self.router.route)
            scanners.serial_status.connect(lambda state, detail: self.status.say(f"Serial scanner {state}: {detail}"))
        self.inventory.csv.finished.connect(self.status.say)
        self.first_run.said.connect(lambda text, refusal: self.status.say(text, refusal=refusal))
        self.tabs.currentChanged.connect(lambda _index: self.first_run.refresh())
        self._tab = self.tabs.currentIndex()
        self.tabs.currentChanged.connect(self._leaving_tab)  # unsaved Back Market settings ask first
        self._build_menus()
        self._install_signin(ctx)
        self.resize(1280, 800)
        saved = self._geometry.value("main_window/geometry")
        if saved is not None:
            self.restoreGeometry(saved)
        if start_sync:
            self.sync.start()
        keep_start_up_objects()

    def _station_name(self) -> str:
        """The name every history event of this station records (and the status bar shows)."""
        from app.domain.station import set_station_name, station_name

        set_station_name(self.ctx.station.station_name)
        return station_name()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        made = []
        for title, slot, shortcut in (
            ("&Import inventory CSV…", lambda: self.inventory.csv.import_file(), None),
            ("&Export inventory CSV…", lambda: self.inventory.csv.export_file(), None),
            ("&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences),
        ):
            action = QAction(title, self)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(shortcut)
                if action.shortcut().isEmpty():  # no standard key on this platform (Windows, offscreen)
                    action.setShortcut(QKeySequence("Ctrl+,"))
            file_menu.addAction(action)
            made.append(action)
        self.import_action, self.export_action, self.settings_action = made
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        if quit_action.shortcut().isEmpty():  # Windows and offscreen have no standard Quit key
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.quit_action = quit_action
        self._build_help_menu()

    def _build_help_menu(self) -> None:
        help_menu = self.menuBar().addMenu("&Help")
        self.guide_action = QAction("&Guide", self, shortcut=QKeySequence("F1"))
        self.guide_action.triggered.connect(lambda: self.open_guide("Receiver"))
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.triggered.connect(lambda: self.open_guide("Keyboard"))
        self.files_action = QAction("Where the &log and database are", self)
        self.files_action.triggered.connect(lambda: self.open_guide("Files"))
        self.open_log_action = QAction("Open log &folder", self)
        self.open_log_action.triggered.connect(self.open_log_folder)
        self.getting_started_action = QAction("Getting &started list", self)
        self.getting_started_action.triggered.connect(self.first_run.show_again)
        about = QAction("&About RefurbDesk", self)
        about.triggered.connect(self.about)
        for action in (self.guide_action, self.shortcuts_action, self.files_action, self.open_log_action,
                       self.getting_started_action):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(about)

    def _install_signin(self, ctx: UiContext) -> None:
        """Sign-in, idle lock and role gates (nothing visible while the database has no users)."""
        from app.ui.signin.window_gate import SignInGate

        self.signin = SignInGate(self, ctx)
        self.stack, self.signin_screen, self.idle = self.signin.stack, self.signin.screen, self.signin.idle
        self.operator_label = self.signin.label
        self.router.intercept = self.signin.take_scan
        self.signin.session.operator_changed.connect(lambda _user: self.first_run.refresh())

    @property
    def lock_action(self) -> QAction | None:
        return self.signin.lock_action

    @property
    def switch_user_action(self) -> QAction | None:
        return self.signin.switch_user_action

    def backmarket_settings_visible(self) -> bool:
        pages, panel = getattr(self.backmarket, "pages", None), getattr(self.backmarket, "settings_panel", None)
        return pages is None or panel is None or pages.isTabVisible(pages.indexOf(panel))

    # --- actions -------------------------------------------------------------------------------

    def open_order(self, number: str) -> None:
        self.tabs.setCurrentWidget(self.packing)
        self.packing.open_order(number)

    def open_settings(self):
        from app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.ctx, self, station_path=self._station_path)
        dialog.station_saved.connect(self.apply_station)
        dialog.first_admin_added.connect(self.signin.session.switch_on)
        dialog.operator_updated.connect(self.signin.session.refresh)
        dialog.finished.connect(lambda _result: self.first_run.refresh())
        dialog.open()
        return dialog

    def apply_station(self, config) -> None:
        """A saved station config takes effect at once: scanners, sounds, status bar."""
        self.ctx.station = config
        sounds.set_enabled(config.sounds)
        if self.scanners is not None:
            self.scanners.apply(config)
        self.status.set_station(self._station_name())
        self.status.say("Station settings saved.")

    def shortcuts(self) -> list[Shortcut]:
        """The keys this window and its tabs really answer, read from the actions and shortcuts themselves."""
        return app_shortcuts(((self.guide_action, "This guide"), (self.settings_action, "Settings"),
                              (self.lock_action, "Lock the station (sign-in needed to go on)"),
                              (self.quit_action, "Quit")))

    def open_guide(self, page: str = "Receiver") -> GuideDialog:
        from app.logs import log_file
        from app.paths import log_dir
        from app.sync.config import database_location

        if self.guide is not None:  # built afresh: the keys may have changed (sign-in adds Lock)
            self.guide.close()
            self.guide.deleteLater()
        self.guide = GuideDialog(self.shortcuts(), log_dir(), log_file(), database_location(self.ctx.db.url), self,
                                 opener=lambda path: self.open_folder(path))
        self.guide.show_page(page)
        self.guide.show()
        self.guide.raise_()
        return self.guide

    def open_log_folder(self) -> None:
        from app.paths import log_dir

        folder = log_dir()
        if not self.open_folder(folder):
            self.status.say(f"Could not open the log folder {folder}: open it by hand.", refusal=True)

    def go_to_step(self, key: str) -> None:
        """A first-run step's button: the place where that step is done."""
        if key == "stock":
            self.tabs.setCurrentWidget(self.inventory)
            self.inventory.pages.setCurrentWidget(self.inventory.receive)
        elif key == "backmarket":
            self.tabs.setCurrentWidget(self.backmarket)
            pages, panel = getattr(self.backmarket, "pages", None), getattr(self.backmarket, "settings_panel", None)
            if pages is not None and panel is not None:
                pages.setCurrentWidget(panel)
        else:
            dialog = self.open_settings()
            page = dialog.users_page if key == "users" else None
            if page is not None:
                dialog.tabs.setCurrentWidget(page)

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "About RefurbDesk",
                          f"RefurbDesk {__version__}\nSerialized inventory, packing and Back Market sync "
                          "for used-device refurbishers.", parent=self)
        box.open()

    # --- closing -------------------------------------------------------------------------------

    def _leaving_tab(self, index: int) -> None:
        left, self._tab = self._tab, index
        ask = getattr(self.tabs.widget(left), "ask_before_leaving", None)
        if ask is not None and left != index and ask(lambda: self.tabs.setCurrentIndex(index), f"going to {self.tabs.tabText(index)}"):
            self.tabs.setCurrentIndex(left)  # the strip asks Save / Discard / Stay; never a modal box

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        ask = getattr(self.backmarket, "ask_before_leaving", None)
        if not (self._closed or self._no_questions) and ask is not None and ask(self.close, "closing RefurbDesk"):
            self.tabs.setCurrentWidget(self.backmarket)
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def close_now(self) -> None:
        """Logout, shutdown, kill: close without asking about unsaved settings (nobody is there to answer)."""
        self._no_questions = True
        self.close()

    def shutdown(self) -> None:
        """Stop every thread the window started, in order, once."""
        if self._closed:
            return
        self._closed = True
        self._geometry.setValue("main_window/geometry", self.saveGeometry())
        self._geometry.sync()
        self.first_run.stop()
        self.signin.shutdown()
        stop_sync = getattr(self.sync, "shutdown", None) or self.sync.stop
        self.threads_ended = stop_sync() is not False
        for tab in (self.packing, self.purchasing, self.vendor_returns):
            stop_tab = getattr(tab, "shutdown", None)
            if stop_tab is not None:
                stop_tab()
        if self.scanners is not None:
            self.scanners.stop()
        sounds.shutdown()
        if not self.ctx.wait(15000):
            log.warning("background tasks still running at close")
        else:  # hand the finished jobs their answers now, while their widgets still exist
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
