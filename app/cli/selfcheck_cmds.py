"""self-check: is this installation usable? One line per check; exit 0 when it is."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.domain.dates import counted


def register(sub) -> None:
    p = sub.add_parser("self-check", help="check this installation: Qt, database, keyring, labels, serial ports")
    p.set_defaults(handler=cmd_self_check)


def _database() -> str:
    from app.db import open_database
    from app.domain.setup import initialize
    from app.models import migrate

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'check.sqlite3'}")
        initialize(db)
        revision = migrate.current_revision(db.engine)
        db.dispose()
    return f"a temporary database migrated to revision {revision}"


SAMPLE_CSV = ("imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse\n"
              "356938035643809,Apple,iPhone 13,A2482,Unlocked,128GB,Midnight,A,,Available,Main\n")


def _csv_check_apart() -> str:
    """The window checks big stock files in a child process: spawning one works in this build."""
    from app.db import open_database
    from app.domain.cancel import CancelToken
    from app.domain.csv_check_apart import check_apart
    from app.domain.setup import initialize

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'check.sqlite3'}")
        try:
            initialize(db)
            sample = Path(folder) / "stock.csv"
            sample.write_text(SAMPLE_CSV, encoding="utf-8")
            plan = check_apart(db.url, sample, CancelToken(), "cancelled")
        finally:
            db.dispose()
    if len(plan.rows) != 1:
        raise RuntimeError(f"the child process checked {len(plan.rows)} rows, not 1")
    return "a stock file checked in a child process"


def _keyring() -> tuple[bool, str]:
    """A missing backend is reported, not a failure: REFURBDESK_BACKMARKET_TOKEN still works."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return True, "no keyring backend: the Back Market token can only come from REFURBDESK_BACKMARKET_TOKEN"
    return True, f"keyring backend {name}"


def _serial_ports() -> str:
    from app.scanner.serial_reader import list_ports

    ports = list_ports()
    return f"{counted(len(ports), 'serial port')} found" + (f": {', '.join(p for p, _ in ports)}" if ports else "")


def cmd_self_check(args) -> int:
    from app import __version__
    from app.ui.selfcheck import check_label_render, check_qt_platform

    checks = [
        ("qt", lambda: (True, check_qt_platform())),
        ("database", lambda: (True, _database())),
        ("csv-check", lambda: (True, _csv_check_apart())),
        ("keyring", _keyring),
        ("label", lambda: (True, check_label_render())),
        ("serial", lambda: (True, _serial_ports())),
    ]
    usable = True
    print(f"RefurbDesk {__version__} self-check")
    for name, check in checks:
        try:
            ok, detail = check()
        except Exception as exc:  # every check reports, none stops the others
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        usable &= ok
        print(f"{'ok  ' if ok else 'FAIL'} {name:<9} {detail}")
    print("usable" if usable else "NOT usable")
    return 0 if usable else 1
