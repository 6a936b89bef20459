"""Reports render: stock value by status and warehouse at cost, aging, vendor defect rate and
open credit as QPainter bar charts (no chart library), and the tables beside them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.purchasing import receiving, rma, rma_flow
from app.ui.purchasing.bar_chart import BarChart
from app.ui.purchasing.reports_page import ReportsPage
from purchasing_helpers import make_po
from ui_helpers import imei

pytestmark = pytest.mark.gui


@pytest.fixture
def flow(db):
    number = make_po(db)
    with db.sessions.begin() as s:
        for n in (1, 2, 3):
            receiving.receive_scan(s, number, imei(n))
        rma_number = rma.create_rma(s, "Phone Lots Ltd", "RA-1").number
        rma.add_to_rma(s, rma_number, imei(1), "no power")
        rma.approve_rma(s, rma_number)
        rma_flow.ship_rma(s, rma_number, "1Z1")
    return number


def test_reports_show_stock_value_aging_defect_rate_and_open_credit(qtbot, ctx, db, flow, qtmodeltester) -> None:
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.waitSignal(page.reports_loaded, timeout=10000):
        page.show()  # the first show loads
    assert [(b.label, b.text) for b in page.by_status.bars] == [("Incoming", "360.00 (2 units)"),
                                                                ("Vendor RMA", "180.00 (1 unit)")]
    assert [(b.label, b.value) for b in page.by_warehouse.bars] == [("Main", 540.0)]
    assert page.aging.bars[0].label == "0-30 days" and page.aging.bars[0].text == "3 units · 540.00"
    assert [b.label for b in page.aging.bars] == ["0-30 days", "31-60 days", "61-90 days", "91-180 days", "181+ days"]
    assert [(b.label, b.text) for b in page.defects.bars] == [("Phone Lots Ltd", "33.3 % (1 of 3)")]
    assert page.credit.bars[0].text == "180.00 open · 0.00 received"
    assert page.vendors.rows[0].open_credit == Decimal("180.00")
    assert page.message.text() == "Stock at cost: 540.00 over 3 units."
    page.grab()  # paints every chart
    for model in (page.vendors, page.pos):
        qtmodeltester.check(model)

    with db.sessions.begin() as s:
        rma_flow.resolve_rma_line(s, "RMA100001", imei(1), "credited", credit=Decimal("170"))
    with qtbot.waitSignal(page.reports_loaded, timeout=10000):
        page.refresh_button.click()
    assert page.credit.bars[0].text == "0.00 open · 170.00 received"


def test_a_chart_without_data_says_so(qtbot) -> None:
    chart = BarChart("Nothing here")
    qtbot.addWidget(chart)
    chart.resize(400, 120)
    image = chart.grab()
    assert not image.isNull() and chart.bars == ()
