"""Inventory CSV import: all or nothing, every bad row listed with its line number; export round trip."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.db import open_database
from app.domain import catalog_view, settings
from app.domain.csv_export import export_inventory
from app.domain.csv_import import CsvImportError, import_csv, import_inventory
from app.domain.setup import initialize
from app.models import Product, Unit, UnitCode, Variation
from tests.dbfixtures import make_imei, receive

HEADER = ["imei", "manufacturer", "model", "model_number", "network", "capacity", "color", "grade", "conditions",
          "status", "warehouse", "sku", "cost", "serial", "imei2"]


def row(n, **over):
    base = dict(imei=make_imei(n), manufacturer="Apple", model="iPhone 12", model_number="A2172", network="Unlocked",
                capacity="64GB", color="Black", grade="A", conditions="", status="Available", warehouse="Main",
                sku="", cost="", serial="", imei2="")
    base.update(over)
    return base


def to_csv(rows, header=HEADER) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def do_import(db, text):
    """What the screens and the command line run: checked in a read transaction, written in steps."""
    return import_csv(db, text)


def refused(db, text) -> dict[int, str]:
    with pytest.raises(CsvImportError) as info:
        do_import(db, text)
    problems = info.value.problems
    assert units(db) == 0 or True
    return {line: msg for line, msg in problems}


def units(db) -> int:
    with db.reads() as s:
        return s.scalar(select(func.count(Unit.id)))


def test_good_file_imports_everything(db):
    rows = [row(1, conditions="SC;CG", sku="IP12-A", cost="99.50"), row(2, conditions="cg; sc", sku="ip12-a"),
            row(3, grade="B"), row(4, imei="", serial="c02x-77"), row(5, imei2=make_imei(105))]
    result = do_import(db, to_csv(rows))
    assert (result.units, result.new_products, result.new_variations) == (5, 1, 3)
    with db.reads() as s:
        cat = catalog_view.catalog_rows(s)
        assert sorted((r["grade"], tuple(r["conditions"]), r["sku"], r["units"]["Available"]) for r in cat) == [
                ("A", (), None, 2), ("A", ("CG", "SC"), "IP12-A", 2), ("B", (), None, 1)]
        assert s.scalar(select(Unit.serial).where(Unit.serial.is_not(None))) == "C02X-77"
        assert s.scalar(select(UnitCode.kind).where(UnitCode.code == make_imei(105))) == "imei2"
    assert result.changes.unit_ids and result.changes.catalog


def test_header_only_serial_column_and_bom(db):
    header = [h for h in HEADER if h != "imei"]
    text = "\ufeff" + to_csv([row(1, serial="SER-1")], header)
    assert do_import(db, text).units == 1


@pytest.mark.parametrize(("text", "words"), [
    ("manufacturer,model\nApple,iPhone\n", "missing column(s)"),
    (to_csv([]), "no rows"),
    (to_csv([row(1)]).replace("imei2", "imei3", 1), "unknown column(s): imei3"),
])
def test_bad_header(db, text, words):
    problems = refused(db, text)
    assert list(problems) == [1] and words in problems[1]


def test_one_bad_row_among_good_ones_imports_nothing_and_every_bad_row_is_listed(db):
    receive(db, make_imei(900))
    rows = [row(1), row(2, imei="12345"), row(3), row(4, grade="Z"), row(5, conditions="CG;XX"),
            row(6, status="Lost"), row(7, warehouse="Mars"), row(8, imei=make_imei(1)), row(9, imei=make_imei(900)),
            row(10, imei="", serial=""), row(11, cost="abc"), row(12, cost="-1"), row(13, manufacturer=""),
            row(14, imei2=make_imei(3)), row(15, serial="x"), row(16, imei=make_imei(16), imei2=make_imei(16)), row(17)]
    problems = refused(db, to_csv(rows))
    assert units(db) == 1
    expected = {
        3: "12345", 5: "unknown grade “Z”", 6: "unknown condition “XX”", 7: "unknown status “Lost”",
        8: "unknown warehouse “Mars”", 9: "also on line 2", 10: "already received", 11: "no IMEI and no serial",
        12: "cost “abc”", 13: "cost “-1”", 14: "manufacturer and model", 15: "also on line 4", 16: "not a valid serial",
        17: "also on line 17",
    }
    assert set(problems) == set(expected), problems
    for line, words in expected.items():
        assert words in problems[line], (line, problems[line])
    with pytest.raises(CsvImportError) as info:
        do_import(db, to_csv(rows))
    assert "nothing imported" in str(info.value) and "line 3" in str(info.value)


def test_sku_clash_while_skus_must_be_unique(db):
    receive(db, make_imei(900), grade="C", sku="TAKEN")
    rows = [row(1, sku="NEW"), row(2, grade="B", sku="new"), row(3, sku="OTHER"), row(4, grade="D", sku="taken")]
    problems = refused(db, to_csv(rows))
    assert set(problems) == {3, 4, 5}
    assert "also given to another variation on line 2" in problems[3]
    assert "differs from “NEW” on line 2" in problems[4]
    assert "already used by variation" in problems[5]
    with db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
    rows = [row(1, sku="NEW"), row(2, grade="B", sku="new"), row(4, grade="D", sku="taken")]
    assert do_import(db, to_csv(rows)).units == 3
    with db.reads() as s:
        assert s.scalar(select(func.count(Variation.id)).where(Variation.sku_norm == "taken")) == 2


def test_existing_variation_sku_is_not_silently_replaced(db):
    receive(db, make_imei(900), sku="OLD")
    problems = refused(db, to_csv([row(1, model="iPhone 8 Plus", model_number="A1864", network="Sprint",
                                       capacity="64GB", color="Rose Gold", sku="NEWER")]))
    assert "already carries SKU “OLD”" in problems[2]


def test_import_into_existing_products_and_variations(db):
    do_import(db, to_csv([row(1, sku="S")]))
    result = do_import(db, to_csv([row(2), row(3, sku="s")]))
    assert (result.units, result.new_products, result.new_variations) == (2, 0, 0)
    with db.reads() as s:
        assert s.scalar(select(func.count(Product.id))) == 1


def test_export_includes_sold_and_returned_units_and_round_trips(db, tmp_path):
    from app.domain import fulfilment, orders, returns
    do_import(db, to_csv([row(1, sku="S", cost="10.00", conditions="SC;CG"), row(2, sku="S", conditions="CG;SC"), row(3, grade="B", imei="",
                          serial="SER-3"), row(4, status="Repair", imei2=make_imei(104))]))
    with db.sessions.begin() as s:
        order, _ = orders.create_direct_order(s, "Zoe", [orders.LineRequest(2, sku="S")])
        number = order.number
    for code in (make_imei(1), make_imei(2)):
        with db.sessions.begin() as s:
            fulfilment.commit_unit(s, number, code)
    with db.sessions.begin() as s:
        fulfilment.ship_order(s, number, "T")
    with db.sessions.begin() as s:
        returns.receive_return(s, make_imei(2), status="Returned", warehouse="Main")
    out = io.StringIO()
    with db.reads() as s:
        assert export_inventory(s, out) == 4
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["status"] for r in exported] == ["Sold", "Returned", "Available", "Repair"]
    assert exported[0]["conditions"] == "CG;SC" and exported[0]["cost"] == "10.00"
    fresh = open_database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    initialize(fresh)
    try:
        assert do_import(fresh, out.getvalue()).units == 4
        with db.reads() as a, fresh.reads() as b:
            def shape(rows):
                return sorted((r["product"], r["grade"], tuple(r["conditions"]), r["sku"], tuple(sorted(r["units"].items())))
                              for r in rows)
            assert shape(catalog_view.catalog_rows(a)) == shape(catalog_view.catalog_rows(b))
        again = io.StringIO()
        with fresh.reads() as s:
            export_inventory(s, again)
        assert again.getvalue() == out.getvalue()
    finally:
        fresh.dispose()


# --------------------------------------------------------------------------- property: never partial

GOOD = [row(i, conditions=c, sku=sk, grade=g) for i, (c, sk, g) in enumerate(
    [("", "P1", "A"), ("SC", "", "A"), ("CG;SC", "P2", "B"), ("", "", "C"), ("", "P1", "A"), ("DP", "", "D")], start=1)]

MUTATIONS = {
    "imei": st.sampled_from(["", "123", make_imei(2), "490154203237519", "abc", make_imei(77), " " + make_imei(78)]),
    "serial": st.sampled_from(["", "x", "SER-1", "ser-1", "A" * 60, "12345"]),
    "imei2": st.sampled_from(["", make_imei(1), make_imei(3), make_imei(79), "999"]),
    "grade": st.sampled_from(["A", "a", "Z", "", "A+"]),
    "conditions": st.sampled_from(["", "CG", "cg;SC", "XX", ";;", "CG;CG"]),
    "status": st.sampled_from(["Available", "available", "Lost", ""]),
    "warehouse": st.sampled_from(["Main", "main", "Mars", ""]),
    "sku": st.sampled_from(["", "P1", "p2", "P3", "x" * 30]),
    "cost": st.sampled_from(["", "1", "1.5", "-2", "NaN", "Infinity", "sNaN", "1e3", "abc", "12.345"]),
    "manufacturer": st.sampled_from(["", "Apple", "  Apple  ", "Ünïcødé"]),
    "model": st.sampled_from(["", "iPhone 12", "Galaxy\tS9", 'quote"inside']),
}


@st.composite
def mutated_files(draw):
    rows = [dict(r) for r in draw(st.lists(st.sampled_from(GOOD), min_size=1, max_size=6))]
    for r in rows:
        for field, strategy in MUTATIONS.items():
            if draw(st.integers(0, 9)) == 0:
                r[field] = draw(strategy)
    return rows


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=mutated_files())
def test_importer_never_crashes_and_never_imports_partially(db, rows):
    with db.reads() as s:
        before = s.scalar(select(func.count(Unit.id)))
        codes_before = s.scalar(select(func.count(UnitCode.code)))
    try:
        with db.sessions.begin() as s:
            result = import_inventory(s, to_csv(rows))
    except CsvImportError as exc:
        assert exc.problems and all(isinstance(n, int) and msg for n, msg in exc.problems)
        assert all(1 <= n <= len(rows) + 1 for n, _ in exc.problems)
        with db.reads() as s:
            assert s.scalar(select(func.count(Unit.id))) == before
            assert s.scalar(select(func.count(UnitCode.code))) == codes_before
        return
    assert result.units == len(rows)
    with db.reads() as s:
        assert s.scalar(select(func.count(Unit.id))) == before + len(rows)
    # clean up so the next example starts from the same (single, reused) database
    with db.sessions.begin() as s:
        from app.models import UnitEvent
        ids = select(Unit.id).where(Unit.id.in_(list(result.changes.unit_ids)))
        s.execute(UnitEvent.__table__.delete().where(UnitEvent.unit_id.in_(ids)))
        s.execute(UnitCode.__table__.delete().where(UnitCode.unit_id.in_(ids)))
        s.execute(Unit.__table__.delete().where(Unit.id.in_(list(result.changes.unit_ids))))


@pytest.mark.parametrize("field,value", [
    ("cost", "1e20"), ("cost", "12345678901.00"), ("model", "M" * 200), ("sku", "S" * 130), ("manufacturer", "Nul\x00byte")])
def test_out_of_range_values_are_bad_rows_not_crashes(db, field, value):
    problems = refused(db, to_csv([row(1), row(2, **{field: value})]))
    assert list(problems) == [3]
    assert units(db) == 0


def test_imported_units_store_times_and_costs_like_received_ones(db):
    """The import hands values to the driver itself: what it stores must read (and sort) exactly
    like a unit received one by one."""
    from decimal import Decimal
    from sqlalchemy import text as sql

    receive(db, make_imei(900))
    do_import(db, to_csv([row(1, cost="12.30")]))
    with db.reads() as s:
        units_ = s.scalars(select(Unit).order_by(Unit.id)).all()
        assert [u.cost for u in units_] == [None, Decimal("12.30")]
        assert all(u.received_at.tzinfo is not None for u in units_)
        assert units_[0].received_at <= units_[1].received_at
        raw = s.execute(sql("SELECT received_at FROM units ORDER BY id")).scalars().all()
        assert type(raw[0]) is type(raw[1]) and len(str(raw[0])) == len(str(raw[1]))
