"""The Users page (admins; anyone while the database has no users, to create the first admin).

Every change goes through the domain (`app.domain.users`), which checks the role again and
refuses in words; the page only shows the answer.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import settings, users
from app.domain.changes import Changes
from app.domain.errors import DomainError
from app.domain.permissions import Permission
from app.ui.context import UiContext
from app.ui.scanner import NO_SCAN_PROPERTY, SCAN_TARGET_PROPERTY
from app.ui.settings_dialog.users_model import UsersModel
from app.ui.signin.gates import may
from app.ui.widgets.guard import run_for

__all__ = ["UsersModel", "UsersPage"]

IDLE_SETTING = "security.idle_lock_minutes"


def _pin_field(placeholder: str, name: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setProperty(NO_SCAN_PROPERTY, True)
    field.setPlaceholderText(placeholder)
    field.setMaxLength(12)
    return field


def _badge_field(name: str, placeholder: str) -> QLineEdit:
    field = QLineEdit(objectName=name)
    field.setProperty(SCAN_TARGET_PROPERTY, True)  # scan the badge here: the code stays in the field
    field.setPlaceholderText(placeholder)
    return field


class UsersPage(QWidget):
    first_admin_added = Signal(object)  # UserInfo: sign-in is on now
    operator_updated = Signal(object)  # UserInfo of someone changed here (the window re-checks its operator)
    action_done = Signal(bool, str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = UsersModel(self)
        self._build()
        self.reload()

    def _build(self) -> None:
        self.table = QTableView(objectName="users_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())

        # Add an operator
        self.add_name = QLineEdit(objectName="add_name")
        self.add_name.setPlaceholderText("e.g. Pat Jones")
        self.add_role = QComboBox(objectName="add_role")
        self.add_role.addItems(list(users.ROLES))
        self.add_pin = _pin_field("4 to 12 digits", "add_pin")
        self.add_pin_again = _pin_field("the same PIN again", "add_pin_again")
        self.add_badge = _badge_field("add_badge", "optional: click here and scan the badge")
        self.add_button = QPushButton("Add operator", objectName="add_user")
        self.add_button.clicked.connect(self.add)
        self.first_hint = QLabel("The first operator must be an admin. Creating it switches sign-in on for "
                                 "every station using this database.")
        self.first_hint.setWordWrap(True)
        self.first_hint.setStyleSheet("color: #0d47a1; font-weight: bold;")
        self.first_hint.setHidden(True)  # shown once the list turns out empty
        add_box = QGroupBox("Add an operator")
        add_form = QFormLayout(add_box)
        add_form.addRow(self.first_hint)
        add_form.addRow("Name", self.add_name)
        add_form.addRow("Role", self.add_role)
        add_form.addRow("PIN", self.add_pin)
        add_form.addRow("PIN again", self.add_pin_again)
        add_form.addRow("Badge", self.add_badge)
        add_form.addRow("", self.add_button)

        # The selected operator
        self.selected_label = QLabel("Select an operator in the list.", objectName="selected_user")
        self.selected_label.setStyleSheet("font-weight: bold;")
        self.role_combo = QComboBox(objectName="role_combo")
        self.role_combo.addItems(list(users.ROLES))
        self.change_role_button = QPushButton("Change role", objectName="change_role")
        self.new_pin = _pin_field("new PIN", "new_pin")
        self.new_pin_again = _pin_field("again", "new_pin_again")
        self.reset_pin_button = QPushButton("Reset PIN", objectName="reset_pin")
        self.badge_edit = _badge_field("badge_edit", "click here and scan the new badge")
        self.set_badge_button = QPushButton("Set badge", objectName="set_badge")
        self.remove_badge_button = QPushButton("Remove badge", objectName="remove_badge")
        self.disable_button = QPushButton("Disable", objectName="disable_user")
        self.enable_button = QPushButton("Enable", objectName="enable_user")
        self.unlock_button = QPushButton("Unlock", objectName="unlock_user")
        self.change_role_button.clicked.connect(
            lambda: self._on_selected(lambda s, n, role=self.role_combo.currentText(): users.set_role(s, n, role),
                                      lambda u: f"{u.name} is now {u.role}."))
        self.reset_pin_button.clicked.connect(self.reset_pin)
        self.set_badge_button.clicked.connect(self.set_badge)
        self.remove_badge_button.clicked.connect(
            lambda: self._on_selected(lambda s, n: users.set_badge(s, n, None), lambda u: f"{u.name} has no badge now."))
        self.disable_button.clicked.connect(
            lambda: self._on_selected(users.disable, lambda u: f"{u.name} is disabled and cannot sign in."))
        self.enable_button.clicked.connect(
            lambda: self._on_selected(users.enable, lambda u: f"{u.name} is enabled."))
        self.unlock_button.clicked.connect(
            lambda: self._on_selected(users.unlock, lambda u: f"{u.name} is unlocked."))
        edit_box = QGroupBox("Selected operator")
        edit_form = QFormLayout(edit_box)
        edit_form.addRow(self.selected_label)
        edit_form.addRow("Role", self._row(self.role_combo, self.change_role_button))
        edit_form.addRow("New PIN", self._row(self.new_pin, self.new_pin_again, self.reset_pin_button))
        edit_form.addRow("Badge", self._row(self.badge_edit, self.set_badge_button, self.remove_badge_button))
        edit_form.addRow("", self._row(self.unlock_button, self.disable_button, self.enable_button, stretch=True))
        self._selected_widgets = (self.role_combo, self.change_role_button, self.new_pin, self.new_pin_again,
                                  self.reset_pin_button, self.badge_edit, self.set_badge_button,
                                  self.remove_badge_button, self.disable_button, self.enable_button, self.unlock_button)

        # Security: the idle lock
        self.idle_minutes = QSpinBox(objectName="idle_minutes")
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(" min")
        self.save_idle_button = QPushButton("Save", objectName="save_idle")
        self.save_idle_button.clicked.connect(self.save_idle)
        idle_box = QGroupBox("Idle lock")
        idle_row = QHBoxLayout(idle_box)
        idle_row.addWidget(QLabel("Lock a station after"))
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(QLabel("without a key press or click"))
        idle_row.addStretch(1)
        idle_row.addWidget(self.save_idle_button)

        self.message = QLabel("", objectName="users_message")
        self.message.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(add_box)
        right.addWidget(idle_box)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(edit_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        self._selection_changed()

    @staticmethod
    def _row(*widgets: QWidget, stretch: bool = False) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget, 0 if isinstance(widget, QPushButton) else 1)
        if stretch:
            row.addStretch(1)
        return holder

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        reads = self._ctx.db.reads

        def work():
            with reads() as session:
                return users.list_users(session), int(settings.get(session, IDLE_SETTING))

        run_for(self, self._ctx.runner, work, self._show,
                lambda exc: self._say(False, f"Could not read the operators: {exc}"))

    def _show(self, result) -> None:
        people, minutes = result
        keep = self.selected_name()
        self.model.set_users(people)
        first = not people
        self.first_hint.setVisible(first)
        if first:
            self.add_role.setCurrentText("admin")
        self.add_role.setEnabled(not first)
        self.idle_minutes.setValue(minutes)
        self.save_idle_button.setEnabled(may(Permission.SECURITY))
        if keep:
            self.select(keep)
        self._selection_changed()

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row >= 0:
            self.table.selectRow(row)

    def selected_name(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        user = self.model.user_at(rows[0].row()) if rows else None
        return user.name if user else ""

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        user = self.model.user_at(rows[0].row()) if rows else None
        for widget in self._selected_widgets:
            widget.setEnabled(user is not None)
        if user is None:
            self.selected_label.setText("Select an operator in the list.")
            return
        self.selected_label.setText(f"{user.name} — {user.role}")
        self.role_combo.setCurrentText(user.role)
        self.disable_button.setEnabled(user.active)
        self.enable_button.setEnabled(not user.active)
        self.unlock_button.setEnabled(user.locked_until is not None)
        self.remove_badge_button.setEnabled(user.has_badge)

    # --- actions ------------------------------------------------------------------------------

    def add(self) -> None:
        name, badge = self.add_name.text().strip(), self.add_badge.text().strip() or None
        pin, again = self.add_pin.text(), self.add_pin_again.text()
        self.add_pin.clear()
        self.add_pin_again.clear()
        if not name:
            self._say(False, "Type the operator's name.")
            return
        if pin != again:
            self._say(False, "The two PINs do not match: type the same PIN twice.")
            return
        role = self.add_role.currentText()
        first = self.model.rowCount() == 0

        def done(user: users.UserInfo) -> None:
            self.add_name.clear()
            self.add_badge.clear()
            self._say(True, f"{user.name} added as {user.role}" + (" with a badge." if user.has_badge else "."))
            if first:
                self.first_admin_added.emit(user)
            self.reload()

        self._run(lambda s: users.add_user(s, name, role, pin, badge=badge), done)

    def reset_pin(self) -> None:
        pin, again = self.new_pin.text(), self.new_pin_again.text()
        self.new_pin.clear()
        self.new_pin_again.clear()
        if pin != again:
            self._say(False, "The two PINs do not match: type the same PIN twice.")
            return
        self._on_selected(lambda s, n: users.set_pin(s, n, pin), lambda u: f"New PIN set for {u.name}.")

    def set_badge(self) -> None:
        badge = self.badge_edit.text().strip()
        if not badge:
            self._say(False, "Click the badge field and scan the badge first.")
            return
        self.badge_edit.clear()
        self._on_selected(lambda s, n: users.set_badge(s, n, badge), lambda u: f"{u.name}'s badge is set.")

    def save_idle(self) -> None:
        minutes = self.idle_minutes.value()

        def work(session) -> Changes:
            settings.set_(session, IDLE_SETTING, minutes)
            return Changes.of(settings=True, message=f"Stations lock after {minutes} idle minutes")

        def done(changes: Changes) -> None:
            self._ctx.events.publish(changes)
            self._say(True, changes.message + ".")

        self._run(work, done)

    def _on_selected(self, action: Callable, words: Callable[[users.UserInfo], str]) -> None:
        name = self.selected_name()
        if not name:
            self._say(False, "Select an operator in the list first.")
            return

        def done(user: users.UserInfo) -> None:
            self._say(True, words(user))
            self.operator_updated.emit(user)
            self.reload()

        self._run(lambda s: action(s, name), done)

    def _run(self, action: Callable, done: Callable) -> None:
        sessions = self._ctx.db.sessions

        def work():
            with sessions.begin() as session:
                return action(session)

        def failed(exc: Exception) -> None:
            self._say(False, str(exc) if isinstance(exc, DomainError) else f"Not saved: {exc}")
            self.reload()

        run_for(self, self._ctx.runner, work, done, failed)

    def _say(self, ok: bool, text: str) -> None:
        self.message.setStyleSheet(f"color: {'#1b5e20' if ok else '#b71c1c'}; font-weight: bold;")
        self.message.setText(("✓ " if ok else "✗ ") + text)
        self.action_done.emit(ok, text)
