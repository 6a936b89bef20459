"""The Back Market sync on its own thread: a QObject moved to a QThread, looping over SyncEngine.

The loop blocks its thread on a threading.Event (no Qt event loop is needed inside), so every way
in — a stock change, "Sync now", stop — is a thread-safe flag plus a wake-up. Between cycles it runs
the engine's idle round about once a second: that renews the lease (or takes a free one) and, as
the holder, pushes the stock changes any station or process recorded in pending_pushes. A local
change only wakes it early. Only strings and the engine's frozen SyncReport leave through signals;
the worker never touches a widget.
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
from app.sync import lease
from app.sync.engine import POLL_SECONDS, SyncEngine

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
    listings_pushed = Signal(int, object)  # Changes naming the listings a fast push wrote
    stopped = Signal(int)

    def __init__(self, db: Database, engine_factory: Callable[[Database], SyncEngine] | None = None,
                 *, ident: int = 0, push_debounce: float = PUSH_DEBOUNCE_SECONDS,
                 first_cycle_delay: float = 0.0, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self.ident = ident
        self._db = db
        self._engine_factory = engine_factory or (lambda database: SyncEngine(database))
        self._engine: SyncEngine | None = None
        self._engine_lock = threading.Lock()
        self._debounce = push_debounce
        self._cancel = threading.Event()
        self._wake = threading.Event()
        self._cycle_now = threading.Event()
        self._first_delay = first_cycle_delay
        self._poll = poll_seconds
        self._last_error = ""
        self.station: str | None = None  # the engine's lease name, once it exists
        self.cycles = 0
        self.pushes = 0

    # --- any thread ------------------------------------------------------------------------

    def request_push(self, changes: Changes) -> None:
        if not isinstance(changes, Changes) or not changes.stock:
            return
        with self._engine_lock:
            if self._engine is not None:
                self._engine.request_push(changes)  # a wake-up: the change is in pending_pushes already
        self._wake.set()

    def sync_now(self) -> None:
        self._cycle_now.set()
        self._wake.set()

    def cancel(self) -> None:
        """Raise the cancel flag: a running cycle stops at its next page or write."""
        self._cancel.set()
        self._wake.set()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.interrupt()  # pacing, backoff and Retry-After waits end now

    def release_lease(self) -> None:
        """Any thread (the GUI's, when this one is stuck in a call): give the lease back through a
        fresh database connection. The stuck call cannot write afterwards: its fence finds it gone."""
        if self.station is not None:
            lease.release(self._db, self.station)

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
                self.station = engine.station
                if self._cancel.is_set():
                    engine.interrupt()
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
            woke = self._wake.wait(min(self._poll, max(0.0, next_cycle - time.monotonic())))
            self._wake.clear()
            if self._cancel.is_set() or self._cycle_now.is_set():
                continue
            if woke and engine.has_pending_push() and self._cancel.wait(self._debounce):  # coalesce the burst
                break
            self._push(engine)

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
        """The idle round: renew or take the lease, push pending changes. Tells only of news."""
        try:
            pushed = engine.push_pending()
            error = engine.last_push_error or ""
            written = getattr(engine, "last_pushed", None)
            if isinstance(written, Changes) and written.listing_ids:
                self.listings_pushed.emit(self.ident, written)
        except Exception as exc:
            log.exception("pending push round failed")
            pushed, error = 0, f"{type(exc).__name__}: {exc}"
        if pushed:
            self.pushes += 1
        if pushed or error != self._last_error:
            self.push_finished.emit(self.ident, pushed, error)
        self._last_error = error
