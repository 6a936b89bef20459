"""Every scan, wherever focus is: an order number opens that order on the Packing tab; anything
else goes to the current tab, and a code no tab takes opens the unit's details.

Scans are handled strictly in order: an order number needs a database look-up, and an IMEI
scanned right after it must reach the order it opens, not the tab that was showing before.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Callable, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from app.domain import orders, returns
from app.domain.errors import DomainError
from app.scanner.decoder import ScannerSettings
from app.station_config import StationConfig
from app.ui.context import UiContext
from app.ui.scanner import SerialScannerBridge, WedgeScanFilter
from app.ui.widgets.guard import run_for

log = logging.getLogger(__name__)

# Order numbers carry a letter prefix (SO100001, BM40001); IMEIs are all digits.
ORDER_LIKE = re.compile(r"^[A-Za-z]{1,6}-?\d{1,20}$")


class ScanTaker(Protocol):
    def handle_scan(self, code: str) -> bool: ...


class ScanRouter(QObject):
    routed = Signal(str, str)  # code, where it went: "order", "tab", "details", "unknown"

    def __init__(
        self,
        ctx: UiContext,
        *,
        current_tab: Callable[[], ScanTaker | None],
        open_order: Callable[[str], None],
        show_details: Callable[[dict], None],
        say: Callable[[str, bool], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._current_tab = current_tab
        self._open_order = open_order
        self._show_details = show_details
        self._say = say
        self._queue: deque[str] = deque()
        self._waiting = False  # a look-up is on the runner; later scans wait their turn
        # Asked first (the sign-in screen while the station is locked): True means it took the scan.
        self.intercept: Callable[[str], bool] | None = None

    def route(self, code: str) -> None:
        code = code.strip()
        if not code:
            return
        if self.intercept is not None and self.intercept(code):
            return
        self._queue.append(code)
        self._next()

    def _next(self) -> None:
        while self._queue and not self._waiting:
            code = self._queue.popleft()
            if ORDER_LIKE.match(code):
                self._waiting = True
                run_for(self, self.ctx.runner, lambda code=code: self._order_number(code),
                                    lambda number, code=code: self._after_order_lookup(code, number),
                                    lambda exc, code=code: self._after_order_lookup(code, None))
                return
            self._to_tab(code)

    def _order_number(self, code: str) -> str | None:
        with self.ctx.db.reads() as session:
            try:
                return orders.get_order(session, code).number
            except DomainError:
                return None

    def _after_order_lookup(self, code: str, number: str | None) -> None:
        self._waiting = False
        if number is not None:
            log.debug("scan %s opens order %s", code, number)
            self._open_order(number)
            self.routed.emit(code, "order")
        else:
            self._to_tab(code)
        self._next()

    def _to_tab(self, code: str) -> None:
        tab = self._current_tab()
        handler = getattr(tab, "handle_scan", None)
        if handler is not None and handler(code):
            self.routed.emit(code, "tab")
            return
        reads = self.ctx.db.reads

        def work() -> dict:
            with reads() as session:
                return returns.unit_report(session, code)

        def found(report: dict) -> None:
            self._show_details(report)
            self.routed.emit(code, "details")

        def unknown(exc: Exception) -> None:
            reason = str(exc) if isinstance(exc, DomainError) else f"could not look it up: {exc}"
            self._say(f"{code} is not an order number. {reason}", True)
            self.routed.emit(code, "unknown")

        run_for(self, self.ctx.runner, work, found, unknown)


def scanner_settings(config: StationConfig) -> ScannerSettings:
    return ScannerSettings(max_gap_ms=config.scanner_max_gap_ms, prefix=config.scanner_prefix,
                           suffix=config.scanner_suffix)


class ScannerInputs(QObject):
    """The station's scanners: the app-wide keyboard-wedge filter and an optional serial scanner."""

    code_scanned = Signal(str)
    serial_status = Signal(str, str)

    def __init__(self, config: StationConfig, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self.wedge = WedgeScanFilter(scanner_settings(config), self)
        self.wedge.code_scanned.connect(self.code_scanned)
        self.serial = SerialScannerBridge(scanner_settings(config), self)
        self.serial.code_scanned.connect(self.code_scanned)
        self.serial.status_changed.connect(self.serial_status)
        self._installed = False
        self._serial_port = ""
        self.apply(config)

    def apply(self, config: StationConfig) -> None:
        """Live re-configuration from the settings dialog."""
        settings = scanner_settings(config)
        self.wedge.set_settings(settings)
        if config.wedge_scanner and not self._installed:
            self._app.installEventFilter(self.wedge)
            self._installed = True
        elif not config.wedge_scanner and self._installed:
            self._app.removeEventFilter(self.wedge)
            self._installed = False
        self.serial.settings = settings
        if config.serial_port:
            self.serial.start(config.serial_port, config.serial_baud)  # restarts on the new port/baud
            self._serial_port = config.serial_port
        elif self._serial_port:
            self.serial.stop()
            self._serial_port = ""

    def stop(self) -> None:
        self.serial.stop()
        if self._installed:
            self._app.removeEventFilter(self.wedge)
            self._installed = False
