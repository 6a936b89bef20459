"""A CSV import never stops the packing stations: a scan at another connection commits while an
import is in progress (SQLite and PostgreSQL), and a cancelled or raced import leaves nothing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.domain import fulfilment, orders
from app.domain.cancel import Cancelled, CancelToken
from app.domain.csv_import import CsvImportError, import_csv
from app.models import Product, Unit, UnitCode, UnitEvent, Variation
from tests.dbfixtures import IPHONE, make_imei, receive
from tests.domain.test_csv_import import row, to_csv
from tests.polling import wait_until

ROWS = 2500  # several write steps on SQLite


def big_file(first: int = 1000) -> str:
    return to_csv([row(first + i, grade="B" if i % 3 else "A") for i in range(ROWS)])


def counts(db) -> tuple[int, ...]:
    with db.reads() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Unit, UnitCode, UnitEvent, Product, Variation))


def order_for(db, code: str) -> str:
    with db.sessions.begin() as s:
        vid = s.scalar(select(Unit.variation_id).join(UnitCode, UnitCode.unit_id == Unit.id).where(UnitCode.code == code))
        order, _ = orders.create_direct_order(s, "Alice", [orders.LineRequest(1, variation_id=vid)])
        return order.number


class PausedImport:
    """Runs import_csv in a thread; at its first progress report it waits (with a deadline) until the
    test says go on, so the test acts while the import is certainly in progress."""

    def __init__(self, db, text: str, cancel: CancelToken | None = None) -> None:
        self.reported = threading.Event()
        self.go_on = threading.Event()
        self.result = self.error = None
        self.cancel = cancel or CancelToken()

        def progress(done: int, total: int) -> None:
            if not self.reported.is_set():
                self.reported.set()
                self.go_on.wait(60)

        def run() -> None:
            try:
                self.result = import_csv(db, text, progress=progress, cancel=self.cancel)
            except BaseException as exc:  # handed to the test
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        wait_until(self.reported.is_set, "the import's first progress report")

    def finish(self):
        self.go_on.set()
        self.thread.join(60)
        assert not self.thread.is_alive()
        return self.result


def test_a_scan_commits_while_an_import_is_in_progress(db):
    code = make_imei(1)
    receive(db, code)
    number = order_for(db, code)
    imp = PausedImport(db, big_file())
    # Another connection, while the import is running (on PostgreSQL: inside its open transaction).
    with db.sessions.begin() as s:
        verdict = fulfilment.commit_unit(s, number, code)
    assert imp.thread.is_alive() and imp.result is None
    result = imp.finish()
    assert imp.error is None, imp.error
    assert verdict.scanned == 1 and result.units == ROWS
    assert counts(db)[:3] == (ROWS + 1, ROWS + 1, ROWS + 2)  # + received and committed events


def test_cancelling_an_import_in_progress_leaves_nothing(db):
    receive(db, make_imei(1))
    before = counts(db)
    imp = PausedImport(db, big_file())
    imp.cancel.cancel()
    imp.finish()
    assert isinstance(imp.error, Cancelled) and "nothing was imported" in str(imp.error)
    assert counts(db) == before


def test_cancelled_before_writing_leaves_nothing(db):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        import_csv(db, big_file(), cancel=cancel)
    assert counts(db)[:3] == (0, 0, 0)


def test_a_code_received_elsewhere_during_the_import_refuses_it_all(db):
    before = counts(db)
    imp = PausedImport(db, big_file())
    receive(db, make_imei(1000 + ROWS - 1), product=IPHONE)  # the file's last row, at another station
    imp.finish()
    assert isinstance(imp.error, CsvImportError) and "another station received" in str(imp.error)
    after = counts(db)
    assert after == tuple(n + 1 for n in before)  # only the other station's unit (and its product, variation)


def test_a_unit_committed_at_another_station_mid_import_is_kept_and_said(sqlite_db):
    db = sqlite_db
    imp = PausedImport(db, big_file())
    first = make_imei(1000)  # written by the first step, already scannable
    number = order_for(db, first)
    with db.sessions.begin() as s:
        fulfilment.commit_unit(s, number, first)
    imp.cancel.cancel()
    imp.finish()
    assert isinstance(imp.error, CsvImportError)
    assert "1 unit of this file was committed to an order" in str(imp.error)
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == 1
        assert s.scalar(select(UnitCode.unit_id).where(UnitCode.code == first)) is not None


def test_after_an_import_the_connections_are_as_before_and_the_wal_is_copied_back(sqlite_db):
    """The import's connection stops checkpointing and takes a big page cache only while it writes:
    afterwards every pooled connection checkpoints again (or the WAL file would grow without end)
    and the import's pages are already in the database file."""
    result = import_csv(sqlite_db, big_file())
    assert result.units == ROWS
    connections = [sqlite_db.engine.raw_connection() for _ in range(3)]  # the import's one among them
    try:
        for raw in connections:
            driver = raw.driver_connection
            assert driver.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
            assert driver.execute("PRAGMA cache_size").fetchone()[0] == -2000
        busy, frames, copied = connections[0].driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and frames == copied
    finally:
        for raw in connections:
            raw.close()
