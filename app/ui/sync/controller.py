"""Owns the sync thread: starts it when Back Market is configured, stops it explicitly, and turns
what the worker reports into one status-bar line and the health panel's facts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.domain import settings
from app.domain.changes import Changes
from app.domain.dates import clock, counted
from app.domain.errors import DomainError
from app.sync import secrets
from app.sync.config import ClientSettings, read_token
from app.sync.engine import SyncEngine, SyncReport
from app.ui.context import UiContext
from app.ui.sync.worker import PUSH_DEBOUNCE_SECONDS, SyncWorker
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

STOP_WAIT_MS = 15000  # a request in flight finishes or times out; the cancel flag stops the rest
QUIT_WAIT_MS = 3000  # at quit a request in flight is cut off (engine.interrupt aborts it): ends at once

# error_kind → the few words a status bar has room for
SHORT_REASONS = {
    "token_rejected": "token rejected",
    "no_token": "not configured",
    "no_keyring": "token unavailable (no keyring)",
    "account_not_allowed": "account not allowed to use the API",
    "firewall_blocked": "blocked by Back Market's firewall",
    "bot_challenge": "stopped by bot protection",
    "rate_limited": "rate limited — will retry",
    "offline": "offline",
    "server_error": "Back Market server error",
    "malformed_response": "unreadable answer from Back Market",
    "lease_lost": "another station took over the sync",
    "cancelled": "stopped",
    "bad_settings": "check the settings",
    "disabled": "sync switched off",
}


@dataclass(frozen=True)
class SyncHealth:
    """What the health panel shows; built on the GUI thread from the worker's reports."""

    running: bool
    busy: bool
    state: str
    last_report: SyncReport | None
    last_finished_at: datetime | None  # local time
    next_run_at: datetime | None  # local time
    last_push: str
    progress: str


def short_reason(kind: str | None, fallback: str = "sync failed") -> str:
    return SHORT_REASONS.get(kind or "", fallback)


class SyncController(QObject):
    state_changed = Signal(str)  # one line for the status bar
    sync_finished = Signal(object)  # SyncReport
    sync_failed = Signal(str)
    progress_changed = Signal(str)
    health_changed = Signal(object)  # SyncHealth
    running_changed = Signal(bool)
    listings_pushed = Signal(object)  # Changes: the listings a fast push just wrote (their rows refresh)

    def __init__(self, ctx: UiContext, parent: QObject | None = None, *,
                 engine_factory: Callable[..., SyncEngine] | None = None,
                 push_debounce: float = PUSH_DEBOUNCE_SECONDS) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._engine_factory = engine_factory
        self._debounce = push_debounce
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self._parked: list[tuple[QThread, SyncWorker]] = []  # stopped but still finishing a request
        self._own_changes: Changes | None = None
        self._ident = 0  # the current worker's; reports from an earlier one are stale
        self.state = "Back Market: not started"
        self.last_report: SyncReport | None = None
        self.last_finished_at: datetime | None = None
        self.next_run_at: datetime | None = None
        self.last_push = ""
        self.progress = ""
        self._busy = False
        self._start_request = 0  # a start waiting for the keyring; a stop or a newer start voids it
        ctx.events.changes_applied.connect(self._on_changes)

    # --- the interface the main window uses ------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Check the configuration off the GUI thread (the keyring may block), then launch."""
        if self._thread is not None:
            return
        self._start_request += 1
        request = self._start_request

        def answered(result) -> None:
            if request != self._start_request or self._thread is not None:
                return  # stopped (or closed) while the keyring was being read
            ready, why = result if isinstance(result, tuple) else (False, f"could not check the settings: {result}")
            if not ready:
                self._set_state(f"Back Market: {why}")
                return
            self._launch()

        run_for(self, self._ctx.runner, self.configuration, answered, answered)

    def stop(self, wait_ms: int = STOP_WAIT_MS) -> bool:
        """Cancel, quit, wait. True when the thread really ended (False: parked until it does)."""
        self._start_request += 1  # a start still reading the keyring launches nothing now
        thread, worker = self._thread, self._worker
        if thread is None or worker is None:
            return True
        self._thread = self._worker = None
        self._ident += 1  # whatever the old worker still has queued is history now
        worker.cancel()
        thread.quit()
        ended = thread.wait(wait_ms)
        if not ended:  # stuck in a network call: keep both alive until the thread really ends
            log.warning("sync thread still finishing a request; parked, and its lease released")
            try:
                worker.release_lease()  # from this thread: another station may sync at once
            except Exception:
                log.warning("sync lease not released", exc_info=True)
            self._parked.append((thread, worker))
            thread.finished.connect(self._reap_parked)
        self._busy = False
        self.next_run_at = None
        self.running_changed.emit(False)
        self._set_state("Back Market: sync stopped")
        return ended

    def shutdown(self) -> bool:
        """Closing the app: stop now — a request in flight is cut off, not waited for. False when a
        thread still could not end (stuck where nothing can cut it off, e.g. a name lookup)."""
        self.stop(QUIT_WAIT_MS)
        for thread, _worker in list(self._parked):
            thread.wait(QUIT_WAIT_MS)
        self._reap_parked()
        try:
            self._ctx.events.changes_applied.disconnect(self._on_changes)
        except (RuntimeError, TypeError):
            pass
        if self._parked:
            log.warning("%d sync thread(s) still stuck at close", len(self._parked))
        return not self._parked

    def wait_stopped(self, wait_ms: int) -> bool:
        """Wait for stopped threads still finishing a call that could not be cut off (tests, tools)."""
        for thread, _worker in list(self._parked):
            thread.wait(wait_ms)
        self._reap_parked()
        return not self._parked

    def sync_now(self) -> None:
        if self._worker is None:
            self.start()
        if self._worker is not None:
            self._worker.sync_now()

    def configuration(self) -> tuple[bool, str]:
        """(ready, why not) — a token in the keyring or the environment, a usable address, switched on.

        Reads the keyring: call it on the task runner, never on the GUI thread. ShipStation switched
        on with its key is enough on its own: the cycle then runs its steps without Back Market."""
        ready, why = self._backmarket_configuration()
        if not ready and self._shipstation_ready():
            return True, ""
        return ready, why

    def _shipstation_ready(self) -> bool:
        from app.integrations.shipstation import config as shipstation

        try:
            with self._ctx.db.reads() as session:
                if not settings.get(session, "shipstation.enabled"):
                    return False
            return bool(shipstation.read_key(self._ctx.db))
        except (DomainError, ValueError):
            return False

    def _backmarket_configuration(self) -> tuple[bool, str]:
        try:
            token = read_token(self._ctx.db)  # the token stored for this database and address
        except secrets.SecretStoreUnavailable:
            return False, short_reason("no_keyring")
        if not token:
            return False, "not configured"
        try:
            with self._ctx.db.reads() as session:
                enabled = settings.get(session, "backmarket.enabled")
                ClientSettings.load(session)
        except (DomainError, ValueError) as exc:
            log.info("Back Market settings unusable: %s", exc)
            return False, "check the platform or address in the Back Market tab"
        if not enabled:
            return False, "sync switched off"
        return True, ""

    def health(self) -> SyncHealth:
        return SyncHealth(self.running, self._busy, self.state, self.last_report, self.last_finished_at,
                          self.next_run_at, self.last_push, self.progress)

    # --- the thread ------------------------------------------------------------------------

    def _launch(self) -> None:
        thread = QThread()
        thread.setObjectName("backmarket-sync")
        self._ident += 1
        worker = SyncWorker(self._ctx.db, self._engine_factory, ident=self._ident, push_debounce=self._debounce)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        # Direct: the worker thread itself asks its loop to end; the GUI thread may be in wait().
        worker.stopped.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(worker.deleteLater)  # runs as the thread ends, in that thread
        worker.progress_changed.connect(self._on_progress)
        worker.sync_started.connect(self._on_started)
        worker.sync_finished.connect(self._on_finished)
        worker.sync_failed.connect(self._on_failed)
        worker.push_finished.connect(self._on_pushed)
        worker.listings_pushed.connect(self._on_listings_pushed)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)
        self._set_state("Back Market: starting sync…")

    @Slot()
    def _reap_parked(self) -> None:
        self._parked = [(t, w) for t, w in self._parked if not t.isFinished()]

    # --- what the worker reports (queued onto the GUI thread) ------------------------------

    @Slot(int)
    def _on_started(self, ident: int) -> None:
        if ident != self._ident:
            return
        self._busy = True
        self.progress = "starting"
        self._set_state("Back Market: syncing…")

    @Slot(int, str)
    def _on_progress(self, ident: int, text: str) -> None:
        if ident != self._ident:
            return
        self.progress = text
        self.progress_changed.emit(text)
        self.health_changed.emit(self.health())

    @Slot(int, object)
    def _on_finished(self, ident: int, report: SyncReport) -> None:
        if ident != self._ident:
            return
        self._busy = False
        self.last_report = report
        self.last_finished_at = datetime.now().astimezone()
        self.progress = ""
        if self.running:
            self.next_run_at = self.last_finished_at + timedelta(seconds=self._interval())
        if report.changes.order_ids or report.changes.listing_ids or report.changes.catalog:
            # Imported orders, cancellations, listings: the other tabs refresh. The worker skips
            # this one — the cycle already pushed for it.
            self._own_changes = report.changes
            self._ctx.events.publish(report.changes)
        self._set_state(self._report_line(report))
        if report.error and report.error_kind != "cancelled":
            self.sync_failed.emit(report.error)
        self.sync_finished.emit(report)

    @Slot(int, str)
    def _on_failed(self, ident: int, reason: str) -> None:
        if ident != self._ident:
            return
        self._busy = False
        self.sync_failed.emit(reason)
        if self.last_report is None or self.last_report.error != reason:
            self._set_state(f"Back Market: {reason[:80]}")

    @Slot(int, int, str)
    def _on_pushed(self, ident: int, pushed: int, error: str) -> None:
        if ident != self._ident:
            return
        at = clock()
        self.last_push = f"{at}: push failed — {error}" if error else f"{at}: {counted(pushed, 'quantity')} pushed"
        if pushed or error:
            self._set_state(f"Back Market: {'push failed' if error else f'{pushed} pushed {at}'}")
        else:
            self.health_changed.emit(self.health())

    @Slot(int, object)
    def _on_listings_pushed(self, ident: int, changes: Changes) -> None:
        # Not published on the event bus: that would wake the worker to push these listings again.
        if ident == self._ident:
            self.listings_pushed.emit(changes)

    @Slot(object)
    def _on_changes(self, changes: object) -> None:
        if not isinstance(changes, Changes):
            return
        if changes is self._own_changes:
            self._own_changes = None
            return
        if changes.settings:
            # The engine builds its client from the settings and the keyring on every cycle, so a
            # new token, platform or mapping needs no restart — only a cycle now (or a first start).
            self.sync_now()
            return
        if self._worker is not None:
            self._worker.request_push(changes)

    # --- words -----------------------------------------------------------------------------

    def _interval(self) -> float:
        try:
            with self._ctx.db.reads() as session:
                return float(settings.get(session, "backmarket.interval_seconds"))
        except Exception:
            return 60.0

    @staticmethod
    def _report_line(report: SyncReport) -> str:
        if report.skipped:
            if "switched off" in report.skipped:
                return "Back Market: sync switched off"
            return "Back Market: another station is syncing"
        if report.error:
            return f"Back Market: {short_reason(report.error_kind, 'sync failed')}"
        at = clock(report.finished)
        return f"Back Market: synced {at} · {report.quantities_pushed} pushed"

    def _set_state(self, text: str) -> None:
        self.state = text
        self.state_changed.emit(text)
        self.health_changed.emit(self.health())
