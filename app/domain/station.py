"""Who is acting: this station's name and the operator, recorded on every history event."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    station: str
    operator: str


def current_actor() -> Actor:
    station = os.environ.get("REFURBDESK_STATION") or socket.gethostname() or "station"
    try:
        operator = os.environ.get("REFURBDESK_OPERATOR") or getpass.getuser()
    except Exception:  # no login name in some service accounts
        operator = ""
    return Actor(station[:80], operator[:80])
