"""A unit on an open order or already shipped is protected (PRODUCT.md, "Integrity rules").

Its status and grade cannot change while it is committed; it leaves the sold status only through the
returns desk; shipping re-checks every committed unit under a lock. Each refusal names the order and
the unit and changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.domain import fulfilment, inventory, orders, reference, returns
from app.domain.errors import DomainError, ScanRefused
from app.models import Commitment, UnitEvent
from tests.dbfixtures import make_imei, receive


def new_order(db, code, *, customer="Alice") -> str:
    with db.sessions.begin() as s:
        variation = inventory.find_unit(s, code).variation_id
        order, _ = orders.create_direct_order(s, customer, [orders.LineRequest(1, variation_id=variation)])
        return order.number


def commit(db, number, code):
    with db.sessions.begin() as s:
        return fulfilment.commit_unit(s, number, code)


def ship(db, number, tracking="T-1"):
    with db.sessions.begin() as s:
        return fulfilment.ship_order(s, number, tracking, "UPS")


def sold_unit(db, code) -> str:
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    ship(db, number)
    return number


def snapshot(db, code):
    """Everything a refused change must leave as it was."""
    with db.reads() as s:
        unit = inventory.find_unit(s, code)
        events = s.scalar(select(func.count(UnitEvent.id)).where(UnitEvent.unit_id == unit.id))
        active = s.scalar(select(func.count(Commitment.id)).where(Commitment.unit_id == unit.id, Commitment.active.is_(True)))
        return unit.status.name, unit.warehouse.name, unit.variation_id, events, active


def refused(db, action) -> DomainError:
    with pytest.raises(DomainError) as info:
        with db.sessions.begin() as s:
            action(s)
    message = str(info.value)
    assert "\n" not in message
    return info.value


# --------------------------------------------------------------------------- committed units


def test_status_of_a_committed_unit_cannot_change(db):
    code = make_imei(1)
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    before = snapshot(db, code)
    error = refused(db, lambda s: inventory.move_unit(s, code, status="Repair"))
    assert number in str(error) and code in str(error)
    assert "uncommit it first" in str(error) and f"refurbdesk uncommit {number} {code}" in str(error)
    assert error.reason == "unit_committed"
    # status and warehouse together: refused as a whole, the warehouse does not move either
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    refused(db, lambda s: inventory.move_unit(s, code, status="Repair", warehouse="Annex"))
    assert snapshot(db, code) == before
    # the order still ships it, in its sellable status
    ship(db, number)
    assert snapshot(db, code)[0] == "Sold"


def test_grade_of_a_committed_unit_cannot_change(db):
    code = make_imei(1)
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    before = snapshot(db, code)
    error = refused(db, lambda s: inventory.regrade_unit(s, code, "C"))
    assert number in str(error) and "uncommit it first" in str(error)
    refused(db, lambda s: inventory.regrade_unit(s, code, "A", ["CG"]))  # conditions are the grade too
    assert snapshot(db, code) == before


def test_a_committed_unit_may_change_warehouse(db):
    """Decision: the box moves (packing bench → shipping shelf); the phone stays on its order."""
    code = make_imei(1)
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Shipping shelf")
        inventory.move_unit(s, code, warehouse="Shipping shelf")
        inventory.move_unit(s, code, status="Available")  # naming its current status changes nothing: allowed
    status, warehouse, _, _, active = snapshot(db, code)
    assert (status, warehouse, active) == ("Available", "Shipping shelf", 1)


def test_after_uncommit_the_unit_is_free_again(db):
    code = make_imei(1)
    receive(db, code)
    number = new_order(db, code)
    commit(db, number, code)
    with db.sessions.begin() as s:
        fulfilment.uncommit_unit(s, number, code)
    with db.sessions.begin() as s:
        inventory.move_unit(s, code, status="Repair")
        inventory.regrade_unit(s, code, "B")
    assert snapshot(db, code)[0] == "Repair"


# --------------------------------------------------------------------------- shipped units


def test_a_shipped_unit_leaves_sold_only_through_the_returns_desk(db):
    code = make_imei(1)
    number = sold_unit(db, code)
    before = snapshot(db, code)
    error = refused(db, lambda s: inventory.move_unit(s, code, status="Available"))
    assert number in str(error) and code in str(error)
    assert "returns desk" in str(error) and f"refurbdesk return {code}" in str(error)
    assert error.reason == "unit_sold"
    with db.sessions.begin() as s:
        inventory.move_unit(s, code, status="Sold", warehouse="Main")  # where it already is: nothing changes
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    refused(db, lambda s: inventory.move_unit(s, code, warehouse="Annex"))
    refused(db, lambda s: inventory.regrade_unit(s, code, "C"))
    assert snapshot(db, code) == before
    # the returns desk takes it back, and from then on it is an ordinary unit
    with db.sessions.begin() as s:
        returns.receive_return(s, code, status="Returned", warehouse="Annex", grade="B")
    with db.sessions.begin() as s:
        inventory.move_unit(s, code, status="Available")
    assert snapshot(db, code)[:2] == ("Available", "Annex")


def test_only_shipping_puts_a_unit_in_sold(db):
    code = make_imei(1)
    receive(db, code)
    before = snapshot(db, code)
    error = refused(db, lambda s: inventory.move_unit(s, code, status="sold"))
    assert "ship" in str(error) and error.reason == "not_shipped"
    assert snapshot(db, code) == before


def test_the_same_phone_is_never_shipped_twice(db):
    """The issue's scenario: ship, move back to Available by a plain move, commit and ship again."""
    code = make_imei(1)
    first = sold_unit(db, code)
    refused(db, lambda s: inventory.move_unit(s, code, status="Available"))
    second = new_order(db, code, customer="Bob")
    with pytest.raises(ScanRefused) as info:
        commit(db, second, code)
    assert info.value.reason == fulfilment.ALREADY_SHIPPED and first in str(info.value)
    # Even a sold status someone marked sellable does not let it onto an order.
    with db.sessions.begin() as s:
        reference.define_status(s, "Sold", sellable=True)
    with pytest.raises(ScanRefused) as info:
        commit(db, second, code)
    assert info.value.reason == fulfilment.ALREADY_SHIPPED


def test_ship_refuses_a_unit_shipped_before_and_never_returned(db):
    """A database written before these rules may hold a shipped unit moved back to Available."""
    code = make_imei(1)
    first = sold_unit(db, code)
    with db.sessions.begin() as s:
        s.execute(text("UPDATE units SET status_id = (SELECT id FROM inventory_statuses WHERE name = 'Available')"))
    second = new_order(db, code, customer="Bob")
    commit(db, second, code)  # it looks available: the scan cannot know better without history
    with pytest.raises(DomainError) as info:
        ship(db, second, "T-2")
    message = str(info.value)
    assert code in message and first in message and "already shipped" in message and "\n" not in message
    assert info.value.reason == "unit_already_shipped"
    with db.reads() as s:
        assert orders.get_order(s, second).status.name == "New"
    assert snapshot(db, code)[4] == 1  # still committed, nothing shipped


# --------------------------------------------------------------------------- ship re-checks


def two_units_on_order(db):
    a, b = make_imei(1), make_imei(2)
    receive(db, a)
    receive(db, b)
    with db.sessions.begin() as s:
        variation = inventory.find_unit(s, a).variation_id
        order, _ = orders.create_direct_order(s, "Alice", [orders.LineRequest(2, variation_id=variation)])
        number = order.number
    commit(db, number, a)
    commit(db, number, b)
    return number, a, b


def assert_nothing_shipped(db, number, *codes):
    with db.reads() as s:
        assert orders.get_order(s, number).status.name == "New"
    for code in codes:
        status, _, _, _, active = snapshot(db, code)
        assert (status, active) == ("Available", 1)


def test_ship_refuses_a_unit_no_longer_sellable(db):
    number, a, b = two_units_on_order(db)
    with db.sessions.begin() as s:  # a path outside the domain (an older station, a manual fix)
        s.execute(text("UPDATE units SET status_id = (SELECT id FROM inventory_statuses WHERE name = 'Repair') "
                       "WHERE imei = :code"), {"code": b})
    with pytest.raises(DomainError) as info:
        ship(db, number)
    assert b in str(info.value) and "Repair" in str(info.value) and info.value.reason == "unit_not_sellable"
    with db.reads() as s:
        assert orders.get_order(s, number).status.name == "New"
    assert snapshot(db, a)[0] == "Available" and snapshot(db, a)[4] == 1


def test_ship_refuses_a_unit_that_no_longer_matches_its_line(db):
    number, a, b = two_units_on_order(db)
    with db.sessions.begin() as s:
        from app.domain.catalog import variation_for
        from tests.dbfixtures import PIXEL
        other, _ = variation_for(s, PIXEL, "A", [])
        s.execute(text("UPDATE units SET variation_id = :v WHERE imei = :code"), {"v": other.id, "code": a})
    with pytest.raises(DomainError) as info:
        ship(db, number)
    assert a in str(info.value) and "no longer matches" in str(info.value) and info.value.reason == "unit_mismatch"
    with db.reads() as s:
        assert orders.get_order(s, number).status.name == "New"
    assert snapshot(db, b)[:1] == ("Available",)


def test_ship_rechecks_sku_lines_by_sku(db):
    a = make_imei(1)
    receive(db, a, sku="S-1")
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Alice", [orders.LineRequest(1, sku="s-1")])
        number = order.number
    commit(db, number, a)
    with db.sessions.begin() as s:
        s.execute(text("UPDATE variations SET sku = 'OTHER', sku_norm = 'other'"))
    with pytest.raises(DomainError) as info:
        ship(db, number)
    assert info.value.reason == "unit_mismatch" and "S-1" in str(info.value).upper()
    with db.sessions.begin() as s:
        s.execute(text("UPDATE variations SET sku = 'S-1', sku_norm = 's-1'"))
    ship(db, number)
    assert snapshot(db, a)[0] == "Sold"


# --------------------------------------------------------------------------- two stations at once


@pytest.mark.postgres
def test_a_scan_and_a_move_of_the_same_unit_at_once(pg_db):
    """One station scans a unit onto an order while another moves it to Repair: whichever locks the unit
    first wins, the other is refused in words, and a committed unit is never left unsellable."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from tests.db import race_workers
    from tests.domain import race_moves

    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    outcomes = set()
    with ProcessPoolExecutor(2, mp_context=ctx, initializer=race_workers.init, initargs=(barrier,)) as pool:
        for r in range(8):
            code = make_imei(r)
            receive(pg_db, code)
            number = new_order(pg_db, code)
            a = pool.submit(race_workers.commit, pg_db.url, "bench-1", number, code)
            b = pool.submit(race_moves.move, pg_db.url, "bench-2", code, "Repair")
            results = [a.result(timeout=120), b.result(timeout=120)]
            assert not [x for x in results if x[0] == "crash"], results
            status, _, _, _, active = snapshot(pg_db, code)
            if results[0][0] == "ok":  # the scan won: the move was refused, naming the order
                assert results[1][:2] == ("refused", "unit_committed") and number in results[1][2]
                assert (status, active) == ("Available", 1)
            else:  # the move won: the scan found the unit not sellable
                assert results[0][1] == fulfilment.NOT_SELLABLE and results[1][0] == "ok"
                assert (status, active) == ("Repair", 0)
            outcomes.add(results[0][0])
    assert outcomes  # both interleavings are valid; which ones happen is up to the scheduler
