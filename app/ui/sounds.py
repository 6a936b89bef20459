"""Verdict sounds: a short high tone for ✓, a low buzz for ✗ — or silence, never an error.

QtMultimedia is not in the PySide6-Essentials wheel, so the tones play through QSoundEffect only
when a build has it; otherwise a refusal rings the system bell (QApplication.beep) and a success
stays silent (the green banner carries it). No audio device means silence, not a failure.
"""

from __future__ import annotations

import logging
import math
import struct
import tempfile
import wave
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

OK = "ok"
REFUSAL = "refusal"
_TONES = {OK: ((1568.0, 0.09),), REFUSAL: ((220.0, 0.16), (0.0, 0.05), (220.0, 0.16))}
_RATE = 22050

_enabled = True
_effects: dict[str, Any] | None = None


def set_enabled(enabled: bool) -> None:
    global _enabled
    _enabled = enabled


def play_ok() -> None:
    play(OK)


def play_refusal() -> None:
    play(REFUSAL)


def play(kind: str) -> None:
    if not _enabled or kind not in _TONES:
        return
    try:
        effect = _effects_by_kind().get(kind)
        if effect is not None:
            effect.play()
        elif kind == REFUSAL:
            from PySide6.QtWidgets import QApplication

            QApplication.beep()
    except Exception:  # audio trouble must never cost the packer a verdict
        log.debug("verdict sound failed", exc_info=True)


def _effects_by_kind() -> dict[str, Any]:
    global _effects
    if _effects is None:
        _effects = {}
        try:
            from PySide6.QtCore import QUrl
            from PySide6.QtMultimedia import QSoundEffect  # not in Essentials: usually absent
        except ImportError:
            log.info("QtMultimedia not available: refusals use the system bell")
            return _effects
        folder = Path(tempfile.mkdtemp(prefix="refurbdesk-sounds-"))
        for kind, parts in _TONES.items():
            path = folder / f"{kind}.wav"
            write_tone(path, parts)
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(0.6)
            _effects[kind] = effect
    return _effects


def write_tone(path: Path, parts: tuple[tuple[float, float], ...]) -> None:
    """A mono 16-bit WAV of (frequency, seconds) parts; frequency 0 is a pause."""
    frames = bytearray()
    for frequency, seconds in parts:
        count = int(_RATE * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 200)  # no clicks at the edges
            value = math.sin(2 * math.pi * frequency * i / _RATE) * fade if frequency else 0.0
            frames += struct.pack("<h", int(value * 20000))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_RATE)
        out.writeframes(bytes(frames))
