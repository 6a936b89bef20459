"""Move: choose where units go (status and/or warehouse), then scan them one after another."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from app.domain import inventory
from app.domain.errors import InvalidInput
from app.ui.context import UiContext
from app.ui.inventory.common import ReferenceLists, ScanPage, refill

KEEP = "(keep as it is)"


class MovePage(ScanPage):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "Choose the target status and/or warehouse, then scan units.", parent)
        self.moved = 0
        self.status_combo = QComboBox()
        self.warehouse_combo = QComboBox()
        target = QGroupBox("Move scanned units to")
        form = QFormLayout(target)
        form.addRow("Status", self.status_combo)
        form.addRow("Warehouse", self.warehouse_combo)
        target.setMaximumWidth(420)
        self.scan_column.addWidget(self.log_view, 1)
        left = QVBoxLayout()
        left.addWidget(target)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(self.scan_column, 1)

    def set_reference(self, lists: ReferenceLists) -> None:
        refill(self.status_combo, lists.statuses, first=KEEP)
        refill(self.warehouse_combo, lists.warehouses, first=KEEP)

    def scan(self, code: str) -> None:
        status = self.status_combo.currentText()
        warehouse = self.warehouse_combo.currentText()
        status = None if status in (KEEP, "") else status
        warehouse = None if warehouse in (KEEP, "") else warehouse
        if status is None and warehouse is None:
            self.verdict_refused(InvalidInput("Choose a target status or warehouse first."))
            return
        sessions = self.ctx.db.sessions
        where = " · ".join(p for p in (status, warehouse) if p)

        def work():
            with sessions.begin() as session:
                return inventory.move_unit(session, code, status=status, warehouse=warehouse)

        def moved(changes) -> None:
            self.moved += 1
            self.verdict_ok(f"{code} → {where}  ({self.moved} moved)")
            self.ctx.events.publish(changes)

        self.run(work, moved)
