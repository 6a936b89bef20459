"""Label and paper sizes the bench prints on, in millimetres."""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class LabelSize:
    """A page or label stock; width and height are portrait as fed to the printer."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def width_pt(self) -> float:
        return self.width_mm / MM_PER_INCH * POINTS_PER_INCH

    @property
    def height_pt(self) -> float:
        return self.height_mm / MM_PER_INCH * POINTS_PER_INCH


# Thermal stock is sold in inches, so the presets are the exact inch sizes.
THERMAL_2_25x1_25 = LabelSize("2.25x1.25", 57.15, 31.75)
THERMAL_4x6 = LabelSize("4x6", 101.6, 152.4)
A4 = LabelSize("a4", 210.0, 297.0)
LETTER = LabelSize("letter", 215.9, 279.4)

PRESETS: tuple[LabelSize, ...] = (THERMAL_2_25x1_25, THERMAL_4x6, A4, LETTER)
_BY_NAME = {size.name: size for size in PRESETS}


def label_size(name: str) -> LabelSize:
    """Look a preset up by its name ("2.25x1.25", "4x6", "a4", "letter"; case and spaces, and
    an inch sign or a "×", are forgiven because people type these into settings by hand)."""
    key = name.strip().lower().replace(" ", "").replace('"', "").replace("×", "x")
    try:
        return _BY_NAME[key]
    except KeyError:
        known = ", ".join(_BY_NAME)
        raise KeyError(f"unknown label size {name!r}; known sizes: {known}") from None
