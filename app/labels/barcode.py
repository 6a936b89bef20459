"""Code 128 barcodes via python-barcode, with no human-readable text from the library.

Layouts draw the digits themselves (so they can size and place them), and the Qt painter draws
bars straight from :func:`code128_modules` so they land on whole printer dots at any size.
"""

from __future__ import annotations

import io
import logging

import barcode
from barcode.writer import SVGWriter
from PIL import Image, ImageDraw

log = logging.getLogger(__name__)

#: Code 128 asks for a clear margin of at least ten module widths either side of the bars.
QUIET_ZONE_MODULES = 10

# python-barcode's own defaults write the code as text and use a 6.5 mm quiet zone; we want the
# bars alone, with a spec-sized quiet zone, and a height that scans comfortably.
_MODULE_WIDTH_MM = 0.254
_MODULE_HEIGHT_MM = 12.0


class BarcodeError(ValueError):
    """The data cannot be encoded as Code 128 (empty, or characters outside ASCII 0-127)."""


def _symbol(data: str) -> barcode.Code128:
    if not data:
        raise BarcodeError("cannot make a barcode from empty data")
    try:
        return barcode.get("code128", data)
    except Exception as exc:  # python-barcode raises IllegalCharacterError and friends
        raise BarcodeError(f"cannot encode {data!r} as Code 128: {exc}") from exc


def code128_modules(data: str) -> str:
    """The bar/space pattern, one character per module ("1" bar, "0" space), including the
    start code, check symbol and the 13-module stop pattern; no quiet zones."""
    return _symbol(data).build()[0]


def code128_svg(data: str, module_width_mm: float = _MODULE_WIDTH_MM,
                height_mm: float = _MODULE_HEIGHT_MM) -> bytes:
    """An SVG document of the bars (one ``<rect>`` per bar) with quiet zones, no text."""
    options = {
        "module_width": module_width_mm,
        "module_height": height_mm,
        "quiet_zone": QUIET_ZONE_MODULES * module_width_mm,
        "write_text": False,
        "margin_top": 0,
        "margin_bottom": 0,
    }
    symbol = _symbol(data)
    symbol.writer = SVGWriter()
    out = io.BytesIO()
    symbol.write(out, options)
    return out.getvalue()


def code128_png(data: str, dpi: int = 300, dots_per_module: int = 3,
                height_mm: float = _MODULE_HEIGHT_MM) -> bytes:
    """A 1-bit PNG of the bars with quiet zones, no text, each module ``dots_per_module`` pixels.

    Painted from :func:`code128_modules` rather than python-barcode's ImageWriter: the writer
    converts millimetres to float pixels and Pillow rounds each bar edge on its own, so bars come
    out a pixel too wide or narrow - exactly the unevenness that makes a scanner hesitate.
    """
    if dots_per_module < 1:
        raise ValueError("dots_per_module must be at least 1")
    modules = code128_modules(data)
    quiet = QUIET_ZONE_MODULES * dots_per_module
    width = len(modules) * dots_per_module + 2 * quiet
    height = max(1, round(height_mm / 25.4 * dpi))
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    for start, length in bar_runs(modules):
        x0 = quiet + start * dots_per_module
        # Pillow rectangles include their right edge, hence the -1.
        draw.rectangle((x0, 0, x0 + length * dots_per_module - 1, height - 1), fill=0)
    out = io.BytesIO()
    # Record the resolution so a print dialog or label tool prints it at its true size.
    image.save(out, format="PNG", dpi=(dpi, dpi))
    log.debug("rendered Code 128 PNG for %r at %d dpi (%dx%d px)", data, dpi, width, height)
    return out.getvalue()


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(first module, number of modules) of each bar; neighbouring "1"s become one bar so a
    renderer never leaves hairline seams inside a wide bar."""
    runs: list[tuple[int, int]] = []
    start = -1
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and start < 0:
            start = i
        elif bit != "1" and start >= 0:
            runs.append((start, i - start))
            start = -1
    return runs
