"""Operators for GUI tests: an admin, a manager and a packer with PINs and badges."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from app.db import Database
from app.domain import users
from app.domain.station import set_operator
from app.ui.main_window import MainWindow
from app.ui.scan_router import ScannerInputs


@dataclass(frozen=True)
class Operator:
    name: str
    role: str
    pin: str
    badge: str


ALICE = Operator("Alice", "admin", "1234", "BADGE-ALICE-01")
MAX = Operator("Max", "manager", "5678", "BADGE-MAX-0001")
PAT = Operator("Pat", "packer", "2468", "BADGE-PAT-0001")


def add_operators(db: Database, *people: Operator) -> None:
    """The first admin switches sign-in on; the others are added by that admin. Nobody stays signed in."""
    people = people or (ALICE, MAX, PAT)
    with db.sessions.begin() as s:
        first = users.add_user(s, people[0].name, people[0].role, people[0].pin, badge=people[0].badge)
    set_operator(first)
    try:
        with db.sessions.begin() as s:
            for person in people[1:]:
                users.add_user(s, person.name, person.role, person.pin, badge=person.badge)
    finally:
        set_operator(None)


def open_window(qtbot, qapp, ctx, tmp_path, factories) -> MainWindow:
    scanners = ScannerInputs(ctx.station, qapp)
    win = MainWindow(ctx, scanners=scanners, factories=factories,
                     geometry=QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat),
                     station_path=tmp_path / "station.json")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win
