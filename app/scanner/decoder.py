"""Turn keyboard-wedge keystrokes (char + timestamp) into scanned codes.

A USB barcode scanner in keyboard-wedge mode "types" a whole code in a few milliseconds and ends
it with Enter or Tab. A packer typing into a search box is an order of magnitude slower. So a code
is a burst of keystrokes whose every gap (including the one before the terminator) is at most
`max_gap_ms`, at least `min_length` characters long once cleaned.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass

log = logging.getLogger(__name__)

# Control (Cc) and invisible format (Cf) characters: scanners emit STX/ETX/GS framing, and
# zero-width junk must never end up inside an IMEI or order number.
_CONTROL_CATEGORIES = frozenset({"Cc", "Cf"})


@dataclass(frozen=True)
class ScannerSettings:
    """How a station's scanners behave; per-station, so kept with the scanner port choice."""

    max_gap_ms: float = 35.0
    min_length: int = 4
    prefix: str = ""
    suffix: str = ""
    repeat_window_ms: float = 800.0
    terminators: tuple[str, ...] = ("\r", "\n", "\t")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in _CONTROL_CATEGORIES


def _printable(text: str) -> str:
    return "".join(ch for ch in text if not _is_control(ch))


def _drop_affixes(text: str, prefix: str, suffix: str) -> tuple[str, bool, bool]:
    had_prefix = bool(prefix) and text.startswith(prefix)
    if had_prefix:
        text = text[len(prefix) :]
    had_suffix = bool(suffix) and text.endswith(suffix)
    if had_suffix:
        text = text[: len(text) - len(suffix)]
    return text, had_prefix, had_suffix


def clean_code(raw: str, settings: ScannerSettings) -> str:
    """Strip the configured prefix/suffix, control characters and surrounding whitespace."""
    # First pass on the raw text: a prefix may itself be a control character (STX, ETX).
    text, had_prefix, had_suffix = _drop_affixes(raw.strip(), settings.prefix, settings.suffix)
    text = _printable(text).strip()
    # Second pass on the printable text: a printable prefix (e.g. an AIM "]C1") may sit behind
    # control framing that the first pass could not see through.
    prefix = "" if had_prefix else _printable(settings.prefix)
    suffix = "" if had_suffix else _printable(settings.suffix)
    text, _, _ = _drop_affixes(text, prefix, suffix)
    return text.strip()


class RepeatGuard:
    """Ignores an identical code seen again within `window_ms` (a double trigger).

    Shared by the wedge and serial paths. The window runs from the last *accepted* scan, so a
    packer who deliberately scans the same unit again after a pause is heard.
    """

    def __init__(self, window_ms: float) -> None:
        self.window_ms = window_ms
        self._last_code: str | None = None
        self._last_ms = 0.0

    def accept(self, code: str, now_ms: float) -> bool:
        gap = now_ms - self._last_ms
        if code == self._last_code and 0 <= gap <= self.window_ms:
            log.debug("ignoring repeated scan of %r after %.0f ms", code, gap)
            return False
        self._last_code = code
        self._last_ms = now_ms
        return True

    def reset(self) -> None:
        self._last_code = None
        self._last_ms = 0.0


class WedgeDecoder:
    """Feed keystrokes one at a time; get a code back when a scanner-speed burst ends.

    The decoder does not apply the repeat guard: the caller must still know that a repeated
    burst *was* a scan (to swallow its Enter), even if it is not reported again.
    """

    def __init__(self, settings: ScannerSettings | None = None) -> None:
        self.settings = settings or ScannerSettings()
        self._burst: list[str] = []
        self._last_ms = 0.0

    def feed(self, char: str, timestamp_ms: float) -> str | None:
        """Feed one keystroke's text; returns the finished code, or None."""
        code: str | None = None
        # Key events can carry several characters (input methods); take them in order.
        for ch in char:
            found = self._feed_one(ch, timestamp_ms)
            if found is not None:
                code = found
        return code

    def pending(self) -> str:
        """The characters of the burst in progress."""
        return "".join(self._burst)

    def reset(self) -> None:
        self._burst.clear()

    def is_fast(self, timestamp_ms: float) -> bool:
        """True if a keystroke at this time would continue the current burst."""
        if not self._burst:
            return False
        gap = timestamp_ms - self._last_ms
        # Negative or NaN gaps (clock jumps, mixed clocks) never count as scanner speed.
        return not math.isnan(gap) and 0 <= gap <= self.settings.max_gap_ms

    def looks_like_scan(self) -> bool:
        """True if the current burst would be a code if its terminator came fast enough."""
        code = clean_code(self.pending(), self.settings)
        return bool(code) and len(code) >= self.settings.min_length

    def _feed_one(self, ch: str, timestamp_ms: float) -> str | None:
        fast = self.is_fast(timestamp_ms)
        self._last_ms = timestamp_ms
        if ch in self.settings.terminators:
            raw = self.pending() if fast else ""
            self._burst.clear()
            code = clean_code(raw, self.settings)
            if code and len(code) >= self.settings.min_length:
                return code
            return None
        if not fast:
            # A slow gap: whatever came before was a person typing; start over from here.
            self._burst.clear()
        self._burst.append(ch)
        return None
