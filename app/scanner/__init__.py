"""Scan decoding without Qt: keyboard-wedge bursts and serial-port lines become clean codes.

The Qt side (`app.ui.scanner`) only feeds keystrokes or forwards callbacks; every decision about
what counts as a scan lives here so it can be tested without a screen.
"""

from __future__ import annotations

from app.scanner.decoder import RepeatGuard, ScannerSettings, WedgeDecoder, clean_code

__all__ = ["RepeatGuard", "ScannerSettings", "WedgeDecoder", "clean_code"]
