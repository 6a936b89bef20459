"""Send label pages to a system printer (thermal label printer or office printer) via Qt."""

from __future__ import annotations

import logging

from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.labels.items import Page
from app.ui.printing.painter import paint_page, render_image, render_png
from app.ui.printing.pdf import ensure_gui_app, page_layout

log = logging.getLogger(__name__)

__all__ = ["PrinterUnavailable", "available_printers", "default_printer", "print_pages",
           "paint_to_printer", "render_image", "render_png"]


class PrinterUnavailable(RuntimeError):
    """No printer by that name, or no default printer: say which, so the user can fix settings."""


def available_printers() -> list[str]:
    ensure_gui_app()
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def default_printer() -> str | None:
    ensure_gui_app()
    info = QPrinterInfo.defaultPrinter()
    return None if info.isNull() else info.printerName()


def _printer_info(printer_name: str | None) -> QPrinterInfo:
    if printer_name:
        info = QPrinterInfo.printerInfo(printer_name)
        if info.isNull():
            known = ", ".join(available_printers()) or "none installed"
            raise PrinterUnavailable(f"printer {printer_name!r} not found (available: {known})")
        return info
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        raise PrinterUnavailable("no printer chosen and the system has no default printer")
    return info


def paint_to_printer(printer: QPrinter, pages: list[Page], job_name: str = "RefurbDesk") -> None:
    """Paint ``pages`` onto an already configured ``printer`` (real device or PDF output),
    switching the paper size per page so a mixed batch prints each on its own stock."""
    if not pages:
        raise ValueError("nothing to print: no pages")
    printer.setDocName(job_name)
    # Full page: coordinates start at the paper corner, as the layouts assume; label printers
    # report tiny or no unprintable margins and we have kept clear of the edges ourselves.
    printer.setFullPage(True)
    if not printer.setPageLayout(page_layout(pages[0].size)):
        log.warning("printer %r refused page size %s", printer.printerName(), pages[0].size.name)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(f"could not start printing on {printer.printerName()!r}")
    try:
        for index, page in enumerate(pages):
            if index:
                if page.size != pages[index - 1].size:
                    printer.setPageLayout(page_layout(page.size))
                printer.newPage()
            dpi = printer.resolution()
            paint_page(painter, page, dpi, dpi)
    finally:
        painter.end()


def print_pages(pages: list[Page], printer_name: str | None = None) -> None:
    """Print on the named printer, or the system default when ``printer_name`` is None."""
    ensure_gui_app()
    info = _printer_info(printer_name)
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    log.info("printing %d page(s) on %s", len(pages), info.printerName())
    paint_to_printer(printer, pages)
