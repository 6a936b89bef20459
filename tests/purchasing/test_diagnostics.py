"""Grading from a diagnostics export: all or nothing, every bad row listed; regrading into new
variations; each run in the unit's history with battery health and failed tests; pass → Available
(counted for Back Market), fail → Repair; another tool's headers mapped without editing the file."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.domain import fulfilment, orders, returns, settings
from app.domain.csv_import import CsvImportError
from app.domain.errors import DomainError
from app.domain.purchasing import diagnostics, diagnostics_columns
from app.domain.quantities import calculated_quantities
from app.models import DiagnosticRun, InventoryStatus, Listing, Unit
from tests.dbfixtures import receive
from tests.purchasing.helpers import call, grade, imeis, receive_all, vendor_po


def unit_state(db, code):
    with db.reads() as s:
        report = returns.unit_report(s, code)
    return report["status"], report["grade"], report["conditions"], report["product"]


def test_pass_fail_regrade_and_history(db):
    po = vendor_po(db, qty=3)
    good, bad, same = imeis(3)
    receive_all(db, po, [good, bad, same])
    text = ("imei,grade,conditions,battery_health,failed_tests,tool,tester,model_number\n"
            f"{good},A,,91%,,Phonecheck,Ann,A2172\n"
            f"{bad},C,SC;cg,78,Face ID; Speaker,Phonecheck,Ann,\n"
            f"{same},Ungraded,,,,,,\n")
    result = call(db, diagnostics.import_diagnostics, text)
    assert (result.units, result.passed, result.failed, result.regraded) == (3, 2, 1, 2)
    assert unit_state(db, good) == ("Available", "A", [], "Apple iPhone 12 A2172 64GB Black")
    assert unit_state(db, bad) == ("Repair", "C", ["CG", "SC"], "Apple iPhone 12 64GB Black")
    assert unit_state(db, same)[:2] == ("Available", "Ungraded")
    with db.reads() as s:
        history = returns.unit_report(s, bad)["history"]
        runs = s.scalars(select(DiagnosticRun).order_by(DiagnosticRun.id)).all()
    run = next(e for e in history if e["event"] == "diagnostics")
    assert run["detail"] == "Phonecheck by Ann: failed Face ID; Speaker · battery 78% · grade C (CG+SC)"
    assert [e["event"] for e in history] == ["received", "diagnostics", "grade", "status"]
    assert next(e for e in history if e["event"] == "status")["detail"] == "Incoming → Repair (diagnostics)"
    assert [(r.battery_health, r.failed_tests, r.passed) for r in runs] == [
        (91, "", True), (78, "Face ID;Speaker", False), (None, "", True)]


def test_chosen_statuses_and_refused_ones(db):
    po = vendor_po(db)
    a, b = imeis(2)
    receive_all(db, po, [a, b])
    grade(db, [(a, "B", ""), (b, "C", "Camera")], pass_status="Processing", fail_status="Unavailable")
    assert unit_state(db, a)[0] == "Processing" and unit_state(db, b)[0] == "Unavailable"
    for kw, words in [({"pass_status": "Sold"}, "cannot go to Sold \\(the pass status\\)"),
                      ({"fail_status": "Vendor RMA"}, "cannot go to Vendor RMA"),
                      ({"pass_status": "Shelf"}, "Unknown status “Shelf”")]:
        with pytest.raises(DomainError, match=words):
            grade(db, [(a, "A", "")], **kw)


def test_every_bad_row_is_listed_and_nothing_changes(db):
    po = vendor_po(db, qty=5)
    ok, committed, unknown = imeis(3)
    receive_all(db, po, [ok])
    receive(db, committed)  # Available, outside any PO: may be graded too, but this one is on an order
    with db.sessions.begin() as s:
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == committed))
        order, _ = orders.create_direct_order(s, "Bob", [orders.LineRequest(1, variation_id=variation_id)])
        number = order.number
    call(db, fulfilment.commit_unit, number, committed)
    text = ("imei,grade,conditions,battery_health,failed_tests\n"
            f"{ok},A,,90,\n"
            f"{unknown},A,,90,\n"
            f"{committed},A,,90,\n"
            f"{ok},B,,90,\n"
            f"{imeis(1, 9)[0]},Z,XX,150,\n"
            "12345,A,,,\n")
    with pytest.raises(CsvImportError) as refused:
        call(db, diagnostics.import_diagnostics, text)
    problems = dict(refused.value.problems)
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "is not in stock (no unit with it has been received)" in problems[3]
    assert f"is on order {number}: uncommit it before grading" in problems[4]
    assert f"{ok} is also on line 2" in problems[5]
    assert all(w in problems[6] for w in ("unknown grade “Z”", "unknown condition “XX”", "not a percentage"))
    assert "not a valid IMEI" in problems[7]
    assert unit_state(db, ok)[:2] == ("Incoming", "Ungraded")
    with db.reads() as s:
        assert s.query(DiagnosticRun).count() == 0


def test_a_sold_or_returned_unit_is_not_in_stock(db):
    po = vendor_po(db)
    a, = imeis(1)
    receive_all(db, po, [a])
    with db.sessions.begin() as s:  # as a credited vendor RMA leaves it
        s.execute(update(Unit).values(status_id=select(InventoryStatus.id)
                                      .where(InventoryStatus.name == "Returned to vendor").scalar_subquery()))
    with pytest.raises(CsvImportError, match="is not in stock \\(Returned to vendor\\)"):
        grade(db, [(a, "A", "")])


@pytest.mark.parametrize("header", ["imei,grade\n", "grade,failed_tests\n"])
def test_missing_columns(db, header):
    with pytest.raises(CsvImportError, match="missing column"):
        call(db, diagnostics.import_diagnostics, header + "x,y\n")


PHONECHECK = ("IMEI/MEID,Serial Number,Cosmetic Grade,Battery Health,Failed,Tester Name,Software,Carrier,Notes\n"
              "{a},F2LX,B,88%,,Ann,Phonecheck 5,Unlocked,boxed\n")


def test_another_tools_headers_are_mapped_without_editing_the_file(db):
    po = vendor_po(db)
    a, = imeis(1)
    receive_all(db, po, [a])
    text = PHONECHECK.format(a=a)
    preview = diagnostics_columns.diagnostics_preview(text)
    assert preview.mapping["imei"] == "imei/meid" and preview.mapping["grade"] == "cosmetic grade"
    assert preview.mapping["failed_tests"] == "failed" and preview.mapping["battery_health"] == "battery health"
    assert preview.mapping["conditions"] is None and preview.missing == ()
    assert preview.rows[0][0] == a
    with pytest.raises(CsvImportError, match="unknown column"):
        call(db, diagnostics.import_diagnostics, text)  # our names only, unless mapped
    mapping = {k: v for k, v in preview.mapping.items() if v and k != "serial"}
    result = call(db, diagnostics.import_diagnostics, text, columns=mapping)
    assert (result.units, result.passed) == (1, 1)
    assert unit_state(db, a)[:2] == ("Available", "B")
    with db.reads() as s:
        run = s.scalar(select(DiagnosticRun))
    assert (run.tool, run.tester, run.battery_health) == ("Phonecheck 5", "Ann", 88)
    with pytest.raises(CsvImportError, match="the file has no column “grade col” \\(for grade\\)"):
        call(db, diagnostics.import_diagnostics, text, columns={**mapping, "grade": "Grade Col"})
    preview = diagnostics_columns.diagnostics_preview("x,y\n1,2\n")
    assert set(preview.missing) == {"imei", "grade", "failed_tests"}


def test_passing_units_reach_the_calculated_quantity(db):
    po = vendor_po(db, qty=2)
    good, bad = imeis(2)
    receive_all(db, po, [good, bad])
    grade(db, [(good, "A", ""), (bad, "A", "Face ID")])
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.mapping", "variation")
        variation_id = s.scalar(select(Unit.variation_id).where(Unit.imei == good))
        s.add(Listing(uuid="u-1", listing_id=1, sku="IP12-A", sku_norm="ip12-a", variation_id=variation_id))
    with db.reads() as s:
        listing_id = s.scalar(select(Listing.id))
        assert calculated_quantities(s)[listing_id].calculated == 1  # the one in Repair does not count
