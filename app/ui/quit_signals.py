"""SIGTERM and SIGINT (logout, shutdown, Ctrl+C in the terminal) close the main window the normal way.

Python runs signal handlers only when it gets control, and Qt's event loop keeps it in C++; so the
signal's byte goes to a socket pair (signal.set_wakeup_fd) that a QSocketNotifier watches on the GUI
thread, and the handler there closes the window: the same clean shutdown as File → Quit.
"""

from __future__ import annotations

import logging
import signal
import socket
from typing import Callable

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None)


class QuitOnSignal(QObject):
    def __init__(self, close: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._close = close
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        # The handler does nothing itself: the wake-up byte (the signal's number) is what counts.
        self._previous = {sig: signal.signal(sig, lambda *_: None) for sig in SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)

    def _on_wakeup(self, *_args: object) -> None:
        received = b""
        try:
            while chunk := self._reader.recv(64):
                received += chunk
        except BlockingIOError:
            pass
        asked = [number for number in received if number in SIGNALS]
        if asked:
            log.info("signal %s: closing the window", asked[0])
            self._close()

    def uninstall(self) -> None:
        self._notifier.setEnabled(False)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
