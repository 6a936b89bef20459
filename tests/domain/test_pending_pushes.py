"""The pending-push table is written by the database itself, in the same transaction as the change.

Whatever path changes stock (a service, another process, a raw statement), the rows the triggers
leave behind must name every listing whose calculated quantity moved; a rolled-back change leaves
none. The same random warehouse operations as the fast-path test run here, but the listings to
recompute come from the table, not from the service's Changes record.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, update

from app.domain import pending, settings
from app.domain.errors import DomainError
from app.domain.quantities import calculated_quantities
from app.models import InventoryStatus, PendingPush, Unit
from tests.dbfixtures import make_imei, receive
from tests.domain.test_quantities_fastpath import _op, _setup


def _drain(db) -> pending.PendingChanges:
    with db.sessions.begin() as s:
        found = pending.take(s)
        pending.forget(s, found.row_ids)
    return found


@pytest.mark.parametrize("mode", ["sku", "variation"])
@pytest.mark.parametrize("seed", [3, 4])
def test_pending_rows_name_every_listing_that_moved(db, mode, seed):
    rng = random.Random(seed)
    vids = _setup(db, mode)
    _drain(db)
    with db.reads() as s:
        known = calculated_quantities(s)
    counter, applied = [0], 0
    for step in range(70):
        try:
            with db.sessions.begin() as s:
                changes = _op(s, rng, vids, counter)
        except DomainError:
            with db.reads() as s:
                assert pending.count(s) == 0, f"step {step}: a refused operation left pending pushes"
            continue
        applied += 1
        found = _drain(db)
        with db.reads() as s:
            full = calculated_quantities(s)
            if found.listing_ids is None:
                known = full
            else:
                known.update(calculated_quantities(s, set(found.listing_ids)))
        assert known == full, f"step {step}: {changes.message!r} moved listings the pending rows do not name " + str(
            {lid: (known[lid], full[lid]) for lid in full if known[lid] != full[lid]})
    assert applied > 30


def test_a_change_outside_the_services_is_recorded_too(db):
    unit_id = receive(db, "356938035643809")
    _drain(db)
    with db.sessions.begin() as s:  # e.g. a script or an old version of the app writing directly
        repair = s.scalar(select(InventoryStatus.id).where(InventoryStatus.name == "Repair"))
        s.execute(update(Unit).where(Unit.id == unit_id).values(status_id=repair))
    with db.reads() as s:
        assert pending.count(s) >= 1


def test_a_rolled_back_change_leaves_nothing_pending(db):
    _drain(db)
    with pytest.raises(RuntimeError):
        with db.sessions.begin() as s:
            settings.set_(s, "backmarket.mapping", "variation")
            s.flush()
            assert pending.count(s) == 1
            raise RuntimeError("the station lost power")
    with db.reads() as s:
        assert pending.count(s) == 0


def test_forget_keeps_rows_written_after_the_read(db):
    receive(db, "356938035643809")
    with db.sessions.begin() as s:
        first = pending.take(s)
    receive(db, "356938035643817")  # another station, while the first batch is being pushed
    with db.sessions.begin() as s:
        pending.forget(s, first.row_ids)
    with db.reads() as s:
        left = list(s.scalars(select(PendingPush.id)))
    assert left and not set(left) & set(first.row_ids)


@pytest.mark.parametrize("key, value", [
    ("backmarket.sku_budget", [[1.0, 10]]),  # saved by every push
    ("backmarket.orders_checkpoint", "2026-12-01T10:00:00+00:00"),  # saved by every order import
    ("backmarket.interval_seconds", 600),
    ("backmarket.auto_accept", True),
    ("catalog.sku_unique", False),
])
def test_settings_that_move_no_quantity_leave_nothing_pending(db, key, value):
    """A push saving its SKU-line budget must not ask for another push of every listing (a loop that
    spent the hour's lines kept for live stock changes and recomputed 10,000 listings every second)."""
    _drain(db)
    with db.sessions.begin() as s:
        settings.set_(s, key, value)
    with db.reads() as s:
        assert pending.count(s) == 0


@pytest.mark.parametrize("key, value", [
    ("backmarket.statuses", ["Available", "Repair"]),
    ("backmarket.warehouses", ["Main"]),
    ("backmarket.mapping", "variation"),
])
def test_settings_that_move_quantities_ask_for_every_listing(db, key, value):
    _drain(db)
    with db.sessions.begin() as s:
        settings.set_(s, key, value)
    with db.sessions.begin() as s:
        found = pending.take(s)
    assert found.everything and found.listing_ids is None and not found.named


def test_a_stock_change_beside_a_setting_change_keeps_its_listings(db):
    """take() names the touched listings even when an 'every listing' row is pending too, so the
    sale can go out first with the lines kept for it."""
    _drain(db)
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.warehouses", ["Main"])
    receive(db, "356938035643809")
    with db.sessions.begin() as s:
        found = pending.take(s)
    assert found.everything and found.listing_ids is None
    assert found.everything_row_ids and set(found.everything_row_ids) < set(found.row_ids)
    assert found.named_row_ids == tuple(sorted(set(found.row_ids) - set(found.everything_row_ids)))


@pytest.mark.parametrize("mode", ["sku", "variation"])
def test_a_batch_names_exactly_the_listings_of_its_own_rows(db, mode):
    """take(limit=…) reads the oldest rows only, and names the listings those rows touch — the same
    set as resolving each row's variation, order or listing on its own."""
    rng = random.Random(7)
    vids = _setup(db, mode)
    _drain(db)
    counter = [0]
    for _ in range(40):
        try:
            with db.sessions.begin() as s:
                _op(s, rng, vids, counter)
        except DomainError:
            pass
    with db.reads() as s:
        rows = s.execute(select(PendingPush.id, PendingPush.kind, PendingPush.ref_id).order_by(PendingPush.id)).all()
    assert len(rows) > 6
    for limit in (1, len(rows) // 3, len(rows)):
        batch = rows[:limit]
        refs = {kind: {ref for _, k, ref in batch if k == kind and ref is not None} for kind in ("variation", "order", "listing")}
        with db.reads() as s:
            expected = pending.listings_touched(s, refs["variation"], refs["order"]) | refs["listing"]
            found = pending.take(s, limit=limit)
        assert found.row_ids == tuple(r[0] for r in batch)
        assert found.named == expected, (limit, mode)


def test_forget_through_deletes_every_row_read_and_keeps_newer_ones(db):
    for i in range(3):
        receive(db, make_imei(100 + i))
    with db.reads() as s:
        last_id, rows = pending.head(s)
    assert rows >= 3
    receive(db, make_imei(110))  # after the head was read: a newer row, kept
    assert pending.forget_through(db, last_id, rows)
    with db.reads() as s:
        left = list(s.scalars(select(PendingPush.id)))
    assert left and min(left) > last_id


def test_forget_through_deletes_nothing_when_the_rows_changed(db):
    receive(db, make_imei(120))
    receive(db, make_imei(121))
    with db.reads() as s:
        last_id, rows = pending.head(s)
    with db.sessions.begin() as s:  # someone else forgot one meanwhile
        s.execute(PendingPush.__table__.delete().where(PendingPush.id == last_id))
    assert not pending.forget_through(db, last_id, rows)
    with db.reads() as s:
        assert pending.count(s) == rows - 1
