"""How this process shares Python's one interpreter lock between its threads.

A scan's transaction gives the lock up at every SQLite call and must get it back each time. With a
busy thread beside it (a CSV import checking 100,000 rows, the sync comparing 10,000 listings),
CPython hands the lock over only every 5 ms by default, so a scan of ~40 such calls waited
hundreds of milliseconds, once 2.4 s (measured, issue 12). Every RefurbDesk process switches every
millisecond instead; the busy thread loses a few percent.

`collector_paused()` keeps the cyclic garbage collector from stopping every thread for 60-130 ms
at a time while a long job builds 100,000 rows of objects that are not garbage (refcounting still
frees everything that is not part of a cycle; the young generations are collected once at the end).
"""

from __future__ import annotations

import gc
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

SWITCH_INTERVAL_S = 0.001

_lock = threading.Lock()
_pauses = 0
_was_enabled = True
_start_up_kept = False


def tune_for_latency() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def keep_start_up_objects() -> None:
    """Once per process, when the main window is built: the ~200,000 objects made so far (modules,
    classes, functions, widgets) live as long as the process, so the cyclic collector stops
    re-scanning them (gc.freeze). Its full collections, which a busy sync thread brought on every
    few seconds, had stopped every thread for 70-290 ms each on the full window (measured, issue 12);
    they now scan only what was made since. Freezing is instant; nothing is collected or moved."""
    global _start_up_kept
    with _lock:
        if _start_up_kept:
            return
        _start_up_kept = True
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic cyclic collections while any such block runs (blocks may overlap, in any thread)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
                # The young objects that piled up meanwhile are scanned once, here, at the end of the
                # job (not at a random moment later); the long-lived generation is left alone.
                gc.collect(1)
