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

log = logging.getLogger(__name__)
DEFAULT_CHECKPOINT_PAGES = 1000  # SQLite's wal_autocheckpoint
DEFAULT_CACHE = -2000  # SQLite's cache_size (KiB when negative)
BULK_CACHE = -65536


class BulkWriter:
    def __init__(self, engine, writer_connection) -> None:
        self._engine = engine
        self._writer = writer_connection  # the DB-API connection that writes the steps
        self._wanted = threading.Event()
        self._stop = threading.Event()
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
        self._wanted.set()

    def _checkpoints(self) -> None:
        raw = self._engine.raw_connection()
        try:
            driver = raw.driver_connection
            while True:
                self._wanted.wait()
                self._wanted.clear()
                try:
                    driver.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except Exception:  # housekeeping only: the next one catches up
                    log.debug("background checkpoint failed", exc_info=True)
                if self._stop.is_set():
                    return
        finally:
            raw.close()
