"""A manager approves one over-receipt at a packer's station by name+PIN or badge, without signing
in there: the unit is received and its history says who approved. A wrong PIN (counted towards the
lock-out), a packer's PIN, a disabled manager or no credentials are refused in words and receive
nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import returns, users
from app.domain.errors import DomainError
from app.domain.purchasing import receiving
from app.domain.purchasing.approval import Approval
from app.domain.station import current_operator, set_operator
from app.models import PoReceipt, Unit, User
from tests.purchasing.helpers import call, imeis, receive_all, sign_in_roles, vendor_po


@pytest.fixture
def full_line(db):
    """A PO whose one line is full, a packer signed in; returns (po, next code, people)."""
    people = sign_in_roles(db)
    set_operator(people["admin"])
    call(db, users.set_badge, "Max", "MGR-0042")
    call(db, users.add_user, "Gone", "manager", "5555")
    call(db, users.disable, "Gone")
    set_operator(people["manager"])
    po = vendor_po(db, qty=1)
    a, b = imeis(2)
    set_operator(people["packer"])
    receive_all(db, po, [a])
    yield po, b, people
    set_operator(None)


def units(db) -> int:
    with db.reads() as s:
        return s.query(Unit).count()


def refusal(db, po, code, approval) -> str:
    with pytest.raises(DomainError) as caught:
        call(db, receiving.receive_scan, po, code, approved_by=approval)
    assert "\n" not in str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("approval", [Approval("max", "2345"), Approval(badge=" MGR-0042 ")])
def test_a_managers_pin_or_badge_approves_one_over_receipt(db, full_line, approval):
    po, code, people = full_line
    over = call(db, receiving.receive_scan, po, code, approved_by=approval)
    assert over.over_receipt and over.message.endswith("2/1 — over-receipt approved by Max")
    assert current_operator() == people["packer"]  # the station stays the packer's
    with db.reads() as s:
        history = returns.unit_report(s, code)["history"]
        receipt = s.scalars(select(PoReceipt).where(PoReceipt.unit_id == over.unit_id)).one()
    assert history[0]["event"] == "received" and history[0]["detail"].endswith("over-receipt approved by Max")
    assert (receipt.over_receipt, receipt.operator) == (True, "Pat")
    third = imeis(1, start=3)[0]  # one scan only: the next one is refused again
    assert "receiving more needs a manager" in refusal(db, po, third, None)


def test_refusals_change_nothing(db, full_line):
    po, code, _people = full_line
    cases = [
        (Approval("Max", "0000"), "Not approved: Wrong PIN for Max: 4 attempts left before the account locks."),
        (Approval("Pat", "1234"), "Not approved: Pat is a packer; only a manager or admin may approve an over-receipt."),
        (Approval("Nobody", "1234"), "Not approved: Unknown name: no operator is called “Nobody”."),
        (Approval("Gone", "5555"), "Not approved: Gone's account is disabled; an admin can enable it."),
        (Approval("Max", ""), "Not approved: Max's PIN is needed to approve an over-receipt."),
        (Approval(), "Not approved: a manager's name and PIN, or their badge, is needed to approve an over-receipt."),
        (Approval(badge="NOPE-1"), "Not approved: Unknown badge: no operator has this badge code."),
    ]
    for approval, words in cases:
        assert refusal(db, po, code, approval) == words
    assert units(db) == 1
    with db.reads() as s:
        assert s.scalar(select(User.failed_attempts).where(User.name == "Max")) == 1  # the wrong PIN counted
    assert "2345" not in repr(Approval("Max", "2345"))


def test_an_approval_does_not_unlock_other_refusals(db, full_line):
    po, code, _people = full_line
    first = imeis(1)[0]
    assert "Already received" in refusal(db, po, first, Approval("Max", "2345"))
    assert units(db) == 1
