"""Estimate text widths without a font engine, to pick a size or elide before painting.

The widths are per-character-class approximations of DejaVu Sans (the widest common sans
fallback on Linux), so they err on the wide side for Arial/Helvetica. The Qt painter measures
with real metrics as a last guard; this module just gets layouts close enough that it rarely must.
"""

from __future__ import annotations

import logging

from app.labels.items import POINT_MM

log = logging.getLogger(__name__)

ELLIPSIS = "…"
_NARROW = set("iljIft.,:;'|!()[]` ")
_WIDE = set("mwMW@%&")


def _char_em(ch: str) -> float:
    if ch in _NARROW:
        return 0.34
    if ch in _WIDE:
        return 0.98
    if ch.isdigit():
        return 0.64
    if ch.isupper():
        return 0.75
    return 0.63


def text_width_mm(text: str, pt_size: float, bold: bool = False) -> float:
    em = sum(_char_em(ch) for ch in text)
    return em * pt_size * POINT_MM * (1.1 if bold else 1.0)


def line_height_mm(pt_size: float) -> float:
    """Height a line of this size needs (ascent + descent plus a little leading)."""
    return pt_size * POINT_MM * 1.25


def max_pt_for_height(height_mm: float) -> float:
    return height_mm / (POINT_MM * 1.25)


def elide(text: str, width_mm: float, pt_size: float, bold: bool = False) -> str:
    """Cut ``text`` at the end and add an ellipsis so it fits ``width_mm``."""
    if text_width_mm(text, pt_size, bold) <= width_mm:
        return text
    cut = len(text)
    while cut > 0 and text_width_mm(text[:cut].rstrip() + ELLIPSIS, pt_size, bold) > width_mm:
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS if cut else ""


def fit_text(text: str, width_mm: float, max_pt: float, min_pt: float,
             bold: bool = False) -> tuple[str, float]:
    """Largest size in [min_pt, max_pt] (half-point steps) at which ``text`` fits; below that,
    ``text`` elided at ``min_pt``. Returns (text, pt_size)."""
    pt = max_pt
    while pt >= min_pt:
        if text_width_mm(text, pt, bold) <= width_mm:
            return text, pt
        pt -= 0.5
    return elide(text, width_mm, min_pt, bold), min_pt


def wrap(text: str, width_mm: float, pt_size: float, bold: bool = False,
         max_lines: int = 2) -> list[str]:
    """Break ``text`` at spaces into at most ``max_lines`` lines that fit ``width_mm``; the last
    line is elided if the text still does not fit. A word wider than a line is elided too."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        if len(lines) == max_lines - 1:
            lines.append(elide(" ".join(words), width_mm, pt_size, bold))
            break
        line = words.pop(0)
        while words and text_width_mm(f"{line} {words[0]}", pt_size, bold) <= width_mm:
            line = f"{line} {words.pop(0)}"
        lines.append(elide(line, width_mm, pt_size, bold))
    return lines
