"""A Qt-free drawing list: what goes where on one label or page, in millimetres from top-left.

Layouts produce these; the Qt print adapter in ``app/ui/printing`` paints them. Keeping the list
plain data lets tests check geometry (nothing off the page, quiet zones kept) without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Union

from app.labels.sizes import LabelSize

Align = Literal["left", "center", "right"]

POINT_MM = 25.4 / 72


@dataclass(frozen=True)
class Text:
    """One line of text, vertically centred in its box. The painter shrinks or elides it if the
    real font turns out wider than the layout's estimate, so it never spills out of the box."""

    x: float
    y: float
    w: float
    h: float
    text: str
    pt_size: float
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class Barcode:
    """Code 128 bars from ``modules`` ("1" bar, "0" space) spread over the box width.

    ``x``/``w`` span the bars only: the layout keeps ``quiet_mm`` clear on each side. When
    ``human_text`` is set, the bottom ``text_band_mm`` of the box holds it, centred under the bars.
    """

    x: float
    y: float
    w: float
    h: float
    modules: str
    human_text: str | None = None
    text_pt: float = 8.0
    quiet_mm: float = 0.0

    @property
    def module_mm(self) -> float:
        return self.w / len(self.modules)

    @property
    def text_band_mm(self) -> float:
        return self.text_pt * POINT_MM * 1.25 if self.human_text else 0.0

    @property
    def bar_height_mm(self) -> float:
        return self.h - self.text_band_mm


@dataclass(frozen=True)
class Line:
    """A straight rule (table borders, tick boxes)."""

    x1: float
    y1: float
    x2: float
    y2: float
    width_mm: float = 0.2


Item = Union[Text, Barcode, Line]


@dataclass(frozen=True)
class Page:
    size: LabelSize
    items: tuple[Item, ...]

    def texts(self) -> list[str]:
        """All visible strings, in drawing order (handy for tests and previews)."""
        out: list[str] = []
        for item in self.items:
            if isinstance(item, Text):
                out.append(item.text)
            elif isinstance(item, Barcode) and item.human_text:
                out.append(item.human_text)
        return out
