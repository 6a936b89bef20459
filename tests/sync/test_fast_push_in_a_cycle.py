"""The fast push inside a long cycle: a held-back increase is not re-read every second, and a sale
made meanwhile still reaches Back Market at once (issue 12: the re-reading starved the scans)."""

from __future__ import annotations

import pytest

from app.domain import fulfilment, orders, pending, reference, settings
from app.sync import engine as engine_module
from app.sync.tried import RETRY_SECONDS, TriedRows
from tests.sync.sync_helpers import JANE, World, make_db, receive


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Table:
    """Stands in for pending_pushes: how many rows up to an id."""

    def __init__(self, ids) -> None:
        self.ids = set(ids)

    def through(self, last_id: int) -> int:
        return sum(1 for i in self.ids if i <= last_id)


def test_rows_tried_and_held_are_skipped_until_the_condition_changes():
    clock, table = Clock(), Table(range(1, 121))
    tried = TriedRows(clock)
    assert tried.after_id("orders not in", table.through) is None
    tried.note(None, tuple(range(1, 121)), held=True, budget_spent=False, condition="orders not in")
    assert tried.after_id("orders not in", table.through) == 120
    table.ids |= set(range(121, 131))
    tried.note(120, tuple(range(121, 131)), held=False, budget_spent=False, condition="orders not in")  # went out
    table.ids -= set(range(121, 131))
    assert tried.after_id("orders not in", table.through) == 120
    table.ids |= {140}
    tried.note(120, (140,), held=True, budget_spent=False, condition="orders not in")
    assert tried.after_id("orders not in", table.through) == 140
    clock.now += 3600  # held rows wait for the orders, not for the clock
    assert tried.after_id("orders not in", table.through) == 140
    assert tried.after_id("orders in", table.through) is None  # the orders are in: everything is read again
    assert tried.after_id("orders not in", table.through) is None


def test_a_row_committed_late_inside_the_tried_range_is_read_again():
    table = Table([1, 2, 4])
    tried = TriedRows(Clock())
    tried.note(None, (1, 2, 4), held=True, budget_spent=False, condition="c")
    assert tried.after_id("c", table.through) == 4
    table.ids.add(3)  # a slow station's row, numbered before 4, committed after the read
    assert tried.after_id("c", table.through) is None


def test_a_spent_budget_is_tried_again_after_the_retry_time():
    clock, table = Clock(), Table([50])
    tried = TriedRows(clock)
    tried.note(None, (50,), held=False, budget_spent=True, condition="c")
    clock.now += RETRY_SECONDS - 0.5
    assert tried.after_id("c", table.through) == 50
    clock.now += 0.5
    assert tried.after_id("c", table.through) is None


def test_a_finished_push_remembers_nothing():
    tried = TriedRows(Clock())
    tried.note(None, (99,), held=False, budget_spent=False, condition="c")
    assert tried.after_id("c", Table([99]).through) is None


def test_take_after_an_id_reads_only_newer_rows(tmp_path):
    db = make_db(tmp_path)
    receive(db, "A-1", 1)
    with db.reads() as s:
        first = pending.take(s)
    receive(db, "B-1", 1, model="iPhone 12")
    with db.reads() as s:
        newer = pending.take(s, after_id=first.row_ids[-1])
        everything = pending.take(s)
    assert newer.row_ids and min(newer.row_ids) > max(first.row_ids)
    assert set(everything.row_ids) == set(first.row_ids) | set(newer.row_ids)
    with db.reads() as s:
        assert pending.count_through(s, first.row_ids[-1]) == len(first.row_ids)
        assert pending.count_through(s, newer.row_ids[-1]) == len(everything.row_ids)


@pytest.fixture
def world(tmp_path, sandbox, naps, token):
    """Two listings in step with Back Market; then Back Market sells 3 of A's 5 (not imported yet)."""
    w = World(make_db(tmp_path), sandbox, naps, token)
    w.store.add_listing("A-1", "iPhone 13", "EXCELLENT", "429.00", quantity=0)
    w.store.add_listing("B-1", "iPhone 12", "EXCELLENT", "329.00", quantity=0)
    receive(w.db, "A-1", 5)
    w.b_imeis = receive(w.db, "B-1", 2, model="iPhone 12")
    first = w.cycle()
    assert first.ok, first.error
    assert (w.store.listing("A-1")["quantity"], w.store.listing("B-1")["quantity"]) == (5, 2)
    w.store.place_order([{"sku": "A-1", "quantity": 3}], shipping_address=JANE)
    w.store.clear_request_log()
    return w


def quantity_writes(world) -> list[dict]:
    return [r for r in world.writes() if r["path"].startswith("/ws/listings/")]


def test_inside_a_cycle_a_sale_goes_out_while_an_increase_waits_for_the_orders(world, monkeypatch):
    seen = {}
    taken_after = []
    real_take = pending.take

    def spy_take(session, limit=pending.BATCH, after_id=None):
        taken_after.append(after_id)
        return real_take(session, limit, after_id)

    monkeypatch.setattr(pending, "take", spy_take)
    real_import = engine_module.import_listings

    def listings_step(db, client, tick):
        receive(db, "A-1", 1)  # another phone for A: an increase, held back until the orders are in
        world.engine.request_push()
        tick("listings: page 1")
        seen["A after the increase"] = world.store.listing("A-1")["quantity"]
        world.engine.request_push()
        tick("listings: page 2")  # nothing new: the held rows are not read again
        with db.sessions.begin() as s:  # a packer commits one of B's two phones: a decrease
            number = orders.create_direct_order(s, "Walk-in", [orders.LineRequest(1, sku="B-1")])[0].number
        with db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, world.b_imeis[0])
        world.engine.request_push()
        tick("listings: page 3")
        seen["B after the sale"] = world.store.listing("B-1")["quantity"]
        seen["A before the orders"] = world.store.listing("A-1")["quantity"]
        return real_import(db, client, tick)

    monkeypatch.setattr(engine_module, "import_listings", listings_step)
    report = world.cycle()
    assert report.ok, report.error
    assert seen == {"A after the increase": 2, "B after the sale": 1, "A before the orders": 2}
    assert world.store.listing("A-1")["quantity"] == 3  # 6 here − 3 sold on Back Market, once orders are in
    first_urgent = taken_after.index(None)
    assert taken_after[first_urgent + 1] is not None  # page 2 read only rows written after the held ones
    with world.db.reads() as s:
        assert pending.count(s) == 0


def test_inside_a_cycle_a_setting_change_waits_for_the_cycles_own_push(world, monkeypatch):
    """A setting that moves every listing is not recomputed by the fast push in the middle of a
    cycle (seconds of work every few seconds); the cycle's push step, which compares every listing
    anyway, applies it and forgets its row."""
    real_import = engine_module.import_listings
    seen = {}

    def listings_step(db, client, tick):
        with db.sessions.begin() as s:  # only another warehouse counts now: every listing goes to 0
            settings.set_(s, "backmarket.warehouses", ["Elsewhere"])
        world.engine.request_push()
        tick("listings: page 1")
        seen["writes during the listings step"] = len(quantity_writes(world))
        return real_import(db, client, tick)

    with world.db.sessions.begin() as s:
        reference.define_warehouse(s, "Elsewhere")
    monkeypatch.setattr(engine_module, "import_listings", listings_step)
    report = world.cycle()
    assert report.ok, report.error
    assert seen == {"writes during the listings step": 0}
    assert world.store.listing("B-1")["quantity"] == 0 and world.store.listing("A-1")["quantity"] == 0
    with world.db.reads() as s:
        assert pending.count(s) == 0


