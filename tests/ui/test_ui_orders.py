"""Orders tab: create a direct order from the form (lines by SKU and by variation, ship-to), change its
status, cancel it; refusals keep the form as typed; a packer's buttons are off with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain import addresses, fulfilment, orders, orders_list, users
from app.domain.inventory import find_unit
from app.domain.station import set_operator
from app.ui.orders import OrdersTab
from signin_helpers import PAT, add_operators
from ui_helpers import imei, receive

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx):
    widget = OrdersTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    widget.activateWindow()
    qtbot.waitActive(widget)
    qtbot.waitUntil(lambda: not ctx.runner.busy)
    return widget


def _orders(ctx):
    with ctx.db.reads() as s:
        return orders_list.recent_orders(s)


def _fill(dialog, qtbot, customer, lines, ship_to):
    qtbot.keyClicks(dialog.customer, customer)
    for n, (kind, value, qty) in enumerate(lines):
        row = dialog.lines[n] if n < len(dialog.lines) else dialog.add_line()
        row.kind.setCurrentIndex(row.kind.findData(kind))
        qtbot.keyClicks(row.value, value)
        row.quantity.setValue(qty)
    for field, value in ship_to.items():
        qtbot.keyClicks(dialog.address[field], value)


def test_create_a_direct_order_from_the_form_then_change_its_status_and_cancel_it(qtbot, ctx, tab):
    receive(ctx.db, [imei(1), imei(2)], sku="IP13-A")
    with ctx.db.reads() as s:
        variation = find_unit(s, imei(1)).variation_id
    qtbot.keyClick(tab.filter_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = tab.new_order_dialog
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: dialog.skus.model().stringList() == ["IP13-A"])  # the catalog's SKUs complete
    _fill(dialog, qtbot, "Jane Doe", [("sku", "ip13-a", 1), ("variation", str(variation), 1)],
          {"name": "Jane Doe", "street1": "1 Main St", "postal_code": "75003", "city": "Paris", "country": "FRA"})
    assert dialog.address["country"].text() == "FR"  # two letters at most

    # First a refusal: the city is missing. The form stays as typed.
    dialog.address["city"].clear()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.message.isVisible)
    assert "needs city" in dialog.message.text() and "Nothing was created" in dialog.message.text()
    assert dialog.isVisible() and dialog.customer.text() == "Jane Doe" and dialog.lines[1].value.text() == str(variation)
    assert _orders(ctx) == []

    dialog.lines[1].value.setText("v3")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Line 2: A variation id is a whole number" in dialog.message.text())
    dialog.lines[1].value.setText(str(variation))
    qtbot.keyClicks(dialog.address["city"], "Paris")
    with qtbot.waitSignal(tab.said) as said:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    (order,) = _orders(ctx)
    assert said.args == [f"Order {order.number} created for Jane Doe.", False]
    assert (order.customer, order.units, order.status) == ("Jane Doe", 2, "New")
    with ctx.db.reads() as s:
        assert addresses.get_address(s, order.id).one_line() == "Jane Doe, 1 Main St, 75003 Paris, FR"
    qtbot.waitUntil(lambda: (tab.detail or {}).get("number") == order.number)
    shown = tab.panel.toPlainText()
    assert "SKU ip13-a" in shown and "1 Main St" in shown and "Paris" in shown
    assert tab.model.rowCount() == 1 and tab.table.currentIndex().row() == 0

    # Status change through the combo.
    tab.status_combo.setCurrentText("Ready to ship")
    with qtbot.waitSignal(tab.detail_shown, timeout=5000):
        tab.status_button.click()
    qtbot.waitUntil(lambda: tab.detail["status"] == "Ready to ship")
    assert tab.model.order(0).status == "Ready to ship"

    # Scan one unit onto it, then cancel: asked first, the unit goes back to stock.
    with ctx.db.sessions.begin() as s:
        fulfilment.commit_unit(s, order.number, imei(1))
    tab.show_order(order.number)
    qtbot.waitUntil(lambda: any(line["committed"] for line in tab.detail["lines"]))
    asked = []
    tab.confirm = lambda title, text: asked.append(text) or False
    tab.cancel_button.click()
    assert asked == [f"Cancel order {order.number} for Jane Doe? The 1 scanned unit goes back to stock."]
    assert _orders(ctx)[0].status == "Ready to ship"  # said no: nothing changed
    tab.confirm = lambda title, text: True
    with qtbot.waitSignal(tab.said) as said:
        tab.cancel_button.click()
    assert said.args == [f"{order.number} → Cancelled", False]
    qtbot.waitUntil(lambda: tab.detail["status"] == "Cancelled")
    assert tab.model.rowCount() == 0  # open orders only: it left the list, its detail stays on screen
    assert not tab.cancel_button.isEnabled()  # a closed order is not cancelled again
    with ctx.db.reads() as s:
        assert orders_list.order_detail(s, order.number)["lines"][0]["committed"] == []

    # Moving it back to an open status is refused in words when the status does not exist.
    with qtbot.waitSignal(tab.said) as said:
        tab.set_status("Nonsense")
    assert said.args[1] and "Unknown order status “Nonsense”" in said.args[0] and "Nothing was changed" in said.args[0]


def test_the_filter_finds_orders_by_customer_or_number(qtbot, ctx, tab):
    with ctx.db.sessions.begin() as s:
        first, _ = orders.create_direct_order(s, "Alice Martin", [orders.LineRequest(1, sku="X")])
        orders.create_direct_order(s, "Bob Stone", [orders.LineRequest(3, sku="Y")])
        number = first.number
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    assert tab.count_label.text() == "2 orders"
    with qtbot.waitSignal(tab.orders_shown):
        tab.filter_edit.setText("martin")
    assert tab.model.rowCount() == 1 and tab.model.order(0).number == number
    with qtbot.waitSignal(tab.orders_shown):
        tab.filter_edit.setText(number.lower())
    assert tab.count_label.text() == "1 order"


def test_a_packer_sees_the_orders_but_may_not_create_or_cancel(qtbot, ctx, db, tab):
    with ctx.db.sessions.begin() as s:
        orders.create_direct_order(s, "Alice", [orders.LineRequest(1, sku="X")])
    add_operators(db)
    with db.reads() as s:
        set_operator(next(u for u in users.list_users(s) if u.name == PAT.name))
    tab.hide()
    tab.show()
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail is not None)
    assert not tab.new_button.isEnabled() and not tab.cancel_button.isEnabled() and not tab.status_button.isEnabled()
    assert tab.new_button.toolTip() == "Only a manager or admin may create direct orders; you are signed in as packer Pat."


def test_twelve_lines_scroll_inside_the_form_on_a_700_pixel_screen(qtbot):
    """The manager typing a big B2B order still sees the address and the Create button."""
    from PySide6.QtCore import QPoint

    from app.ui.orders.new_order import NewOrderDialog

    dialog = NewOrderDialog()
    qtbot.addWidget(dialog)
    dialog.resize(1024, 660)
    dialog.show()
    qtbot.waitExposed(dialog)
    for n in range(11):
        dialog.add_line(value=f"SKU-{n}")
    qtbot.waitUntil(lambda: dialog.height() <= 700)
    assert dialog.create_button.isVisible() and dialog.address["email"].isVisible()
    bar = dialog.lines_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the lines scroll; the dialog did not grow past the screen
    viewport = dialog.lines_scroll.viewport()

    def newest_line_in_view() -> bool:
        field = dialog.lines[-1].value
        top = field.mapTo(viewport, QPoint(0, 0)).y()
        return 0 <= top and top + field.height() <= viewport.height()

    qtbot.waitUntil(newest_line_in_view)  # the box scrolled to the line just added
