"""Receiving keeps its choices: product, grade, conditions, status and warehouse stay across scans and list reloads."""

from __future__ import annotations

import pytest

from app.domain import reference
from app.domain.catalog_view import catalog_rows
from app.ui.inventory import InventoryTab
from ui_helpers import PIXEL, imei, receive

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx):
    receive(ctx.db, [imei(90)], product=PIXEL, grade="A")  # an existing product, one variation (A, no conditions)
    with ctx.db.sessions.begin() as session:
        reference.define_warehouse(session, "Back room")
    widget = InventoryTab(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.receive.product_combo.count() == 1 and widget.receive.warehouse_combo.count() == 2)
    widget.resize(1200, 760)
    widget.show()
    return widget


def _choices(page):
    return (page.product_combo.currentText(), page.grade_combo.currentText(), tuple(page.checked_conditions()),
            page.status_combo.currentText(), page.warehouse_combo.currentText())


def test_three_new_variation_units_in_a_row_are_all_accepted(qtbot, ctx, tab):
    page = tab.receive
    page.choose_product(PIXEL.display_name)
    page.grade_combo.setCurrentText("B")  # no variation of the Pixel in grade B with scratches yet
    page.set_conditions({"SC"})
    page.status_combo.setCurrentText("Processing")
    page.warehouse_combo.setCurrentText("Back room")
    chosen = _choices(page)
    assert chosen == (PIXEL.display_name, "B", ("SC",), "Processing", "Back room")
    seen = []
    page.verdict_shown.connect(lambda kind, text: seen.append((kind, text)))
    for n, (grade, conditions) in enumerate((("B", {"SC"}), ("C", {"SC"}), ("C", {"SC", "CB"})), start=1):
        page.grade_combo.setCurrentText(grade)
        page.set_conditions(conditions)
        chosen = _choices(page)
        # each scan makes a new variation; the catalog change reloads the lists — the choice must survive it
        with qtbot.waitSignals([page.verdict_shown, tab.reference_loaded], timeout=10000):
            assert tab.handle_scan(imei(n))
        assert seen[-1][0] == "ok", seen[-1][1]
        assert _choices(page) == chosen
    assert [kind for kind, _ in seen] == ["ok", "ok", "ok"]
    # a reload for a settings change keeps the choice too
    with qtbot.waitSignal(tab.reference_loaded):
        tab.reload_reference()
    assert _choices(page) == chosen
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(4))
    assert blocker.args[0] == "ok", blocker.args[1]
    rows = [r for r in catalog_rows(ctx.db.reads()) if r["grade"] != "A"]
    assert {(r["grade"], tuple(r["conditions"])): r["units"] for r in rows} == {
        ("B", ("SC",)): {"Processing": 1}, ("C", ("SC",)): {"Processing": 1}, ("C", ("CB", "SC")): {"Processing": 2}}


def test_picking_another_product_clears_sku_and_cost(qtbot, ctx, tab):
    receive(ctx.db, [imei(91)])  # a second product (the iPhone)
    with qtbot.waitSignal(tab.reference_loaded):
        tab.reload_reference()
    page = tab.receive
    assert page.product_combo.count() == 2
    page.choose_product(PIXEL.display_name)
    page.sku_edit.setText("PIX7-128-A")
    page.cost_edit.setText("215.00")
    with qtbot.waitSignal(tab.reference_loaded):
        tab.reload_reference()  # a reload is not a new pick: SKU and cost stay
    assert (page.sku_edit.text(), page.cost_edit.text()) == ("PIX7-128-A", "215.00")
    other = next(page.product_combo.itemText(i) for i in range(2) if page.product_combo.itemText(i) != PIXEL.display_name)
    page.product_combo.setCurrentIndex(page.product_combo.findText(other))  # as a click in the list does
    assert page.product_combo.currentText() == other
    assert (page.sku_edit.text(), page.cost_edit.text()) == ("", "")


def test_sold_and_returned_are_not_receive_statuses(tab):
    statuses = [tab.receive.status_combo.itemText(i) for i in range(tab.receive.status_combo.count())]
    assert "Available" in statuses and "Repair" in statuses
    assert "Sold" not in statuses and "Returned" not in statuses
    assert tab.receive.status_combo.currentText() == "Available"


def test_every_refusal_names_the_scanned_code(qtbot, tab):
    page = tab.receive
    page.product_combo.setCurrentIndex(-1)
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(5))
    assert blocker.args[0] == "refusal" and "Choose a product" in blocker.args[1] and imei(5) in blocker.args[1]
    page.choose_product(PIXEL.display_name)
    page.cost_edit.setText("lots")
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(6))
    assert blocker.args[0] == "refusal" and "lots" in blocker.args[1] and imei(6) in blocker.args[1]
    page.cost_edit.clear()
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(90))  # already in stock: the domain's refusal
    assert blocker.args[0] == "refusal" and imei(90) in blocker.args[1]
    assert "\n" not in blocker.args[1]


def test_the_status_list_offers_no_status_that_means_the_unit_left(tab):
    offered = [tab.receive.status_combo.itemText(i) for i in range(tab.receive.status_combo.count())]
    assert "Available" in offered and "Processing" in offered and "Repair" in offered
    for gone in ("Sold", "Returned", "Vendor RMA", "Returned to vendor", "Written off"):
        assert gone not in offered
