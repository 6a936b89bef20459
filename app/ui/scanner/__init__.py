"""Qt adapters for the pure scanner: an app-wide keyboard-wedge filter and a serial bridge."""

from __future__ import annotations

from app.ui.scanner.serial_bridge import SerialScannerBridge
from app.ui.scanner.wedge_filter import NO_SCAN_PROPERTY, SCAN_TARGET_PROPERTY, WedgeScanFilter

__all__ = ["NO_SCAN_PROPERTY", "SCAN_TARGET_PROPERTY", "SerialScannerBridge", "WedgeScanFilter"]
