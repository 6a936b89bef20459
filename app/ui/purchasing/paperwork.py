"""The PO receiving label and the RMA packing list: read on the task runner, printed on the
station's printer or saved as a PDF. A missing printer is a remark, never a failure."""

from __future__ import annotations

import logging

from app.labels import label_size
from app.ui.context import UiContext

log = logging.getLogger(__name__)


def receiving_label_page(ctx: UiContext, code: str):
    """Runs on the task runner: the laid-out label of a unit received on a PO."""
    from app.domain.purchasing.label_data import receiving_label_data
    from app.labels.purchasing import layout_receiving_label

    with ctx.db.reads() as session:
        data = receiving_label_data(session, code)
    return layout_receiving_label(data, label_size(ctx.station.label_size))


def rma_packing_list_pages(ctx: UiContext, number: str, size_name: str = "a4"):
    from app.domain.purchasing.label_data import rma_packing_list_data
    from app.labels.purchasing import layout_rma_packing_list

    with ctx.db.reads() as session:
        data = rma_packing_list_data(session, number)
    return layout_rma_packing_list(data, label_size(size_name))


def print_page(ctx: UiContext, page) -> str:
    """GUI thread: print one label on the station's printer; the words for the screen."""
    from app.ui.printing import PrinterUnavailable, available_printers, default_printer, print_pages

    printer = ctx.station.printer or None
    if printer is None and default_printer() is None and not available_printers():
        return "no label printer set up for this station — label not printed (save it as a PDF instead)"
    try:
        print_pages([page], printer)
    except (PrinterUnavailable, RuntimeError, ValueError) as exc:
        log.warning("receiving label not printed: %s", exc)
        return f"label not printed: {exc}"
    return "label printed"


def save_pdf(pages, path: str) -> None:
    from app.ui.printing.pdf import write_pdf

    write_pdf(pages if isinstance(pages, list) else [pages], path)
