"""Code 128 barcodes, encoded here from python-barcode's symbol tables, with no text under the bars.

python-barcode 0.16's own encoder drops a leading "99" pair in code set C (an IMEI starting
with 99 would print as a barcode of different digits), so the symbol values are chosen here and
only the table of bar patterns comes from the library. Layouts draw the digits themselves, and
the Qt painter draws bars straight from :func:`code128_modules` so they land on whole printer dots.
"""

from __future__ import annotations

import io
import logging

from barcode.charsets import code128 as charset
from PIL import Image, ImageDraw

log = logging.getLogger(__name__)

#: Code 128 asks for a clear margin of at least ten module widths either side of the bars.
QUIET_ZONE_MODULES = 10

_MODULE_WIDTH_MM = 0.254
_MODULE_HEIGHT_MM = 12.0

_START_B, _START_C, _TO_B, _TO_C = 104, 105, 100, 99
_STOP = "1100011101011"


class BarcodeError(ValueError):
    """The data cannot be encoded as Code 128 (empty, or characters outside printable ASCII)."""


def _values(data: str) -> list[int]:
    """Symbol values: set C for digit pairs (IMEIs are 15 digits), set B for everything else."""
    if not data:
        raise BarcodeError("cannot make a barcode from empty data")
    bad = [ch for ch in data if not 32 <= ord(ch) <= 126]
    if bad:
        raise BarcodeError(f"cannot encode {data!r} as Code 128: {bad[0]!r} is not printable ASCII")
    if data.isdigit() and len(data) >= 2:
        pairs = len(data) // 2 * 2
        values = [_START_C] + [int(data[i:i + 2]) for i in range(0, pairs, 2)]
        if pairs < len(data):
            values += [_TO_B, charset.B[data[-1]]]
        return values
    values = [_START_B]
    i = 0
    while i < len(data):
        run = 0
        while i + run < len(data) and data[i + run].isdigit():
            run += 1
        if run >= 6:  # long digit runs inside a serial or order number: denser in set C
            even = run // 2 * 2
            values.append(_TO_C)
            values += [int(data[j:j + 2]) for j in range(i, i + even, 2)]
            values.append(_TO_B)
            i += even
            continue
        values.append(charset.B[data[i]])
        i += 1
    return values


def code128_modules(data: str) -> str:
    """The bar/space pattern, one character per module ("1" bar, "0" space), including the
    start code, check symbol and the 13-module stop pattern; no quiet zones."""
    values = _values(data)
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], 1))) % 103
    return "".join(charset.CODES[v] for v in [*values, check]) + _STOP


def code128_svg(data: str, module_width_mm: float = _MODULE_WIDTH_MM,
                height_mm: float = _MODULE_HEIGHT_MM) -> bytes:
    """An SVG document of the bars (one ``<rect>`` per bar) with quiet zones, no text."""
    modules = code128_modules(data)
    quiet = QUIET_ZONE_MODULES * module_width_mm
    width = len(modules) * module_width_mm + 2 * quiet
    rects = "".join(
        f'<rect x="{quiet + start * module_width_mm:.3f}mm" y="0mm" width="{length * module_width_mm:.3f}mm" '
        f'height="{height_mm:.3f}mm" fill="black"/>'
        for start, length in bar_runs(modules)
    )
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3f}mm" height="{height_mm:.3f}mm">'
        f'<rect x="0" y="0" width="100%" height="100%" fill="white"/>{rects}</svg>'
    )
    return svg.encode("utf-8")


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
