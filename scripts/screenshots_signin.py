"""Render the sign-in screen and the Users page to docs/screenshots (offscreen, 1280×800).

    .venv/bin/python scripts/screenshots_signin.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REFURBDESK_STATION", "Bench 1")
os.environ.setdefault("REFURBDESK_SCRYPT_N", "1024")  # demo users only: fast hashes
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SIZE = (1280, 800)
PEOPLE = (("Alice Martin", "admin", "1234", "BADGE-0001"), ("Max Keller", "manager", "5678", "BADGE-0002"),
          ("Pat Jones", "packer", "2468", "BADGE-0003"), ("Sam Okafor", "packer", "1357", None),
          ("Temp — Monday", "packer", "9090", "BADGE-0042"))


def settle(app: QApplication, runner, rounds: int = 60) -> None:
    for _ in range(rounds):
        runner.wait()
        app.processEvents()
        if not runner.busy:
            app.processEvents()
            return
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from app.db import open_database
    from app.demo.seed import seed_demo
    from app.domain import users
    from app.domain.events import EventBus
    from app.domain.setup import initialize
    from app.domain.station import set_operator
    from app.station_config import StationConfig
    from app.ui.bridge import EventBridge
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="refurbdesk-signin-shots-"))
    db = open_database(f"sqlite:///{folder / 'shots.sqlite3'}")
    initialize(db)
    seed_demo(db)
    with db.sessions.begin() as s:
        admin = users.add_user(s, *PEOPLE[0][:3], badge=PEOPLE[0][3])
    set_operator(admin)
    with db.sessions.begin() as s:
        for name, role, pin, badge in PEOPLE[1:]:
            users.add_user(s, name, role, pin, badge=badge)
    set_operator(None)
    for _ in range(5):  # Sam forgot his PIN: locked out
        try:
            with db.sessions.begin() as s:
                users.authenticate(s, "Sam Okafor", "0000")
        except users.SignInRefused:
            pass

    runner = TaskRunner()
    ctx = UiContext(db, EventBridge(EventBus()), runner, StationConfig(station_name="Bench 1", sounds=False))
    window = MainWindow(ctx, geometry=QSettings(str(folder / "geometry.ini"), QSettings.Format.IniFormat),
                        station_path=folder / "station.json", start_sync=False)
    window.resize(*SIZE)
    window.show()
    settle(app, runner)
    window.signin_screen.pick("Pat Jones")
    window.signin_screen.pin.setText("24")
    window.signin_screen.sign_in_button.setFocus()
    window.signin_screen.pin.setFocus()
    settle(app, runner)
    window.grab().save(str(out / "signin.png"))
    window.signin_screen.pick("Sam Okafor")
    window.signin_screen.pin.setText("1357")
    window.signin_screen.submit()
    settle(app, runner)
    window.grab().save(str(folder / "signin-locked-out.png"))

    window.signin.session.sign_in_with_pin("Alice Martin", "1234")
    settle(app, runner)
    dialog = window.open_settings()
    dialog.resize(*SIZE)
    dialog.tabs.setCurrentWidget(dialog.users_page)
    settle(app, runner)
    dialog.users_page.select("Sam Okafor")
    settle(app, runner)
    dialog.grab().save(str(out / "settings-users.png"))
    window.grab().save(str(folder / "signed-in.png"))
    print(f"saved {out / 'signin.png'}, {out / 'settings-users.png'} (and {folder / 'signed-in.png'})")
    dialog.reject()
    window.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
