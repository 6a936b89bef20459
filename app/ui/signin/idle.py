"""Idle lock: no key, click or wheel for the setting's minutes and the station locks itself.

An application-wide event filter restarts one single-shot timer on every input event, wherever
it goes (a dialog, a menu, the scanner's keystrokes). The interval is injectable so tests never
wait real minutes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

DEFAULT_MINUTES = 10
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class IdleLock(QObject):
    idle = Signal()

    def __init__(self, minutes: int = DEFAULT_MINUTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_minutes(minutes)
        self._armed = False

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(1, int(minutes)) * 60 * 1000)

    def set_interval_ms(self, msecs: int) -> None:
        self.timer.setInterval(max(1, int(msecs)))
        if self.timer.isActive():
            self.timer.start()  # the new interval counts from now

    def arm(self) -> None:
        """Someone signed in: count idle time from now."""
        self._armed = True
        self.timer.start()

    def disarm(self) -> None:
        """Locked or nobody must sign in: nothing to time."""
        self._armed = False
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if self._armed and event.type() in _ACTIVITY:
            self.timer.start()
        return False
