"""The receiving label (IMEI barcode, model, PO number and line): printed for each unit received
when the station asks for it, or saved as a PDF; what became of it joins the unit's scan line."""

from __future__ import annotations

from app.ui.purchasing import paperwork
from app.ui.purchasing.po_models import ScanRow
from app.ui.widgets.guard import run_for


class ReceivingLabels:
    """Mixed into ReceivingPage: uses its `_ctx`, `_asks`, `scans`, `label_words`, `last_received`, `_show`."""

    def _print_label(self, code: str) -> None:
        ctx = self._ctx

        def said(words: str) -> None:
            """The label's fate joins the unit's line in the scans list (a missing printer is a remark)."""
            self.label_words[code] = words
            rows, done = [], False
            for row in self.scans.rows:
                if not done and row.code == code and row.verdict in ("green", "amber"):
                    row, done = ScanRow(row.code, row.verdict, f"{row.text} · {words}"), True
                rows.append(row)
            self.scans.set_rows(rows)

        run_for(self, ctx.runner, lambda: paperwork.receiving_label_page(ctx, code),
                lambda page: said(paperwork.print_page(ctx, page)), lambda exc: said(f"label not printed: {exc}"))

    def save_last_label(self) -> None:
        code = self.last_received
        if code is None:
            self._show("info", "Nothing received at this station yet: no label to save.", sound=False)
            return
        path = self._asks.save_pdf(self, "Save the receiving label", f"{code}.pdf")
        if not path:
            return
        ctx = self._ctx
        run_for(self, ctx.runner, lambda: paperwork.save_pdf(paperwork.receiving_label_page(ctx, code), path),
                lambda _r: self._show("info", f"Label of {code} saved to {path}.", sound=False),
                lambda exc: self._show("red", f"Label of {code} not saved: {exc}"))
