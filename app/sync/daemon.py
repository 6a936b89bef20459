"""The headless sync loop (`refurbdesk sync`): full cycles every interval, pending pushes every second.

Qt-free: a plain thread. About once a second the loop asks the engine for an idle round: it keeps
(or, when free, takes) the lease and, as the holder, pushes the listings the pending_pushes table
names — stock changes made by any process, written by the database in the same transaction. A
STOCK_CHANGED event from this process only wakes the loop early (after `debounce`, so a burst of
scans becomes one push). Every wait is an Event.wait: stopping ends it at once and releases the
lease. When backmarket.enabled is turned off (from any station) the loop stops.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from app.domain.changes import Changes
from app.domain.events import STOCK_CHANGED, bus
from app.sync.engine import POLL_SECONDS, SyncEngine, SyncReport

log = logging.getLogger(__name__)


class SyncDaemon:
    def __init__(self, engine: SyncEngine, interval_seconds: float = 60.0, *, debounce: float = 0.5,
                 first_cycle_delay: float = 0.0, on_report: Callable[[SyncReport], None] | None = None,
                 progress: Callable[[str], None] | None = None, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.interval = max(1.0, float(interval_seconds))
        self.debounce = debounce
        self.poll = poll_seconds
        self.switched_off = False
        self.on_report = on_report
        self.progress = progress
        self.pushes = 0
        self.cycles = 0
        self._first_delay = first_cycle_delay
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        engine.push_debounce = debounce

    def _on_stock_changed(self, changes: Changes) -> None:
        self.engine.request_push(changes)
        self._wake.set()

    def start(self) -> SyncDaemon:
        if self._thread is not None:
            return self
        self._unsubscribe = bus.subscribe(STOCK_CHANGED, self._on_stock_changed)
        self._thread = threading.Thread(target=self._loop, name="backmarket-sync", daemon=True)
        self._thread.start()
        return self

    def request_stop(self) -> None:
        """Safe from a signal handler: run_forever notices and stops cleanly."""
        self._stop.set()
        self._wake.set()
        self.engine.interrupt()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to stop (a running cycle stops at its next page or write) and wait for it."""
        self.request_stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the sync thread is still in a call; releasing the lease anyway")
            self._thread = None
        self.engine.close()  # even if the thread is stuck: its next write finds the lease gone

    def run_forever(self) -> None:
        """Foreground mode for `refurbdesk sync`: returns on stop() or Ctrl+C."""
        self.start()
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            log.info("sync interrupted")
        finally:
            self.stop()

    def _loop(self) -> None:
        next_cycle = time.monotonic() + self._first_delay
        while not self._stop.is_set():
            if time.monotonic() >= next_cycle:
                self._cycle()
                next_cycle = time.monotonic() + self.interval
            else:
                woke = self._wake.wait(min(self.poll, max(0.0, next_cycle - time.monotonic())))
                self._wake.clear()
                if self._stop.is_set():
                    break
                # A local change: wait out the debounce, so a burst of scans becomes one push.
                if woke and self.engine.has_pending_push() and self._stop.wait(self.debounce):
                    break
                self._round()
            if self.engine.switched_off:
                log.warning("Back Market sync switched off (backmarket.enabled = false); stopping")
                self.switched_off = True
                self._stop.set()

    def _round(self) -> None:
        try:
            if self.engine.push_pending():
                self.pushes += 1
        except Exception:  # the loop must outlive any one round
            log.exception("pending push round failed")

    def _cycle(self) -> None:
        try:
            report = self.engine.run_once(self.progress, self._stop.is_set)
        except Exception:
            log.exception("sync cycle failed")
            return
        self.cycles += 1
        if self.on_report is not None:
            try:
                self.on_report(report)
            except Exception:
                log.exception("sync report listener failed")
