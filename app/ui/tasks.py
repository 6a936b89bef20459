"""Database work off the GUI thread: run a function in a pool, get its result back on the GUI thread."""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.domain.errors import DomainError

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._work()
        except DomainError as exc:  # a refusal in words: the caller shows it, nothing broke
            log.debug("background task refused: %s", exc)
            self._deliver(self._signals.failed, exc)
        except Exception as exc:  # handed to the caller's on_error on the GUI thread
            log.error("background task failed: %s", exc, exc_info=True)
            self._deliver(self._signals.failed, exc)
        else:
            self._deliver(self._signals.done, result)

    @staticmethod
    def _deliver(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the app is closing and the receiver is already gone: nobody to tell
            log.debug("background task finished after its receiver was deleted")


class TaskRunner(QObject):
    """Runs callables on worker threads; callbacks run on the GUI thread.

    Only plain values and frozen dataclasses should come back — never ORM objects.
    """

    def __init__(self, parent: QObject | None = None, max_threads: int = 2, *, keep_threads: bool = False) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self.serial = max_threads == 1  # jobs run one at a time, in the order they were given
        if keep_threads:
            self._pool.setExpiryTimeout(-1)  # the thread stays up: no thread start on a scan's path
        self._pending: set[_Signals] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        signals = _Signals()  # lives in the GUI thread, so its slots run there
        self._pending.add(signals)

        def finish(_value=None) -> None:
            self._pending.discard(signals)
            signals.deleteLater()

        if on_done is not None:
            signals.done.connect(on_done)
        if on_error is not None:
            signals.failed.connect(on_error)
        signals.done.connect(finish)
        signals.failed.connect(finish)
        self._pool.start(_Job(work, signals))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 10000) -> bool:
        """Block until every job finished (closing the window, tests)."""
        return self._pool.waitForDone(msecs)


def scan_writer(parent: QObject | None = None) -> TaskRunner:
    """The station's writer: one thread of its own for scan commits (packing, receiving).

    Reads and screen refreshes run on the shared pool; were scans queued there too, a tab
    recomputing its rows would make the packer wait for it. One thread keeps the commits in the
    order they were scanned; SQLite has one writer anyway.
    """
    return TaskRunner(parent, max_threads=1, keep_threads=True)
