"""Verdict sounds for the packing station, through app.ui.sounds when this build has it.

Silence is always an acceptable outcome: no audio device, no sound module, sounds switched off
for this station. A missing sound must never cost the packer a verdict.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)

_sounds: Any = None
_looked = False


def _module() -> Any:
    global _sounds, _looked
    if not _looked:
        _looked = True
        try:
            _sounds = importlib.import_module("app.ui.sounds")
        except ImportError:
            log.info("no app.ui.sounds: verdicts are silent")
    return _sounds


def play(kind: str, enabled: bool = True) -> None:
    """kind: "ok" or "refusal" ("info" is silent)."""
    if not enabled or kind not in ("ok", "refusal"):
        return
    sounds = _module()
    if sounds is None:
        return
    try:
        if kind == "ok":
            fn = getattr(sounds, "play_ok", None) or getattr(sounds, "play_success", None)
        else:
            fn = getattr(sounds, "play_refusal", None) or getattr(sounds, "play_error", None)
        if fn is not None:
            fn()
        elif hasattr(sounds, "play"):
            sounds.play(kind)
    except Exception:  # audio trouble is never the packer's problem
        log.debug("verdict sound failed", exc_info=True)
