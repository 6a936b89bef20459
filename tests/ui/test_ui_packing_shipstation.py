"""The packing screen and ShipStation, against the sandbox over 127.0.0.1: the open order's ShipStation
state in the header; a label bought there fills in Ship; shipping an order that waits there for a label
asks (inside the Ship dialog, no modal box) whether to mark it shipped there too — "no" is kept, and
the next sync leaves it open in ShipStation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.domain import addresses, orders
from app.integrations.shipstation.client import ShipStationV1Client
from app.integrations.shipstation.sandbox import SandboxServer
from app.integrations.shipstation.steps import run_shipstation_steps
from app.models import ShipStationOrder
from app.ui.packing.tab import PackingTab

from packing_helpers import direct_order, seed_stock

pytestmark = pytest.mark.gui

KEY = "pack-key:pack-secret"
IP13_A = "IP13-128-MID-A"
PARIS = "name=Ada Lovelace,street1=1 Dock Road,city=London,postal_code=E1 6AN,country=GB"


@pytest.fixture
def stock(db):
    return seed_stock(db)


@pytest.fixture
def sandbox(db) -> Iterator[SandboxServer]:
    from app.domain import settings

    server = SandboxServer(port=0).start()
    server.store.add_key(KEY)
    with db.sessions.begin() as s:
        settings.set_(s, "shipstation.enabled", True)
        settings.set_(s, "shipstation.api_url", server.url)
    try:
        yield server
    finally:
        server.stop()


def _steps(db, sandbox) -> None:
    with ShipStationV1Client(sandbox.url, KEY, timeout=5.0) as client:
        result = run_shipstation_steps(db, client, lambda _text: None)
    assert result.error is None, result.error


def _remote(sandbox, number) -> dict:
    return next(o for o in sandbox.store.list_orders() if o["orderNumber"] == number)


def _order(db, stock, n: int = 1) -> str:
    number = direct_order(db, "Ada Lovelace", [(IP13_A, n)])
    with db.sessions.begin() as s:
        addresses.set_address(s, orders.get_order(s, number).id, addresses.parse_ship_to(PARIS))
    return number


@pytest.fixture
def tab(qtbot, ctx, stock) -> Iterator[PackingTab]:
    widget = PackingTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()
    ctx.runner.wait(10000)


def _open_and_pack(qtbot, tab, number, codes) -> None:
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    for code in codes:
        with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as verdict:
            tab.handle_scan(code)
        assert verdict.args[0] == "ok", verdict.args
    qtbot.waitUntil(lambda: tab.detail is not None and tab.detail.missing == 0 and tab.ship_button.isEnabled(),
                    timeout=5000)


def test_no_keeps_it_open_in_shipstation(qtbot, tab, db, stock, sandbox) -> None:
    number = _order(db, stock)
    _steps(db, sandbox)
    _open_and_pack(qtbot, tab, number, [stock.imei(IP13_A)])
    qtbot.waitUntil(lambda: tab.header.shipstation.text() == "ShipStation: In ShipStation, waiting for a label",
                    timeout=5000)
    assert tab.header.shipstation.isVisible()
    tab.ship_button.click()
    dialog = tab.ship_dialog
    qtbot.waitExposed(dialog)
    assert dialog.mark_in_shipstation.isVisible() and dialog.mark_in_shipstation.isChecked()  # yes by default
    assert dialog.tracking.text() == ""  # no label there: the packer scans one
    dialog.mark_in_shipstation.setChecked(False)
    dialog.tracking.setText("1Z999AA10123456784")
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        dialog.ship_button.click()
    assert shipped.args[0] == "ok" and "left open in ShipStation" in shipped.args[1]
    with db.reads() as s:
        order = orders.get_order(s, number)
        assert order.status.name == "Shipped" and s.get(ShipStationOrder, order.id).leave_open
    qtbot.waitUntil(lambda: "left open in ShipStation" in tab.header.shipstation.text(), timeout=5000)

    _steps(db, sandbox)
    assert _remote(sandbox, number)["orderStatus"] == "awaiting_shipment"  # not marked shipped there
    assert not [r for r in sandbox.store.request_log() if r["path"] == "/orders/markasshipped"]


def test_yes_marks_it_shipped_there_at_the_next_sync(qtbot, tab, db, stock, sandbox) -> None:
    number = _order(db, stock)
    _steps(db, sandbox)
    _open_and_pack(qtbot, tab, number, [stock.imei(IP13_A)])
    qtbot.waitUntil(lambda: "waiting for a label" in tab.header.shipstation.text(), timeout=5000)
    tab.ship_button.click()
    dialog = tab.ship_dialog
    qtbot.waitExposed(dialog)
    dialog.tracking.setText("1Z999AA10123456784")
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        dialog.ship_button.click()
    assert "marked shipped in ShipStation at the next sync" in shipped.args[1]
    _steps(db, sandbox)
    assert _remote(sandbox, number)["orderStatus"] == "shipped"


def test_a_label_bought_in_shipstation_shows_and_fills_in_ship(qtbot, tab, db, stock, sandbox) -> None:
    number = _order(db, stock)
    _steps(db, sandbox)
    reply = httpx.post(f"{sandbox.url}/_admin/orders/{number}/label",
                       json={"tracking_number": "9400111899561704681189", "carrier_code": "stamps_com"}, timeout=5)
    assert reply.status_code == 200
    _steps(db, sandbox)  # not packed yet: flagged for the packer
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    qtbot.waitUntil(lambda: "9400111899561704681189" in tab.header.shipstation.text(), timeout=5000)
    assert "label bought, not packed" in tab.header.shipstation.text().lower()
    assert "USPS" in tab.header.shipstation.text()
    _open_and_pack(qtbot, tab, number, [stock.imei(IP13_A)])
    tab.ship_button.click()
    dialog = tab.ship_dialog
    qtbot.waitExposed(dialog)
    assert dialog.tracking.text() == "9400111899561704681189" and dialog.carrier_name() == "USPS"
    assert not dialog.mark_in_shipstation.isVisible()  # ShipStation already shipped it: nothing to ask
    with qtbot.waitSignal(tab.verdict_shown, timeout=5000) as shipped:
        dialog.ship_button.click()
    assert shipped.args[0] == "ok" and "9400111899561704681189" in shipped.args[1]
    _steps(db, sandbox)
    assert not [r for r in sandbox.store.request_log() if r["path"] == "/orders/markasshipped"]
    with db.reads() as s:
        assert orders.get_order(s, number).tracking_number == "9400111899561704681189"


def test_without_shipstation_the_header_says_nothing_about_it(qtbot, tab, db, stock) -> None:
    number = direct_order(db, "Walk-in", [(IP13_A, 1)])
    with qtbot.waitSignal(tab.order_opened, timeout=5000):
        tab.open_order(number)
    assert tab.header.shipstation.isHidden()
    _open_and_pack(qtbot, tab, number, [stock.imei(IP13_A)])
    tab.ship_button.click()
    assert not tab.ship_dialog.mark_in_shipstation.isVisible()
    tab.ship_dialog.reject()
