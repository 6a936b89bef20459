"""Purchasing paperwork: the label stuck on a unit as it is received against a PO (IMEI barcode,
model, PO number), and the packing list that goes in the box of a vendor return (RMA)."""

from __future__ import annotations

from dataclasses import dataclass

from app.labels.items import Item, Line, Page, Text
from app.labels.placing import barcode_item
from app.labels.sizes import THERMAL_2_25x1_25, LabelSize
from app.labels.slip import SlipTooSmall, MIN_SLIP_HEIGHT_MM, MIN_SLIP_WIDTH_MM
from app.labels.textfit import fit_text, line_height_mm, wrap


@dataclass(frozen=True)
class ReceivingLabelData:
    code: str  # IMEI or serial
    product: str
    po_number: str
    line: int
    grade: str = ""


@dataclass(frozen=True)
class RmaListLine:
    code: str
    product: str
    reason: str
    unit_cost: str | None = None  # as printed, e.g. "180.00"


@dataclass(frozen=True)
class RmaPackingListData:
    rma_number: str
    vendor: str
    ra_number: str
    tracking: str
    date: str
    lines: tuple[RmaListLine, ...]


def layout_receiving_label(data: ReceivingLabelData, size: LabelSize = THERMAL_2_25x1_25) -> Page:
    """Model on top, then the PO number and line (and grade once known), then the IMEI barcode."""
    s = max(1.0, min(size.width_mm / THERMAL_2_25x1_25.width_mm, size.height_mm / THERMAL_2_25x1_25.height_mm, 2.5))
    margin = 1.5 * s
    x, w, y = margin, size.width_mm - 2 * margin, margin
    items: list[Item] = []
    row_h = 3.3 * s
    for part in wrap(data.product, w, 7.5 * s, bold=True, max_lines=2):
        items.append(Text(x, y, w, row_h, part, 7.5 * s, bold=True))
        y += row_h
    po_text = f"{data.po_number} · line {data.line}" + (f" · {data.grade}" if data.grade else "")
    text, pt = fit_text(po_text, w, 8 * s, 6 * s, bold=True)
    items.append(Text(x, y, w, row_h, text, pt, bold=True))
    y += row_h + 0.6 * s
    text_pt = 8 * s
    band = text_pt * 25.4 / 72 * 1.25
    bars_h = min(size.height_mm - margin - y - band, 18 * s)
    items.append(barcode_item(data.code, 0.0, y, size.width_mm, bars_h + band, data.code, text_pt, max_bars_w=w))
    return Page(size, tuple(items))


def layout_rma_packing_list(data: RmaPackingListData, size: LabelSize) -> list[Page]:
    """Title, the RMA number as a barcode, vendor, RA number, tracking, then one row per unit
    (IMEI/serial, model, reason, cost) over as many pages as needed, with a total."""
    if size.width_mm < MIN_SLIP_WIDTH_MM or size.height_mm < MIN_SLIP_HEIGHT_MM:
        raise SlipTooSmall(f"an RMA packing list needs at least {MIN_SLIP_WIDTH_MM:.0f} x {MIN_SLIP_HEIGHT_MM:.0f} mm;"
                           f" {size.name} is {size.width_mm} x {size.height_mm} mm")
    margin, pt = (4.0, 8.0) if size.width_mm < 150 else (12.0, 9.5)
    row_h = line_height_mm(pt) * 1.2
    x, w = margin, size.width_mm - 2 * margin
    bottom = size.height_mm - margin - row_h * 1.5
    cols = [(0.0, 0.28, "IMEI / serial"), (0.28, 0.36, "Model"), (0.64, 0.24, "Reason"), (0.88, 0.12, "Cost")]

    def text(tx, ty, tw, value, size_pt=pt, bold=False, align="left"):
        fitted, fpt = fit_text(value, tw, size_pt, size_pt - 2.5, bold)
        return Text(tx, ty, tw, row_h * size_pt / pt, fitted, fpt, bold, align)

    def table_head(top: float) -> tuple[list[Item], float]:
        head = [text(x + w * c0, top, w * cw - 1, label, bold=True, align="right" if label == "Cost" else "left")
                for c0, cw, label in cols]
        return head + [Line(x, top + row_h + 0.3, x + w, top + row_h + 0.3, 0.3)], top + row_h + 1.2

    items: list[Item] = [text(x, margin, w * 0.65, "VENDOR RETURN — PACKING LIST", pt * 1.4, bold=True),
                         text(x + w * 0.65, margin, w * 0.35, data.date, align="right")]
    y = margin + row_h * 1.6
    code = barcode_item(data.rma_number, x, y, w * 0.6, 13.0, data.rma_number, pt + 1, align="left")
    items.append(code)
    y += code.h + 2.0
    for key, value in (("Vendor", data.vendor), ("RA number", data.ra_number or "—"),
                       ("Tracking", data.tracking or "—"), ("Units", str(len(data.lines)))):
        items += [text(x, y, 26, key, bold=True), text(x + 26, y, w - 26, value)]
        y += row_h
    head, y = table_head(y + 2.0)
    items += head
    pages: list[list[Item]] = []
    for line in data.lines:
        if y + row_h > bottom:
            pages.append(items)
            items = [text(x, margin, w, f"VENDOR RETURN {data.rma_number} (continued)", pt + 1, bold=True)]
            head, y = table_head(margin + row_h * 1.4)
            items += head
        values = (line.code, line.product, line.reason, line.unit_cost or "")
        for (c0, cw, label), value in zip(cols, values):
            items.append(text(x + w * c0, y, w * cw - 1, value, align="right" if label == "Cost" else "left"))
        y += row_h
    costs = [line.unit_cost for line in data.lines if line.unit_cost]
    if costs and y + row_h <= bottom:
        total = sum(float(c) for c in costs)
        items.append(Line(x, y + 0.3, x + w, y + 0.3, 0.2))
        items.append(text(x, y + 0.8, w, f"Credit expected: {total:,.2f}", bold=True, align="right"))
    pages.append(items)
    out = []
    for number, page_items in enumerate(pages, start=1):
        footer = f"{data.rma_number} · {data.vendor} · page {number} of {len(pages)}"
        page_items.append(text(x, size.height_mm - margin - row_h, w, footer, pt - 1, align="center"))
        out.append(Page(size, tuple(page_items)))
    return out
