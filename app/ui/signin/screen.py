"""The sign-in screen that covers the window: scan a badge, or pick a name and type the PIN.

Made for a packer with a scanner in one hand: big type, names as big rows to tap, the badge scan
works wherever the focus is — even in the PIN field (a no-scan zone, so a badge scanned there
arrives as typed text and Enter submits it: anything that is not a PIN is tried as a badge).
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import users
from app.ui.context import UiContext
from app.ui.scanner import NO_SCAN_PROPERTY
from app.ui.signin.operator_session import OperatorSession
from app.ui.widgets.guard import run_for

PIN_LIKE = re.compile(r"[0-9]{4,12}")
_REFUSED = "color: #b71c1c; font-weight: bold;"
_NEUTRAL = "color: #424242;"


def _font(widget: QWidget, points: int, *, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)


class SignInScreen(QWidget):
    def __init__(self, ctx: UiContext, session: OperatorSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signin_screen")
        self._ctx = ctx
        self._session = session
        self._build()
        session.refused.connect(self._refused)
        session.operator_changed.connect(self._operator_changed)

    def _build(self) -> None:
        self.title = QLabel("Sign in", objectName="signin_title")
        _font(self.title, 30, bold=True)
        scan_hint = QLabel("Scan your badge", objectName="signin_scan_hint")
        _font(scan_hint, 22, bold=True)
        scan_hint.setStyleSheet("color: #0d47a1;")
        or_hint = QLabel("or pick your name and type your PIN")
        _font(or_hint, 15)
        or_hint.setStyleSheet(_NEUTRAL)

        self.names = QListWidget(objectName="signin_names")
        _font(self.names, 18)
        self.names.setStyleSheet("QListWidget::item { padding: 10px 14px; }")
        self.names.setMinimumHeight(240)
        self.names.itemActivated.connect(lambda _item: self.pin.setFocus())
        self.names.itemClicked.connect(lambda _item: self.pin.setFocus())
        self.names.currentTextChanged.connect(
            lambda name: self.pin.setPlaceholderText(f"PIN for {name}" if name else "PIN"))

        self.pin = QLineEdit(objectName="signin_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setProperty(NO_SCAN_PROPERTY, True)
        self.pin.setPlaceholderText("PIN")
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setMinimumHeight(56)
        _font(self.pin, 24)
        self.pin.returnPressed.connect(self.submit)
        self.sign_in_button = QPushButton("Sign in", objectName="signin_button")
        self.sign_in_button.setMinimumHeight(56)
        self.sign_in_button.setMinimumWidth(160)
        _font(self.sign_in_button, 18, bold=True)
        self.sign_in_button.clicked.connect(self.submit)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin, 1)
        pin_row.addWidget(self.sign_in_button)

        self.message = QLabel("", objectName="signin_message")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(60)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        _font(self.message, 15)

        card = QFrame(objectName="signin_card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setStyleSheet("#signin_card { background: white; border: 1px solid #bdbdbd; border-radius: 8px; }")
        card.setFixedWidth(600)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 24)
        inner.setSpacing(12)
        for label in (self.title, scan_hint, or_hint):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            inner.addWidget(label)
        inner.addWidget(self.names, 1)
        inner.addLayout(pin_row)
        inner.addWidget(self.message)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row, 8)
        outer.addStretch(1)
        self.setStyleSheet("#signin_screen { background: #eceff1; }")
        self.setAutoFillBackground(True)

    # --- what the window calls ------------------------------------------------------------------

    def show_for(self, locked_name: str = "") -> None:
        """Covering the window: fresh names, the last operator preselected after a lock."""
        self.title.setText(f"Locked — {locked_name} was signed in" if locked_name else "Sign in")
        self.pin.clear()
        if not locked_name:
            self.names.setCurrentRow(-1)  # switching user: nobody preselected
        self.reload_names(select=locked_name)
        self.names.setFocus()  # not the PIN field: a badge scan must reach the scanner filter

    def reload_names(self, select: str = "") -> None:
        reads = self._ctx.db.reads

        def work() -> list[users.UserInfo]:
            with reads() as session:
                return [u for u in users.list_users(session) if u.active]

        run_for(self, self._ctx.runner, work, lambda people: self._show_names(people, select),
                lambda exc: self._say(f"Could not read the operators: {exc}", refusal=True))

    def _show_names(self, people: list[users.UserInfo], select: str) -> None:
        self.names.clear()
        for person in people:
            item = QListWidgetItem(person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.name)
            item.setToolTip(person.role)
            self.names.addItem(item)
        if select:
            self.pick(select)
        else:
            self.names.setCurrentRow(-1)

    def pick(self, name: str) -> None:
        for row in range(self.names.count()):
            if self.names.item(row).text() == name:
                self.names.setCurrentRow(row)
                return

    def take_scan(self, code: str) -> bool:
        """A scan while the screen covers the window is a badge; nothing else may see it."""
        if not self._session.locked:
            return False
        self._say("Checking the badge…")
        self._session.sign_in_with_badge(code)
        return True

    def submit(self) -> None:
        text = self.pin.text().strip()
        self.pin.clear()  # a PIN never stays in a field
        item = self.names.currentItem()
        if text and (not PIN_LIKE.fullmatch(text) or item is None):
            self._say("Checking the badge…")
            self._session.sign_in_with_badge(text)
        elif item is None:
            self._say("Pick your name, then type your PIN — or scan your badge.", refusal=True)
        elif not text:
            self._say(f"Type the PIN for {item.text()}.", refusal=True)
            self.pin.setFocus()
        else:
            self._say("Checking…")
            self._session.sign_in_with_pin(item.text(), text)

    # --- answers -------------------------------------------------------------------------------

    def _refused(self, text: str) -> None:
        self._say(text, refusal=True)
        if self.names.currentItem() is not None:
            self.pin.setFocus()

    def _operator_changed(self, user) -> None:
        if user is not None:
            self._say("")
            self.pin.clear()

    def _say(self, text: str, *, refusal: bool = False) -> None:
        self.message.setStyleSheet(_REFUSED if refusal else _NEUTRAL)
        self.message.setText(("✗ " if refusal and text else "") + text)
