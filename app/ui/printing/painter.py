"""Paint a Qt-free label :class:`~app.labels.items.Page` with a QPainter (printer, PDF, image).

Coordinates arrive in millimetres; everything is converted to device pixels here. Bars are
snapped to whole device dots: a 203 dpi thermal head cannot print 1.7 dots, and letting Qt
antialias or round each bar separately gives uneven bars that scanners misread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from app.labels.barcode import QUIET_ZONE_MODULES, bar_runs
from app.labels.items import Barcode, Line, Page, Text

log = logging.getLogger(__name__)

MM_PER_INCH = 25.4
#: Smallest size the painter will shrink text to before eliding instead.
MIN_PAINT_PT = 4.5
_ALIGN = {"left": Qt.AlignmentFlag.AlignLeft, "center": Qt.AlignmentFlag.AlignHCenter,
          "right": Qt.AlignmentFlag.AlignRight}


def _font(pt: float, bold: bool, dpi_y: float) -> QFont:
    font = QFont()
    font.setFamilies(["Arial", "Helvetica", "Liberation Sans", "DejaVu Sans"])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    # Pixel size, not point size: devices disagree about their logical dpi (QImage says 96),
    # but the caller knows the real one, so labels come out the same size everywhere.
    font.setPixelSize(max(1, round(pt / 72.0 * dpi_y)))
    font.setBold(bold)
    return font


def _draw_text(painter: QPainter, rect: QRectF, text: str, pt: float, bold: bool, align: str,
               dpi_y: float) -> None:
    """Draw one line of text inside ``rect``, shrinking (then eliding) if the real font is wider
    than the layout estimated; clipping a digit off an IMEI is worse than a smaller font."""
    font = _font(pt, bold, dpi_y)
    metrics = QFontMetricsF(font)
    while (metrics.horizontalAdvance(text) > rect.width() or metrics.height() > rect.height()
           * 1.15) and pt > MIN_PAINT_PT:
        pt = max(MIN_PAINT_PT, pt - 0.25)
        font = _font(pt, bold, dpi_y)
        metrics = QFontMetricsF(font)
    if metrics.horizontalAdvance(text) > rect.width():
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.setFont(font)
    flags = _ALIGN.get(align, Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter
    painter.drawText(rect, int(flags) | int(Qt.TextFlag.TextSingleLine), text)


def _draw_barcode(painter: QPainter, item: Barcode, px_x: float, px_y: float) -> None:
    n = len(item.modules)
    width_px = item.w * px_x
    # Whole dots per module: round to nearest, but step down if the bars and a ten-module quiet
    # zone each side would no longer fit in the white span the layout left around them.
    span_px = (item.w + 2 * item.quiet_mm) * px_x
    dots = round(width_px / n)
    if dots > 1 and (n + 2 * QUIET_ZONE_MODULES) * dots > span_px + 1e-6:
        dots -= 1
    left = item.x * px_x
    top = round(item.y * px_y)
    bar_h = round(item.bar_height_mm * px_y)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    if dots >= 1:
        # Centred on the layout's box, so the quiet zones stay balanced.
        x0 = round(left + (width_px - dots * n) / 2)
        for start, length in bar_runs(item.modules):
            painter.drawRect(x0 + start * dots, top, length * dots, bar_h)
    else:
        log.warning("barcode %r is narrower than one dot per module on this device",
                    item.human_text)
        module = width_px / n
        for start, length in bar_runs(item.modules):
            painter.drawRect(QRectF(left + start * module, top, length * module, bar_h))
    painter.restore()
    if item.human_text:
        # The digits may use the quiet zone's width: it is only bars that need white beside them.
        spare = (item.quiet_mm or item.module_mm * QUIET_ZONE_MODULES) * px_x
        rect = QRectF(left - spare, (item.y + item.bar_height_mm) * px_y, width_px + 2 * spare,
                      item.text_band_mm * px_y)
        _draw_text(painter, rect, item.human_text, item.text_pt, False, "center",
                   px_y * MM_PER_INCH)


def paint_page(painter: QPainter, page: Page, dpi_x: float, dpi_y: float) -> None:
    """Draw every item of ``page`` with ``painter`` whose device has the given resolution and
    whose origin is the top-left corner of the label."""
    px_x, px_y = dpi_x / MM_PER_INCH, dpi_y / MM_PER_INCH
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setPen(QColor("black"))
    for item in page.items:
        if isinstance(item, Text):
            rect = QRectF(item.x * px_x, item.y * px_y, item.w * px_x, item.h * px_y)
            _draw_text(painter, rect, item.text, item.pt_size, item.bold, item.align, dpi_y)
        elif isinstance(item, Barcode):
            _draw_barcode(painter, item, px_x, px_y)
        elif isinstance(item, Line):
            pen = QPen(QColor("black"))
            pen.setWidthF(max(1.0, item.width_mm * px_y))
            painter.setPen(pen)
            painter.drawLine(QPointF(item.x1 * px_x, item.y1 * px_y),
                             QPointF(item.x2 * px_x, item.y2 * px_y))
            painter.setPen(QColor("black"))
    painter.restore()


def render_image(page: Page, dpi: float = 203) -> QImage:
    """The page as a white QImage at ``dpi`` (203 is the common thermal printer resolution)."""
    width = round(page.size.width_mm / MM_PER_INCH * dpi)
    height = round(page.size.height_mm / MM_PER_INCH * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_page(painter, page, dpi, dpi)
    finally:
        painter.end()
    return image


def render_png(page: Page, path: str | Path, dpi: float = 203) -> None:
    """Save a preview PNG of ``page``; needs a QGuiApplication for fonts."""
    from app.ui.printing.pdf import ensure_gui_app

    ensure_gui_app()
    if not render_image(page, dpi).save(str(path), "PNG"):
        raise OSError(f"could not write PNG to {path}")
