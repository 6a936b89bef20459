"""The scan router: order numbers open Packing, other codes go to the current tab, in order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject

from app.domain import orders
from app.ui.scan_router import ORDER_LIKE, ScanRouter
from ui_helpers import imei, receive

pytestmark = pytest.mark.gui


class Tab(QObject):
    def __init__(self, consume: bool) -> None:
        super().__init__()
        self.consume = consume
        self.scans: list[str] = []

    def handle_scan(self, code: str) -> bool:
        self.scans.append(code)
        return self.consume


@pytest.fixture
def setup(ctx):
    inventory_tab, packing_tab = Tab(True), Tab(True)
    state = {"current": inventory_tab, "opened": [], "details": [], "said": []}

    def open_order(number: str) -> None:
        state["opened"].append(number)
        state["current"] = packing_tab

    router = ScanRouter(ctx, current_tab=lambda: state["current"], open_order=open_order,
                        show_details=state["details"].append, say=lambda text, refusal: state["said"].append(text))
    state.update(router=router, inventory=inventory_tab, packing=packing_tab)
    return state


def test_order_like_codes():
    assert ORDER_LIKE.match("SO100001") and ORDER_LIKE.match("bm40001")
    assert not ORDER_LIKE.match(imei(1)) and not ORDER_LIKE.match("F17XK2ABC")


def test_an_imei_right_after_an_order_number_reaches_the_opened_order(qtbot, ctx, setup):
    receive(ctx.db, [imei(1)])
    with ctx.db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Jane", [orders.LineRequest(1, sku="X")])
        number = order.number
    router = setup["router"]
    with qtbot.waitSignal(router.routed, check_params_cb=lambda code, where: code == imei(1)):
        router.route(number.lower())  # typed in lower case: still that order
        router.route(imei(1))  # scanned before the look-up answered
    assert setup["opened"] == [number]
    assert setup["packing"].scans == [imei(1)] and setup["inventory"].scans == []


def test_unconsumed_codes_open_details_or_say_unknown(qtbot, ctx, setup):
    receive(ctx.db, [imei(1)])
    setup["current"] = Tab(False)
    router = setup["router"]
    with qtbot.waitSignal(router.routed) as blocker:
        router.route(imei(1))
    assert blocker.args == [imei(1), "details"] and setup["details"][0]["imei"] == imei(1)
    with qtbot.waitSignal(router.routed) as blocker:
        router.route(imei(2))
    assert blocker.args == [imei(2), "unknown"] and "Unknown unit" in setup["said"][0]
