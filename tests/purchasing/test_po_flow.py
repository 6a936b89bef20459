"""Purchase orders: lines parsed with clear refusals; draft → placed → partially received →
received → closed, or cancelled before anything arrives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.errors import DomainError
from app.domain.purchasing import orders, receiving, vendors, views
from app.models import PurchaseOrder
from tests.purchasing.helpers import LINE, call, imeis, read, receive_all, vendor_po


@pytest.mark.parametrize("text, words", [
    ("model=iPhone 12,qty=1,cost=1", "manufacturer= and model= are required"),
    ("manufacturer=Apple,model=X,qty=two,cost=1", "qty= is a whole number"),
    ("manufacturer=Apple,model=X,qty=1,cost=cheap", "cost= is the unit cost"),
    ("manufacturer=Apple,model=X,qty=1,cost=1,size=big", "“size=big” is not one of"),
])
def test_a_bad_line_is_refused_in_words(text, words):
    with pytest.raises(DomainError, match=words):
        orders.parse_line(text)


def test_line_reads_every_field():
    spec = orders.parse_line("manufacturer=Apple, model=iPhone 12 ,model_number=A2172,network=Unlocked,capacity=64GB,"
                             "colour=Black,grade=B,qty=10,cost=180.50")
    assert (spec.manufacturer, spec.model, spec.model_number, spec.network, spec.color, spec.grade) == (
        "Apple", "iPhone 12", "A2172", "Unlocked", "Black", "B")
    assert (spec.quantity, spec.unit_cost) == (10, Decimal("180.50"))


def test_create_refusals_change_nothing(db):
    call(db, vendors.add_vendor, "PhoneLots")
    line = orders.parse_line(LINE.format(qty=2))
    for args, words in [(("Nobody", [line]), "Unknown vendor “Nobody”"),
                        (("PhoneLots", []), "needs at least one line"),
                        (("PhoneLots", [orders.parse_line(LINE.format(qty=0))]), "quantity is 1 to"),
                        (("PhoneLots", [orders.parse_line(LINE.format(qty=1) + ",grade=Z")]), "Unknown grade “Z”"),
                        (("PhoneLots", [orders.parse_line(LINE.format(qty=1).replace("cost=180", "cost=-1"))]),
                         "unit cost")]:
        with pytest.raises(DomainError, match=words):
            call(db, orders.create_po, *args)
    with db.reads() as s:
        assert s.query(PurchaseOrder).count() == 0
    with pytest.raises(DomainError, match="already a vendor named"):
        call(db, vendors.add_vendor, " phonelots ")


def test_status_follows_receiving_and_closing(db):
    po = vendor_po(db, lines=(LINE.format(qty=2), LINE.format(qty=1).replace("iPhone 12", "iPhone 13")))
    assert read(db, views.po_view, po).status == "draft"
    with pytest.raises(DomainError, match="has received nothing, so it cannot be closed — cancel it instead"):
        call(db, orders.close_po, po)
    call(db, orders.place_po, po)
    with pytest.raises(DomainError, match="not a draft"):
        call(db, orders.place_po, po)
    a, b, c = imeis(3)
    receive_all(db, po, [a])
    assert read(db, views.po_view, po).status == "partially_received"
    with pytest.raises(DomainError, match="1 unit\\(s\\) were received on it — close it instead"):
        call(db, orders.cancel_po, po)
    receive_all(db, po, [b])
    assert read(db, views.po_view, po).status == "partially_received"  # line 2 still waits
    receive_all(db, po, [c], line_id=call(db, receiving.line_id_for, po, 2))
    view = read(db, views.po_view, po)
    assert view.status == "received" and (view.received, view.expected) == (3, 3)
    assert [(l.received, l.quantity) for l in view.lines] == [(2, 2), (1, 1)]
    call(db, orders.close_po, po)
    with pytest.raises(DomainError, match=f"{po} is closed: nothing more can be received") as refused:
        call(db, receiving.receive_scan, po, imeis(1, 50)[0])
    assert refused.value.reason == "po_status"


def test_cancel_a_po_nothing_arrived_on(db):
    po = vendor_po(db)
    call(db, orders.cancel_po, po)
    assert read(db, views.po_view, po).status == "cancelled"
    with pytest.raises(DomainError, match="cancelled already"):
        call(db, orders.close_po, po)
    with pytest.raises(DomainError, match="There is no purchase order PO999"):
        call(db, orders.close_po, "PO999")


def test_list_shows_received_vs_expected(db):
    first = vendor_po(db, qty=2)
    second = vendor_po(db, qty=5)
    receive_all(db, first, imeis(1))
    rows = read(db, views.list_pos)
    assert [(r.number, r.received, r.expected) for r in rows] == [(second, 0, 5), (first, 1, 2)]
