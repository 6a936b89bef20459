"""Direct orders, status changes and the packing station's rules: each refusal with its own words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import fulfilment, inventory, orders, reference, settings
from app.domain.catalog import variation_for
from app.domain.errors import DomainError, InvalidInput, NotFound, ScanRefused
from app.models import Commitment, OrderLine, OutboxMessage, Unit, UnitEvent
from tests.dbfixtures import PIXEL, make_imei, receive


def create(db, *lines, customer="Alice"):
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, customer, list(lines))
        return order.number


def line(qty=1, *, sku=None, variation=None):
    return orders.LineRequest(qty, variation_id=variation, sku=sku)


def commit(db, number, code):
    with db.sessions.begin() as s:
        return fulfilment.commit_unit(s, number, code)


def refusal(db, number, code) -> ScanRefused:
    with pytest.raises(ScanRefused) as info:
        commit(db, number, code)
    return info.value


def variation_of(db, unit_id):
    with db.reads() as s:
        return s.get(Unit, unit_id).variation_id


def status_of(db, code):
    with db.reads() as s:
        return inventory.find_unit(s, code).status.name


def order_status(db, number):
    with db.reads() as s:
        return orders.get_order(s, number).status.name


def active_commitments(db):
    with db.reads() as s:
        return s.scalars(select(Commitment.unit_id).where(Commitment.active.is_(True))).all()


# --------------------------------------------------------------------------- orders


def test_parse_line():
    assert orders.parse_line("sku=IP13-128-A,qty=2") == orders.LineRequest(2, None, "IP13-128-A")
    assert orders.parse_line("variation=7, qty=1, price=199.90").variation_id == 7
    for bad in ("sku=A,variation=1", "qty=2", "sku=A,qty=0", "sku=A,colour=red", "variation=x", "nonsense"):
        with pytest.raises(InvalidInput):
            orders.parse_line(bad)


def test_direct_order_by_variation_and_by_sku(db):
    vid = variation_of(db, receive(db, make_imei(1), sku="IP8-A"))
    number = create(db, line(1, variation=vid), line(2, sku="ip8-a"), customer="Bob Ltd")
    assert number.startswith("SO") and not number.isdigit()
    with db.reads() as s:
        order = orders.get_order(s, number.lower())
        assert (order.status.name, order.channel.name, order.customer.name) == ("New", "Direct", "Bob Ltd")
        assert [(l.variation_id, l.sku_norm, l.quantity) for l in order.lines] == [(vid, None, 1), (None, "ip8-a", 2)]
    with db.sessions.begin() as s:
        with pytest.raises(NotFound):
            orders.create_direct_order(s, "Bob", [line(1, variation=999999)])
        with pytest.raises(InvalidInput):
            orders.create_direct_order(s, "Bob", [])
        with pytest.raises(NotFound):
            orders.get_order(s, "SO999")


def test_order_numbers_are_unique(db):
    numbers = {create(db, line(1, sku="X")) for _ in range(5)}
    assert len(numbers) == 5


def test_leaving_the_open_statuses_releases_commitments(db):
    receive(db, make_imei(1), sku="S")
    number = create(db, line(1, sku="S"))
    commit(db, number, make_imei(1))
    with db.sessions.begin() as s:
        orders.set_order_status(s, number, "Awaiting payment")  # still open: units stay
    assert active_commitments(db) != []
    with db.sessions.begin() as s, pytest.raises(InvalidInput, match="ship"):
        orders.set_order_status(s, number, "Shipped")
    with db.sessions.begin() as s:
        changes = orders.set_order_status(s, number, "Cancelled")
        assert changes.unit_ids
    assert active_commitments(db) == []
    assert order_status(db, number) == "Cancelled"
    with db.reads() as s:
        kinds = s.scalars(select(UnitEvent.kind).order_by(UnitEvent.id)).all()
    assert kinds[-1] == "released"


# --------------------------------------------------------------------------- fulfilment


def test_commit_a_unit_and_each_refusal_in_its_own_words(db):
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
    a1 = make_imei(1)
    receive(db, a1, sku="IP8")
    receive(db, make_imei(2), sku="IP8")
    receive(db, make_imei(3), sku="IP8", status="Repair")
    receive(db, make_imei(4), product=PIXEL, sku="PX7")
    number = create(db, line(1, sku="IP8"))
    other = create(db, line(1, sku="IP8"))

    verdict = commit(db, number, a1)
    assert (verdict.scanned, verdict.wanted, verdict.code) == (1, 1, a1)
    assert "(1/1)" in verdict.message

    cases = [
        ("490154203237519", fulfilment.INVALID_CODE, "check digit is wrong"),
        ("xx", fulfilment.INVALID_CODE, "not a valid serial"),
        (make_imei(99), fulfilment.UNKNOWN_UNIT, "Unknown unit"),
        (make_imei(3), fulfilment.NOT_SELLABLE, "in status Repair, which is not sellable"),
        (a1, fulfilment.ALREADY_COMMITTED, f"{a1} is already committed to this order"),
        (make_imei(4), fulfilment.NO_MATCHING_LINE, f"matches no line of order {number}"),
        (make_imei(2), fulfilment.LINE_COMPLETE, "already complete (1/1)"),
    ]
    for code, reason, words in cases:
        refused = refusal(db, number, code)
        assert refused.reason == reason, code
        assert words in str(refused), (code, str(refused))
    refused = refusal(db, other, a1)
    assert refused.reason == fulfilment.ALREADY_COMMITTED and f"already committed to order {number}" in str(refused)
    messages = {str(refusal(db, number, c)) for c, _, _ in cases}
    assert len(messages) == len(cases)


def test_order_that_does_not_allow_commits(db):
    receive(db, make_imei(1), sku="S")
    number = create(db, line(1, sku="S"))
    with db.sessions.begin() as s:
        orders.set_order_status(s, number, "Awaiting payment")
    refused = refusal(db, number, make_imei(1))
    assert refused.reason == fulfilment.ORDER_CLOSED and "Awaiting payment" in str(refused)
    with db.sessions.begin() as s:
        orders.set_order_status(s, number, "Cancelled")
    assert refusal(db, number, make_imei(1)).reason == fulfilment.ORDER_CLOSED


def test_already_shipped(db):
    receive(db, make_imei(1), sku="S")
    first = create(db, line(1, sku="S"))
    commit(db, first, make_imei(1))
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, first, "TRACK1")
    refused = refusal(db, create(db, line(1, sku="S")), make_imei(1))
    assert refused.reason == fulfilment.ALREADY_SHIPPED
    assert f"already shipped on order {first}" in str(refused)


def test_sku_line_filled_by_any_variation_carrying_the_sku(db):
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
    receive(db, make_imei(1), grade="A", sku="ip8")
    receive(db, make_imei(2), grade="B", sku="IP8", conditions=("SC",))
    receive(db, make_imei(3), grade="C")  # no SKU
    number = create(db, line(2, sku="Ip8"))
    commit(db, number, make_imei(1))
    assert commit(db, number, make_imei(2)).scanned == 2
    assert refusal(db, number, make_imei(3)).reason == fulfilment.NO_MATCHING_LINE


def test_variation_line_takes_only_that_variation(db):
    vid = variation_of(db, receive(db, make_imei(1), grade="A"))
    receive(db, make_imei(2), grade="B")
    number = create(db, line(1, variation=vid), line(1, sku="NOPE"))
    assert refusal(db, number, make_imei(2)).reason == fulfilment.NO_MATCHING_LINE
    assert commit(db, number, make_imei(1)).scanned == 1


def test_uncommit_frees_the_unit(db):
    receive(db, make_imei(1), sku="S")
    number = create(db, line(1, sku="S"))
    commit(db, number, make_imei(1))
    with db.sessions.begin() as s:
        fulfilment.uncommit_unit(s, number, make_imei(1))
    assert active_commitments(db) == []
    with db.sessions.begin() as s, pytest.raises(DomainError, match="is not committed"):
        fulfilment.uncommit_unit(s, number, make_imei(1))
    other = create(db, line(1, sku="S"))
    commit(db, other, make_imei(1))  # free again
    with db.reads() as s:
        kinds = s.scalars(select(UnitEvent.kind).order_by(UnitEvent.id)).all()
    assert kinds == ["received", "committed", "uncommitted", "committed"]


def test_ship_marks_units_sold_and_keeps_tracking(db):
    receive(db, make_imei(1), sku="S")
    receive(db, "SERIAL-9", sku="S")
    number = create(db, line(2, sku="S"), customer="Carol")
    commit(db, number, make_imei(1))
    commit(db, number, "serial-9")
    with db.sessions.begin() as s, pytest.raises(DomainError, match="tracking number"):
        fulfilment.ship_order(s, number, "  ")
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, " 1Z999 ", " UPS ")
    assert status_of(db, make_imei(1)) == status_of(db, "SERIAL-9") == "Sold"
    with db.reads() as s:
        order = orders.get_order(s, number)
        assert (order.status.name, order.tracking_number, order.carrier) == ("Shipped", "1Z999", "UPS")
        assert order.shipped_at is not None
        assert s.scalars(select(OutboxMessage)).all() == []  # a direct order tells no marketplace
        rows = s.scalars(select(Commitment)).all()
        assert all(not c.active and c.shipped_at is not None for c in rows)
    with db.sessions.begin() as s, pytest.raises(DomainError, match="cannot be shipped"):
        fulfilment.ship_order(s, number, "again")


def test_incomplete_order_refused_unless_allowed(db):
    receive(db, make_imei(1), sku="S")
    number = create(db, line(2, sku="S"))
    with db.sessions.begin() as s, pytest.raises(DomainError) as info:
        fulfilment.ship_order(s, number, "T")
    assert info.value.reason == fulfilment.ORDER_INCOMPLETE and "Nothing is scanned" in str(info.value)
    commit(db, number, make_imei(1))
    with db.sessions.begin() as s, pytest.raises(DomainError, match="missing 1 unit") as info:
        fulfilment.ship_order(s, number, "T")
    assert info.value.reason == fulfilment.ORDER_INCOMPLETE
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, "T", allow_incomplete=True)
    assert order_status(db, number) == "Shipped"
    assert status_of(db, make_imei(1)) == "Sold"


def test_back_market_order_shipping_is_queued_in_the_outbox(db):
    receive(db, make_imei(1), sku="S")
    with db.sessions.begin() as s:
        order = orders.new_order(s, customer="Dana", channel=reference.BACK_MARKET,
                                 status=reference.order_status(s, "Ready to ship"), prefix=orders.BACK_MARKET_PREFIX,
                                 external_id="424242")
        s.add(OrderLine(order_id=order.id, sku="S", sku_norm="s", quantity=1))
        number = order.number
    assert number == "BM424242"
    commit(db, number, make_imei(1))
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, "TRK", "DHL")
    with db.reads() as s:
        (msg,) = s.scalars(select(OutboxMessage)).all()
        assert msg.kind == "ship_order" and "TRK" in msg.payload


def test_unmapped_or_closed_lines_accept_nothing(db):
    receive(db, make_imei(1), sku="S")
    number = create(db, line(1, sku="S"))
    with db.sessions.begin() as s:
        order = orders.get_order(s, number)
        order.lines[0].unmapped = True
    refused = refusal(db, number, make_imei(1))
    assert refused.reason == fulfilment.NO_MATCHING_LINE and "unmapped" in str(refused)
    with db.sessions.begin() as s:
        order = orders.get_order(s, number)
        order.lines[0].unmapped = False
    commit(db, number, make_imei(1))
    with db.sessions.begin() as s:
        order = orders.get_order(s, number)
        freed = orders.close_lines(s, order, {order.lines[0].id}, reason="refunded")
    assert len(freed) == 1 and active_commitments(db) == []
    assert refusal(db, number, make_imei(1)).reason == fulfilment.NO_MATCHING_LINE
