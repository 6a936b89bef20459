"""Start the desktop app: QApplication, database, scanners, main window, event loop."""

from __future__ import annotations

import logging
import os
import sys
import time

log = logging.getLogger(__name__)


def open_and_prepare(db_url: str | None):
    """Open the database; create or upgrade it (with the backup `initialize` takes) when needed."""
    from app.db import open_database
    from app.domain.setup import initialize
    from app.models import migrate

    db = open_database(db_url)
    if migrate.needs_upgrade(db.engine):
        backup = initialize(db)
        if backup:
            log.info("database upgraded; the previous file was kept as %s", backup)
    return db


def run_gui(db_url: str | None, *, demo: bool = False, leave_at_once: bool = True) -> int:
    started = time.perf_counter()
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    from app.station_config import load_station_config
    from app.ui.bridge import EventBridge
    from app.ui.context import UiContext
    from app.ui.main_window import MainWindow
    from app.ui.scan_router import ScannerInputs
    from app.ui.tasks import TaskRunner

    QCoreApplication.setOrganizationName("RefurbDesk")
    QCoreApplication.setApplicationName("RefurbDesk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from app.ui import crash

    crash.install()  # an error in a slot is logged (redacted) and shown, not printed to no one
    if demo:
        app.setApplicationDisplayName("RefurbDesk (demo)")
    db = open_and_prepare(db_url)
    station = load_station_config()
    events = EventBridge()
    runner = TaskRunner()
    ctx = UiContext(db, events, runner, station)
    scanners = ScannerInputs(station, app)
    window = MainWindow(ctx, scanners=scanners)
    if demo:
        window.setWindowTitle("RefurbDesk — demo")
    window.show()
    log.info("main window shown in %.2f s", time.perf_counter() - started)
    from app.ui.quit_signals import QuitOnSignal

    on_signal = QuitOnSignal(window.close_now)  # logout, shutdown, kill: the same clean close as Quit, unasked
    code = 1
    try:
        code = app.exec()
        return code
    finally:
        on_signal.uninstall()
        window.shutdown()
        events.close()
        db.dispose()
        crash.uninstall()
        if not window.threads_ended:
            # A thread stuck where nothing can cut it off: Qt would abort the process when its
            # QThread is destroyed. The lease is released and the database closed.
            log.warning("leaving with a sync thread still stuck")
        if leave_at_once:
            # Everything is stopped, saved and closed above; tearing Qt and every module down one by
            # one can take seconds on a busy computer and adds nothing. Leave now, with the app's code.
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
