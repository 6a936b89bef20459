"""Columns of the purchasing tables (declared as data), shared by the PO page and receiving."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.purchasing.views import PoLineView, PoSummary, PoUnitView
from app.ui.purchasing.common import money
from app.ui.purchasing.rows_model import Column, RowsModel

COMPLETE, SHORT, OVER = "#c8e6c9", None, "#ffe082"


def status_words(status: str) -> str:
    return status.replace("_", " ")


def _line_tint(line: PoLineView) -> str | None:
    if line.received > line.quantity:
        return OVER
    return COMPLETE if line.received == line.quantity else SHORT


def lines_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("Line", lambda l: l.number),
        Column("Product", lambda l: l.product),
        Column("Grade", lambda l: l.expected_grade or ""),
        Column("Received", lambda l: f"{l.received} / {l.quantity}", align_right=True),
        Column("Unexpected", lambda l: l.unexpected or "", align_right=True),
        Column("Replaced", lambda l: l.replacements or "", align_right=True),
        Column("Unit cost", lambda l: money(l.unit_cost), align_right=True),
    ), parent, tint=_line_tint)


def po_list_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("PO", lambda p: p.number),
        Column("Received", lambda p: f"{p.received} / {p.expected}", align_right=True),
        Column("Status", lambda p: status_words(p.status)),
        Column("Vendor", lambda p: p.vendor),
        Column("Reference", lambda p: p.reference),
        Column("Manifest", lambda p: "yes" if p.has_manifest else ""),
        Column("Created", lambda p: f"{p.created_at:%Y-%m-%d}"),
    ), parent, tint=lambda p: COMPLETE if p.expected and p.received >= p.expected else None)


def units_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("IMEI / serial", lambda u: u.code),
        Column("Line", lambda u: u.line),
        Column("Status", lambda u: u.status),
        Column("Grade", lambda u: u.grade),
        Column("Cost", lambda u: money(u.unit_cost), align_right=True),
        Column("Flags", lambda u: ", ".join(f for f, on in (("unexpected", u.unexpected),
                                                            ("over-receipt", u.over_receipt)) if on)
               + (f"replaces {u.replaces}" if u.replaces else "")),
        Column("Received", lambda u: f"{u.received_at:%Y-%m-%d %H:%M}"),
    ), parent, tint=lambda u: OVER if u.unexpected or u.over_receipt else None)


@dataclass(frozen=True)
class ScanRow:
    """One scan on the receiving screen, newest first."""

    code: str
    verdict: str  # green | amber | red | set aside
    text: str


SCAN_TINTS = {"green": "#c8e6c9", "amber": "#ffe082", "red": "#ffcdd2", "set aside": "#ffe0b2"}


def scans_model(parent=None) -> RowsModel:
    return RowsModel((
        Column("Scanned", lambda s: s.code),
        Column("Verdict", lambda s: s.verdict),
        Column("What happened", lambda s: s.text),
    ), parent, tint=lambda s: SCAN_TINTS.get(s.verdict))


__all__ = ["PoLineView", "PoSummary", "PoUnitView", "lines_model", "po_list_model", "units_model", "scans_model",
           "ScanRow", "status_words"]
