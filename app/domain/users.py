"""Operators: adding them, signing them in by PIN or badge, lock-out, and what an admin changes.

A PIN is never stored or returned in clear: only `pin_hash.hash_pin`'s string reaches the database
and nothing here returns or logs it (UserInfo has no hash field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import pin_hash
from app.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from app.domain.permissions import ROLES, Permission, require, users_exist
from app.domain.station import current_operator
from app.models import User
from app.models.base import utcnow

__all__ = [
    "ROLES", "UserInfo", "SignInRefused", "users_exist", "add_user", "authenticate", "authenticate_badge",
    "list_users", "find_user", "set_pin", "set_role", "set_badge", "disable", "enable", "unlock",
    "MAX_ATTEMPTS", "LOCK_MINUTES",
]

MAX_ATTEMPTS = 5
LOCK_MINUTES = 5
_PIN = re.compile(r"[0-9]{4,12}")
_BADGE = re.compile(r"[!-~]{4,60}")  # printable ASCII, no spaces: what a badge barcode carries


class SignInRefused(DomainError):
    reason = "sign_in"


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    active: bool
    has_badge: bool
    locked_until: datetime | None


def _info(user: User) -> UserInfo:
    locked = user.locked_until if user.locked_until and user.locked_until > utcnow() else None
    return UserInfo(user.id, user.name, user.role, user.active, user.badge_code is not None, locked)


def _norm(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput("An operator needs a name.")
    if len(cleaned) > 80:
        raise InvalidInput("An operator's name is at most 80 characters.")
    return cleaned


def _check_pin(pin: str) -> str:
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        raise InvalidInput("A PIN is 4 to 12 digits.")
    return pin


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"Unknown role “{role}”: the roles are {', '.join(ROLES)}.")
    return role


def _clean_badge(badge: str | None) -> str | None:
    if badge is None:
        return None
    cleaned = badge.strip()
    if not _BADGE.fullmatch(cleaned):
        raise InvalidInput("A badge code is 4 to 60 printable characters without spaces.")
    return cleaned


def _hhmm(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")  # the station's local time


def find_user(session: Session, name: str, *, lock: bool = False) -> User:
    query = select(User.id).where(User.name_norm == _norm(name))
    if lock:
        lock_first(session, query)
    user = session.scalars(select(User).where(User.name_norm == _norm(name))
                           .execution_options(populate_existing=True)).first()
    if user is None:
        raise NotFound(f"No operator is called “{name.strip()}”.")
    return user


def _badge_taken(session: Session, badge: str, except_id: int | None = None) -> None:
    other = session.scalar(select(User.name).where(User.badge_code == badge, User.id != (except_id or -1)))
    if other is not None:
        raise Conflict(f"That badge already belongs to {other}.")


def add_user(session: Session, name: str, role: str, pin: str, badge: str | None = None) -> UserInfo:
    """Add an operator. The first one must be an admin (creating it switches sign-in on)."""
    first = not users_exist(session)
    if not first:
        require(session, Permission.USERS)  # before the input checks: who may comes first
    name, role, badge = _clean_name(name), _check_role(role), _clean_badge(badge)
    _check_pin(pin)
    if first and role != "admin":
        raise InvalidInput("The first operator must be an admin (it switches sign-in on for this database).")
    if session.scalar(select(User.name).where(User.name_norm == _norm(name))) is not None:
        raise Conflict(f"There is already an operator called {name}.")
    if badge is not None:
        _badge_taken(session, badge)
    user = User(name=name, name_norm=_norm(name), role=role, badge_code=badge, pin_hash=pin_hash.hash_pin(pin),
                active=True, failed_attempts=0)
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another station added the same name or badge just now
        raise Conflict(f"There is already an operator called {name}, or that badge is taken.") from None
    return _info(user)


def _refuse_unusable(user: User) -> None:
    if not user.active:
        raise SignInRefused(f"{user.name}'s account is disabled; an admin can enable it.")
    if user.locked_until is not None and user.locked_until > utcnow():
        raise SignInRefused(f"{user.name} is locked until {_hhmm(user.locked_until)} after {MAX_ATTEMPTS} wrong PINs; "
                            "an admin can unlock.")


def _signed_in(session: Session, user: User) -> UserInfo:
    if user.failed_attempts or user.locked_until is not None:
        user.failed_attempts = 0
        user.locked_until = None
        session.flush()
    return _info(user)


def authenticate(session: Session, name: str, pin: str) -> UserInfo:
    """Sign in by name and PIN.

    A wrong PIN is counted even though this raises: the count is committed on `session` before the
    refusal (call it in a session of its own, e.g. `with db.sessions.begin() as s:`).
    """
    user = session.scalars(select(User).where(User.name_norm == _norm(name))).first()
    if user is None:
        raise SignInRefused(f"Unknown name: no operator is called “{(name or '').strip()}”.")
    _refuse_unusable(user)
    if pin_hash.verify_pin(pin or "", user.pin_hash):
        return _signed_in(session, user)
    # One atomic UPDATE: two stations guessing at once still count every attempt.
    until = utcnow() + timedelta(minutes=LOCK_MINUTES)
    session.execute(update(User).where(User.id == user.id).values(failed_attempts=User.failed_attempts + 1))
    attempts = session.scalar(select(User.failed_attempts).where(User.id == user.id))
    if attempts >= MAX_ATTEMPTS:
        session.execute(update(User).where(User.id == user.id).values(failed_attempts=0, locked_until=until))
    session.commit()
    if attempts >= MAX_ATTEMPTS:
        raise SignInRefused(f"Wrong PIN: {user.name} is now locked until {_hhmm(until)} after {MAX_ATTEMPTS} wrong PINs "
                            "in a row; an admin can unlock.")
    left = MAX_ATTEMPTS - attempts
    raise SignInRefused(f"Wrong PIN for {user.name}: {left} attempt{'s' if left != 1 else ''} left before the account locks.")


def authenticate_badge(session: Session, badge: str) -> UserInfo:
    """Sign in by scanning a badge."""
    user = session.scalars(select(User).where(User.badge_code == (badge or "").strip())).first()
    if user is None:
        raise SignInRefused("Unknown badge: no operator has this badge code.")
    _refuse_unusable(user)
    return _signed_in(session, user)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.name_norm))]


def set_pin(session: Session, name: str, pin: str) -> UserInfo:
    """A new PIN: an admin for anyone, or an operator for themself."""
    me = current_operator()
    user = find_user(session, name, lock=True)
    if me is None or me.id != user.id:
        require(session, Permission.USERS)
    _check_pin(pin)
    user.pin_hash = pin_hash.hash_pin(pin)
    user.failed_attempts = 0
    session.flush()
    return _info(user)


def _lock_admins(session: Session) -> int:
    """How many active admins there are, with their rows locked so two admins cannot demote each other."""
    ids = select(User.id).where(User.role == "admin", User.active.is_(True))
    lock_first(session, ids)
    return len(session.scalars(ids).all())


def _refuse_last_admin(session: Session, user: User, what: str) -> None:
    if user.role == "admin" and user.active and _lock_admins(session) <= 1:
        raise Conflict(f"{user.name} is the last active admin and cannot be {what}; make another admin first.")


def set_role(session: Session, name: str, role: str) -> UserInfo:
    require(session, Permission.USERS)
    _check_role(role)
    user = find_user(session, name, lock=True)
    if role != "admin":
        _refuse_last_admin(session, user, f"made a {role}")
    user.role = role
    session.flush()
    return _info(user)


def set_badge(session: Session, name: str, badge: str | None) -> UserInfo:
    """Give an operator a badge code, or take it away with None."""
    require(session, Permission.USERS)
    badge = _clean_badge(badge)
    user = find_user(session, name, lock=True)
    if badge is not None:
        _badge_taken(session, badge, user.id)
    user.badge_code = badge
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict("That badge was just given to another operator.") from None
    return _info(user)


def disable(session: Session, name: str) -> UserInfo:
    require(session, Permission.USERS)
    user = find_user(session, name, lock=True)
    _refuse_last_admin(session, user, "disabled")
    user.active = False
    session.flush()
    return _info(user)


def enable(session: Session, name: str) -> UserInfo:
    require(session, Permission.USERS)
    user = find_user(session, name, lock=True)
    user.active = True
    session.flush()
    return _info(user)


def unlock(session: Session, name: str) -> UserInfo:
    require(session, Permission.USERS)
    user = find_user(session, name, lock=True)
    user.failed_attempts = 0
    user.locked_until = None
    session.flush()
    return _info(user)
