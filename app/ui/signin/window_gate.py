"""Sign-in for the main window: the screen over the tabs, the idle lock, the operator menu, the
"Signed in as" label, and the role gates — switched on when the database has users.

A database without users gets none of it: the window opens on the tabs exactly as before (until
the first admin is created from the Users page; then it switches on, with its creator signed in).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QStackedWidget

from app.domain import settings
from app.domain.changes import Changes
from app.domain.permissions import users_exist
from app.ui.signin import gates
from app.ui.signin.idle import DEFAULT_MINUTES, IdleLock
from app.ui.signin.operator_session import OperatorSession
from app.ui.signin.screen import SignInScreen
from app.ui.widgets.elided_label import ElidedLabel
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

IDLE_SETTING = "security.idle_lock_minutes"
FIRST_USER_CHECK_MS = 30_000


def _startup_facts(db) -> tuple[bool, int]:
    """Users or not, and the idle minutes — read once before the window shows (a tiny query),
    so a station with users never shows its tabs for a moment before the sign-in screen."""
    with db.reads() as session:
        required = users_exist(session)
        try:
            minutes = int(settings.get(session, IDLE_SETTING))
        except Exception:  # an older database or an odd value: the default keeps the station safe
            minutes = DEFAULT_MINUTES
    return required, minutes


class SignInGate(QObject):
    def __init__(self, window: QMainWindow, ctx) -> None:
        super().__init__(window)
        self._window = window
        self._ctx = ctx
        required, minutes = _startup_facts(ctx.db)
        self.session = OperatorSession(ctx, required=required, parent=self)
        self.idle = IdleLock(minutes, self)
        self.screen = SignInScreen(ctx, self.session)
        self.label = ElidedLabel(max_width=320)
        self.label.setObjectName("operator_label")
        self.label.setContentsMargins(8, 0, 8, 0)
        self.lock_action: QAction | None = None
        self.switch_user_action: QAction | None = None

        tabs = window.takeCentralWidget()
        self.stack = QStackedWidget()
        self.stack.addWidget(tabs)
        self.stack.addWidget(self.screen)
        self.tabs = tabs
        window.setCentralWidget(self.stack)
        window.statusBar().insertPermanentWidget(1, self.label)  # after the message, before the station

        self.session.operator_changed.connect(self._operator_changed)
        self.session.signin_switched_on.connect(self._switch_on)
        self.idle.idle.connect(self.session.lock)
        ctx.events.changes_applied.connect(self._on_changes)
        # Another station may create the first admin while this one runs: look now and then.
        self.first_user_watch = QTimer(self, interval=FIRST_USER_CHECK_MS)
        self.first_user_watch.timeout.connect(self.check_for_users)
        if required:
            self._switch_on()
        else:
            self.first_user_watch.start()
        self._operator_changed(self.session.operator)

    # --- switching on -------------------------------------------------------------------------

    def check_for_users(self) -> None:
        if self.session.required:
            self.first_user_watch.stop()
            return
        reads = self._ctx.db.reads

        def work() -> bool:
            with reads() as session:
                return users_exist(session)

        def answered(exist: bool) -> None:
            if exist and not self.session.required:
                log.info("operators were created on another station: sign-in is on here too")
                self.session.switch_on(None)

        run_for(self, self._ctx.runner, work, answered, lambda exc: None)

    def _switch_on(self) -> None:
        self.first_user_watch.stop()
        if self.lock_action is not None:
            return
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        menu = self._window.menuBar().addMenu("&Operator")
        menu.setObjectName("operator_menu")
        self.lock_action = QAction("&Lock", self._window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.switch_user_action = QAction("&Switch user", self._window)
        self.switch_user_action.triggered.connect(self.switch_user)
        menu.addAction(self.lock_action)
        menu.addAction(self.switch_user_action)

    def lock(self) -> None:
        self.session.lock()

    def switch_user(self) -> None:
        self.session.lock(remember=False)

    def shutdown(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
        self.idle.disarm()
        self.first_user_watch.stop()
        try:
            self._ctx.events.changes_applied.disconnect(self._on_changes)
        except (RuntimeError, TypeError):
            pass

    # --- the operator changed -------------------------------------------------------------------

    def _operator_changed(self, user) -> None:
        locked = self.session.locked
        if locked:
            self.idle.disarm()
            self._close_dialogs()
            self.stack.setCurrentWidget(self.screen)
            self.screen.show_for(self.session.last_name)
            self.label.setText("Locked — nobody signed in")
        else:
            self.stack.setCurrentWidget(self.tabs)
            if user is not None:
                self.idle.arm()
                self.label.setText(f"Signed in as {user.name} ({user.role})")
            else:
                self.label.setText("")
        for action in (self._window_action("import_action"), self._window_action("export_action"),
                       self._window_action("settings_action")):
            if action is not None:
                action.setEnabled(not locked)
        for action in (self.lock_action, self.switch_user_action):
            if action is not None:
                action.setEnabled(not locked)
        gates.apply_role(self._window, self.session.may)

    def _close_dialogs(self) -> None:
        """Nothing behind the sign-in screen stays usable: the window's open dialogs close."""
        for widget in QApplication.topLevelWidgets():
            if (isinstance(widget, QDialog) and widget.isVisible() and widget.parentWidget() is not None
                    and widget.parentWidget().window() is self._window):
                widget.reject()

    def _window_action(self, name: str):
        return getattr(self._window, name, None)

    def take_scan(self, code: str) -> bool:
        """The scan router asks first: while locked, every scan is a badge."""
        if not self.session.locked:
            return False
        if self.stack.currentWidget() is not self.screen:
            self.stack.setCurrentWidget(self.screen)
        return self.screen.take_scan(code)

    # --- the idle setting -----------------------------------------------------------------------

    def _on_changes(self, changes: object) -> None:
        if isinstance(changes, Changes) and changes.settings:
            reads = self._ctx.db.reads

            def work() -> int:
                with reads() as session:
                    return int(settings.get(session, IDLE_SETTING))

            run_for(self, self._ctx.runner, work, self.idle.set_minutes, lambda exc: None)

