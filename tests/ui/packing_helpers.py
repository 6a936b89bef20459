"""Shared set-up for the packing, Back Market and sync-worker GUI tests (and the screenshots).

The demo stock and orders to pack, on the `db` / `ctx` fixtures of tests/ui/conftest.py (a
throw-away SQLite file, a UiContext on a private event bus). Key events carry explicit timestamps,
as a real keyboard-wedge scanner's would, so the real WedgeScanFilter decides what is a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from app.db import Database, open_database
from app.demo.catalog import DEMO_VARIATIONS
from app.domain import inventory, orders, reference
from app.domain.catalog import ProductSpec
from app.domain.codes import luhn_check_digit
from app.domain.setup import initialize
from app.models import OrderLine

SCANNER_GAP_MS = 4


def make_imei(n: int, prefix: str = "35") -> str:
    body = f"{prefix}{n:0{14 - len(prefix)}d}"
    return body + luhn_check_digit(body)


@dataclass
class DemoStock:
    """IMEIs received per demo SKU, plus units that exist but cannot be sold."""

    by_sku: dict[str, list[str]] = field(default_factory=dict)
    variation_by_sku: dict[str, int] = field(default_factory=dict)
    in_repair: str = ""

    def imei(self, sku: str, i: int = 0) -> str:
        return self.by_sku[sku][i]


def make_ui_db(folder: Path) -> Database:
    db = open_database(f"sqlite:///{folder / 'refurbdesk-ui.sqlite3'}")
    initialize(db)
    return db


def seed_stock(db: Database, per_variation: int | None = None, imei_prefix: str = "35") -> DemoStock:
    stock = DemoStock()
    n = 0
    with db.sessions.begin() as s:
        for demo in DEMO_VARIATIONS:
            spec = ProductSpec(demo.manufacturer, demo.model, demo.model_number, demo.network, demo.capacity, demo.color)
            receipt = inventory.Receipt(spec, demo.grade, demo.conditions, sku=demo.sku)
            for _ in range(per_variation or demo.units):
                n += 1
                unit, _ = inventory.receive_unit(s, receipt, imei=make_imei(n, imei_prefix))
                stock.by_sku.setdefault(demo.sku, []).append(unit.imei or "")
                stock.variation_by_sku[demo.sku] = unit.variation_id
        first = DEMO_VARIATIONS[0]
        spec = ProductSpec(first.manufacturer, first.model, first.model_number, first.network, first.capacity, first.color)
        n += 1
        unit, _ = inventory.receive_unit(s, inventory.Receipt(spec, first.grade, first.conditions, status="Repair"),
                                         imei=make_imei(n, imei_prefix))
        stock.in_repair = unit.imei or ""
    return stock


def direct_order(db: Database, customer: str, lines: list[tuple[str, int]], address: str = "") -> str:
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, customer, [orders.LineRequest(q, sku=sku) for sku, q in lines])
        order.shipping_address = address
        return order.number


def back_market_order(db: Database, external_id: str, customer: str, lines: list[tuple[str, int, bool]],
                      address: str = "", status: str = "New") -> str:
    """lines: (sku, quantity, mapped). An unmapped line is for a listing nobody mapped yet."""
    with db.sessions.begin() as s:
        order = orders.new_order(s, customer=customer, channel=reference.BACK_MARKET,
                                 status=reference.order_status(s, status), prefix=orders.BACK_MARKET_PREFIX,
                                 external_id=external_id, shipping_address=address)
        for i, (sku, qty, mapped) in enumerate(lines):
            s.add(OrderLine(order_id=order.id, sku=sku if mapped else None, sku_norm=sku.lower() if mapped else None,
                            quantity=qty, external_id=f"{external_id}-{i}", listing_sku=sku, unmapped=not mapped,
                            title=sku))
        s.flush()
        return order.number


def cancel_line_remotely(db: Database, number: str, line_index: int = 0, state: int = 4, note: str = "") -> None:
    """What the sync does when Back Market cancels a line: close it, free its units, note it."""
    with db.sessions.begin() as s:
        order = orders.get_order(s, number, lock=True)
        line = order.lines[line_index]
        line.remote_state = state
        orders.close_lines(s, order, {line.id}, reason="cancelled on Back Market")
        if note:
            order.note = note
        s.flush()
        return None


# --- a keyboard-wedge scanner ---------------------------------------------------------------


class Clock:
    def __init__(self, start: int = 5_000_000) -> None:
        self.now = start

    def tick(self, ms: int) -> int:
        self.now += ms
        return self.now


def key_for(ch: str) -> int:
    if ch == "\r":
        return Qt.Key.Key_Return.value
    if ch == "\t":
        return Qt.Key.Key_Tab.value
    return QKeySequence(ch.upper())[0].key().value if ch.strip() else Qt.Key.Key_Space.value


def press(widget: QWidget, ch: str, timestamp: int) -> None:
    modifiers = Qt.KeyboardModifier.ShiftModifier if ch.isupper() else Qt.KeyboardModifier.NoModifier
    text = "" if ch in "\r\t" else ch
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key_for(ch), modifiers, text)
        event.setTimestamp(timestamp)
        QApplication.sendEvent(widget, event)


def scan_keys(widget: QWidget, code: str, clock: Clock, terminator: str = "\r") -> None:
    """A scanner 'types' the code a few ms per key and ends with Enter, well after any earlier scan."""
    clock.tick(1500)
    for ch in code + terminator:
        press(widget, ch, clock.tick(SCANNER_GAP_MS))


def add_listings(db: Database) -> dict[str, str]:
    """The demo's Back Market listings as a sync would import them; returns SKU → listing UUID."""
    from app.demo.catalog import DEMO_UNMATCHED_LISTING
    from app.models import Listing

    uuids: dict[str, str] = {}
    rows = [(d.sku, d.title, d.bm_grade, d.price) for d in DEMO_VARIATIONS] + [DEMO_UNMATCHED_LISTING]
    with db.sessions.begin() as s:
        for i, (sku, title, grade, price) in enumerate(rows, start=1):
            uuid = f"00000000-0000-4000-8000-{i:012d}"
            s.add(Listing(uuid=uuid, listing_id=1000 + i, sku=sku, sku_norm=sku.lower(), title=title, grade=grade,
                          price=price, currency="EUR", bm_quantity=0, publication_state=2))
            uuids[sku] = uuid
    return uuids
