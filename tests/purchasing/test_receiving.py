"""Receiving by scan: green on the manifest, amber not on it, red refused — each in its own words;
Incoming at the line's cost; over-receipt only for a manager; one PO line per unit, held by the
database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.domain import returns
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.purchasing import manifest, receiving
from app.domain.station import set_operator
from app.models import PoReceipt, Unit
from tests.dbfixtures import receive
from tests.purchasing.helpers import LINE, call, imeis, read, receive_all, sign_in_roles, vendor_po, with_manifest


def refused(db, *args, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(db, receiving.receive_scan, *args, **kw)
    return caught.value


def test_green_amber_red(db):
    po = vendor_po(db, qty=3)
    a, b, stranger = imeis(3)
    with_manifest(db, po, [a, b])
    ok = call(db, receiving.receive_scan, po, a)
    assert (ok.verdict, ok.received_on_line, ok.line_quantity, ok.unexpected) == ("green", 1, 3, False)
    assert ok.message == f"Received {a} → {po} line 1 (Apple iPhone 12 64GB Black · Ungraded) 1/3"

    twice = refused(db, po, a)
    assert (twice.reason, receiving.verdict_of(twice)) == ("duplicate", "red")
    assert f"Already received: {a} was received on {po}" in str(twice)

    amber = refused(db, po, stranger)
    assert (amber.reason, receiving.verdict_of(amber)) == ("unexpected", "amber")
    assert str(amber) == (f"Unexpected: {stranger} is not on {po}'s manifest — accept it to a line "
                          "(--allow-unexpected) or set it aside for quarantine.")

    bad = refused(db, po, "490154203237519")
    assert (bad.reason, receiving.verdict_of(bad)) == ("invalid_code", "red")
    assert "check digit is wrong" in str(bad)

    accepted = call(db, receiving.receive_scan, po, stranger, allow_unexpected=True)
    assert (accepted.verdict, accepted.unexpected) == ("amber", True)
    assert accepted.message.startswith("Unexpected unit accepted:")
    with db.reads() as s:
        flags = dict(s.execute(select(PoReceipt.unit_id, PoReceipt.unexpected)).all())
    assert sorted(flags.values()) == [False, True]


def test_unexpected_names_the_po_whose_manifest_has_it(db):
    first, second = vendor_po(db), vendor_po(db)
    a, b = imeis(2)
    with_manifest(db, first, [a])
    with_manifest(db, second, [b])
    assert f"(it is on {first}'s manifest)" in str(refused(db, second, a))


def test_a_unit_enters_incoming_with_the_line_cost_and_a_link_to_its_line(db):
    po = vendor_po(db)
    a, = imeis(1)
    outcome = call(db, receiving.receive_scan, po, a)  # no manifest: every scan is expected
    assert outcome.verdict == "green"
    with db.reads() as s:
        unit = s.scalar(select(Unit).where(Unit.id == outcome.unit_id))
        assert (unit.status.name, unit.status.sellable, unit.cost, unit.variation.grade.name) == (
            "Incoming", False, Decimal("180.00"), "Ungraded")
        receipt = s.scalar(select(PoReceipt).where(PoReceipt.unit_id == unit.id))
        assert (receipt.po_line_id, receipt.unit_cost) == (outcome.line_id, Decimal("180.00"))
        history = returns.unit_report(s, a)["history"]
    assert history[0]["event"] == "received" and f"{po} line 1" in history[0]["detail"]


def test_product_grade_and_cost_come_from_the_manifest_row_else_the_line(db):
    po = vendor_po(db, lines=(LINE.format(qty=5) + ",grade=B,model_number=A2172",))
    a, b = imeis(2)
    call(db, manifest.import_manifest, po, "imei,manufacturer,model,network,grade,cost\n"
                                           f"{a},Apple,iPhone 12,Unlocked,A,170\n{b},,,,,\n")
    from_row, from_line = receive_all(db, po, [a, b])
    assert (from_row.product, from_row.grade) == ("Apple iPhone 12 A2172 Unlocked 64GB Black", "A")
    assert (from_line.product, from_line.grade) == ("Apple iPhone 12 A2172 64GB Black", "B")
    with db.reads() as s:
        costs = dict(s.execute(select(Unit.imei, Unit.cost)).all())
    assert costs == {a: Decimal("170.00"), b: Decimal("180.00")}


def test_unexpected_goes_onto_a_line_with_room(db):
    po = vendor_po(db, lines=(LINE.format(qty=1), LINE.format(qty=2).replace("iPhone 12", "iPhone 13")))
    a, b = imeis(2)
    with_manifest(db, po, [a])
    receive_all(db, po, [a])
    accepted = call(db, receiving.receive_scan, po, b, allow_unexpected=True)
    assert (accepted.line_number, accepted.product) == (2, "Apple iPhone 13 64GB Black")


def test_over_receipt_needs_a_manager(db):
    people = sign_in_roles(db)
    set_operator(people["manager"])
    po = vendor_po(db, qty=1)
    a, b, c = imeis(3)
    set_operator(people["packer"])
    receive_all(db, po, [a])
    full = refused(db, po, b)
    assert full.reason == "over_receipt"
    assert str(full) == (f"Line 1 of {po} (Apple iPhone 12 64GB Black) is complete (1/1): receiving more needs a "
                         "manager.")
    with db.reads() as s:
        assert s.query(Unit).count() == 1  # nothing was received
    set_operator(people["manager"])
    over = call(db, receiving.receive_scan, po, b)
    assert over.over_receipt and over.message.endswith("2/1 — over-receipt")
    with db.reads() as s:
        assert s.scalar(select(PoReceipt.over_receipt).where(PoReceipt.unit_id == over.unit_id)) is True


def test_receiving_is_a_packers_job_and_refused_to_nobody(db):
    people = sign_in_roles(db)
    set_operator(people["manager"])
    po = vendor_po(db)
    set_operator(None)
    with pytest.raises(PermissionRefused, match="nobody is signed in"):
        call(db, receiving.receive_scan, po, imeis(1)[0])


def test_the_database_holds_one_po_line_per_unit(db):
    po = vendor_po(db)
    a, = imeis(1)
    outcome = call(db, receiving.receive_scan, po, a)
    with pytest.raises(IntegrityError):
        with db.sessions.begin() as s:
            po_id = s.scalar(select(PoReceipt.po_id))
            s.execute(insert(PoReceipt).values(unit_id=outcome.unit_id, po_id=po_id, po_line_id=outcome.line_id))


def test_a_unit_received_without_a_po_is_a_duplicate_too(db):
    a, = imeis(1)
    receive(db, a)
    po = vendor_po(db)
    duplicate = refused(db, po, a)
    assert duplicate.reason == "duplicate" and str(duplicate) == f"Already received: {a} was received — a duplicate, set it aside."


def test_codes_from_a_receiving_csv():
    assert receiving.codes_from_csv("IMEI,grade\n 1 ,A\n\n2,B\n") == ["1", "2"]
    with pytest.raises(DomainError, match="needs a header with an imei or serial column"):
        receiving.codes_from_csv("code\n1\n")
    with pytest.raises(DomainError, match="has no codes"):
        receiving.codes_from_csv("serial\n")


def test_a_received_unit_goes_to_a_stock_status(db):
    po = vendor_po(db)
    for status in ("Sold", "Vendor RMA", "Written off"):
        assert "goes to a stock status" in str(refused(db, po, imeis(1)[0], status=status))
    assert call(db, receiving.receive_scan, po, imeis(1)[0], status="Processing").verdict == "green"


def test_line_numbers(db):
    po = vendor_po(db)
    with pytest.raises(DomainError, match="has lines 1 to 1, not 2"):
        read(db, receiving.line_id_for, po, 2)
    with pytest.raises(DomainError, match="has no line 999"):
        call(db, receiving.receive_scan, po, imeis(1)[0], line_id=999)
