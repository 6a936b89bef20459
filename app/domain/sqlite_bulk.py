"""One SQLite connection set up for a long write in short steps (the CSV import).

- Checkpoints beside it, not after it: each commit that leaves the WAL over 1,000 pages makes the
  committing connection copy them back into the database file (with two fsyncs); for a 100,000-row
  import in ~150 steps that was a third of its time. While `BulkWriter` is open its connection does
  not checkpoint; a thread of its own does, on its own connection, right after each step, in
  PASSIVE mode (never taking the write lock, so scans and the next step go on). A scan committing
  meanwhile finds a checkpoint already running and does not wait for it.
- A 64 MB page cache instead of SQLite's 2 MB: each step inserts into the same few index B-trees of
  a million-unit database, and re-reading their pages was most of a step's time.
Both settings go back to SQLite's defaults when the write ends (the connection returns to the pool).
"""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger(__name__)
DEFAULT_CHECKPOINT_PAGES = 1000  # SQLite's wal_autocheckpoint
DEFAULT_CACHE = -2000  # SQLite's cache_size (KiB when negative)
BULK_CACHE = -65536
FINAL_CHECKPOINT_S = 2.0  # at the end, copy back what is left for this long at most
SETTLE_S = 1.0


class BulkWriter:
    def __init__(self, engine, writer_connection) -> None:
        self._engine = engine
        self._writer = writer_connection  # the DB-API connection that writes the steps
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._caught_up = threading.Event()
        self._thread = threading.Thread(target=self._checkpoints, name="wal-checkpoints", daemon=True)

    def __enter__(self) -> "BulkWriter":
        self._writer.execute("PRAGMA wal_autocheckpoint=0")
        self._writer.execute(f"PRAGMA cache_size={BULK_CACHE}")
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._wanted.set()
        self._thread.join()
        try:
            self._writer.execute(f"PRAGMA wal_autocheckpoint={DEFAULT_CHECKPOINT_PAGES}")
            self._writer.execute(f"PRAGMA cache_size={DEFAULT_CACHE}")
        except Exception:  # the connection is broken; the pool drops it rather than reuse it
            log.warning("could not reset the import's connection", exc_info=True)

    def committed(self) -> None:
        """A step was committed: copy its pages back soon."""
        self._caught_up.clear()
        self._wanted.set()

    def catch_up(self, timeout: float = SETTLE_S) -> None:
        """Wait until every committed page is copied back, so that the next step starts the WAL over
        (otherwise it grows to the import's whole size, ~1 GB at 100,000 units, and whoever writes
        first afterwards pays for cutting it back)."""
        self._caught_up.wait(timeout)

    def _checkpoints(self) -> None:
        raw = self._engine.raw_connection()
        try:
            driver = raw.driver_connection
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stop.is_set():
                    break
                if self._checkpoint(driver) and not self._wanted.is_set():
                    self._caught_up.set()
            # The last step's pages too (a scan reading an older snapshot may hold some back a
            # moment), so that the next scan's commit does not find them to copy.
            deadline = time.monotonic() + FINAL_CHECKPOINT_S
            while not self._checkpoint(driver) and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            raw.close()

    @staticmethod
    def _checkpoint(driver) -> bool:
        """One PASSIVE checkpoint; True when every frame of the WAL is in the database file."""
        try:
            _busy, frames, copied = driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            return frames == copied
        except Exception:  # housekeeping only: the next one catches up
            log.debug("background checkpoint failed", exc_info=True)
            return True
