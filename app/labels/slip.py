"""Packing slip layout: order barcode and details on top, then the lines with the IMEIs/serials
packed for each, over as many pages as the lines need."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.labels.data import PackingSlipData, SlipLine
from app.labels.items import Item, Line, Page, Text
from app.labels.placing import barcode_item
from app.labels.sizes import LabelSize
from app.labels.textfit import fit_text, line_height_mm, wrap

log = logging.getLogger(__name__)

#: Smaller stock cannot hold the header and a line of the table; refuse rather than print junk.
MIN_SLIP_WIDTH_MM = 90.0
MIN_SLIP_HEIGHT_MM = 120.0


class SlipTooSmall(ValueError):
    """The chosen stock is too small for a packing slip."""


@dataclass(frozen=True)
class _Style:
    size: LabelSize
    margin: float
    pt: float

    @property
    def row_h(self) -> float:
        return line_height_mm(self.pt) * 1.15

    @property
    def left(self) -> float:
        return self.margin

    @property
    def inner_w(self) -> float:
        return self.size.width_mm - 2 * self.margin

    @property
    def footer_top(self) -> float:
        return self.size.height_mm - self.margin - self.row_h


def _style_for(size: LabelSize) -> _Style:
    if size.width_mm < MIN_SLIP_WIDTH_MM or size.height_mm < MIN_SLIP_HEIGHT_MM:
        raise SlipTooSmall(
            f"a packing slip needs at least {MIN_SLIP_WIDTH_MM:.0f} x {MIN_SLIP_HEIGHT_MM:.0f} mm;"
            f" {size.name} is {size.width_mm} x {size.height_mm} mm")
    if size.width_mm < 150:  # 4x6 thermal: small margins, the stock is all printable
        return _Style(size, margin=4.0, pt=9.0)
    return _Style(size, margin=12.0, pt=10.0)  # office paper: clear of laser/inkjet edges


def _text(st: _Style, x: float, y: float, w: float, text: str, pt: float, bold: bool = False,
          align: str = "left", min_pt: float | None = None) -> Text:
    fitted, size = fit_text(text, w, pt, min_pt or pt - 2, bold)
    return Text(x, y, w, st.row_h * pt / st.pt, fitted, size, bold, align)  # type: ignore[arg-type]


def _first_header(st: _Style, data: PackingSlipData) -> tuple[list[Item], float]:
    x, w = st.left, st.inner_w
    y = st.margin
    big = st.pt * 1.5
    items: list[Item] = [
        _text(st, x, y, w * 0.6, "PACKING SLIP", big, bold=True),
        _text(st, x + w * 0.6, y, w * 0.4, data.created, st.pt, align="right"),
    ]
    y += st.row_h * 1.5 + 1.0
    bar_h = 12.0 if st.size.width_mm < 150 else 15.0
    code = barcode_item(data.order_number, x, y, w, bar_h, data.order_number, st.pt + 1)
    items.append(code)
    y += code.h + 2.0
    key_w = 22.0 if st.pt < 10 else 26.0
    fields = [("Order", data.order_number), ("Customer", data.customer),
              ("Channel", data.channel), ("Date", data.created)]
    address = data.shipping_address or ("—",)
    fields += [("Ship to" if i == 0 else "", line) for i, line in enumerate(address)]
    for key, value in fields:
        if key:
            items.append(_text(st, x, y, key_w, key, st.pt, bold=True))
        items.append(_text(st, x + key_w, y, w - key_w, value, st.pt, min_pt=st.pt - 2.5))
        y += st.row_h
    return items, y + 2.0


def _continued_header(st: _Style, data: PackingSlipData) -> tuple[list[Item], float]:
    title = f"PACKING SLIP — order {data.order_number} (continued)"
    items: list[Item] = [_text(st, st.left, st.margin, st.inner_w, title, st.pt + 1, bold=True,
                               min_pt=st.pt - 2)]
    return items, st.margin + st.row_h * 1.2 + 2.0


def _table_header(st: _Style, y: float) -> tuple[list[Item], float]:
    x, w = st.left, st.inner_w
    qty_w = 14.0
    items: list[Item] = [
        _text(st, x, y, w - qty_w, "Item / units packed", st.pt, bold=True),
        _text(st, x + w - qty_w, y, qty_w, "Qty", st.pt, bold=True, align="right"),
    ]
    y += st.row_h
    items.append(Line(x, y + 0.3, x + w, y + 0.3, 0.3))
    return items, y + 1.0


def _code_kind(code: str) -> str:
    return "IMEI" if len(code) == 15 and code.isdigit() else "S/N"


def _line_head(st: _Style, y: float, line: SlipLine, continued: bool) -> tuple[list[Item], float]:
    """The line's name (wrapped, never shrunk: its grade at the end is what tells a packer which
    unit goes in) and its quantity. Returns the items and the height used."""
    x, w = st.left, st.inner_w
    qty_w = 14.0
    wanted = f"{line.wanted} (continued)" if continued else line.wanted
    parts = wrap(wanted, w - qty_w - 1.0, st.pt, bold=True, max_lines=3) or [""]
    items: list[Item] = [
        _text(st, x + w - qty_w, y, qty_w, str(line.quantity), st.pt, bold=True, align="right")]
    for i, part in enumerate(parts):
        items.append(Text(x, y + i * st.row_h, w - qty_w - 1.0, st.row_h, part, st.pt, True))
    return items, st.row_h * len(parts)


def _code_row(st: _Style, y: float, code: str) -> list[Item]:
    # A tick box per unit: packers check units off as they go into the box.
    box = line_height_mm(st.pt) * 0.7
    bx, by = st.left + 4.0, y + (st.row_h - box) / 2
    edges = [(bx, by, bx + box, by), (bx + box, by, bx + box, by + box),
             (bx + box, by + box, bx, by + box), (bx, by + box, bx, by)]
    items: list[Item] = [Line(*edge, 0.2) for edge in edges]
    tx = bx + box + 2.0
    items.append(_text(st, tx, y, st.left + st.inner_w - tx, f"{_code_kind(code)}  {code}",
                       st.pt, min_pt=st.pt - 2.5))
    return items


def layout_packing_slip(data: PackingSlipData, size: LabelSize) -> list[Page]:
    """Order barcode, customer, channel, date, address and a table of lines with the units under
    each; continues onto further pages (repeating the line's name) when the table overflows."""
    st = _style_for(size)
    pages: list[list[Item]] = []
    items, y = _first_header(st, data)
    head, y = _table_header(st, y)
    items += head
    bottom = st.footer_top - 1.0

    def new_page() -> float:
        nonlocal items
        pages.append(items)
        items, top = _continued_header(st, data)
        head, top = _table_header(st, top)
        items += head
        return top

    for line in data.lines:
        # Keep a line's name with at least its first unit; a name alone at a page foot misleads.
        head_items, head_h = _line_head(st, y, line, continued=False)
        if y + head_h + (st.row_h if line.codes else 0.0) > bottom:
            y = new_page()
            head_items, head_h = _line_head(st, y, line, continued=False)
        items += head_items
        y += head_h
        for code in line.codes:
            if y + st.row_h > bottom:
                y = new_page()
                head_items, head_h = _line_head(st, y, line, continued=True)
                items += head_items
                y += head_h
            items += _code_row(st, y, code)
            y += st.row_h
        if y + 1.5 <= bottom:
            items.append(Line(st.left, y + 0.6, st.left + st.inner_w, y + 0.6, 0.1))
            y += 1.5
    pages.append(items)

    total = len(pages)
    out: list[Page] = []
    for number, page_items in enumerate(pages, start=1):
        footer = f"Order {data.order_number} · page {number} of {total}"
        page_items.append(_text(st, st.left, st.footer_top, st.inner_w, footer, st.pt - 1,
                                align="center"))
        out.append(Page(size, tuple(page_items)))
    log.debug("packing slip %s: %d lines on %d page(s)", data.order_number, len(data.lines), total)
    return out
