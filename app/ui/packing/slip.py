"""Print the open order's packing slip, or save it as a PDF when the station has no printer."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.domain.packing_query import OrderDetail, slip_data
from app.labels import A4, label_size, layout_packing_slip
from app.station_config import StationConfig
from app.ui.printing import PrinterUnavailable, default_printer, print_pages, write_pdf

log = logging.getLogger(__name__)


def print_or_save_slip(parent: QWidget, detail: OrderDetail, station: StationConfig) -> str:
    """Returns what happened, in words for the banner; raises on a real failure."""
    try:
        size = label_size(station.slip_size or "a4")
    except KeyError:
        size = A4
    pages = layout_packing_slip(slip_data(detail), size)
    printer = station.printer or default_printer()
    if printer:
        try:
            print_pages(pages, station.printer or None)
            return f"Packing slip for {detail.number} sent to {printer}"
        except PrinterUnavailable as exc:
            log.warning("printing the slip failed: %s", exc)
    path, _ = QFileDialog.getSaveFileName(
        parent, "No printer — save the packing slip as PDF", str(Path.home() / f"{detail.number}-packing-slip.pdf"),
        "PDF (*.pdf)")
    if not path:
        return ""
    write_pdf(pages, path)
    return f"Packing slip saved to {path}"
