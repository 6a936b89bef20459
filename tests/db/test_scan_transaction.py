"""The scan's own transaction (`scan_transaction.scanning`).

A refused scan changes nothing and holds no lock afterwards, on both databases. On PostgreSQL it
also keeps what the station's connection prepared: psycopg forgets every prepared statement at a
ROLLBACK, and the scans after a refusal, or after any read on the same connection, were planned
afresh each time. The prepared statements are read from the server (`pg_prepared_statements`) on
the connection the scans use.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from app.db import open_database
from app.domain import fulfilment, orders
from app.domain.errors import ScanRefused
from app.domain.scan_transaction import note_written, scanning
from app.models import Commitment, Setting, UnitEvent
from tests.dbfixtures import make_imei, receive

PREPARED = text("SELECT count(*) FROM pg_prepared_statements")


def _order(db, qty, sku="S"):
    with db.sessions.begin() as s:
        return orders.create_direct_order(s, "Pat", [orders.LineRequest(qty, sku=sku)])[0].number


def _traces(db):
    with db.reads() as s:
        return s.scalar(select(func.count(Commitment.id))), s.scalar(select(func.count(UnitEvent.id)))


def _scan(db, number, code):
    with scanning(db) as s:
        return fulfilment.commit_unit(s, number, code)


def _write_connection(db):
    """(backend pid, statements prepared on it) of the connection the scans use."""
    with scanning(db) as s:
        return s.execute(text("SELECT pg_backend_pid()")).scalar(), s.execute(PREPARED).scalar()


@pytest.fixture
def station(pg_db):
    """A station's own database handle, opened afresh: its pools are empty, so one scan after
    another runs on one connection of the write pool."""
    db = open_database(pg_db.url)
    codes = [make_imei(n) for n in range(1, 10)]
    for code in codes:
        receive(db, code, sku="S")
    number = _order(db, 9)
    for code in codes[:7]:  # past psycopg's threshold (5): the scan's statements are prepared
        _scan(db, number, code)
    try:
        yield db, number, codes
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_refused_scan_keeps_the_statements_the_station_prepared(station):
    db, number, codes = station
    pid, prepared = _write_connection(db)
    assert prepared > 0
    before = _traces(db)
    with pytest.raises(ScanRefused) as refused:
        _scan(db, number, codes[0])  # already on this order
    assert refused.value.reason == fulfilment.ALREADY_COMMITTED
    assert _traces(db) == before
    assert _write_connection(db) == (pid, prepared)
    assert _scan(db, number, codes[7]).scanned == 8


@pytest.mark.postgres
def test_reads_between_scans_run_on_their_own_connection(station):
    db, number, codes = station
    pid, prepared = _write_connection(db)
    with db.reads() as s:
        assert s.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    assert _write_connection(db) == (pid, prepared)


@pytest.mark.postgres
def test_a_refused_scan_leaves_no_lock_behind(station):
    db, number, codes = station
    with pytest.raises(ScanRefused):
        _scan(db, number, codes[1])
    with db.engine.connect() as other:  # another station's connection
        other.execute(text("SET lock_timeout = '1s'"))
        other.execute(text("SELECT id FROM orders WHERE number = :n FOR UPDATE NOWAIT"), {"n": number})
        other.execute(text("SELECT unit_id FROM unit_codes WHERE code = :c FOR UPDATE NOWAIT"), {"c": codes[1]})
        other.rollback()


def test_a_refusal_after_a_write_keeps_nothing(db):
    """Whatever the transaction wrote before a refusal is rolled back, on both databases: through
    the ORM (flushed or not) or past it (said with note_written)."""
    with db.reads() as s:
        count = s.scalar(select(func.count()).select_from(Setting))
    for how in ("flushed", "pending", "past the ORM"):
        with pytest.raises(ScanRefused):
            with scanning(db) as s:
                if how == "past the ORM":
                    note_written(s)
                    s.execute(text("INSERT INTO settings (key, value) VALUES ('test.scan', '1')"))
                else:
                    s.add(Setting(key="test.scan", value="1"))
                    if how == "flushed":
                        s.flush()
                raise ScanRefused("refused after a write", reason="test")
        with db.reads() as s:
            assert s.scalar(select(func.count()).select_from(Setting)) == count, how


def test_a_unique_index_refusal_through_the_driver_is_the_station_s_refusal_and_keeps_nothing(sqlite_db, monkeypatch):
    """On SQLite the scan's statements go straight to the driver (scan_sql.run). A unique violation
    there must still come back as the station's refusal ("just committed at another station"), not
    as a driver error, and leave neither the commitment nor its history line.

    SQLite's write lock makes the real race impossible, so the scan is shown the unit as free
    (its read answering as if it came before the other station's commit): the fault shape only."""
    db = sqlite_db
    code = make_imei(901)
    receive(db, code, sku="S")
    first, second = _order(db, 1), _order(db, 1)
    _scan(db, first, code)
    before = _traces(db)
    real_run = fulfilment.scan_sql.run

    class _SeenFree:
        def __init__(self, row):
            self._row = row[:-2] + (None,) + row[-1:]  # no active commitment on the unit

        def first(self):
            return self._row

    def run(session, sql, **params):
        rows = real_run(session, sql, **params)
        return _SeenFree(rows.first()) if sql is fulfilment.scan_sql.UNIT else rows

    monkeypatch.setattr(fulfilment.scan_sql, "run", run)
    with pytest.raises(ScanRefused) as refused:
        _scan(db, second, code)
    monkeypatch.undo()
    assert refused.value.reason == fulfilment.ALREADY_COMMITTED
    assert "just committed at another station" in str(refused.value)
    assert _traces(db) == before
    with pytest.raises(ScanRefused, match=f"already committed to order {first}"):
        _scan(db, second, code)  # and the next scan reads it as it is
