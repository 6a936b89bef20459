"""Core events as Qt signals on the GUI thread (Electrum's CallbackManager + QtEventListener)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes
from app.domain.events import STOCK_CHANGED, EventBus, bus


class EventBridge(QObject):
    """Re-emits the pure-Python event bus as signals; emitted from any thread, received on the GUI's."""

    changes_applied = Signal(object)  # Changes: a local mutation (a scan, an edit, an import, the sync)
    sync_state = Signal(str)  # one line for the status bar

    def __init__(self, event_bus: EventBus = bus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = event_bus
        self._unsubscribe = event_bus.subscribe(STOCK_CHANGED, self.changes_applied.emit)

    def publish(self, changes: Changes) -> None:
        """Announce a change made through the UI: tabs refresh, the sync schedules a push."""
        if changes is not None:
            self._bus.emit(STOCK_CHANGED, changes)

    def close(self) -> None:
        self._unsubscribe()
