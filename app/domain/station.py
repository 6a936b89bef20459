"""Who is acting: this station's name and the operator, recorded on every history event."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass

_station_name = ""


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


def current_actor() -> Actor:
    try:
        operator = os.environ.get("REFURBDESK_OPERATOR") or getpass.getuser()
    except Exception:  # no login name in some service accounts
        operator = ""
    return Actor(station_name(), operator[:80])
