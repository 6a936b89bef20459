"""Who is signed in at this station, and whether the station is locked.

The signed-in operator itself lives in the domain (`station.current_operator()`), because every
service checks it; this object signs people in off the GUI thread and tells the window when the
operator changes, so it can lock the screen and show or hide what the role may do.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.domain import users
from app.domain.errors import DomainError
from app.domain.permissions import Permission, role_allows
from app.domain.station import current_operator, set_operator
from app.ui.context import UiContext
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)


class OperatorSession(QObject):
    operator_changed = Signal(object)  # UserInfo | None
    refused = Signal(str)  # a sign-in refused, in the domain's words
    signin_switched_on = Signal()  # the first user was created while the app ran

    def __init__(self, ctx: UiContext, *, required: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._required = required
        self._busy = False
        self.last_name = ""  # who was signed in before the lock (the screen preselects them)

    @property
    def required(self) -> bool:
        """True once the database has users: nobody works at this station without signing in."""
        return self._required

    @property
    def operator(self) -> users.UserInfo | None:
        return current_operator()

    @property
    def locked(self) -> bool:
        return self._required and current_operator() is None

    def may(self, perm: Permission) -> bool:
        """What a widget asks before it shows an action (the service checks again)."""
        operator = current_operator()
        if operator is None:
            return not self._required
        return role_allows(operator.role, perm)

    # --- signing in and out -------------------------------------------------------------------

    def sign_in_with_pin(self, name: str, pin: str) -> None:
        self._attempt(lambda session: users.authenticate(session, name, pin))

    def sign_in_with_badge(self, code: str) -> None:
        self._attempt(lambda session: users.authenticate_badge(session, code))

    def _attempt(self, check) -> None:
        if self._busy:  # a second Enter or scan while the first is being checked
            return
        self._busy = True
        sessions = self._ctx.db.sessions

        def work() -> users.UserInfo:
            with sessions.begin() as session:  # a wrong PIN's count is committed by the domain
                return check(session)

        def done(user: users.UserInfo) -> None:
            self._busy = False
            self._set(user)
            log.info("%s (%s) signed in", user.name, user.role)

        def failed(exc: Exception) -> None:
            self._busy = False
            text = str(exc) if isinstance(exc, DomainError) else f"Sign-in failed: {type(exc).__name__}: {exc}"
            self.refused.emit(text)

        run_for(self, self._ctx.runner, work, done, failed)

    def lock(self, *, remember: bool = True) -> None:
        """Idle, "Lock" or "Switch user" (remember=False: nobody preselected): nobody is signed in
        until someone signs in again."""
        if not self._required or current_operator() is None:
            return
        self.last_name = current_operator().name if remember else ""
        log.info("%s signed out (station locked)", current_operator().name)
        self._set(None)

    def switch_on(self, first_admin: users.UserInfo | None) -> None:
        """The first user was created: sign-in is on. Created here, its creator is signed in;
        created on another station (None), this one locks until someone signs in."""
        self._required = True
        self.signin_switched_on.emit()
        self._set(first_admin)

    def refresh(self, user: users.UserInfo) -> None:
        """Someone was changed on the Users page: if it is the signed-in operator, their new role
        counts at once (and a disabled account is signed out)."""
        operator = current_operator()
        if operator is None or operator.id != user.id:
            return
        if not user.active:
            self.lock(remember=False)
            return
        self._set(user)

    def _set(self, user: users.UserInfo | None) -> None:
        set_operator(user)
        self.operator_changed.emit(user)
