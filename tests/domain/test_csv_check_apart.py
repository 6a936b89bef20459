"""The window checks a big stock file in a child process (csv_check_apart; on PostgreSQL the child
writes it too): the same rows land, the same bad rows are reported, Cancel stops the child, and a
child that dies loses nothing and says so. On SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from app.domain import csv_check_apart, csv_import
from app.domain.cancel import Cancelled, CancelToken
from app.domain.csv_check_apart import CheckStopped
from app.domain.csv_import import CsvImportError, import_csv
from tests.domain.test_csv_import import row, to_csv
from tests.domain.test_csv_import_while_scanning import counts
from tests.polling import wait_until


@pytest.fixture
def apart(monkeypatch) -> list[Path]:
    """Every file counts as big, and each child check is recorded."""
    checked: list[Path] = []
    real_check, real_import = csv_check_apart.check_apart, csv_check_apart.import_apart

    def check_recorded(url, path, *args):
        checked.append(path)
        return real_check(url, path, *args)

    def import_recorded(url, path, *args):  # PostgreSQL: the child writes the file too
        checked.append(path)
        return real_import(url, path, *args)

    monkeypatch.setattr(csv_check_apart, "APART_FROM_BYTES", 0)
    monkeypatch.setattr(csv_check_apart, "check_apart", check_recorded)
    monkeypatch.setattr(csv_check_apart, "import_apart", import_recorded)
    return checked


def _file(tmp_path: Path, rows) -> Path:
    path = tmp_path / "stock.csv"
    path.write_text(to_csv(rows), encoding="utf-8")
    return path


def test_a_file_checked_apart_imports_every_row(db, tmp_path, apart):
    path = _file(tmp_path, [row(5000 + i, grade="B" if i % 3 else "A", cost="120.50") for i in range(1200)])
    result = import_csv(db, path, check_apart=True)
    assert apart == [path]
    assert result.units == 1200 and result.new_products == 1 and result.new_variations == 2
    assert counts(db)[:2] == (1200, 1200)


def test_bad_rows_found_apart_are_the_same_and_nothing_is_written(db, tmp_path, apart):
    rows = [row(6000 + i) for i in range(50)]
    rows[7]["grade"] = "Z"
    rows[30]["imei"] = "123"
    path = _file(tmp_path, rows)
    with db.reads() as s:
        with pytest.raises(CsvImportError) as here:
            csv_import.check_file(s, path)
    with pytest.raises(CsvImportError) as there:
        import_csv(db, path, check_apart=True)
    assert apart == [path]
    assert there.value.problems == here.value.problems and len(there.value.problems) == 2
    assert counts(db)[:2] == (0, 0)


def test_a_small_file_or_text_is_checked_here(db, tmp_path, monkeypatch):
    spawned: list[int] = []
    monkeypatch.setattr(csv_check_apart, "check_apart", lambda *a: spawned.append(1))
    monkeypatch.setattr(csv_check_apart, "import_apart", lambda *a: spawned.append(1))
    import_csv(db, _file(tmp_path, [row(7000 + i) for i in range(20)]), check_apart=True)
    import_csv(db, to_csv([row(7100 + i) for i in range(20)]), check_apart=True)
    assert spawned == [] and counts(db)[0] == 40


def _run_in_thread(db, path: Path, cancel: CancelToken) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = import_csv(db, path, cancel=cancel, check_apart=True)
        except BaseException as exc:  # handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _checking_child():
    return next((c for c in multiprocessing.active_children() if c.name == "refurbdesk-csv-check"), None)


def test_cancel_stops_the_child_and_imports_nothing(db, tmp_path, apart):
    path = _file(tmp_path, [row(8000 + i) for i in range(4000)])
    cancel = CancelToken()
    thread, outcome = _run_in_thread(db, path, cancel)
    wait_until(lambda: _checking_child() is not None or outcome, "the checking process starting")
    child = _checking_child()
    cancel.cancel()
    thread.join(30)
    assert isinstance(outcome.get("error"), Cancelled), outcome
    assert child is None or not child.is_alive()
    assert counts(db)[:2] == (0, 0)


def test_a_child_that_dies_loses_nothing_and_says_so(db, tmp_path, apart):
    path = _file(tmp_path, [row(9000 + i) for i in range(4000)])
    thread, outcome = _run_in_thread(db, path, CancelToken())
    wait_until(lambda: _checking_child() is not None or outcome, "the checking process starting")
    child = _checking_child()
    assert child is not None, f"the check ended before it could be stopped: {outcome}"
    child.kill()
    thread.join(30)
    error = outcome.get("error")
    assert isinstance(error, CheckStopped), outcome
    assert "stopped unexpectedly" in str(error) and "nothing was imported" in str(error)
    assert counts(db)[:2] == (0, 0)


def test_progress_and_the_events_station_come_through_from_the_child(db, tmp_path, apart):
    from app.domain.station import Actor
    from app.models import UnitEvent
    from sqlalchemy import select

    path = _file(tmp_path, [row(9500 + i) for i in range(300)])
    seen: list[tuple[int, int]] = []
    result = import_csv(db, path, actor=Actor("Bench 7", "Ada"), progress=lambda d, t: seen.append((d, t)),
                        check_apart=True)
    assert result.units == 300 and seen[-1] == (300, 300)
    with db.reads() as s:
        stations = set(s.scalars(select(UnitEvent.station)))
        operators = set(s.scalars(select(UnitEvent.operator)))
    assert stations == {"Bench 7"} and operators == {"Ada"}
