"""The Shipping panel's unsaved edits: "Unsaved changes" instead of "saved ✓", open order statuses
edited elsewhere shown at once keeping the unsaved ticks (by row id, so a renamed status stays ticked),
and leaving with unsaved changes asked in place (app/ui/backmarket/unsaved.py's strip)."""

from __future__ import annotations

from dataclasses import replace

from app.integrations.shipstation.shipping_settings import ShippingForm, ShippingView
from app.ui.backmarket.unsaved import checked_ids

UNSAVED = "Unsaved changes"
_PENDING = "color: #8a5a00; font-weight: bold;"


def _same(a: ShippingForm, b: ShippingForm | None) -> bool:
    return b is not None and replace(a, push_statuses=tuple(sorted(a.push_statuses))) == replace(
        b, push_statuses=tuple(sorted(b.push_statuses)))


class ShippingEdits:
    """Mixed into ShippingPanel: it has form(), _show(view), _fill(form, view), statuses_view, message."""

    _shown: tuple[ShippingForm | None, frozenset] = (None, frozenset())
    _filling = False
    _after_save = None
    _leave_then = None

    def _watch_edits(self) -> None:
        self.enabled.toggled.connect(self._edited)
        self.api_url.textChanged.connect(self._edited)
        self.store.currentIndexChanged.connect(self._edited)
        self.push_mode.toggled.connect(self._edited)

    def _remember_shown(self) -> None:
        self._shown = (self.form(), checked_ids(self.statuses_view.model()))

    def has_unsaved_changes(self) -> bool:
        return self._view is not None and not _same(self.form(), self._shown[0])

    def _edited(self, *_args) -> None:
        if self._filling or self._view is None:
            return
        if self.has_unsaved_changes():
            self.message.setText(UNSAVED)
            self.message.setStyleSheet(_PENDING)
        elif self.message.text() == UNSAVED:
            self.message.clear()

    def _show_fresh(self, fresh: ShippingView) -> None:
        """Read anew after a change elsewhere: the database's values, except the unsaved edits."""
        if self._view is None or not self.has_unsaved_changes():
            self._show(fresh)
            return
        mine, my_ids = self.form(), checked_ids(self.statuses_view.model())
        shown, shown_ids = self._shown
        fields = {name: getattr(mine, name) for name in ("enabled", "api_url", "store_id", "backmarket_orders")
                  if getattr(mine, name) != getattr(shown, name)}
        if my_ids != shown_ids:
            now = dict(zip(fresh.open_status_ids, fresh.open_statuses))
            fields["push_statuses"] = tuple(now[i] for i in my_ids if i in now)
        self._show(fresh)
        self._fill(replace(fresh.form, **fields), fresh)
        self._edited()

    def ask_before_leaving(self, then, where: str = "leaving") -> bool:
        if not self.has_unsaved_changes():
            return False
        self._leave_then = then
        self.unsaved_strip.ask(where)
        return True

    def _leave_saving(self) -> None:
        self.unsaved_strip.hide()
        self._after_save = self._leave_then
        self.save()

    def _leave_discarding(self) -> None:
        self.unsaved_strip.hide()
        if self._view is not None:
            self._show(self._view)
        then, self._leave_then = self._leave_then, None
        if then is not None:
            then()

    def _stay(self) -> None:
        self.unsaved_strip.hide()
        self._leave_then = None

    def _saved(self, form: ShippingForm) -> None:
        if _same(self.form(), form):
            self._remember_shown()
        self._edited()
        after, self._after_save = self._after_save, None
        if after is not None:
            after()
