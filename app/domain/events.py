"""A Qt-free callback registry for core events (stock changed, sync progress, scan verdicts).

The GUI bridges it to Qt signals on its own thread; the headless sync daemon listens directly.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from typing import Any, Callable

log = logging.getLogger(__name__)

STOCK_CHANGED = "stock_changed"  # (changes: Changes)
SYNC_PROGRESS = "sync_progress"  # (text: str)
SYNC_FINISHED = "sync_finished"  # (report)


class EventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, list[Callable[..., Any]]] = defaultdict(list)

    def subscribe(self, event: str, callback: Callable[..., Any]) -> Callable[[], None]:
        with self._lock:
            self._listeners[event].append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._listeners[event]:
                    self._listeners[event].remove(callback)

        return unsubscribe

    def emit(self, event: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners[event])
        for callback in listeners:
            try:
                callback(*args)
            except Exception:  # a broken listener must not break the caller's action
                log.exception("listener for %s failed", event)


bus = EventBus()
