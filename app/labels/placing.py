"""Placing a Code 128 barcode in the space a layout has for it."""

from __future__ import annotations

import logging

from app.labels.barcode import QUIET_ZONE_MODULES, code128_modules
from app.labels.items import Barcode

log = logging.getLogger(__name__)

#: Below this module width a 203 dpi thermal printer renders bars of one or two dots and
#: cheap scanners start to misread; we still print (better than nothing) but log it.
MIN_GOOD_MODULE_MM = 0.19
#: Wider modules than this only make the barcode long; scanners gain nothing.
MAX_MODULE_MM = 0.5


def barcode_item(data: str, x: float, y: float, avail_w: float, h: float,
                 human_text: str | None, text_pt: float, align: str = "center",
                 max_bars_w: float | None = None) -> Barcode:
    """A Code 128 item for ``data`` placed in [x, x + avail_w] with a full quiet zone inside
    that span on both sides; the module width is as wide as fits, up to MAX_MODULE_MM.

    ``max_bars_w`` limits the bars alone: on small labels the quiet zone may run into the
    blank print margin (it only has to be white) while the bars keep clear of the edge.
    """
    modules = code128_modules(data)
    module = min(avail_w / (len(modules) + 2 * QUIET_ZONE_MODULES), MAX_MODULE_MM)
    if max_bars_w is not None:
        module = min(module, max_bars_w / len(modules))
    if module < MIN_GOOD_MODULE_MM:
        log.warning("barcode for %r squeezed to %.3f mm modules; it may not scan", data, module)
    bars_w = module * len(modules)
    # Everything between the bars and the ends of the span is white: that is the quiet zone.
    quiet = (avail_w - bars_w) / 2 if align != "left" else module * QUIET_ZONE_MODULES
    if align == "left":
        bx = x + quiet
    else:
        bx = x + (avail_w - bars_w) / 2
    return Barcode(bx, y, bars_w, h, modules, human_text, text_pt, quiet)
