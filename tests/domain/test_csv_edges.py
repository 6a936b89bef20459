"""CSV shapes a careful reader refuses (issue #9 finding 14): more values than the header, a column
named twice, a 10 MB field; and exported cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from app.domain.csv_export import export_inventory
from app.domain.csv_import import CsvImportError, import_inventory, neutralise_cell, restore_cell
from app.models import Unit
from tests.dbfixtures import make_imei, receive

HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,sku\n"


def good(n: int) -> str:
    return f"{make_imei(n)},Apple,iPhone 12,A2172,Unlocked,64GB,Black,A,,Available,Main,\n"


def problems(db, text) -> list[tuple[int, str]]:
    with pytest.raises(CsvImportError) as info:
        with db.sessions.begin() as s:
            import_inventory(s, text)
    assert "\n" not in str(info.value)
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == 0
    return info.value.problems


def test_rows_with_more_values_than_the_header_are_bad_rows(db):
    text = HEADER + good(1) + good(2).rstrip("\n") + ",extra\n" + good(3) + good(4).rstrip("\n") + ",x,y\n"
    found = problems(db, text)
    assert [n for n, _ in found] == [3, 5]
    assert "13 values" in found[0][1] and "12 columns" in found[0][1]
    assert "14 values" in found[1][1]


def test_a_column_named_twice_is_refused(db):
    text = HEADER.rstrip("\n") + ",Grade\n" + good(1).rstrip("\n") + ",B\n"
    found = problems(db, text)
    assert found == [(1, "column “grade” appears more than once")]


@pytest.mark.parametrize("where", ["model", "sku"])
def test_a_10_mb_field_is_a_bad_row_with_its_line_number(db, where):
    huge = "M" * 10_000_000
    bad = good(3).replace("iPhone 12", huge) if where == "model" else good(3).rstrip("\n") + huge + "\n"
    found = problems(db, HEADER + good(1) + good(2) + bad + good(4))
    assert found[-1][0] == 4 and "longer than" in found[-1][1]
    assert all(len(message) < 300 for _, message in found)


def test_a_10_mb_quoted_field_across_lines_names_its_first_line(db):
    text = HEADER + good(1) + f'{make_imei(2)},Apple,"{"x" * 5_000_000}\n{"y" * 5_000_000}",,,,,A,,Available,Main,\n'
    found = problems(db, text)
    assert found[-1][0] == 3


@pytest.mark.parametrize("value", ["=1+1", "+33 6 12", "-ABC1", "@SUM(A1)", "\tx", "\rx", "'=already quoted", "''=x"])
def test_neutralised_cells_come_back_as_they_were(value):
    safe = neutralise_cell(value)
    assert safe[0] not in "=+-@\t\r"
    assert restore_cell(safe) == value


@pytest.mark.parametrize("value", ["Apple", "A+", "", "'quoted", "it's", "1-2"])
def test_ordinary_cells_are_left_alone(value):
    assert neutralise_cell(value) == value and restore_cell(value) == value


def test_export_neutralises_formulas_and_re_imports(db, tmp_path):
    from app.domain import reference
    from app.domain.catalog import ProductSpec
    with db.sessions.begin() as s:
        reference.define_warehouse(s, "@Shelf")
    receive(db, make_imei(1), product=ProductSpec("=HYPERLINK(\"http://x\")", "+iPhone", "-A2172"), sku="=S1",
            warehouse="@Shelf")
    receive(db, serial="-SER-2")
    out = io.StringIO()
    with db.reads() as s:
        export_inventory(s, out)
    cells = [c for r in csv.reader(io.StringIO(out.getvalue())) for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'-SER-2" in cells and "'@Shelf" in cells
    # the exported file imports back to the same units (into a fresh database)
    from app.db import open_database
    from app.domain.setup import initialize
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    initialize(fresh)
    try:
        with fresh.sessions.begin() as s:
            reference.define_warehouse(s, "@Shelf")
        with fresh.sessions.begin() as s:
            assert import_inventory(s, out.getvalue()).units == 2
        again = io.StringIO()
        with fresh.reads() as s:
            export_inventory(s, again)
        assert again.getvalue() == out.getvalue()
    finally:
        fresh.dispose()
