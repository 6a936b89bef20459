"""The receiving verdict banner: the packing station's green/red banner plus amber for a unit
that is not on the manifest (accept it to a line or set it aside for quarantine)."""

from __future__ import annotations

from app.ui.widgets.verdict import VerdictBanner

WARNING = "warning"
_AMBER = ("#f9a825", "#212121")  # dark text on amber: readable from a metre away
_MARK = "⚠ "


class ReceivingBanner(VerdictBanner):
    def show_warning(self, text: str) -> None:
        self.kind = WARNING
        background, foreground = _AMBER
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground};"
                           " border-radius: 6px; padding: 10px 16px; }")
        self.setText(f"{_MARK}{text}")

    def message(self) -> str:
        if self.kind == WARNING:
            return self.text()[len(_MARK):]
        return super().message()
