"""Bring a serial scanner's callbacks from its reader thread onto the GUI thread as signals."""

from __future__ import annotations

import logging

import serial
from PySide6.QtCore import QObject, Signal, Slot

from app.scanner.decoder import ScannerSettings
from app.scanner.serial_reader import SerialFactory, SerialScanner

log = logging.getLogger(__name__)


class SerialScannerBridge(QObject):
    """Owns at most one `SerialScanner`; re-emits its codes and status on the GUI thread.

    Call `stop()` before the application quits (e.g. from `aboutToQuit`) so the port is released.

    The reader thread emits the private `_code_from_reader` / `_status_from_reader` signals;
    because this object lives on the GUI thread, Qt queues those emissions to it, and the public
    signals are emitted from there. Slots connected to `code_scanned` can touch widgets.
    """

    code_scanned = Signal(str)
    status_changed = Signal(str, str)

    _code_from_reader = Signal(str)
    _status_from_reader = Signal(str, str)

    def __init__(
        self,
        settings: ScannerSettings | None = None,
        parent: QObject | None = None,
        *,
        reconnect_seconds: float = 1.0,
        serial_factory: SerialFactory = serial.serial_for_url,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or ScannerSettings()
        self._reconnect_seconds = reconnect_seconds
        self._serial_factory = serial_factory
        self._scanner: SerialScanner | None = None
        self._code_from_reader.connect(self._relay_code)
        self._status_from_reader.connect(self._relay_status)

    @property
    def scanner(self) -> SerialScanner | None:
        return self._scanner

    @property
    def is_connected(self) -> bool:
        return self._scanner is not None and self._scanner.is_connected

    def start(self, port: str, baud: int = 9600) -> None:
        """(Re)start reading from `port`; a previous port is released first."""
        self.stop()
        log.info("starting serial scanner on %s at %d baud", port, baud)
        self._scanner = SerialScanner(
            port,
            baud,
            on_code=self._code_from_reader.emit,
            on_status=self._status_from_reader.emit,
            settings=self.settings,
            reconnect_seconds=self._reconnect_seconds,
            serial_factory=self._serial_factory,
        )
        self._scanner.start()

    def stop(self) -> None:
        """Stop the reader thread and wait for it (about 2 s at most)."""
        scanner, self._scanner = self._scanner, None
        if scanner is not None:
            scanner.stop()

    @Slot(str)
    def _relay_code(self, code: str) -> None:
        self.code_scanned.emit(code)

    @Slot(str, str)
    def _relay_status(self, state: str, detail: str) -> None:
        self.status_changed.emit(state, detail)
