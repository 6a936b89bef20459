"""Run a station's scan writes one after another, in the order they were scanned.

Scans arrive faster than a commit can finish; running them in parallel would let verdicts come
back out of order (and the banner show an older scan last). Reads need no such care.

On the station's one-thread writer (UiContext.writer) order is the thread's own: each scan goes
to it at once, so a busy GUI thread never holds the next commit back. On a pool of several
threads, the next job starts only after the last one's answer arrived.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass
class _Job:
    work: Callable[[], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[Exception], None]


class SerialJobs:
    def __init__(self, runner: TaskRunner) -> None:
        self._runner = runner
        self._queue: deque[_Job] = deque()
        self._busy = False
        self._closed = False
        self._in_flight = 0  # jobs handed to a one-thread runner, not answered yet

    @property
    def busy(self) -> bool:
        return self._busy or bool(self._queue) or self._in_flight > 0

    def submit(self, work: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[Exception], None]) -> None:
        if self._closed:
            return
        self._queue.append(_Job(work, on_done, on_error))
        self._next()

    def close(self) -> None:
        self._closed = True
        self._queue.clear()

    def _next(self) -> None:
        if self._runner.serial:
            while self._queue and not self._closed:
                self._start(self._queue.popleft())
            return
        if self._busy or not self._queue or self._closed:
            return
        job = self._queue.popleft()
        self._busy = True

        def done(result: Any) -> None:
            self._finish(job.on_done, result)

        def failed(exc: Exception) -> None:
            self._finish(job.on_error, exc)

        self._runner.run(job.work, done, failed)

    def _start(self, job: _Job) -> None:
        """One-thread runner: jobs run, and answer, in the order they were submitted."""
        self._in_flight += 1

        def answered(callback: Callable[[Any], None], value: Any) -> None:
            self._in_flight -= 1
            if not self._closed:
                callback(value)

        self._runner.run(job.work, lambda result: answered(job.on_done, result), lambda exc: answered(job.on_error, exc))

    def _finish(self, callback: Callable[[Any], None], value: Any) -> None:
        self._busy = False
        try:
            if not self._closed:
                callback(value)
        finally:
            self._next()
