"""A scan that waits on another station's lock judges what that station committed (PostgreSQL).

Deterministic: station A holds its transaction open, station B's scan is started and seen waiting
for a lock (pg_stat_activity), then A commits. Each lock the scan takes — the order, the unit, the
order's lines — gets a case, so however the scan sends its statements (one by one or several per
round trip), each read must come after its lock and see the other station's change.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from app.domain import fulfilment, history, orders
from app.domain.errors import DomainError
from app.domain.scan_transaction import scanning
from app.domain.unit_corrections import Correction, correct_unit
from app.models import Commitment, UnitEvent
from tests.db.pg_waits import active_commitments, wait_until_blocked
from tests.dbfixtures import make_imei, receive

pytestmark = pytest.mark.postgres


def _new_order(db, qty=1, sku="S"):
    with db.sessions.begin() as s:
        return orders.create_direct_order(s, "Waiter", [orders.LineRequest(qty, sku=sku)])[0].number


def _scan_waiting_on(db, hold, number, code):
    """Run `hold(session)` at station A, then station B's scan of `code` onto `number`, which waits
    for A; A commits; return B's outcome ("ok", line) or ("refused", reason, message)."""
    outcome = {}

    def station_b():
        try:
            with scanning(db) as s:  # the packing station's transaction
                verdict = fulfilment.commit_unit(s, number, code)
            outcome["result"] = ("ok", verdict.scanned, verdict.wanted)
        except DomainError as exc:
            outcome["result"] = ("refused", exc.reason, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["result"] = ("crash", repr(exc))

    with db.sessions.begin() as s:
        hold(s)
        b = threading.Thread(target=station_b)
        b.start()
        wait_until_blocked(db)
    b.join(30)
    assert not b.is_alive()
    return outcome["result"]


def test_unit_committed_elsewhere_while_the_scan_waits(pg_db):
    code = make_imei(1)
    unit_id = receive(pg_db, code, sku="S")
    first, second = _new_order(pg_db), _new_order(pg_db)
    result = _scan_waiting_on(pg_db, lambda s: fulfilment.commit_unit(s, first, code), second, code)
    assert result[:2] == ("refused", fulfilment.ALREADY_COMMITTED), result
    assert f"order {first}" in result[2]
    assert active_commitments(pg_db, unit_id=unit_id) == 1


def test_unit_shipped_on_another_order_while_the_scan_waits(pg_db):
    code = make_imei(2)
    unit_id = receive(pg_db, code, sku="S")
    first, second = _new_order(pg_db), _new_order(pg_db)
    with pg_db.sessions.begin() as s:
        fulfilment.commit_unit(s, first, code)
    result = _scan_waiting_on(pg_db, lambda s: fulfilment.ship_order(s, first, "TRK-1", "UPS"), second, code)
    assert result[:2] == ("refused", fulfilment.ALREADY_SHIPPED), result
    assert first in result[2]
    assert active_commitments(pg_db, unit_id=unit_id) == 0


def test_unit_regraded_while_the_scan_waits(pg_db):
    code = make_imei(3)
    unit_id = receive(pg_db, code, sku="S")
    number = _new_order(pg_db)
    result = _scan_waiting_on(pg_db, lambda s: correct_unit(s, code, Correction(grade="B")), number, code)
    assert result[:2] == ("refused", fulfilment.NO_MATCHING_LINE), result
    assert "grade B" in result[2]
    assert active_commitments(pg_db, unit_id=unit_id) == 0


def test_order_cancelled_while_the_scan_waits(pg_db):
    code = make_imei(4)
    receive(pg_db, code, sku="S")
    number = _new_order(pg_db)
    result = _scan_waiting_on(pg_db, lambda s: orders.set_order_status(s, number, "Cancelled"), number, code)
    assert result[:2] == ("refused", fulfilment.ORDER_CLOSED), result
    assert "Cancelled" in result[2]
    assert active_commitments(pg_db) == 0


def test_last_place_on_the_line_taken_while_the_scan_waits(pg_db):
    codes = [make_imei(10 + i) for i in range(3)]
    for c in codes:
        receive(pg_db, c, sku="S")
    number = _new_order(pg_db, qty=2)
    with pg_db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, codes[0])
    result = _scan_waiting_on(pg_db, lambda s: fulfilment.commit_unit(s, number, codes[1]), number, codes[2])
    assert result[:2] == ("refused", fulfilment.LINE_COMPLETE), result
    assert "(2/2)" in result[2]
    assert active_commitments(pg_db) == 2


def test_a_place_freed_while_the_scan_waits_is_filled(pg_db):
    codes = [make_imei(20 + i) for i in range(2)]
    for c in codes:
        receive(pg_db, c, sku="S")
    number = _new_order(pg_db, qty=1)
    with pg_db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, codes[0])
    result = _scan_waiting_on(pg_db, lambda s: fulfilment.uncommit_unit(s, number, codes[0]), number, codes[1])
    assert result == ("ok", 1, 1), result
    assert active_commitments(pg_db) == 1


def test_a_committed_scan_writes_its_commitment_and_its_history_once(pg_db):
    code = make_imei(30)
    unit_id = receive(pg_db, code, sku="S")
    number = _new_order(pg_db)
    with pg_db.sessions.begin() as s:
        verdict = fulfilment.commit_unit(s, number, code)
    assert (verdict.scanned, verdict.wanted) == (1, 1)
    assert verdict.changes.variation_ids  # the SKU line's variations are reported for the sync
    with pg_db.reads() as s:
        events = s.execute(select(UnitEvent.kind, UnitEvent.detail).where(UnitEvent.unit_id == unit_id,
                                                                           UnitEvent.kind == history.COMMITTED)).all()
        commitments = s.execute(select(Commitment.line_id, Commitment.station).where(Commitment.unit_id == unit_id)).all()
    assert events == [(history.COMMITTED, f"order {number}")]
    assert len(commitments) == 1 and commitments[0][0] == verdict.line_id


def test_commitment_written_by_a_path_that_skips_the_unit_lock_is_still_refused(pg_db):
    """A commitment another connection wrote with a bare INSERT (no FOR UPDATE on the unit: its
    foreign key still holds the unit's row) is seen by the waiting scan, which refuses and writes nothing."""
    code = make_imei(40)
    unit_id = receive(pg_db, code, sku="S")
    first, second = _new_order(pg_db), _new_order(pg_db)

    def write_behind_the_lock(s):
        line_id, order_id = s.execute(text("SELECT l.id, o.id FROM order_lines l JOIN orders o ON o.id = l.order_id "
                                           "WHERE o.number = :n"), {"n": first}).one()
        s.execute(text("INSERT INTO commitments (unit_id, line_id, order_id, active, committed_at, station) "
                       "VALUES (:u, :l, :o, true, now(), 'elsewhere')"), {"u": unit_id, "l": line_id, "o": order_id})

    result = _scan_waiting_on(pg_db, write_behind_the_lock, second, code)
    assert result[:2] == ("refused", fulfilment.ALREADY_COMMITTED), result
    assert "committed" in result[2]
    assert active_commitments(pg_db, unit_id=unit_id) == 1
    with pg_db.reads() as s:
        assert s.scalar(select(func.count(UnitEvent.id)).where(UnitEvent.unit_id == unit_id,
                                                               UnitEvent.kind == history.COMMITTED)) == 0


def test_a_pending_row_committed_late_below_the_head_is_not_forgotten(pg_db):
    """A long transaction (an import) numbers its pending rows first and commits them last: a push
    that read the table before must not delete them with the range it read."""
    from app.domain import pending

    receive(pg_db, make_imei(49), sku="S")  # the product and its variation exist: nobody waits on them
    with pg_db.sessions.begin() as s:
        pending.forget(s, pending.take(s).row_ids)
    late = pg_db.sessions()
    late.begin()
    from app.domain import inventory
    from tests.dbfixtures import IPHONE

    inventory.receive_unit(late, inventory.Receipt(IPHONE, "A", sku="S"), code=make_imei(50))
    late.flush()  # its pending row has an id now, but is not committed
    receive(pg_db, make_imei(51), sku="S")  # a quick station: a higher id, committed first
    with pg_db.reads() as s:
        last_id, rows = pending.head(s)
    late.commit()
    late.close()
    assert not pending.forget_through(pg_db, last_id, rows)
    with pg_db.reads() as s:
        assert pending.count(s) > rows  # the late row, and every row read, are all still there
