"""Where bundled files (icons) are: beside the frozen executable, or in the source tree."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path | None:
    path = resource_dir() / name
    return path if path.exists() else None
