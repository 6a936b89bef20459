"""Secrets stay secret in the GUI: the token field is a no-scan zone, keyring reads stay off the GUI
thread, background failures and unhandled errors are logged (redacted) and shown in words."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import DomainError
from app.logs import RedactSecrets, register_secret
from app.sync import secrets
from app.ui.backmarket.settings_panel import BackMarketSettingsPanel
from app.ui.scanner import NO_SCAN_PROPERTY
from app.ui.sync.controller import SyncController

pytestmark = pytest.mark.gui

TOKEN = "c2VjcmV0LXRva2VuLWZvci10ZXN0cw=="


class WatchedKeyring(KeyringBackend):
    """Records which thread reads the keyring (a real backend may block for seconds on D-Bus)."""

    priority = 1

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token
        self.readers: list[threading.Thread] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.readers.append(threading.current_thread())
        return self.token

    def set_password(self, service: str, username: str, password: str) -> None:
        self.token = password

    def delete_password(self, service: str, username: str) -> None:
        self.token = None


@pytest.fixture
def watched() -> WatchedKeyring:
    backend = WatchedKeyring(TOKEN)
    keyring.set_keyring(backend)  # the autouse memory_keyring fixture restores the previous one
    return backend


@pytest.fixture
def redacted_log() -> Iterator[io.StringIO]:
    """What a log file would hold: a handler with the app's redactor, on the root logger."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.addHandler(handler)
    yield out
    root.removeHandler(handler)


def test_the_token_field_is_a_no_scan_zone(qtbot, ctx) -> None:
    panel = BackMarketSettingsPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.token_edit.property(NO_SCAN_PROPERTY) is True


def test_the_settings_panel_reads_the_keyring_off_the_gui_thread(qtbot, ctx, watched) -> None:
    panel = BackMarketSettingsPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.token_state.text() == "token stored ✓", timeout=15000)
    assert watched.readers and threading.main_thread() not in watched.readers


def test_the_sync_controller_reads_the_keyring_off_the_gui_thread(qtbot, ctx, watched) -> None:
    watched.token = None
    controller = SyncController(ctx)
    try:
        lines: list[str] = []
        controller.state_changed.connect(lines.append)
        controller.start()
        qtbot.waitUntil(lambda: lines == ["Back Market: not configured"], timeout=15000)
        assert watched.readers and threading.main_thread() not in watched.readers
        assert not controller.running
    finally:
        controller.shutdown()


def test_a_stop_before_the_keyring_answers_starts_no_thread(qtbot, ctx, watched) -> None:
    controller = SyncController(ctx)
    try:
        controller.start()
        controller.stop()
        ctx.runner.wait()
        QApplication.processEvents()  # the keyring's answer arrives after the stop
        assert not controller.running
    finally:
        controller.shutdown()


def test_a_failing_background_task_is_logged_at_error_with_its_traceback(qtbot, ctx, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="app.ui.tasks")
    errors: list[Exception] = []

    def work() -> None:
        raise RuntimeError("disk on fire")

    ctx.runner.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    failed = [r for r in caplog.records if r.levelno == logging.ERROR and "disk on fire" in r.getMessage()]
    assert failed and failed[0].exc_info is not None


def test_a_refusal_on_the_runner_is_no_error(qtbot, ctx, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="app.ui.tasks")
    errors: list[Exception] = []

    def work() -> None:
        raise DomainError("Unit 123 is not in stock.")

    ctx.runner.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_excepthook_logs_redacted_and_shows_where_the_log_is(qtbot, redacted_log, monkeypatch, tmp_path) -> None:
    from app.ui import crash

    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path))
    register_secret(TOKEN)
    try:
        raise ValueError(f"request failed with token={TOKEN} and Authorization: Basic {TOKEN}")
    except ValueError as exc:
        error = exc
    shown = crash.report_unhandled(type(error), error, error.__traceback__)
    assert isinstance(shown, QMessageBox) and shown.isVisible()
    text = shown.text() + shown.informativeText() + shown.detailedText()
    assert TOKEN not in text and "request failed" in text
    assert str(tmp_path / "logs" / "refurbdesk.log") in text
    logged = redacted_log.getvalue()
    assert "ERROR" in logged and "Traceback" in logged and "ValueError" in logged
    assert TOKEN not in logged
    shown.done(0)  # the dialog deletes itself once closed
    qtbot.waitUntil(lambda: not crash._open_dialogs, timeout=1000)


def test_install_sets_the_excepthook_and_uninstall_restores_it(qapp) -> None:
    import sys

    from app.ui import crash

    before = sys.excepthook
    crash.install()
    try:
        assert sys.excepthook is crash.report_unhandled
    finally:
        crash.uninstall()
    assert sys.excepthook is before


def test_a_token_read_from_the_keyring_is_redacted_from_logs_and_tracebacks(redacted_log, watched) -> None:
    secret = "kr-" + TOKEN[::-1]
    watched.token = secret
    assert secrets.read_token(secrets.AccountBinding("db-id", "/shop.sqlite3", "https://api.example")) == secret  # reading it teaches the redactor
    log = logging.getLogger("app.test")
    log.warning("answer was %s", secret)
    try:
        raise RuntimeError(f"boom {secret}")
    except RuntimeError:
        log.exception("request failed")
    logged = redacted_log.getvalue()
    assert "boom" in logged and "Traceback" in logged
    assert secret not in logged


def test_start_stop_start_before_the_keyring_answers_still_starts_once(qtbot, ctx, watched) -> None:
    watched.token = None  # not configured: the answer is a state line, not a thread
    controller = SyncController(ctx)
    try:
        lines: list[str] = []
        controller.state_changed.connect(lines.append)
        controller.start()
        controller.stop()
        controller.start()
        qtbot.waitUntil(lambda: "Back Market: not configured" in lines, timeout=5000)
        ctx.runner.wait()
        QApplication.processEvents()
        assert lines.count("Back Market: not configured") == 1
    finally:
        controller.shutdown()


def test_a_repeating_error_opens_one_dialog_and_logs_every_time(qtbot, redacted_log) -> None:
    from app.ui import crash

    shown = []
    for n in range(3):
        try:
            raise RuntimeError(f"paint failed {n}")
        except RuntimeError as exc:
            shown.append(crash.report_unhandled(type(exc), exc, exc.__traceback__))
    assert shown[0] is shown[1] is shown[2]
    assert redacted_log.getvalue().count("Unexpected error") == 3
    shown[0].done(0)
    qtbot.waitUntil(lambda: not crash._open_dialogs, timeout=1000)
