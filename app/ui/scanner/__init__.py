"""Qt adapters for the pure scanner: an app-wide keyboard-wedge filter and a serial bridge."""

from __future__ import annotations

from app.ui.scanner.serial_bridge import SerialScannerBridge
from app.ui.scanner.wedge_filter import SCAN_TARGET_PROPERTY, WedgeScanFilter

__all__ = ["SCAN_TARGET_PROPERTY", "SerialScannerBridge", "WedgeScanFilter"]
