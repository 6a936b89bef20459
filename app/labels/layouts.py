"""Label layouts: warehouse data in, a Qt-free :class:`Page` of drawing items out (millimetres).

Sizes are tuned on the 2.25" x 1.25" thermal unit label, the smallest stock we print, and scale up
(within limits) for bigger stock so a 4x6 label is not all whitespace.
"""

from __future__ import annotations

import logging

from app.labels.data import PackingSlipData, SkuLabelData, SlipLine, UnitLabelData
from app.labels.items import Barcode, Item, Line, Page, Text
from app.labels.placing import barcode_item
from app.labels.slip import layout_packing_slip
from app.labels.sizes import THERMAL_2_25x1_25, LabelSize
from app.labels.textfit import fit_text, text_width_mm, wrap

log = logging.getLogger(__name__)

__all__ = [
    "Barcode", "Line", "Page", "Text",
    "PackingSlipData", "SkuLabelData", "SlipLine", "UnitLabelData",
    "layout_packing_slip", "layout_sku_label", "layout_unit_label",
]


def _scale(size: LabelSize) -> float:
    """How much bigger than the 2.25x1.25 design this stock is (never smaller, at most 2.5x)."""
    s = min(size.width_mm / THERMAL_2_25x1_25.width_mm,
            size.height_mm / THERMAL_2_25x1_25.height_mm)
    return max(1.0, min(s, 2.5))


def _pair_width(left: str, right: str, pt: float, gap: float) -> float:
    return text_width_mm(left, pt, bold=True) + gap + text_width_mm(right, pt - 0.5)


def _device_label(size: LabelSize, barcode_data: str, product: str, grade: str,
                  conditions: tuple[str, ...], sku: str | None) -> Page:
    s = _scale(size)
    margin = 1.5 * s  # thermal heads cannot print the outermost millimetre reliably
    x, inner_w = margin, size.width_mm - 2 * margin
    y = margin
    items: list[Item] = []

    # The product name is what a packer reads first: one line if it fits at a decent size,
    # else two lines rather than a tiny font or a cut-off storage/colour.
    row_h = 3.8 * s
    text, pt = fit_text(product, inner_w, 9 * s, 7 * s, bold=True)
    if text == product:
        items.append(Text(x, y, inner_w, row_h, text, pt, bold=True))
        y += row_h
    else:
        pt, row_h = 7 * s, 3.0 * s
        for part in wrap(product, inner_w, pt, bold=True, max_lines=2):
            items.append(Text(x, y, inner_w, row_h, part, pt, bold=True))
            y += row_h

    row_h = 3.3 * s
    grade_text = f"Grade: {grade}" if grade else ""
    sku_text = f"SKU {sku}" if sku else ""
    gap = 2.0 * s
    # Grade and SKU share a row when both fit at a readable size, else the SKU gets its own.
    pt = 8 * s
    while pt > 6.5 * s and _pair_width(grade_text, sku_text, pt, gap) > inner_w:
        pt -= 0.5
    if grade_text and sku_text and _pair_width(grade_text, sku_text, pt, gap) <= inner_w:
        grade_w = text_width_mm(grade_text, pt, bold=True)
        items.append(Text(x, y, grade_w, row_h, grade_text, pt, bold=True))
        items.append(Text(x + grade_w + gap, y, inner_w - grade_w - gap, row_h, sku_text,
                          pt - 0.5, align="right"))
        y += row_h
    else:
        for label, bold in ((grade_text, True), (sku_text, False)):
            if label:
                fitted, fpt = fit_text(label, inner_w, 8 * s, 5.5 * s, bold=bold)
                items.append(Text(x, y, inner_w, row_h, fitted, fpt, bold=bold))
                y += row_h

    if conditions:
        row_h = 3.0 * s
        text, pt = fit_text(", ".join(conditions), inner_w, 7 * s, 5.5 * s)
        items.append(Text(x, y, inner_w, row_h, text, pt))
        y += row_h

    y += 0.8 * s
    text_pt = 8 * s
    # Digits under the bars are what a packer compares with the phone's *#06# screen, so they
    # stay at a readable size; the bars take whatever height is left (capped on big stock).
    probe = Barcode(0, 0, 1, 1, "1", barcode_data, text_pt)
    bars_h = min(size.height_mm - margin - y - probe.text_band_mm, 18 * s)
    if bars_h < 5:
        log.warning("only %.1f mm left for the bars of %r on %s", bars_h, barcode_data, size.name)
    items.append(barcode_item(barcode_data, 0.0, y, size.width_mm, bars_h + probe.text_band_mm,
                              barcode_data, text_pt, max_bars_w=inner_w))
    return Page(size, tuple(items))


def layout_unit_label(data: UnitLabelData, size: LabelSize = THERMAL_2_25x1_25) -> Page:
    """IMEI/serial barcode with its digits, product, grade, conditions and SKU."""
    return _device_label(size, data.code, data.product, data.grade, data.conditions, data.sku)


def layout_sku_label(data: SkuLabelData, size: LabelSize = THERMAL_2_25x1_25) -> Page:
    """SKU barcode with the SKU spelled out, product, grade and conditions."""
    return _device_label(size, data.sku, data.product, data.grade, data.conditions, None)
