"""Several stations on one PostgreSQL database (PRODUCT.md "Several stations"): real processes,
started together at a barrier, each race repeated so different interleavings get their turn.
The database, not the app, must keep the rules; a station sees a refusal in words, never a crash."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import func, select

from app.domain import inventory, orders
from app.domain.catalog import ProductSpec
from app.models import Unit
from tests.db import race_workers
from tests.db.pg_waits import active_commitments as active
from tests.dbfixtures import make_imei, receive

pytestmark = pytest.mark.postgres
ROUNDS = 10




@pytest.fixture(scope="module")
def stations():
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    with ProcessPoolExecutor(2, mp_context=ctx, initializer=race_workers.init, initargs=(barrier,)) as pool:
        yield pool


def race(pool, first, second):
    """Run two station actions at once; returns both outcomes, failing on any crash."""
    a = pool.submit(*first)
    b = pool.submit(*second)
    results = [a.result(timeout=120), b.result(timeout=120)]
    crashes = [r for r in results if r[0] == "crash"]
    assert not crashes, crashes[0][2]
    return results


def new_order(db, qty=1, sku="S"):
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Racer", [orders.LineRequest(qty, sku=sku)])
        return order.number


def unit_status(db, code):
    with db.reads() as s:
        return inventory.find_unit(s, code).status.name


def test_same_unit_to_two_orders_at_once(pg_db, stations):
    for r in range(ROUNDS):
        code = make_imei(r)
        receive(pg_db, code, sku="S")
        one, two = new_order(pg_db), new_order(pg_db)
        results = race(stations, (race_workers.commit, pg_db.url, "bench-1", one, code),
                       (race_workers.commit, pg_db.url, "bench-2", two, code))
        assert sorted(x[0] for x in results) == ["ok", "refused"], results
        refused = next(x for x in results if x[0] == "refused")
        assert refused[1] == "already_committed" and "committed" in refused[2]
        with pg_db.reads() as s:
            unit_id = inventory.find_unit(s, code).id
        assert active(pg_db, unit_id=unit_id) == 1


def test_same_imei_received_at_two_stations(pg_db, stations):
    receive(pg_db, make_imei(999), product=ProductSpec("Apple", "iPhone 11"))  # the product and variation exist
    for r in range(ROUNDS):
        code = make_imei(r)
        results = race(stations, (race_workers.receive, pg_db.url, "bench-1", code, "Apple", "iPhone 11"),
                       (race_workers.receive, pg_db.url, "bench-2", code, "Apple", "iPhone 11"))
        assert sorted(x[0] for x in results) == ["ok", "refused"], results
        refused = next(x for x in results if x[0] == "refused")
        assert refused[1] == "duplicate" and "Already received" in refused[2]
    with pg_db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == ROUNDS + 1


def test_first_units_of_a_new_model_received_at_two_stations(pg_db, stations):
    for r in range(ROUNDS):
        results = race(stations, (race_workers.receive, pg_db.url, "bench-1", make_imei(2 * r), "Maker", f"Model {r}"),
                       (race_workers.receive, pg_db.url, "bench-2", make_imei(2 * r + 1), "Maker", f"Model {r}"))
        assert [x[0] for x in results] == ["ok", "ok"], results


def test_ship_while_another_station_uncommits(pg_db, stations):
    outcomes = set()
    for r in range(ROUNDS):
        code = make_imei(r)
        receive(pg_db, code, sku="S")
        number = new_order(pg_db)
        from app.domain import fulfilment
        with pg_db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, code)
        results = race(stations, (race_workers.ship, pg_db.url, "bench-1", number),
                       (race_workers.uncommit, pg_db.url, "bench-2", number, code))
        shipped, uncommitted = (x[0] == "ok" for x in results)
        assert shipped != uncommitted, results  # exactly one of them happened
        with pg_db.reads() as s:
            status = orders.get_order(s, number).status.name
        if shipped:
            assert (status, unit_status(pg_db, code)) == ("Shipped", "Sold")
        else:
            assert (status, unit_status(pg_db, code)) == ("New", "Available")
        assert active(pg_db, order_id=orders_id(pg_db, number)) == 0
        outcomes.add(shipped)


def orders_id(db, number):
    with db.reads() as s:
        return orders.get_order(s, number).id


# A race hits the bug in most runs, not all: non-strict here; the strict, deterministic pin is
# tests/db/test_postgres_regressions.py::test_locked_order_read_after_a_concurrent_status_change.
def test_order_cancelled_by_import_while_a_packer_commits(pg_db, stations):
    for r in range(ROUNDS):
        code = make_imei(r)
        receive(pg_db, code, sku="S")
        number = new_order(pg_db)
        results = race(stations, (race_workers.set_status, pg_db.url, "sync", number, "Cancelled"),
                       (race_workers.commit, pg_db.url, "bench-1", number, code))
        assert results[0][0] == "ok", results
        if results[1][0] == "refused":
            assert results[1][1] == "order_not_committable", results
        assert active(pg_db, order_id=orders_id(pg_db, number)) == 0  # cancelled orders hold no units
        with pg_db.reads() as s:
            assert orders.get_order(s, number).status.name == "Cancelled"


def test_two_units_for_the_last_place_on_a_line(pg_db, stations):
    from app.domain import fulfilment
    for r in range(ROUNDS):
        codes = [make_imei(3 * r + i) for i in range(3)]
        for c in codes:
            receive(pg_db, c, sku="S")
        number = new_order(pg_db, qty=2)
        with pg_db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, codes[0])
        results = race(stations, (race_workers.commit, pg_db.url, "bench-1", number, codes[1]),
                       (race_workers.commit, pg_db.url, "bench-2", number, codes[2]))
        assert sorted(x[0] for x in results) == ["ok", "refused"], results
        assert next(x for x in results if x[0] == "refused")[1] == "line_complete"
        assert active(pg_db, order_id=orders_id(pg_db, number)) == 2


def test_ship_while_another_station_scans_the_same_unit_onto_another_order(pg_db, stations):
    from app.domain import fulfilment
    for r in range(ROUNDS):
        code = make_imei(r)
        receive(pg_db, code, sku="S")
        first, second = new_order(pg_db), new_order(pg_db)
        with pg_db.sessions.begin() as s:
            fulfilment.commit_unit(s, first, code)
        results = race(stations, (race_workers.ship, pg_db.url, "bench-1", first),
                       (race_workers.commit, pg_db.url, "bench-2", second, code))
        assert results[0][0] == "ok" and results[1][0] == "refused", results
        assert results[1][1] in ("already_committed", "already_shipped")
        assert unit_status(pg_db, code) == "Sold" and active(pg_db) == 0


def test_regrade_while_another_station_scans_the_unit_onto_an_order(pg_db, stations):
    """One wins: either the unit is regraded (and the order, which wants grade A's SKU, refuses it) or
    it is committed (and the regrade is refused) — never a grade-B unit on a line for grade A."""
    outcomes = set()
    for r in range(ROUNDS):
        code = make_imei(r)
        receive(pg_db, code, sku="S")
        number = new_order(pg_db)
        results = race(stations, (race_workers.commit, pg_db.url, "bench-1", number, code),
                       (race_workers.correct_grade, pg_db.url, "bench-2", code, "B"))
        kinds = tuple(x[0] if x[0] == "ok" else x[1] for x in results)
        assert kinds in (("ok", "unit_committed"), ("no_matching_line", "ok")), results
        outcomes.add(kinds)
        with pg_db.reads() as s:
            unit = inventory.find_unit(s, code)
            grade, unit_id = unit.variation.grade.name, unit.id
        assert (grade, active(pg_db, unit_id=unit_id)) in (("A", 1), ("B", 0)), results
    assert outcomes  # which interleavings occurred depends on the machine
