"""Who is acting: this station's name and the operator, recorded on every history event."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.domain.users import UserInfo

_station_name = ""
_operator: UserInfo | None = None


@dataclass(frozen=True)
class Actor:
    station: str
    operator: str


def set_station_name(name: str) -> None:
    """The name chosen in this station's settings (the GUI sets it at start and on change)."""
    global _station_name
    _station_name = (name or "").strip()


def station_name() -> str:
    return (os.environ.get("REFURBDESK_STATION") or _station_name or socket.gethostname() or "station")[:80]


def set_operator(user: UserInfo | None) -> None:
    """The operator signed in at this station (process-wide): the GUI at sign-in, the CLI after the PIN."""
    global _operator
    _operator = user


def current_operator() -> UserInfo | None:
    return _operator


def current_actor() -> Actor:
    if _operator is not None:
        return Actor(station_name(), _operator.name[:80])
    return Actor(station_name(), (os.environ.get("REFURBDESK_OPERATOR") or _login_name())[:80])


@cache
def _login_name() -> str:
    """The system account this process runs as: it does not change while it runs, and looking it up
    (the password database, when no USER variable is set) was 50 µs of every scan."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service accounts
        return ""
