"""Calculated quantity on hand-built scenarios (PRODUCT.md, "Calculated quantity")."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select

from app.domain import catalog, fulfilment, orders, quantities, reference, settings
from app.domain.quantities import calculated_quantities, match_set_quantity
from app.models import Listing, Setting, Unit
from tests.dbfixtures import PIXEL, make_imei, receive

_ids = itertools.count(1)


def add_listing(db, sku="", *, variation=None, reserve=0, max_listed=None) -> int:
    with db.sessions.begin() as s:
        n = next(_ids)
        row = Listing(uuid=f"uuid-{n}-{sku}", listing_id=100000 + n, sku=sku, sku_norm=sku.strip().lower(),
                      variation_id=variation, reserve=reserve, max_listed=max_listed)
        s.add(row)
        s.flush()
        return row.id


def put(db, key, value):
    with db.sessions.begin() as s:
        settings.set_(s, key, value)


def put_unchecked(db, key, value):
    """What an older version may have stored, bypassing the checks on write."""
    with db.sessions.begin() as s:
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=json.dumps(value)))
        else:
            row.value = json.dumps(value)


def q(db, lid):
    with db.reads() as s:
        full = calculated_quantities(s)[lid]
        assert calculated_quantities(s, {lid}) [lid] == full  # the fast path agrees
        return full.available, full.outstanding, full.calculated


def stock(db, n, start, **kw) -> list[str]:
    codes = [make_imei(start + i) for i in range(n)]
    for c in codes:
        receive(db, c, **kw)
    return codes


def vid(db, code):
    with db.reads() as s:
        return s.scalar(select(Unit.variation_id).where(Unit.imei == code))


def new_order(db, *lines, status=None):
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Buyer", list(lines))
        number = order.number
    if status:
        with db.sessions.begin() as s:
            orders.set_order_status(s, number, status)
    return number


def commit(db, number, code):
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, code)


def test_statuses_and_warehouses_not_selected_do_not_count(db):
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "Annex")
    stock(db, 3, 1, sku="S")
    stock(db, 1, 10, sku="S", status="Repair")
    stock(db, 2, 20, sku="S", warehouse="Annex")
    lid = add_listing(db, "s")
    assert q(db, lid) == (5, 0, 5)  # default: Available, every warehouse
    put(db, "backmarket.warehouses", ["Main"])
    assert q(db, lid) == (3, 0, 3)
    put(db, "backmarket.statuses", ["Available", "Repair"])
    assert q(db, lid) == (4, 0, 4)
    put(db, "backmarket.warehouses", ["Main", "Annex"])
    assert q(db, lid) == (6, 0, 6)
    # A scope naming nothing is refused on write (tests/domain/test_settings_validation.py); one an
    # older version stored still counts nothing here, and the push refuses it (settings.counted_scope).
    put_unchecked(db, "backmarket.statuses", [])
    assert q(db, lid) == (0, 0, 0)
    put(db, "backmarket.statuses", ["Available"])
    put_unchecked(db, "backmarket.warehouses", ["Nowhere"])
    assert q(db, lid) == (0, 0, 0)


def test_committed_units_and_outstanding_demand(db):
    codes = stock(db, 5, 1, sku="S")
    lid = add_listing(db, "S")
    open_order = new_order(db, orders.LineRequest(3, sku="S"))
    assert q(db, lid) == (5, 3, 2)  # nothing scanned yet: demand already reserves stock
    commit(db, open_order, codes[0])
    assert q(db, lid) == (4, 2, 2)  # partly scanned line: 1 unit busy, 2 still wanted
    commit(db, open_order, codes[1])
    commit(db, open_order, codes[2])
    assert q(db, lid) == (2, 0, 2)
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, open_order, "T")
    assert q(db, lid) == (2, 0, 2)  # shipped units are Sold, the closed order wants nothing
    waiting = new_order(db, orders.LineRequest(1, sku="S"), status="Awaiting payment")
    assert q(db, lid) == (2, 1, 1)  # open but not yet committable still reserves
    cancelled = new_order(db, orders.LineRequest(4, sku="S"))
    commit(db, cancelled, codes[3])
    assert q(db, lid) == (1, 4, 0)  # never below zero
    with db.sessions.begin() as s:
        orders.set_order_status(s, cancelled, "Cancelled")
    assert q(db, lid) == (2, 1, 1)  # cancelling released the unit and the demand
    with db.sessions.begin() as s:
        orders.set_order_status(s, waiting, "Refunded")
    assert q(db, lid) == (2, 0, 2)


def test_a_committed_unit_cannot_leave_the_counted_statuses(db):
    """A committed unit keeps its status (uncommit first), so it never counts or un-counts twice.

    (This test used to move the committed unit to Processing and bless it; issue #9 finding 2.)
    """
    codes = stock(db, 2, 1, sku="S")
    lid = add_listing(db, "S")
    number = new_order(db, orders.LineRequest(1, sku="S"))
    commit(db, number, codes[0])
    from app.domain import inventory
    from app.domain.errors import Conflict
    with pytest.raises(Conflict, match="uncommit it first"):
        with db.sessions.begin() as s:
            inventory.move_unit(s, codes[0], status="Processing")
    assert q(db, lid) == (1, 0, 1)


def test_sku_lines_several_variations_can_fill(db):
    put(db, "catalog.sku_unique", False)
    a = stock(db, 2, 1, grade="A", sku="S")
    b = stock(db, 3, 10, grade="B", sku="s")
    stock(db, 4, 20, grade="C")  # no SKU: not in either match set
    put(db, "backmarket.mapping", "variation")
    la = add_listing(db, "whatever-a", variation=vid(db, a[0]))
    lb = add_listing(db, "whatever-b", variation=vid(db, b[0]))
    new_order(db, orders.LineRequest(2, sku="S"))
    # each listing can fill the SKU line, so each sees its demand (demand is not split between them)
    assert q(db, la) == (2, 2, 0)
    assert q(db, lb) == (3, 2, 1)
    put(db, "backmarket.mapping", "sku")
    ls = add_listing(db, "S")
    assert q(db, ls) == (5, 2, 3)
    with db.reads() as s:
        assert match_set_quantity(s, {vid(db, a[0]), vid(db, b[0])}) == (5, 2)
        assert match_set_quantity(s, set()) == (0, 0)


def test_sku_mode_a_line_counts_once_for_each_listing_it_can_fill(db):
    """SKU mode, all listings at once and one at a time: a line's demand reaches every listing whose
    SKU it names or whose SKU its variation carries, once per listing however it matches."""
    put(db, "catalog.sku_unique", False)
    a = stock(db, 3, 1, grade="A", sku="SA")
    b = stock(db, 2, 10, grade="B", sku="SB")
    va, vb = vid(db, a[0]), vid(db, b[0])
    la, la2, lb, lc = add_listing(db, "SA"), add_listing(db, " sa "), add_listing(db, "SB"), add_listing(db, "SC")
    new_order(db, orders.LineRequest(1, variation_id=va, sku="sa"))  # both ways to SA: counted once
    new_order(db, orders.LineRequest(2, variation_id=va, sku="SB"))  # variation's SKU and the named one
    assert q(db, la) == q(db, la2) == (3, 3, 0)  # two listings of one SKU each see all of its demand
    assert q(db, lb) == (2, 2, 0)
    assert q(db, lc) == (0, 0, None)
    with db.sessions.begin() as s:
        catalog.assign_sku(s, [va], "SC")  # the variation now carries SC: its units and its lines follow
    assert q(db, la) == (0, 0, None)  # no variation carries SA any more: nothing to list
    assert q(db, lc) == (3, 3, 0)
    assert q(db, lb) == (2, 2, 0)
    with db.sessions.begin() as s:
        catalog.assign_sku(s, [vb], None)  # no SKU: its units count for no SKU listing
    assert q(db, lb) == (0, 0, None)
    stock(db, 1, 20, grade="C", sku="sb")  # another variation takes up SB: the named line wants it
    assert q(db, lb) == (1, 2, 0)


def test_variation_line_demand_only_for_its_variation(db):
    a = stock(db, 3, 1, grade="A", sku="SA")
    b = stock(db, 3, 10, grade="B", sku="SB")
    new_order(db, orders.LineRequest(2, variation_id=vid(db, a[0])), orders.LineRequest(1, sku="SB"))
    la, lb = add_listing(db, "SA"), add_listing(db, "SB")
    assert (q(db, la), q(db, lb)) == ((3, 2, 1), (3, 1, 2))
    put(db, "backmarket.mapping", "variation")
    with db.sessions.begin() as s:
        s.get(Listing, la).variation_id = vid(db, b[0])  # mapped "wrongly": the variation wins, not the SKU
    assert q(db, la) == (3, 1, 2)
    assert q(db, lb) == (0, 0, None)


def test_variation_mode_versus_sku_mode(db):
    codes = stock(db, 4, 1, sku="S")
    stock(db, 2, 10, product=PIXEL)
    pixel = vid(db, make_imei(10))
    l_sku = add_listing(db, "S")
    l_map = add_listing(db, "PX-UNKNOWN", variation=pixel)
    assert q(db, l_sku)[2] == 4  # sku mode: matched by SKU
    assert q(db, l_map)[2] is None  # its SKU is on no variation; its mapping is ignored in sku mode
    put(db, "backmarket.mapping", "variation")
    assert q(db, l_sku)[2] is None  # not mapped
    assert q(db, l_map) == (2, 0, 2)
    assert len(codes) == 4


def test_unmapped_listing_has_no_calculated_quantity_and_says_why(db):
    stock(db, 1, 1, sku="S")
    lid = add_listing(db, "NOPE")
    with db.reads() as s:
        row = calculated_quantities(s)[lid]
    assert row.calculated is None and row.reason == "no variation carries this SKU"
    put(db, "backmarket.mapping", "variation")
    with db.reads() as s:
        row = calculated_quantities(s)[lid]
    assert row.calculated is None and row.reason == "not mapped to a variation"


def test_mapped_variation_without_units_is_zero_not_none(db):
    receive(db, make_imei(1), sku="S", status="Repair")
    lid = add_listing(db, "S")
    assert q(db, lid) == (0, 0, 0)


@pytest.mark.parametrize(
    ("reserve", "max_listed", "expected", "reason"),
    [(0, None, 5, None), (2, None, 3, "2 kept in reserve"), (9, None, 0, "9 kept in reserve"),
     (0, 3, 3, "listed at most 3"), (1, 2, 2, "listed at most 2"), (0, 0, 0, "listed at most 0"), (0, 10, 5, None)],
)
def test_reserve_and_max_listed(db, reserve, max_listed, expected, reason):
    stock(db, 5, 1, sku="S")
    lid = add_listing(db, "S", reserve=reserve, max_listed=max_listed)
    with db.reads() as s:
        row = calculated_quantities(s)[lid]
    assert (row.available, row.calculated, row.reason) == (5, expected, reason)


def test_apply_rules_pure():
    assert quantities.apply_rules(5, 0, None) == 5
    assert quantities.apply_rules(5, -3, None) == 5
    assert quantities.apply_rules(5, 2, 1) == 1
    assert quantities.apply_rules(0, 2, 4) == 0
    assert quantities.apply_rules(5, 0, -1) == 0


def test_only_requested_listings_are_computed(db):
    stock(db, 2, 1, sku="S")
    l1, l2 = add_listing(db, "S"), add_listing(db, "T")
    with db.reads() as s:
        assert set(calculated_quantities(s, {l1})) == {l1}
        assert calculated_quantities(s, set()) == {}
        assert set(calculated_quantities(s)) == {l1, l2}


def test_quantities_are_plain_ints(db):
    """JSON output and comparisons need ints; PostgreSQL's SUM(COUNT) is NUMERIC (Decimal)."""
    stock(db, 2, 1, sku="S")
    new_order(db, orders.LineRequest(1, sku="S"))
    lid = add_listing(db, "S")
    with db.reads() as s:
        for row in (calculated_quantities(s)[lid], calculated_quantities(s, {lid})[lid]):
            assert (row.available, row.outstanding, row.calculated) == (2, 1, 1)
            assert all(type(v) is int for v in (row.available, row.outstanding, row.calculated))
        assert all(type(v) is int for v in match_set_quantity(s, {vid(db, make_imei(1))}))
