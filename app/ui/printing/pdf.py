"""Save label pages as a PDF whose pages are exactly the label stock, for printing elsewhere or
attaching to an order."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from app.labels.items import Page
from app.labels.sizes import LabelSize
from app.ui.printing.painter import paint_page

log = logging.getLogger(__name__)

PDF_DPI = 300
# The application we created, if any: held here so it lives until exit rather than being
# collected with Qt objects still around it.
_owned_app: QCoreApplication | None = None


def ensure_gui_app() -> QCoreApplication:
    """Fonts and painting need a Qt GUI application; create one when running headless (CLI,
    a worker script) and reuse the GUI's otherwise."""
    global _owned_app
    app = QCoreApplication.instance()
    if app is not None:
        return app
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                or os.environ.get("WAYLAND_DISPLAY")):
        # Without a display the default xcb platform aborts the whole process.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication rather than a bare QGuiApplication, so widgets created later in the same
    # process (a preview dialog, pytest-qt's qapp) still work.
    from PySide6.QtWidgets import QApplication

    log.debug("creating a QApplication for printing (platform %s)",
              os.environ.get("QT_QPA_PLATFORM", "default"))
    _owned_app = QApplication([sys.argv[0] if sys.argv else "refurbdesk"])
    return _owned_app


def page_size(size: LabelSize) -> QPageSize:
    """A QPageSize of exactly the label; ExactMatch stops Qt swapping in a 'nearby' standard
    size (57 x 32 mm is not an envelope)."""
    return QPageSize(QSizeF(size.width_mm, size.height_mm), QPageSize.Unit.Millimeter,
                     size.name, QPageSize.SizeMatchPolicy.ExactMatch)


def page_layout(size: LabelSize) -> QPageLayout:
    return QPageLayout(page_size(size), QPageLayout.Orientation.Portrait,
                       QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def write_pdf(pages: list[Page], path: str | Path) -> None:
    """One PDF page per :class:`Page`, each exactly its label size, no margins, 300 dpi."""
    if not pages:
        raise ValueError("nothing to write: no pages")
    ensure_gui_app()
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setCreator("RefurbDesk")
    writer.setPageLayout(page_layout(pages[0].size))
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"could not open {path} for writing")
    try:
        for index, page in enumerate(pages):
            if index:
                # The layout must change before newPage() for the new page to take it.
                writer.setPageLayout(page_layout(page.size))
                writer.newPage()
            paint_page(painter, page, PDF_DPI, PDF_DPI)
    finally:
        painter.end()
    log.info("wrote %d page(s) to %s", len(pages), path)
