"""Purchase orders in the GUI: add a vendor, create a PO with lines, attach its manifest (a bad
file lists every bad row), spread a landed cost, close it; a packer sees orders but not the
manager's actions; every table model passes Qt's model tester."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import inventory
from app.domain.purchasing import receiving, views
from app.ui.purchasing.po_page import PoPage
from app.ui.purchasing.tab import PurchasingTab
from purchasing_helpers import FakeAsks, make_po, sign_in, write
from signin_helpers import add_operators
from ui_helpers import imei

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, ctx):
    widget = PoPage(ctx, FakeAsks())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    return widget


def message(qtbot, page, do, text: str) -> None:
    do()
    qtbot.waitUntil(lambda: text in page.message.text() or text in page.form.message.text()
                    or text in page.vendors.message.text(), timeout=10000)


def test_vendor_po_manifest_landed_cost_and_close(qtbot, db, page, tmp_path, qtmodeltester) -> None:
    page.pages.setCurrentWidget(page.vendors)
    page.vendors.name.setText("  Phone   Lots Ltd ")
    page.vendors.contact.setText("sales@phonelots.example")
    message(qtbot, page, page.vendors.add_button.click, "Vendor Phone Lots Ltd added.")
    message(qtbot, page, page.vendors.add_button.click, "A vendor needs a name.")
    qtbot.waitUntil(lambda: page.form.vendor.count() == 1, timeout=10000)

    page.pages.setCurrentWidget(page.form)
    form = page.form
    form.fields["manufacturer"].setText("Apple")
    form.fields["model"].setText("iPhone 13")
    form.fields["capacity"].setText("128GB")
    form.qty.setValue(2)
    form.cost.setText("abc")
    assert not form.add_line()
    assert form.message.text() == "Unit cost “abc” is not an amount such as 180.00."
    form.cost.setText("180.00")
    assert form.add_line() and form.lines.rowCount() == 1
    form.reference.setText("LOT-9")
    with qtbot.waitSignal(page.po_shown, timeout=10000) as shown:
        form.create_button.click()
    number = shown.args[0]
    assert page.po.status == "draft" and page.po.reference == "LOT-9" and page.po.expected == 2
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 1, timeout=10000)

    page._asks.open_path = write(tmp_path / "bad.csv", f"imei\n{imei(1)}\n12345\n{imei(1)}\n")
    message(qtbot, page, page.buttons["manifest"].click, "2 bad rows — nothing imported")
    assert page.problems_view.isVisibleTo(page) and page.problems.rowCount() == 2
    page._asks.open_path = write(tmp_path / "good.csv", f"imei\n{imei(1)}\n{imei(2)}\n")
    message(qtbot, page, page.buttons["manifest"].click, f"Manifest of {number} attached: 2 units.")
    qtbot.waitUntil(lambda: page.po.manifest_rows == 2, timeout=10000)
    assert not page.problems_view.isVisibleTo(page)

    with db.sessions.begin() as s:
        receiving.receive_scan(s, number, imei(1))
    message(qtbot, page, page.buttons["place"].click, "is partially received, not a draft")
    page.landed_amount.setText("oops")
    message(qtbot, page, page.landed_button.click, "Landed cost “oops” is not an amount such as 120.00.")
    page.landed_amount.setText("25.50")
    message(qtbot, page, page.landed_button.click, f"Landed cost 25.50 spread over 1 units of {number}.")
    with db.reads() as s:
        assert inventory.find_unit(s, imei(1)).cost == Decimal("205.50")
    qtbot.waitUntil(lambda: page.po.landed_cost == Decimal("25.50"), timeout=10000)
    assert "landed cost 25.50" in page.header.text() and "manifest 1/2 received, 1 missing" in page.header.text()
    assert page.lines.data(page.lines.index(0, 3)) == "1 / 2"

    message(qtbot, page, page.buttons["close"].click, f"{number} closed")
    qtbot.waitUntil(lambda: page.po.status == "closed", timeout=10000)
    assert not page.buttons["close"].isEnabled() and not page.buttons["receive"].isEnabled()
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 0, timeout=10000)  # open orders only
    page.open_only.setChecked(False)
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 1, timeout=10000)
    for model in (page.list_model, page.lines, page.units, page.problems, page.vendors.model, page.form.lines):
        qtmodeltester.check(model)


def test_a_packer_sees_orders_and_receives_but_has_no_managers_actions(qtbot, ctx, db) -> None:
    number = make_po(db)
    add_operators(db)
    sign_in(db, "Pat")
    tab = PurchasingTab(ctx, FakeAsks())
    qtbot.addWidget(tab)
    tab.show()
    tab.set_manager(False)
    assert not tab.orders.pages.isTabVisible(1)
    assert not tab.orders.buttons["close"].isVisibleTo(tab) and not tab.orders.vendors.add_button.isEnabled()
    tab.pages.setCurrentWidget(tab.orders)
    with qtbot.waitSignal(tab.receiving.po_loaded, timeout=10000):
        assert tab.handle_scan(number)  # a PO barcode on the orders page opens it for receiving
    assert tab.pages.currentWidget() is tab.receiving
    tab.pages.setCurrentWidget(tab.orders)
    qtbot.waitUntil(lambda: tab.orders.list_model.rowCount() == 1, timeout=10000)
    with qtbot.waitSignal(tab.receiving.po_loaded, timeout=10000):
        tab.orders.list_view.doubleClicked.emit(tab.orders.list_model.index(0, 0))
    assert tab.pages.currentWidget() is tab.receiving
    with qtbot.waitSignal(tab.receiving.verdict_shown, timeout=10000) as verdict:
        tab.handle_scan(imei(1))
    assert verdict.args[0] == "green"
    with db.reads() as s:
        assert views.po_view(s, number).received == 1
    tab.shutdown()
