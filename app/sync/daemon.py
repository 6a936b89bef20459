"""The headless sync loop (`refurbdesk sync`): full cycles every interval, fast pushes on stock changes.

Qt-free: a plain thread. STOCK_CHANGED events from the core bus are coalesced (a burst of scans
becomes one push) and pushed about `debounce` seconds after the first of them; a cycle in progress
picks them up between two pages or writes, so a stock change never waits for a whole cycle.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from app.domain.changes import Changes
from app.domain.events import STOCK_CHANGED, bus
from app.sync.engine import SyncEngine, SyncReport

log = logging.getLogger(__name__)

IDLE_LEASE_RENEWAL = 20.0  # keep the lease between cycles so stations do not take turns


class SyncDaemon:
    def __init__(self, engine: SyncEngine, interval_seconds: float = 60.0, *, debounce: float = 0.5,
                 first_cycle_delay: float = 0.0, on_report: Callable[[SyncReport], None] | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.interval = max(1.0, float(interval_seconds))
        self.debounce = debounce
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

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to stop (a running cycle stops at its next page or write) and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.engine.close()

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
        last_renewal = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_cycle:
                self._cycle()
                next_cycle = time.monotonic() + self.interval
                last_renewal = time.monotonic()
                continue
            if self.engine.has_pending_push():
                # Coalesce: wait out the debounce, so a burst of scans becomes one push.
                self._stop.wait(self.debounce)
                if self._stop.is_set():
                    break
                try:
                    self.pushes += 1
                    self.engine.push_pending()
                except Exception:  # the loop must outlive any one push
                    log.exception("fast push failed")
                continue
            renew_every = min(IDLE_LEASE_RENEWAL, self.engine.lease_ttl / 3)
            if now - last_renewal >= renew_every:
                try:
                    self.engine.keep_lease()
                except Exception as exc:
                    log.info("sync lease not renewed: %s", exc)
                last_renewal = now
            self._wake.wait(min(max(0.05, next_cycle - time.monotonic()), renew_every))
            self._wake.clear()

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
