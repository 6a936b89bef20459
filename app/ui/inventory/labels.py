"""Print a unit's label from the inventory pages; a missing printer is a remark, not a failure."""

from __future__ import annotations

import logging

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
