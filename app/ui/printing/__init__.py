"""Qt print adapter for ``app.labels``: paint label pages to printers, PDF files and images."""

from __future__ import annotations

from app.ui.printing.painter import paint_page, render_image, render_png
from app.ui.printing.pdf import ensure_gui_app, write_pdf
from app.ui.printing.printer import (
    PrinterUnavailable,
    available_printers,
    default_printer,
    paint_to_printer,
    print_pages,
)

__all__ = ["PrinterUnavailable", "available_printers", "default_printer", "ensure_gui_app",
           "paint_page", "paint_to_printer", "print_pages", "render_image", "render_png",
           "write_pdf"]
