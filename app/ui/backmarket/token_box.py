"""The Back Market API token: pasted once, kept in this computer's keyring, never shown again.

The keyring is asked off the GUI thread (a locked wallet or a slow D-Bus can block for seconds).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.sync import config, secrets
from app.ui.context import UiContext
from app.ui.scanner import NO_SCAN_PROPERTY
from app.ui.widgets.guard import run_for

_OK = "color: #1e7e34; font-weight: bold;"
_BAD = "color: #c62828; font-weight: bold;"
TOKEN_PLACEHOLDER = "paste the API token from the Back Market Back Office"


def _read_token_state(db) -> tuple[object, secrets.SecretStoreUnavailable | None]:
    """Where the token comes from, and whether this computer can store one (asked even when the
    environment variable supplies it, to say it is used instead). Off the GUI thread: a keyring blocks."""
    problem = secrets.store_problem()
    try:
        state: object = config.token_state(db)
    except Exception as exc:  # noqa: BLE001 — shown in words by _show_token_state
        state = exc
    return state, problem


class TokenBox(QGroupBox):
    said = Signal(str, bool)  # a message for the panel's line, and whether it is good news
    changed = Signal()  # a token was stored

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("API token", parent)
        self._ctx = ctx
        self.token_state = QLabel(objectName="token_state")
        self.token_state.setWordWrap(True)
        self.token_help = QLabel(objectName="token_help")  # what IT can do when there is no password store
        self.token_help.setWordWrap(True)
        self.token_help.setStyleSheet("color: #424242;")
        self.token_help.hide()
        self.token_edit = QLineEdit(objectName="token_edit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setProperty(NO_SCAN_PROPERTY, True)  # a password manager types as fast as a scanner
        self.token_edit.setPlaceholderText(TOKEN_PLACEHOLDER)
        self.store_button = QPushButton("Store token", objectName="store_token")
        self.replace_button = QPushButton("Replace token…", objectName="replace_token")
        self.store_button.clicked.connect(self.store_token)
        self.replace_button.clicked.connect(self._show_token_entry)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.store_button)
        token_row.addWidget(self.replace_button)
        token_layout = QVBoxLayout(self)
        token_layout.addWidget(self.token_state)
        token_layout.addWidget(self.token_help)
        token_layout.addLayout(token_row)

    def store_token(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            self.said.emit("Paste the token first.", False)
            return
        self.token_edit.clear()  # the token never stays on screen, whatever happens next
        db = self._ctx.db

        def work() -> None:
            config.store_token(db, token)  # for this database and its current address

        def done(_result) -> None:
            self.said.emit("Token stored in this computer's keyring ✓", True)
            self.refresh()
            self._ctx.events.publish(Changes.of(settings=True, message="Back Market token stored"))
            self.changed.emit()

        def failed(exc: Exception) -> None:
            text = str(exc) if isinstance(exc, DomainError) else f"The token could not be stored ({type(exc).__name__})."
            self.said.emit(text, False)
            self.refresh()

        self._ctx.runner.run(work, done, failed)

    def refresh(self) -> None:
        # A keyring can block for seconds (a locked wallet, a slow D-Bus): never on the GUI thread.
        self._token_checks = getattr(self, "_token_checks", 0) + 1
        check = self._token_checks
        if check == 1:
            self.token_state.setText("Checking the keyring…")
            for widget in (self.token_edit, self.store_button, self.replace_button):
                widget.setVisible(False)

        def shown(state) -> None:
            if check == self._token_checks:  # an older answer must not overwrite a newer one
                self._show_token_state(state)

        db = self._ctx.db
        run_for(self, self._ctx.runner, lambda: _read_token_state(db), shown, shown)

    def _show_token_state(self, answer) -> None:
        state, problem = answer if isinstance(answer, tuple) else (answer, None)
        if isinstance(state, secrets.SecretStoreUnavailable):
            state, problem = None, problem or state
        if problem is not None and state == "environment":
            self._token_view(f"Using the token from {secrets.ENV_VAR} ✓ — this computer has no password store, so "
                             "that token is used instead of a stored one.", stored=True, ok=True)
            self.replace_button.setVisible(False)  # nowhere to store another
            return
        if problem is not None:
            self._token_view("No password store on this computer: the Back Market token cannot be stored here.",
                             stored=False, ok=False,
                             help_text=secrets.what_it_can_install() if problem.missing else str(problem))
            self.store_button.setEnabled(False)
            self.token_edit.setEnabled(False)
            self.token_edit.setPlaceholderText("no password store on this computer — see above")
            return
        if isinstance(state, DomainError):
            self._token_view(f"Token state unknown: {state}", stored=False, ok=False)
            return
        if isinstance(state, Exception):
            self._token_view(f"The keyring could not be read ({type(state).__name__}).", stored=False, ok=False)
            return
        if state == "environment":
            self._token_view(f"token from {secrets.ENV_VAR} ✓", stored=True, ok=True)
        elif state == "keyring":
            self._token_view("token stored ✓", stored=True, ok=True)
        elif state == "set_again":
            self._token_view("The token must be set again for this database and address: the one stored was "
                             "for another copy of this database or another address.", stored=False, ok=False)
        else:
            self._token_view("No token yet: paste it below and store it.", stored=False, ok=False)

    def _token_view(self, text: str, *, stored: bool, ok: bool, help_text: str = "") -> None:
        self.token_state.setText(text)
        self.token_state.setStyleSheet(_OK if ok else _BAD)
        self.token_help.setText(help_text)
        self.token_help.setVisible(bool(help_text))
        self.store_button.setEnabled(True)
        self.token_edit.setEnabled(True)
        self.token_edit.setPlaceholderText(TOKEN_PLACEHOLDER)
        self.token_edit.setVisible(not stored)
        self.store_button.setVisible(not stored)
        self.replace_button.setVisible(stored)

    def _show_token_entry(self) -> None:
        self.token_edit.setVisible(True)
        self.store_button.setVisible(True)
        self.replace_button.setVisible(False)
        self.token_edit.setFocus()
