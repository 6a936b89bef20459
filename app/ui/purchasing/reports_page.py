"""Reports a receiving manager reads, with charts: stock value at cost by status and warehouse,
aging by received date, each vendor's defect rate and open credit, each PO's received vs expected.
Read on the task runner; refreshed on demand and when stock changes while the page shows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.purchasing import reports
from app.ui.context import UiContext
from app.ui.purchasing.bar_chart import PALETTE, Bar, BarChart
from app.ui.purchasing.common import money, say, table, words
from app.ui.purchasing.po_models import status_words
from app.ui.purchasing.rows_model import Column, RowsModel
from app.ui.widgets.guard import run_for


def _units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


class ReportsPage(QWidget):
    reports_loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reports_page")
        self._ctx = ctx
        self.refresh_button = QPushButton("Refresh", objectName="refresh_reports")
        self.refresh_button.clicked.connect(self.refresh)
        self.message = QLabel(objectName="reports_message", wordWrap=True)
        self.by_status = BarChart("Stock value at cost, by status")
        self.by_warehouse = BarChart("Stock value at cost, by warehouse")
        self.aging = BarChart("Aging: units in stock by days since received")
        self.defects = BarChart("Vendor defect rate (units sent back / received)")
        self.credit = BarChart("Open credit with vendors")
        self.vendors = RowsModel((
            Column("Vendor", lambda v: v.vendor),
            Column("Received", lambda v: v.received, align_right=True),
            Column("Sent back", lambda v: v.sent_back, align_right=True),
            Column("Defect rate", lambda v: _pct(v.defect_rate), align_right=True),
            Column("Open credit", lambda v: money(v.open_credit), align_right=True),
            Column("Credit received", lambda v: money(v.credit_received), align_right=True),
        ), self)
        self.pos = RowsModel((
            Column("PO", lambda p: p.number),
            Column("Vendor", lambda p: p.vendor),
            Column("Status", lambda p: status_words(p.status)),
            Column("Received / expected", lambda p: f"{p.received} / {p.expected}", align_right=True),
        ), self)
        vendors_view = table(self.vendors, self, stretch=0, name="vendor_report")
        pos_view = table(self.pos, self, stretch=1, name="po_progress")
        for view in (vendors_view, pos_view):
            view.setMinimumHeight(150)

        charts = QWidget()
        grid = QGridLayout(charts)
        grid.addWidget(self.by_status, 0, 0)
        grid.addWidget(self.by_warehouse, 0, 1)
        grid.addWidget(self.aging, 1, 0)
        grid.addWidget(self.defects, 1, 1)
        grid.addWidget(self.credit, 2, 0)
        grid.addWidget(vendors_view, 2, 1)
        grid.addWidget(QLabel("Purchase orders: received vs expected"), 3, 0, 1, 2)
        grid.addWidget(pos_view, 4, 0, 1, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)
        top = QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def mark_stale(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        db = self._ctx.db

        def work():
            with db.reads() as session:
                return (reports.stock_value(session), reports.aging(session), reports.vendor_report(session),
                        reports.po_progress(session))

        run_for(self, self._ctx.runner, work, self._show, lambda exc: say(self.message, words(exc), refused=True))

    def _show(self, result) -> None:
        stock, aging, vendor_rows, pos = result
        statuses: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
        warehouses: dict[str, list] = defaultdict(lambda: [Decimal(0), 0])
        for row in stock:
            for bucket, key in ((statuses, row.status), (warehouses, row.warehouse)):
                bucket[key][0] += row.value
                bucket[key][1] += row.units
        self.by_status.set_bars([Bar(name, float(v), f"{money(v)} ({_units(n)})", PALETTE[i % len(PALETTE)])
                                 for i, (name, (v, n)) in enumerate(statuses.items())])
        self.by_warehouse.set_bars([Bar(name, float(v), f"{money(v)} ({_units(n)})", PALETTE[1])
                                    for name, (v, n) in warehouses.items()])
        self.aging.set_bars([Bar(f"{row.bucket} days", row.units, f"{_units(row.units)} · {money(row.value)}",
                                 PALETTE[2]) for row in aging])
        self.defects.set_bars([Bar(v.vendor, (v.defect_rate or 0) * 100, f"{_pct(v.defect_rate)} "
                                   f"({v.sent_back} of {v.received})", PALETTE[5]) for v in vendor_rows])
        self.credit.set_bars([Bar(v.vendor, float(v.open_credit), f"{money(v.open_credit)} open · "
                                  f"{money(v.credit_received)} received", PALETTE[3]) for v in vendor_rows])
        self.vendors.set_rows(vendor_rows)
        self.pos.set_rows(pos)
        total = sum((r.value for r in stock), Decimal(0))
        units = sum(r.units for r in stock)
        missing = sum(r.units_without_cost for r in stock)
        say(self.message, f"Stock at cost: {money(total)} over {_units(units)}"
            + (f" ({missing} without a cost)" if missing else "") + ".")
        self.reports_loaded.emit()
