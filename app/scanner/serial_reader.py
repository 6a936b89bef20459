"""Read codes from a serial (RS-232 / USB-CDC) scanner in a background thread.

Scanners get unplugged all day at a packing bench, so the reader never gives up: it reports
"disconnected", then tries to reopen the port every `reconnect_seconds` until it is back.
Callbacks run on the reader thread; the Qt bridge in `app.ui.scanner` moves them to the GUI.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import serial
import serial.tools.list_ports

from app.scanner.decoder import RepeatGuard, ScannerSettings, clean_code

log = logging.getLogger(__name__)

STATUS_CONNECTED = "connected"
STATUS_DISCONNECTED = "disconnected"
STATUS_STOPPED = "stopped"

# Short enough that stop() is noticed promptly, long enough not to spin.
_READ_TIMEOUT_S = 0.1
# A scanner that never sends CR/LF must not grow the buffer without bound.
_MAX_LINE_BYTES = 4096
_LINE_BREAK = re.compile(rb"[\r\n]")

SerialFactory = Callable[..., Any]


def list_ports() -> list[tuple[str, str]]:
    """Serial ports on this machine as (device, description), for the station settings."""
    return sorted((p.device, p.description) for p in serial.tools.list_ports.comports())


class SerialScanner:
    """One serial scanner: open, read lines, clean them, report codes; reconnect when lost."""

    def __init__(
        self,
        port: str,
        baudrate: int = 9600,
        *,
        on_code: Callable[[str], None],
        on_status: Callable[[str, str], None] | None = None,
        settings: ScannerSettings | None = None,
        reconnect_seconds: float = 1.0,
        serial_factory: SerialFactory = serial.serial_for_url,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.settings = settings or ScannerSettings()
        self.reconnect_seconds = reconnect_seconds
        self._on_code = on_code
        self._on_status = on_status
        self._serial_factory = serial_factory
        self._guard = RepeatGuard(self.settings.repeat_window_ms)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = False

    @property
    def is_connected(self) -> bool:
        return self._connected

    @property
    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.is_running:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"serial-scanner-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the reader to finish and wait for it; the port is closed by the thread."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("serial reader on %s did not stop within %.1f s", self.port, timeout)
        self._thread = None

    # --- reader thread -------------------------------------------------------------------

    def _run(self) -> None:
        reported_down = False
        while not self._stop.is_set():
            try:
                port = self._serial_factory(self.port, baudrate=self.baudrate, timeout=_READ_TIMEOUT_S)
            except (serial.SerialException, OSError, ValueError) as exc:
                # Report once per outage; the retries themselves are only worth a debug line.
                if not reported_down:
                    self._status(STATUS_DISCONNECTED, str(exc))
                    reported_down = True
                log.debug("cannot open %s: %s", self.port, exc)
                self._stop.wait(self.reconnect_seconds)
                continue
            reported_down = False
            self._connected = True
            self._status(STATUS_CONNECTED, self.port)
            try:
                self._read_lines(port)
            except Exception as exc:
                # Unplugging shows up as SerialException, OSError or even TypeError depending
                # on platform and driver; whatever it is, the answer is to reopen the port.
                self._connected = False
                self._close_quietly(port)
                self._status(STATUS_DISCONNECTED, str(exc) or type(exc).__name__)
                reported_down = True
                self._stop.wait(self.reconnect_seconds)
            else:
                self._connected = False
                self._close_quietly(port)
        self._status(STATUS_STOPPED, self.port)

    def _read_lines(self, port: Any) -> None:
        buffer = b""
        while not self._stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            if not chunk:
                continue
            buffer += chunk
            *lines, buffer = _LINE_BREAK.split(buffer)
            for line in lines:
                self._deliver(line)
            if len(buffer) > _MAX_LINE_BYTES:
                log.warning("dropping %d bytes from %s with no line end", len(buffer), self.port)
                buffer = b""

    def _deliver(self, line: bytes) -> None:
        # "replace" keeps a garbled byte visible, so the code fails IMEI validation loudly
        # instead of silently losing a digit.
        code = clean_code(line.decode("utf-8", errors="replace"), self.settings)
        if not code:
            return
        if not self._guard.accept(code, time.monotonic() * 1000.0):
            return
        try:
            self._on_code(code)
        except Exception:  # a faulty handler must not kill the reader thread
            log.exception("scan handler failed for %r", code)

    def _status(self, state: str, detail: str) -> None:
        log.info("serial scanner %s: %s (%s)", self.port, state, detail)
        if self._on_status is None:
            return
        try:
            self._on_status(state, detail)
        except Exception:
            log.exception("status handler failed")

    @staticmethod
    def _close_quietly(port: Any) -> None:
        try:
            port.close()
        except Exception:  # closing an unplugged device may fail; it is gone either way
            log.debug("closing serial port failed", exc_info=True)
