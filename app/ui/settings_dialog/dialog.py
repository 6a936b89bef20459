"""Settings: the shared lists (saved as you go) and this station's own settings (saved on OK)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QLabel, QPushButton, QTabWidget, QVBoxLayout,
                               QWidget)

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.permissions import Permission, lowest_role_for
from app.station_config import StationConfig, save_station_config
from app.ui.context import UiContext
from app.ui.settings_dialog import store
from app.ui.settings_dialog.lists import SPECS, ListPage
from app.ui.settings_dialog.station import StationPage
from app.ui.settings_dialog.users import UsersPage
from app.ui.signin.gates import may
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)


class SettingsDialog(QDialog):
    lists_loaded = Signal()
    action_done = Signal(bool, str)  # accepted?, message
    station_saved = Signal(object)  # StationConfig
    first_admin_added = Signal(object)  # UserInfo: sign-in switched on from the Users page
    operator_updated = Signal(object)  # UserInfo changed on the Users page

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, station_path: Path | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._station_path = station_path
        self.setWindowTitle("Settings")
        self.resize(760, 600)
        self.tabs = QTabWidget()
        self.pages: dict[str, ListPage] = {}
        for spec in SPECS:
            page = ListPage(spec)
            page.action.connect(self.run_action)
            page.question.connect(self.preview)
            self.pages[spec.kind] = page
            self.tabs.addTab(page, spec.title)
        self.sku_unique = QCheckBox("SKUs must be unique (two variations may not share a SKU)")
        self.sku_unique.clicked.connect(lambda on: self.run_action(lambda s: store.set_sku_unique(s, on)))
        sku_page = QWidget()
        sku_layout = QVBoxLayout(sku_page)
        sku_layout.addWidget(self.sku_unique)
        explain = QLabel("Off: several grades or variants may feed one marketplace SKU (many variations → one SKU). "
                         "SKUs always compare case-insensitively.")
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #616161;")
        sku_layout.addWidget(explain)
        sku_layout.addStretch(1)
        self.tabs.addTab(sku_page, "SKUs")
        self.station = StationPage(ctx.station)
        self.tabs.addTab(self.station, "This station")
        self.users_page = self._users_page()

        self.message = QLabel("Changes to the lists are saved at once and shared with every station.")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Save station settings")
        buttons.accepted.connect(self.save_station)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._gate_by_role(sku_page)
        self.reload()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter in a text box (a list's "New …" or "New name") belongs to that box: it adds or renames
        and must not also press the default Save button and close the dialog. Enter on a focused button
        still presses that button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(self.focusWidget(), QPushButton):
            event.accept()
            return
        super().keyPressEvent(event)

    def _users_page(self):
        """Admins only (anyone while there are no users: someone must create the first admin)."""
        if not may(Permission.USERS):
            return None
        page = UsersPage(self.ctx)
        page.first_admin_added.connect(self.first_admin_added)
        page.operator_updated.connect(self.operator_updated)
        self.tabs.addTab(page, "Users")
        return page

    def _gate_by_role(self, sku_page: QWidget) -> None:
        """The lists and SKU rule are a manager's; a packer sees them but cannot change them."""
        lists_ok, settings_ok = may(Permission.LISTS), may(Permission.SETTINGS)
        for page in self.pages.values():
            page.setEnabled(lists_ok)
        sku_page.setEnabled(settings_ok)
        if not (lists_ok and settings_ok):
            self.message.setText(f"The shared lists and the SKU rule are changed by a {lowest_role_for(Permission.LISTS)} "
                                 "or admin; this station's own settings are yours.")

    def reload(self) -> None:
        reads = self.ctx.db.reads

        def work() -> store.Lists:
            with reads() as session:
                return store.load_lists(session)

        run_for(self, self.ctx.runner, work, self._show_lists, lambda exc: self._say(False, f"Could not read the lists: {exc}"))

    def _show_lists(self, lists: store.Lists) -> None:
        for kind, page in self.pages.items():
            page.set_rows(getattr(lists, kind))
        self.sku_unique.setChecked(lists.sku_unique)
        self.lists_loaded.emit()

    def run_action(self, action: Callable) -> None:
        sessions = self.ctx.db.sessions

        def work() -> Changes:
            with sessions.begin() as session:
                return action(session)

        def done(changes: Changes) -> None:
            self.ctx.events.publish(changes)
            self._say(True, (changes.message or "Saved") + ".")
            self.reload()

        def failed(exc: Exception) -> None:
            self._say(False, str(exc) if isinstance(exc, DomainError) else f"Not saved: {exc}")
            self.reload()  # puts a refused check box back the way the database has it

        run_for(self, self.ctx.runner, work, done, failed)

    def preview(self, work: Callable, show: Callable) -> None:
        """What a delete or merge would do: tried in a transaction that is always rolled back."""
        sessions = self.ctx.db.sessions

        def job():
            with sessions() as session:
                try:
                    return work(session)
                finally:
                    session.rollback()

        run_for(self, self.ctx.runner, job, show, lambda exc: self._say(False, f"Could not check: {exc}"))

    def _say(self, ok: bool, text: str) -> None:
        self.message.setStyleSheet(f"color: {'#1b5e20' if ok else '#b71c1c'}; font-weight: bold;")
        self.message.setText(("✓ " if ok else "✗ ") + text)
        self.action_done.emit(ok, text)

    def save_station(self) -> None:
        config: StationConfig = self.station.config()
        try:
            save_station_config(config, self._station_path)
        except OSError as exc:
            self._say(False, f"Station settings not saved: {exc}")
            return
        self.ctx.station = config
        self.station_saved.emit(config)
        self.accept()
