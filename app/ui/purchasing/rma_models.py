"""Columns of the vendor-return tables."""

from __future__ import annotations

from app.ui.purchasing.common import money
from app.ui.purchasing.rows_model import Column, RowsModel

RESOLUTION_WORDS = {"credited": "credited", "replaced": "replaced", "repaired_returned": "repaired and returned",
                    "rejected_returned": "rejected and returned", "written_off": "written off"}


def rma_list_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("RMA", lambda r: r.number),
        Column("Vendor", lambda r: r.vendor),
        Column("Status", lambda r: r.status),
        Column("Open", lambda r: f"{r.open_lines}/{len(r.lines)}", align_right=True),
        Column("Credit expected / received", lambda r: f"{money(r.credit_expected)} / {money(r.credit_received)}",
               align_right=True),
    ), parent, tint=lambda r: "#c8e6c9" if r.status == "closed" else None)


def rma_lines_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("IMEI / serial", lambda l: l.code),
        Column("Product · grade", lambda l: f"{l.product} · {l.grade}"),
        Column("Reason", lambda l: l.reason),
        Column("Cost", lambda l: money(l.unit_cost), align_right=True),
        Column("Unit status", lambda l: l.status),
        Column("Resolution", lambda l: RESOLUTION_WORDS.get(l.resolution or "", "open")
               + (f" {money(l.credit_amount)}" if l.credit_amount is not None else "")
               + (f" by {l.replacement}" if l.replacement else "")),
    ), parent, tint=lambda l: None if l.resolution is None else "#e8f5e9")
