"""The Shipping panel's health: when the ShipStation steps last ran, what went wrong, what waits."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QVBoxLayout, QWidget

from app.domain import dates
from app.integrations.shipstation.status import ShippingHealth

_OK = "color: #1e7e34; font-weight: bold;"
_BAD = "color: #c62828; font-weight: bold;"
_WAIT = "color: #8a5a00; font-weight: bold;"


def _when(text: str | None) -> str:
    return dates.when(text, empty=text or "")


class ShippingHealthBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Health", parent)
        self.last_run = QLabel(objectName="ss_last_run")
        self.last_run.setWordWrap(True)
        self.error = QLabel(objectName="ss_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_BAD)
        self.waiting = QLabel(objectName="ss_waiting")
        self.not_packed = QLabel(objectName="ss_not_packed")
        self.not_packed.setWordWrap(True)
        self.problems_title = QLabel("Orders not in ShipStation, and why:")
        self.problems = QListWidget(objectName="ss_problems")
        self.problems.setMaximumHeight(150)
        layout = QVBoxLayout(self)
        for widget in (self.last_run, self.error, self.waiting, self.not_packed, self.problems_title, self.problems):
            layout.addWidget(widget)
        self.show_health(None)

    def show_health(self, health: ShippingHealth | None) -> None:
        run = (health.last_run if health else None) or {}
        if not run:
            self.last_run.setText("Not run yet: the steps run with each sync once ShipStation is switched on.")
            self.last_run.setStyleSheet("")
        else:
            self.last_run.setText(f"Last run {_when(run.get('finished'))}: {run.get('summary', '')}")
            self.last_run.setStyleSheet("" if run.get("error") else _OK)
        self.error.setText(run.get("error") or "")
        self.error.setVisible(bool(run.get("error")))
        waiting = health.waiting_for_label if health else 0
        self.waiting.setText(f"{waiting} order{'' if waiting == 1 else 's'} in ShipStation waiting for a label")
        not_packed = health.not_packed if health else ()
        self.not_packed.setText(f"Label bought, not packed: {', '.join(not_packed)} — scan their units at the "
                                "packing station" if not_packed else "")
        self.not_packed.setStyleSheet(_WAIT)
        self.not_packed.setVisible(bool(not_packed))
        self.problems.clear()
        for number, why in (health.problems if health else ()):
            self.problems.addItem(f"{number}: {why}")
        self.problems_title.setVisible(self.problems.count() > 0)
        self.problems.setVisible(self.problems.count() > 0)
