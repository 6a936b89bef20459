"""What a manager does to a vendor RMA — create, approve, ship, take a unit off, resolve a line,
save the packing list — each one write on the page's serial queue, its verdict on the banner."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.domain.errors import InvalidInput
from app.domain.purchasing import rma, rma_flow
from app.ui.packing import feedback
from app.ui.purchasing import paperwork
from app.ui.purchasing.common import say, selected_row, words
from app.ui.widgets.guard import run_for


class RmaActions:
    """Mixed into RmaPage: uses its widgets, `_ctx`, `_asks`, `_writes`, `rma` and `show_rma`."""

    def _done(self, result, said: str) -> None:
        self._ctx.events.publish(result.changes)
        self._verdict("ok", said.lstrip("✓ "))
        self.reload()
        self.show_rma(result.number)

    def _verdict(self, kind: str, text: str) -> None:
        {"ok": self.banner.show_ok, "refusal": self.banner.show_refusal}.get(kind, self.banner.show_info)(text)
        self.verdict_shown.emit(kind, text)
        feedback.play(kind, self._ctx.station.sounds)

    def _run(self, work, said) -> None:
        self._writes.submit(work, lambda r: self._done(r, said(r) if callable(said) else said),
                            lambda exc: self._verdict("refusal", words(exc)))

    def create(self) -> None:
        vendor, ra, db = self.vendor.currentText(), self.ra_number.text(), self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return rma.create_rma(session, vendor, ra)

        self.ra_number.clear()
        self._run(work, lambda r: f"{r.number} created for {vendor}: type the reason, then scan the units.")

    def approve(self) -> None:
        if self.rma is None:
            return
        number, db = self.rma.number, self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return rma.approve_rma(session, number)

        self._run(work, f"{number} approved: pack the units and ship it with the tracking number.")

    def ship(self) -> None:
        if self.rma is None:
            return
        number, tracking, db = self.rma.number, self.tracking.text(), self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return rma_flow.ship_rma(session, number, tracking)

        self._run(work, f"{number} shipped — its units left sellable stock (Vendor RMA).")

    def remove_selected(self) -> None:
        line = selected_row(self.lines_view)
        if self.rma is None or line is None:
            self._verdict("info", "Select the unit to take off the RMA.")
            return
        number, code, db = self.rma.number, line.code, self._ctx.db

        def work():
            with db.sessions.begin() as session:
                return rma.remove_from_rma(session, number, code)

        self._run(work, f"{code} taken off {number}.")

    def resolve_selected(self) -> None:
        line = selected_row(self.lines_view)
        if self.rma is None or line is None:
            self._verdict("info", "Select (or scan) the unit whose resolution came from the vendor.")
            return
        number, code, db = self.rma.number, line.code, self._ctx.db
        key, credit_text, new_code = self.resolution.currentData(), self.credit.text().strip(), self.replacement.text()

        def work():
            credit = None
            if key == rma_flow.CREDITED:
                try:
                    credit = Decimal(credit_text.replace(",", ""))
                except InvalidOperation:
                    raise InvalidInput(f"Credit “{credit_text}” is not an amount such as 150.00.") from None
            with db.sessions.begin() as session:
                return rma_flow.resolve_rma_line(session, number, code, key, credit=credit,
                                                 replacement=new_code.strip() if key == rma_flow.REPLACED else None)

        def done(result) -> None:
            self.credit.clear()
            self.replacement.clear()
            self._done(result, result.changes.message or f"{code} resolved.")

        self._writes.submit(work, done, lambda exc: self._verdict("refusal", words(exc)))

    def save_packing_list(self) -> None:
        if self.rma is None:
            return
        number = self.rma.number
        path = self._asks.save_pdf(self, f"Packing list of {number}", f"{number}-packing-list.pdf")
        if not path:
            return
        ctx = self._ctx
        run_for(self, ctx.runner, lambda: paperwork.save_pdf(paperwork.rma_packing_list_pages(ctx, number), path),
                lambda _r: say(self.message, f"Packing list of {number} saved to {path}."),
                lambda exc: say(self.message, f"Packing list not saved: {words(exc)}", refused=True))
