"""Print a unit's label from the inventory pages; a missing printer is a remark, not a failure."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from app.domain.label_data import unit_label_data
from app.labels import label_size, layout_unit_label
from app.ui.context import UiContext

log = logging.getLogger(__name__)


def read_label(ctx: UiContext, code: str):
    """Runs on the task runner: the label's data, read from the database."""
    with ctx.db.reads() as session:
        return unit_label_data(session, code)


def print_label(ctx: UiContext, data) -> str:
    """Print on the station's printer (GUI thread); returns the words for the verdict line."""
    from app.ui.printing import PrinterUnavailable, available_printers, default_printer, print_pages

    printer = ctx.station.printer or None
    if printer is None and default_printer() is None and not available_printers():
        return "no label printer set up for this station — label not printed"
    try:
        size = label_size(ctx.station.label_size)
    except KeyError as exc:
        return f"label not printed: {exc}"
    try:
        print_pages([layout_unit_label(data, size)], printer)
    except (PrinterUnavailable, RuntimeError, ValueError) as exc:
        log.warning("label for %s not printed: %s", data.code, exc)
        return f"label not printed: {exc}"
    return "label printed"


def no_printer(ctx: UiContext) -> bool:
    from app.ui.printing import available_printers, default_printer

    return not ctx.station.printer and default_printer() is None and not available_printers()


def print_or_save_label(parent, ctx: UiContext, data) -> str:
    """A reprint: on the printer, or — with none set up — saved as a PDF where the user says (as the
    packing slip does). Returns the words for the verdict line; "" when the user cancelled."""
    from app.ui.printing import write_pdf

    if not no_printer(ctx):
        return print_label(ctx, data)
    try:
        size = label_size(ctx.station.label_size)
    except KeyError as exc:
        return f"label not saved: {exc}"
    path, _ = QFileDialog.getSaveFileName(parent, "No printer — save the label as PDF",
                                          str(Path.home() / f"{data.code}-label.pdf"), "PDF (*.pdf)")
    if not path:
        return ""
    write_pdf([layout_unit_label(data, size)], path)
    return f"label saved to {path}"
