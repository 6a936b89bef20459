"""The Shipping panel: the ShipStation key (keyring, never shown), address, store, what is sent, the
Back Market orders mode, the switch — and the health of the last run. Manager-only (role gates)."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton,
    QRadioButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget,
)

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.integrations.shipstation import config, secrets
from app.integrations.shipstation.client import DEFAULT_API_URL
from app.integrations.shipstation.shipping_settings import (
    ShippingForm, ShippingView, check_form, fetch_stores, load_view, save_form,
)
from app.sync.secrets import SecretStoreUnavailable
from app.ui.backmarket.unsaved import UnsavedStrip, checklist
from app.ui.context import UiContext
from app.ui.scanner import NO_SCAN_PROPERTY
from app.ui.shipping.health_box import ShippingHealthBox
from app.ui.shipping.unsaved import ShippingEdits
from app.ui.widgets.guard import run_for
from app.domain.dates import counted

log = logging.getLogger(__name__)

_OK = "color: #1e7e34; font-weight: bold;"
_BAD = "color: #c62828; font-weight: bold;"
MANUAL_STORE = "the account's manual store"


class ShippingPanel(ShippingEdits, QWidget):
    saved = Signal()
    key_changed = Signal()
    stores_loaded = Signal()
    loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shipping_panel")
        self._ctx = ctx
        self._view: ShippingView | None = None
        self._key_checks = 0
        self._build()
        self._watch_edits()
        self.reload()

    def _build(self) -> None:
        self.key_state = QLabel(objectName="ss_key_state")
        self.key_state.setWordWrap(True)
        self.key_edit = QLineEdit(objectName="ss_key_edit")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setProperty(NO_SCAN_PROPERTY, True)  # a password manager types as fast as a scanner
        self.key_edit.setPlaceholderText("API key:API secret (ShipStation → Settings → Account → API Settings)")
        self.store_key_button = QPushButton("Store key", objectName="ss_store_key")
        self.replace_key_button = QPushButton("Replace key…", objectName="ss_replace_key")
        self.store_key_button.clicked.connect(self.store_key)
        self.replace_key_button.clicked.connect(self._show_key_entry)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.store_key_button)
        key_row.addWidget(self.replace_key_button)
        key_row.addStretch(0)
        self.replace_key_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        key_box = QGroupBox("ShipStation API key (V1 key pair)")
        key_layout = QVBoxLayout(key_box)
        key_layout.addWidget(self.key_state)
        key_layout.addLayout(key_row)

        self.enabled = QCheckBox("On: send orders, read labels back (each sync)", objectName="ss_enabled")
        self.api_url = QLineEdit(objectName="ss_api_url")
        self.api_url.setPlaceholderText(f"{DEFAULT_API_URL} (ShipStation) — or the local sandbox")
        self.store = QComboBox(objectName="ss_store")
        self.load_stores_button = QPushButton("Load stores", objectName="ss_load_stores")
        self.load_stores_button.clicked.connect(self.load_stores)
        store_row = QHBoxLayout()
        store_row.addWidget(self.store, 1)
        store_row.addWidget(self.load_stores_button)
        self.push_mode = QRadioButton("Push — send them to ShipStation", objectName="ss_mode_push")
        self.skip_mode = QRadioButton("Skip — ShipStation imports them itself", objectName="ss_mode_skip")
        self.push_mode.setChecked(True)
        mode_hint = QLabel("Skip when Back Market is connected to ShipStation directly: labels bought there "
                           "still ship the orders here. Direct orders are sent in both modes.")
        mode_hint.setWordWrap(True)
        mode_hint.setStyleSheet("color: #555;")
        connection = QGroupBox("Connection")
        form = QFormLayout(connection)
        form.addRow("", self.enabled)
        form.addRow("API address", self.api_url)
        form.addRow("Store for new orders", store_row)
        mode_box = QGroupBox("Back Market orders")
        mode_layout = QVBoxLayout(mode_box)
        mode_layout.addWidget(self.push_mode)
        mode_layout.addWidget(self.skip_mode)
        mode_layout.addWidget(mode_hint)
        self.statuses_view = QListView(objectName="ss_push_statuses")
        self.statuses_view.setMaximumHeight(110)
        statuses_box = QGroupBox("Orders sent to ShipStation")
        statuses_layout = QVBoxLayout(statuses_box)
        statuses_hint = QLabel("Orders in the ticked statuses, with a shipping address:")
        statuses_hint.setWordWrap(True)
        statuses_layout.addWidget(statuses_hint)
        statuses_layout.addWidget(self.statuses_view)

        self.health = ShippingHealthBox(self)
        self.message = QLabel(objectName="ss_message")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save settings", objectName="ss_save")
        self.save_button.clicked.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)

        content = QWidget()
        grid = QHBoxLayout(content)
        left, right = QVBoxLayout(), QVBoxLayout()
        for box in (key_box, connection, mode_box):
            left.addWidget(box)
        left.addStretch(1)
        right.addWidget(statuses_box)
        right.addWidget(self.health)
        right.addStretch(1)
        grid.addLayout(left, 3)
        grid.addLayout(right, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        self.unsaved_strip = UnsavedStrip("The shipping settings")
        self.unsaved_strip.save_clicked.connect(self._leave_saving)
        self.unsaved_strip.discard_clicked.connect(self._leave_discarding)
        self.unsaved_strip.stay_clicked.connect(self._stay)
        layout.addWidget(self.unsaved_strip)
        layout.addLayout(bottom)

    # --- loading and saving ------------------------------------------------------------------

    def reload(self) -> None:
        db = self._ctx.db

        def work() -> ShippingView:
            with db.reads() as session:
                return load_view(session)

        run_for(self, self._ctx.runner, work, self._show_fresh,  # unsaved edits kept (see unsaved.py)
                lambda e: self._say(f"The shipping settings could not be read: {e}", ok=False))
        self._refresh_key_state()

    def reload_health(self) -> None:
        db = self._ctx.db

        def work() -> ShippingView:
            with db.reads() as session:
                return load_view(session)

        run_for(self, self._ctx.runner, work, lambda view: self.health.show_health(view.health))

    def _show(self, view: ShippingView) -> None:
        self._view = view
        self._fill(view.form, view)
        self._remember_shown()
        self.health.show_health(view.health)
        self._edited()
        self.loaded.emit()

    def _fill(self, f: ShippingForm, view: ShippingView) -> None:
        self._filling = True
        try:
            self.enabled.setChecked(f.enabled)
            self.api_url.setText(f.api_url)
            self._set_stores([], f.store_id)
            (self.skip_mode if f.backmarket_orders == "skip" else self.push_mode).setChecked(True)
            self.statuses_view.setModel(checklist(view.open_statuses, view.open_status_ids, f.push_statuses))
            self.statuses_view.model().itemChanged.connect(self._edited)
        finally:
            self._filling = False

    def _set_stores(self, stores, wanted: int) -> None:
        self.store.clear()
        self.store.addItem(MANUAL_STORE, 0)
        for store in stores:
            self.store.addItem(f"{store.name} ({store.marketplace}) · {store.store_id}", store.store_id)
        if wanted and self.store.findData(wanted) < 0:
            self.store.addItem(f"store {wanted} (load the stores to see its name)", wanted)
        self.store.setCurrentIndex(max(0, self.store.findData(wanted)))

    def form(self) -> ShippingForm:
        model = self.statuses_view.model()
        ticked = tuple(model.item(i).text() for i in range(model.rowCount())
                       if model.item(i).checkState() == Qt.CheckState.Checked) if model else ()
        return ShippingForm(self.enabled.isChecked(), self.api_url.text().strip().rstrip("/"),
                            int(self.store.currentData() or 0), ticked, "skip" if self.skip_mode.isChecked() else "push")

    def save(self) -> None:
        if self._view is None:
            return
        form = self.form()
        problem = check_form(form)
        if problem:
            self._after_save = None
            self._say(problem, ok=False)
            return
        db = self._ctx.db

        def work() -> None:
            with db.sessions.begin() as session:
                save_form(session, form)

        def done(_result) -> None:
            self._say("Shipping settings saved ✓", ok=True)
            self._refresh_key_state()  # another address needs its own key
            self._ctx.events.publish(Changes.of(settings=True, message="ShipStation settings saved"))
            self.saved.emit()
            self._saved(form)  # "Unsaved changes" again if edited meanwhile; then where leaving was going

        def failed(exc: Exception) -> None:
            self._after_save = None
            self._say(f"Not saved: {exc}" if isinstance(exc, DomainError) else f"Not saved ({type(exc).__name__}).",
                      ok=False)

        run_for(self, self._ctx.runner, work, done, failed)

    def load_stores(self) -> None:
        """Ask ShipStation for the account's stores, off the GUI thread (with the key as stored)."""
        self.load_stores_button.setEnabled(False)
        self._say("Asking ShipStation for the stores…", ok=True)
        wanted = int(self.store.currentData() or 0)
        db = self._ctx.db

        def done(stores) -> None:
            self.load_stores_button.setEnabled(True)
            self._set_stores(stores, wanted)
            self._say(f"{counted(len(stores), 'store')} in this ShipStation account.", ok=True)
            self.stores_loaded.emit()

        def failed(exc: Exception) -> None:
            self.load_stores_button.setEnabled(True)
            self._say(str(exc) if isinstance(exc, DomainError) else f"Stores not loaded ({type(exc).__name__}).",
                      ok=False)
            self.stores_loaded.emit()

        run_for(self, self._ctx.runner, lambda: fetch_stores(db), done, failed)

    # --- the key -----------------------------------------------------------------------------

    def store_key(self) -> None:
        key = self.key_edit.text().strip()
        self.key_edit.clear()  # the key never stays on screen, whatever happens next
        if not key:
            self._say("Paste the API key and secret first, as KEY:SECRET.", ok=False)
            return
        db = self._ctx.db

        def done(_result) -> None:
            self._say("Key stored in this computer's keyring ✓", ok=True)
            self._refresh_key_state()
            self._ctx.events.publish(Changes.of(settings=True, message="ShipStation key stored"))
            self.key_changed.emit()

        def failed(exc: Exception) -> None:
            self._say(str(exc) if isinstance(exc, DomainError) else f"The key could not be stored ({type(exc).__name__}).",
                      ok=False)
            self._refresh_key_state()

        run_for(self, self._ctx.runner, lambda: config.store_key(db, key), done, failed)

    def _refresh_key_state(self) -> None:
        # A keyring can block for seconds (a locked wallet, a slow D-Bus): never on the GUI thread.
        self._key_checks += 1
        check = self._key_checks
        if check == 1:
            self.key_state.setText("Checking the keyring…")
            for widget in (self.key_edit, self.store_key_button, self.replace_key_button):
                widget.setVisible(False)

        def shown(state) -> None:
            if check == self._key_checks:  # an older answer must not overwrite a newer one
                self._show_key_state(state)

        db = self._ctx.db
        run_for(self, self._ctx.runner, lambda: config.key_state(db), shown, shown)

    def _show_key_state(self, state) -> None:
        if isinstance(state, SecretStoreUnavailable):
            self._key_view(f"No keyring: {state}", stored=False, ok=False)
        elif isinstance(state, Exception):
            words = str(state) if isinstance(state, DomainError) else type(state).__name__
            self._key_view(f"The keyring could not be read ({words}).", stored=False, ok=False)
        elif state == "environment":
            self._key_view(f"key from {secrets.ENV_VAR} ✓", stored=True, ok=True)
        elif state == "keyring":
            self._key_view("key stored ✓ (for this database and address)", stored=True, ok=True)
        else:
            self._key_view("No key for this database and address yet: paste KEY:SECRET below and store it.",
                           stored=False, ok=False)

    def _key_view(self, text: str, *, stored: bool, ok: bool) -> None:
        self.key_state.setText(text)
        self.key_state.setStyleSheet(_OK if ok else _BAD)
        self.key_edit.setVisible(not stored)
        self.store_key_button.setVisible(not stored)
        self.replace_key_button.setVisible(stored)

    def _show_key_entry(self) -> None:
        self.key_edit.setVisible(True)
        self.store_key_button.setVisible(True)
        self.replace_key_button.setVisible(False)
        self.key_edit.setFocus()

    def _say(self, text: str, *, ok: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_OK if ok else _BAD)
