"""The main window: Catalog, Inventory, Packing, Back Market; menus; status bar; clean shutdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from app import __version__
from app.ui import sounds
from app.ui.catalog import CatalogTab
from app.ui.context import UiContext
from app.ui.inventory import InventoryTab
from app.ui.inventory.details import UnitDetailsDialog
from app.ui.scan_router import ScannerInputs, ScanRouter
from app.ui.status import StatusLine

log = logging.getLogger(__name__)


def _packing_tab(ctx: UiContext) -> QWidget:
    from app.ui.packing.tab import PackingTab

    return PackingTab(ctx)


def _backmarket_tab(ctx: UiContext, sync: Any) -> QWidget:
    from app.ui.backmarket.tab import BackMarketTab

    return BackMarketTab(ctx, sync)


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
        self.setWindowTitle("RefurbDesk")
        sounds.set_enabled(ctx.station.sounds)

        self.sync = factories.sync(ctx)
        self.catalog = CatalogTab(ctx)
        self.inventory = InventoryTab(ctx)
        self.packing = factories.packing(ctx)
        self.backmarket = factories.backmarket(ctx, self.sync)
        self.tabs = QTabWidget()
        for tab, title in ((self.catalog, "Catalog"), (self.inventory, "Inventory"), (self.packing, "Packing"),
                           (self.backmarket, "Back Market")):
            self.tabs.addTab(tab, title)
        self.setCentralWidget(self.tabs)

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
        self._build_menus()
        self._install_signin(ctx)
        self.resize(1280, 800)
        saved = self._geometry.value("main_window/geometry")
        if saved is not None:
            self.restoreGeometry(saved)
        if start_sync:
            self.sync.start()

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
            file_menu.addAction(action)
            made.append(action)
        self.import_action, self.export_action, self.settings_action = made
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About RefurbDesk", self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def _install_signin(self, ctx: UiContext) -> None:
        """Sign-in, idle lock and role gates (nothing visible while the database has no users)."""
        from app.ui.signin.window_gate import SignInGate

        self.signin = SignInGate(self, ctx)
        self.stack, self.signin_screen, self.idle = self.signin.stack, self.signin.screen, self.signin.idle
        self.operator_label = self.signin.label
        self.router.intercept = self.signin.take_scan

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

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "About RefurbDesk",
                          f"RefurbDesk {__version__}\nSerialized inventory, packing and Back Market sync "
                          "for used-device refurbishers.", parent=self)
        box.open()

    # --- closing -------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop every thread the window started, in order, once."""
        if self._closed:
            return
        self._closed = True
        self._geometry.setValue("main_window/geometry", self.saveGeometry())
        self._geometry.sync()
        self.signin.shutdown()
        stop_sync = getattr(self.sync, "shutdown", None) or self.sync.stop
        stop_sync()
        shutdown_packing = getattr(self.packing, "shutdown", None)
        if shutdown_packing is not None:
            shutdown_packing()
        if self.scanners is not None:
            self.scanners.stop()
        sounds.shutdown()
        if not self.ctx.wait(15000):
            log.warning("background tasks still running at close")
