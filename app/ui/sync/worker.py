"""The Back Market sync on its own thread: a QObject moved to a QThread, looping over SyncEngine.

The loop blocks its thread on a threading.Event (no Qt event loop is needed inside), so every way
in — a stock change, "Sync now", stop — is a thread-safe flag plus a wake-up. Only strings and the
engine's frozen SyncReport leave through signals; the worker never touches a widget.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot

from app.db import Database
from app.domain import settings
from app.domain.changes import Changes
from app.sync.engine import SyncEngine

log = logging.getLogger(__name__)

PUSH_DEBOUNCE_SECONDS = 1.0  # a burst of scans becomes one push, sent ~1 s after the first
MIN_INTERVAL_SECONDS = 5.0


class SyncWorker(QObject):
    """Every signal carries the worker's `ident` first: a report queued by a worker that was
    already stopped must not be taken for the new worker's (QObject.sender() of a deleted
    sender is a dangling pointer, so the id travels with the signal instead)."""

    progress_changed = Signal(int, str)
    sync_started = Signal(int)
    sync_finished = Signal(int, object)  # SyncReport
    sync_failed = Signal(int, str)  # the reason, in words
    push_finished = Signal(int, int, str)  # quantities pushed, error words ("" when fine)
    stopped = Signal(int)

    def __init__(self, db: Database, engine_factory: Callable[[Database], SyncEngine] | None = None,
                 *, ident: int = 0, push_debounce: float = PUSH_DEBOUNCE_SECONDS,
                 first_cycle_delay: float = 0.0) -> None:
        super().__init__()
        self.ident = ident
        self._db = db
        self._engine_factory = engine_factory or (lambda database: SyncEngine(database))
        self._engine: SyncEngine | None = None
        self._engine_lock = threading.Lock()
        self._early: Changes | None = None  # stock changes that came before the engine existed
        self._debounce = push_debounce
        self._cancel = threading.Event()
        self._wake = threading.Event()
        self._cycle_now = threading.Event()
        self._first_delay = first_cycle_delay
        self.cycles = 0
        self.pushes = 0

    # --- any thread ------------------------------------------------------------------------

    def request_push(self, changes: Changes) -> None:
        if not isinstance(changes, Changes) or not changes.stock:
            return
        with self._engine_lock:
            if self._engine is None:
                self._early = changes if self._early is None else self._early | changes
            else:
                self._engine.request_push(changes)
        self._wake.set()

    def sync_now(self) -> None:
        self._cycle_now.set()
        self._wake.set()

    def cancel(self) -> None:
        """Raise the cancel flag: a running cycle stops at its next page or write."""
        self._cancel.set()
        self._wake.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # --- the worker thread -----------------------------------------------------------------

    @Slot()
    def run(self) -> None:
        try:
            engine = self._engine_factory(self._db)
            engine.push_debounce = self._debounce
            with self._engine_lock:
                self._engine = engine
                if self._early is not None:
                    engine.request_push(self._early)
                    self._early = None
            self._loop(engine)
        except Exception as exc:  # the thread must end cleanly whatever happens
            log.exception("sync worker failed")
            self.sync_failed.emit(self.ident, f"The sync stopped unexpectedly: {type(exc).__name__}: {exc}")
        finally:
            with self._engine_lock:
                engine, self._engine = self._engine, None
            if engine is not None:
                try:
                    engine.close()  # gives the lease back so another station may sync
                except Exception:
                    log.warning("sync lease not released", exc_info=True)
            self.stopped.emit(self.ident)

    def _interval(self) -> float:
        try:
            with self._db.reads() as session:
                return max(MIN_INTERVAL_SECONDS, float(settings.get(session, "backmarket.interval_seconds")))
        except Exception:
            log.warning("sync interval unreadable; using 60 s", exc_info=True)
            return 60.0

    def _loop(self, engine: SyncEngine) -> None:
        next_cycle = time.monotonic() + self._first_delay
        while not self._cancel.is_set():
            if self._cycle_now.is_set() or time.monotonic() >= next_cycle:
                self._cycle_now.clear()
                self._cycle(engine)
                next_cycle = time.monotonic() + self._interval()
                continue
            if engine.has_pending_push():
                if self._cancel.wait(self._debounce):  # coalesce the burst
                    break
                self._push(engine)
                continue
            self._wake.wait(max(0.05, next_cycle - time.monotonic()))
            self._wake.clear()

    def _cycle(self, engine: SyncEngine) -> None:
        self.sync_started.emit(self.ident)
        try:
            report = engine.run_once(self._progress, self._cancel.is_set)
        except Exception as exc:
            log.exception("sync cycle failed")
            self.sync_failed.emit(self.ident, f"The sync cycle failed: {type(exc).__name__}: {exc}")
            return
        self.cycles += 1
        self.sync_finished.emit(self.ident, report)  # the controller tells of report.error

    def _progress(self, text: str) -> None:
        self.progress_changed.emit(self.ident, text)

    def _push(self, engine: SyncEngine) -> None:
        try:
            pushed = engine.push_pending()
        except Exception as exc:
            log.exception("fast push failed")
            self.push_finished.emit(self.ident, 0, f"{type(exc).__name__}: {exc}")
            return
        self.pushes += 1
        self.push_finished.emit(self.ident, pushed, engine.last_push_error or "")
