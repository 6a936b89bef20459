"""Demo stock for `refurbdesk demo`: every demo variation's units, a few in the workshop, orders."""

from __future__ import annotations

import logging

from app.db import Database
from app.demo.catalog import DEMO_VARIATIONS
from app.domain import addresses, fulfilment, inventory, orders, settings
from app.domain.catalog import ProductSpec
from app.domain.codes import luhn_check_digit
from app.domain.inventory import Receipt

log = logging.getLogger(__name__)

# Where the demo's direct orders go (made up), so they can be sent to the ShipStation sandbox.
NORTHSIDE = "name=Northside Phone Repair,street1=14 Northside Road,city=Leeds,postal_code=LS1 4AB,country=GB"
JANE_DOE = "name=Jane Doe,street1=8 rue des Lilas,city=Lyon,postal_code=69003,country=FR"
DEMO_LABEL = "9400111899561704681189"  # the label the demo "buys" in ShipStation for Jane Doe's order

# Every demo IMEI starts with this TAC-like prefix, so demo codes are easy to tell apart.
DEMO_TAC = "35391810"


def demo_imei(n: int) -> str:
    body = f"{DEMO_TAC}{n:06d}"
    return body + luhn_check_digit(body)


def seed_demo(db: Database) -> dict[str, object]:
    """Receive the demo stock and create direct orders; returns what was made (for screenshots, tests)."""
    codes: list[list[str]] = []
    n = 0
    with db.sessions.begin() as s:
        for v in DEMO_VARIATIONS:
            spec = ProductSpec(v.manufacturer, v.model, v.model_number, v.network, v.capacity, v.color)
            receipt = Receipt(spec, v.grade, v.conditions, "Available", "Main", v.sku)
            mine = []
            for _ in range(v.units):
                n += 1
                unit, _changes = inventory.receive_unit(s, receipt, code=demo_imei(n))
                mine.append(unit.code)
            codes.append(mine)
        # The workshop: one unit being repaired, one still in processing.
        inventory.move_unit(s, codes[0][-1], status="Repair")
        inventory.move_unit(s, codes[3][-1], status="Processing")
        variation_of = {v.sku: inventory.find_unit(s, c[0]).variation_id for v, c in zip(DEMO_VARIATIONS, codes)}
        made = []
        # A two-line order, one unit already scanned onto it: the packer picks it up mid-way.
        order, _ = orders.create_direct_order(s, "Northside Phone Repair", [
            orders.LineRequest(2, sku=DEMO_VARIATIONS[0].sku),
            orders.LineRequest(1, variation_id=variation_of[DEMO_VARIATIONS[5].sku]),
        ])
        fulfilment.commit_unit(s, order.number, codes[0][0])
        made.append(order.number)
        addresses.set_address(s, order.id, addresses.parse_ship_to(NORTHSIDE))
        order, _ = orders.create_direct_order(s, "Jane Doe", [orders.LineRequest(1, sku=DEMO_VARIATIONS[7].sku)])
        addresses.set_address(s, order.id, addresses.parse_ship_to(JANE_DOE))
        made.append(order.number)
        # One already shipped, so the returns desk and the look-up have a customer to show.
        order, _ = orders.create_direct_order(s, "Lucas Martin", [orders.LineRequest(1, sku=DEMO_VARIATIONS[4].sku)])
        fulfilment.commit_unit(s, order.number, codes[4][0])
        fulfilment.ship_order(s, order.number, "1Z999AA10123456784", "UPS")
        made.append(order.number)
    log.info("demo: %d units, orders %s", n, ", ".join(made))
    return {"units": n, "orders": made, "shipped_unit": codes[4][0], "codes": codes}


def mark_demo(db: Database, *, sync: bool) -> None:
    """A demo database talks only to the local sandbox (build_client refuses any other host); without
    the sandbox the sync is switched off and no address is set."""
    with db.sessions.begin() as s:
        settings.set_(s, "database.demo", True)
        settings.set_(s, "backmarket.enabled", sync)
        settings.set_(s, "backmarket.api_url", "")


def connect_backmarket(db: Database, api_url: str) -> None:
    """Point the Back Market settings at a local sandbox, mapping listings by SKU."""
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.api_url", api_url)
        settings.set_(s, "backmarket.mapping", "sku")
        settings.set_(s, "backmarket.statuses", ["Available"])
        settings.set_(s, "backmarket.since_days", 30)


def connect_shipstation(db: Database, api_url: str) -> None:
    """Point the ShipStation settings at a local sandbox and switch the steps on."""
    with db.sessions.begin() as s:
        settings.set_(s, "shipstation.api_url", api_url)
        settings.set_(s, "shipstation.enabled", True)
        settings.set_(s, "shipstation.backmarket_orders", "push")


def buy_demo_label(db: Database, store, order_number: str) -> None:
    """Send the open orders to the ShipStation sandbox once, then "buy" a label there for one of them
    as a seller would in ShipStation: the app then shows it waiting for the packer, with its tracking."""
    from app.integrations.shipstation.steps import run_shipstation_cycle

    result = run_shipstation_cycle(db)
    if result is None or result.error:
        log.warning("demo: orders not sent to the ShipStation sandbox: %s", result.error if result else "off")
        return
    with store.lock:
        store.buy_label(order_number, tracking_number=DEMO_LABEL, carrier_code="stamps_com", cost=7.85)
