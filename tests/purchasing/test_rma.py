"""Vendor RMAs: who may join (from that vendor, in stock, not committed, not sold, on no other open
RMA — the last held by the database), approve (manager), ship with tracking (units to Vendor RMA,
the listing's quantity drops and the pending pushes name it), resolve each line, close."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import fulfilment, orders, pending, returns, settings
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.purchasing import rma, rma_flow, views
from app.domain.quantities import calculated_quantities
from app.domain.station import set_operator
from app.models import Listing, PoReceipt, Unit, VendorRma, VendorRmaLine
from tests.dbfixtures import receive
from tests.purchasing.helpers import call, grade, imeis, read, receive_all, sign_in_roles, vendor_po


@pytest.fixture
def stock(db):
    """Four units bought from PhoneLots, graded: two Available, two in Repair."""
    po = vendor_po(db, qty=4)
    codes = imeis(4)
    receive_all(db, po, codes)
    grade(db, [(codes[0], "A", ""), (codes[1], "A", ""), (codes[2], "C", "Face ID"), (codes[3], "C", "Speaker")])
    return po, codes


def new_rma(db, vendor="PhoneLots", ra="RA-1") -> str:
    return call(db, rma.create_rma, vendor, ra).number


def refusal(db, function, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(db, function, *args, **kw)
    return caught.value


def test_who_may_join(db, stock):
    po, (a, b, c, d) = stock
    other_po = vendor_po(db, vendor="OtherCo")
    stranger, = imeis(1, 50)
    receive_all(db, other_po, [stranger])
    loose, = imeis(1, 60)
    receive(db, loose)
    number = new_rma(db)
    assert "Say why the unit goes back" in str(refusal(db, rma.add_to_rma, number, c, " "))
    wrong = refusal(db, rma.add_to_rma, number, stranger, "dead")
    assert wrong.reason == "wrong_vendor" and str(wrong) == (
        f"Unit {stranger} came from another vendor: only units bought from PhoneLots go on {number}.")
    assert "was not bought on a purchase order" in str(refusal(db, rma.add_to_rma, number, loose, "dead"))
    with db.sessions.begin() as s:
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == a))
        order_number = orders.create_direct_order(s, "Bob", [orders.LineRequest(1, variation_id=variation_id)])[0].number
    call(db, fulfilment.commit_unit, order_number, a)
    committed = refusal(db, rma.add_to_rma, number, a, "dead")
    assert committed.reason == "unit_committed" and str(committed) == (
        f"Unit {a} is on order {order_number}: uncommit it first (Packing → Undo, or `refurbdesk uncommit "
        f"{order_number} {a}`) if it must go back to the vendor.")
    call(db, fulfilment.ship_order, order_number, "TRK", "UPS")
    sold = refusal(db, rma.add_to_rma, number, a, "dead")
    assert sold.reason == "unit_sold" and str(sold).startswith(f"Unit {a} was shipped on order {order_number} (")
    assert str(sold).endswith("it is not in stock, so it cannot go back to the vendor.")
    call(db, rma.add_to_rma, number, c, "Face ID fails")
    again = refusal(db, rma.add_to_rma, number, c, "Face ID fails")
    assert again.reason == "on_open_rma" and str(again) == f"Unit {c} is already on this RMA."
    second = new_rma(db, ra="RA-2")
    elsewhere = refusal(db, rma.add_to_rma, second, c, "Face ID fails")
    assert str(elsewhere) == f"Unit {c} is already on open RMA {number}."
    assert "There is no vendor RMA RMA1" in str(refusal(db, rma.add_to_rma, "RMA1", c, "x"))
    assert "Unknown vendor" in str(refusal(db, rma.create_rma, "Nobody"))


def test_the_database_holds_one_open_rma_per_unit(db, stock):
    _, (_, _, c, _) = stock
    first, second = new_rma(db), new_rma(db)
    call(db, rma.add_to_rma, first, c, "dead")
    with pytest.raises(IntegrityError):
        with db.sessions.begin() as s:
            unit_id = s.scalar(select(Unit.id).where(Unit.imei == c))
            rma_id = s.scalar(select(VendorRma.id).where(VendorRma.number == second))
            s.execute(insert(VendorRmaLine).values(rma_id=rma_id, unit_id=unit_id, reason="x", open=True))
    with db.sessions.begin() as s:  # a resolved (closed) line does not block a new one
        s.execute(VendorRmaLine.__table__.update().values(open=False))
    call(db, rma.add_to_rma, second, c, "dead again")


def test_approval_is_a_managers(db, stock):
    _, (_, _, c, _) = stock
    people = sign_in_roles(db)
    set_operator(people["manager"])
    number = new_rma(db)
    assert "has no units: add some before approving" in str(refusal(db, rma.approve_rma, number))
    call(db, rma.add_to_rma, number, c, "Face ID")
    set_operator(people["packer"])
    with pytest.raises(PermissionRefused, match="Only a manager or admin may do purchasing and vendor returns"):
        call(db, rma.approve_rma, number)
    assert isinstance(refusal(db, rma_flow.ship_rma, number, "1Z"), PermissionRefused)
    set_operator(people["manager"])
    assert "needs a manager's approval first" in str(refusal(db, rma_flow.ship_rma, number, "1Z"))
    call(db, rma.approve_rma, number)
    view = read(db, views.rma_view, number)
    assert (view.status, view.approved_by) == ("approved", "Max")
    assert "units are added only while it is a draft" in str(refusal(db, rma.add_to_rma, number, stock[1][3], "x"))
    assert "not a draft waiting for approval" in str(refusal(db, rma.approve_rma, number))


def test_shipping_drops_the_marketplace_quantity_and_names_the_listing(db, stock):
    _, (a, b, c, _) = stock
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.mapping", "variation")
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == a))
        s.add(Listing(uuid="u-1", listing_id=1, sku="IP12-A", sku_norm="ip12-a", variation_id=variation_id))
    with db.sessions.begin() as s:
        listing_id = s.scalar(select(Listing.id))
        assert calculated_quantities(s)[listing_id].calculated == 2
        pending.forget(s, pending.take(s).row_ids)
    number = new_rma(db)
    call(db, rma.add_to_rma, number, b, "screen burn-in found at packing")
    call(db, rma.add_to_rma, number, c, "Face ID")
    call(db, rma.approve_rma, number)
    with db.reads() as s:
        assert pending.count(s) == 0  # nothing has left yet
    assert "needs the tracking number" in str(refusal(db, rma_flow.ship_rma, number, "  "))
    call(db, rma_flow.ship_rma, number, "1Z999")
    with db.sessions.begin() as s:
        found = pending.take(s)
        assert found.listing_ids is not None and listing_id in found.listing_ids
        assert calculated_quantities(s)[listing_id].calculated == 1
        statuses = dict(s.execute(select(Unit.imei, Unit.status_id)).all())
    assert read(db, returns.unit_report, b)["status"] == "Vendor RMA"
    assert statuses[b] == statuses[c]
    view = read(db, views.rma_view, number)
    assert (view.status, view.tracking) == ("shipped", "1Z999")
    assert "is shipped" in str(refusal(db, rma_flow.ship_rma, number, "1Z999"))
    assert "its units have left" in str(refusal(db, rma.remove_from_rma, number, b))


def test_ship_rechecks_units_committed_meanwhile(db, stock):
    _, (a, *_rest) = stock
    number = new_rma(db)
    call(db, rma.add_to_rma, number, a, "cracked frame")
    call(db, rma.approve_rma, number)
    with db.sessions.begin() as s:
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == a))
        order_number = orders.create_direct_order(s, "Bob", [orders.LineRequest(1, variation_id=variation_id)])[0].number
    call(db, fulfilment.commit_unit, order_number, a)
    refused = refusal(db, rma_flow.ship_rma, number, "1Z")
    assert refused.reason == "unit_committed" and f"is on order {order_number}" in str(refused)
    assert read(db, views.rma_view, number).status == "approved"
    call(db, rma.remove_from_rma, number, a)
    assert read(db, views.rma_view, number).lines == ()


def test_each_resolution_and_closing(db, stock):
    po, (a, b, c, d) = stock
    extra = imeis(1, 30)
    receive_all(db, po, extra, allow_unexpected=True)  # over the line: no users, so allowed
    e = extra[0]
    number = new_rma(db)
    for code in (a, b, c, d, e):
        call(db, rma.add_to_rma, number, code, "defect")
    assert "lines are resolved once it has shipped" in str(refusal(db, rma_flow.resolve_rma_line, number, a, "written_off"))
    call(db, rma.approve_rma, number)
    call(db, rma_flow.ship_rma, number, "1Z")
    assert "needs the amount credited" in str(refusal(db, rma_flow.resolve_rma_line, number, a, "credited"))
    assert "not “lost”" in str(refusal(db, rma_flow.resolve_rma_line, number, a, "lost"))
    call(db, rma_flow.resolve_rma_line, number, a, "credited", credit="150")
    assert "resolved already (credited)" in str(refusal(db, rma_flow.resolve_rma_line, number, a, "written_off"))
    new_code, = imeis(1, 40)
    taken = refusal(db, rma_flow.resolve_rma_line, number, b, "replaced", replacement=c)
    assert taken.reason == "duplicate"
    call(db, rma_flow.resolve_rma_line, number, b, "replaced", replacement=new_code)
    call(db, rma_flow.resolve_rma_line, number, c, "repaired_returned")
    call(db, rma_flow.resolve_rma_line, number, d, "rejected_returned")
    assert read(db, views.rma_view, number).status == "shipped"
    changes = call(db, rma_flow.resolve_rma_line, number, e, "written_off").changes
    assert changes.message.endswith("— RMA closed")
    view = read(db, views.rma_view, number)
    assert view.status == "closed" and view.closed_at is not None and view.open_lines == 0
    assert [(l.code, l.resolution, l.status) for l in view.lines] == [
        (a, "credited", "Returned to vendor"), (b, "replaced", "Returned to vendor"), (c, "repaired_returned", "Processing"),
        (d, "rejected_returned", "Repair"), (e, "written_off", "Written off")]
    assert view.lines[1].replacement == new_code
    assert (view.credit_expected, view.credit_received) == (Decimal("900.00"), Decimal("150.00"))
    with db.reads() as s:
        replacement = s.scalar(select(PoReceipt).join(Unit, Unit.id == PoReceipt.unit_id).where(Unit.imei == new_code))
        original = s.scalar(select(PoReceipt).join(Unit, Unit.id == PoReceipt.unit_id).where(Unit.imei == b))
        assert (replacement.po_line_id, replacement.replaces_unit_id, replacement.unit_cost) == (
            original.po_line_id, original.unit_id, Decimal("180.00"))
    report = read(db, returns.unit_report, new_code)
    assert (report["status"], report["grade"]) == ("Incoming", "Ungraded")
    po_view = read(db, views.po_view, po)
    assert po_view.lines[0].replacements == 1 and po_view.lines[0].received == 5  # the replacement is not counted
    history = read(db, returns.unit_report, a)["history"]
    assert [h["detail"] for h in history if h["event"] == "vendor_rma"][-1] == f"{number}: credited 150.00"


def test_resolution_options_are_checked(db, stock):
    _, (_, _, c, d) = stock
    number = new_rma(db)
    call(db, rma.add_to_rma, number, c, "x")
    call(db, rma.add_to_rma, number, d, "x")
    call(db, rma.approve_rma, number)
    call(db, rma_flow.ship_rma, number, "1Z")
    assert "Only a unit the vendor sends back" in str(refusal(db, rma_flow.resolve_rma_line, number, c, "written_off",
                                                               status="Available"))
    assert "goes to a stock status, not Sold" in str(refusal(db, rma_flow.resolve_rma_line, number, c,
                                                              "repaired_returned", status="Sold"))
    assert "is not on" in str(refusal(db, rma_flow.resolve_rma_line, number, imeis(1)[0], "written_off"))
    call(db, rma_flow.resolve_rma_line, number, c, "repaired_returned", status="Available")
    assert read(db, returns.unit_report, c)["status"] == "Available"
