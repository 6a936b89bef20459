"""Landed cost spread to the cent; reports: stock value by status and warehouse at cost, aging by
received date, vendor defect rate and open credit, PO received vs expected; costs for managers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.domain import reference
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.purchasing import landed, reports, rma, rma_flow, views
from app.domain.station import set_operator
from app.models import LandedCostShare, Unit
from app.models.base import utcnow
from tests.dbfixtures import receive
from tests.purchasing.helpers import LINE, call, grade, imeis, read, receive_all, sign_in_roles, vendor_po


def test_split_adds_up_to_the_cent():
    assert landed.split(Decimal("10.00"), [Decimal(1)] * 3) == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]
    shares = landed.split(Decimal("100.01"), [Decimal("100"), Decimal("300"), Decimal("0")])
    assert shares == [Decimal("25.00"), Decimal("75.01"), Decimal("0.00")] and sum(shares) == Decimal("100.01")


def test_landed_cost_equally_and_by_cost(db):
    po = vendor_po(db, lines=(LINE.format(qty=1), LINE.format(qty=1).replace("cost=180", "cost=60")))
    a, b = imeis(2)
    receive_all(db, po, [a])
    receive_all(db, po, [b])
    result = call(db, landed.add_landed_cost, po, "40", method="by_cost", description="freight")
    assert result.shares == {a: Decimal("30.00"), b: Decimal("10.00")}
    call(db, landed.add_landed_cost, po, "0.01")
    with db.reads() as s:
        costs = dict(s.execute(select(Unit.imei, Unit.cost)).all())
        assert s.query(LandedCostShare).count() == 4
    assert costs == {a: Decimal("210.01"), b: Decimal("70.00")}
    assert read(db, views.po_view, po).landed_cost == Decimal("40.01")


@pytest.mark.parametrize("amount, kw, words", [
    ("0", {}, "above 0"), ("x", {}, "is not an amount"), ("5", {"method": "weight"}, "not “weight”")])
def test_landed_cost_refusals(db, amount, kw, words):
    po = vendor_po(db)
    receive_all(db, po, imeis(1))
    with pytest.raises(DomainError, match=words):
        call(db, landed.add_landed_cost, po, amount, **kw)


def test_landed_cost_needs_received_units(db):
    po = vendor_po(db)
    with pytest.raises(DomainError, match="has no received units"):
        call(db, landed.add_landed_cost, po, "5")


def test_stock_value_and_aging(db):
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    po = vendor_po(db, qty=3)
    a, b, c = imeis(3)
    receive_all(db, po, [a, b])
    receive_all(db, po, [c], warehouse="Annex")
    old, = imeis(1, 70)
    receive(db, old, cost=Decimal("50"))  # Available, bought long ago
    sold, = imeis(1, 80)
    receive(db, sold, status="Sold", cost=Decimal("999"))  # gone: never counted
    with db.sessions.begin() as s:
        s.execute(update(Unit).where(Unit.imei == old).values(received_at=utcnow() - timedelta(days=100)))
    rows = read(db, reports.stock_value)
    assert [(r.status, r.warehouse, r.units, r.value) for r in rows] == [
        ("Available", "Main", 1, Decimal("50.00")), ("Incoming", "Annex", 1, Decimal("180.00")),
        ("Incoming", "Main", 2, Decimal("360.00"))]
    aging = {r.bucket: (r.units, r.value) for r in read(db, reports.aging)}
    assert aging == {"0-30": (3, Decimal("540.00")), "31-60": (0, Decimal("0.00")), "61-90": (0, Decimal("0.00")),
                     "91-180": (1, Decimal("50.00")), "181+": (0, Decimal("0.00"))}


def test_vendor_defect_rate_and_open_credit(db):
    po = vendor_po(db, qty=4)
    codes = imeis(4)
    receive_all(db, po, codes)
    vendor_po(db, vendor="Quiet Ltd")
    grade(db, [(codes[0], "A", ""), (codes[1], "A", ""), (codes[2], "C", "Face ID"), (codes[3], "C", "Speaker")])
    number = call(db, rma.create_rma, "PhoneLots").number
    call(db, rma.add_to_rma, number, codes[2], "Face ID")
    call(db, rma.add_to_rma, number, codes[3], "Speaker")
    rows = {r.vendor: r for r in read(db, reports.vendor_report)}
    assert (rows["PhoneLots"].sent_back, rows["PhoneLots"].open_credit) == (0, Decimal("0.00"))  # a draft sends nothing
    assert rows["Quiet Ltd"].defect_rate is None
    call(db, rma.approve_rma, number)
    call(db, rma_flow.ship_rma, number, "1Z")
    call(db, rma_flow.resolve_rma_line, number, codes[2], "credited", credit="175")
    row = read(db, reports.vendor_report)[0]
    assert (row.vendor, row.received, row.sent_back, row.defect_rate) == ("PhoneLots", 4, 2, 0.5)
    assert (row.open_credit, row.credit_received) == (Decimal("180.00"), Decimal("175.00"))
    progress = read(db, reports.po_progress)
    assert [(p.vendor, p.received, p.expected) for p in progress] == [("Quiet Ltd", 0, 3), ("PhoneLots", 4, 4)]


def test_costs_are_for_managers(db):
    people = sign_in_roles(db)
    set_operator(people["manager"])
    po = vendor_po(db)
    set_operator(people["packer"])
    receive_all(db, po, imeis(1))
    with pytest.raises(PermissionRefused, match="see costs"):
        read(db, reports.stock_value)
    view = read(db, views.po_view, po)
    assert view.lines[0].unit_cost is None and view.units[0].unit_cost is None and view.landed_cost is None
    assert view.received == 1
    set_operator(people["manager"])
    assert read(db, views.po_view, po).lines[0].unit_cost == Decimal("180.00")
