"""Grading in the GUI: a Phonecheck-style export is mapped in the preview (never edited), pass
and fail statuses are chosen, the import runs off the GUI thread, and a bad file lists every bad
row while nothing changes."""

from __future__ import annotations

import pytest

from app.domain import inventory
from app.domain.purchasing import receiving
from app.ui.purchasing.grading import GradingPage
from purchasing_helpers import FakeAsks, make_po, write
from ui_helpers import imei

pytestmark = pytest.mark.gui

PHONECHECK = ("IMEI/MEID,Model Name,Cosmetic Grade,Battery Health,Result Failures,Damage,Tester Name\n"
              "{a},iPhone 13,A,91%,,SC,Jo\n"
              "{b},iPhone 13,B,78,Face ID;Speaker,,Jo\n")


@pytest.fixture
def received(db):
    number = make_po(db)
    with db.sessions.begin() as s:
        for n in (1, 2):
            receiving.receive_scan(s, number, imei(n))
    return number


@pytest.fixture
def page(qtbot, ctx):
    widget = GradingPage(ctx, FakeAsks())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.pass_status.count() > 0, timeout=10000)
    return widget


def choose(qtbot, page, path: str) -> None:
    page._asks.open_path = path
    with qtbot.waitSignal(page.preview_shown, timeout=10000):
        page.choose_button.click()


def status_and_grade(db, code: str) -> tuple[str, str]:
    with db.reads() as s:
        unit = inventory.find_unit(s, code)
        return unit.status.name, unit.variation.grade.name


def test_a_phonecheck_export_is_mapped_in_the_preview_and_grades_units(qtbot, db, received, page, tmp_path,
                                                                        qtmodeltester) -> None:
    choose(qtbot, page, write(tmp_path / "phonecheck.csv", PHONECHECK.format(a=imei(1), b=imei(2))))
    assert page.preview.rowCount() == 2 and page.preview.columnCount() == 7
    assert page.preview.headerData(0, page.preview_view.horizontalHeader().orientation()) == "imei/meid"
    assert page.columns()["imei"] == "imei/meid" and page.columns()["grade"] == "cosmetic grade"
    assert page.columns()["battery_health"] == "battery health" and page.columns()["conditions"] == "damage"
    qtmodeltester.check(page.preview)
    assert page.missing() == ["failed_tests"] and not page.import_button.isEnabled()
    assert "failed tests" in page.missing_label.text()

    page.set_column("failed_tests", "Result Failures")  # the one header no guess could match
    assert page.missing() == [] and page.import_button.isEnabled()
    assert page.pass_status.currentText() == "Available" and page.fail_status.currentText() == "Repair"
    assert "Vendor RMA" not in [page.pass_status.itemText(i) for i in range(page.pass_status.count())]
    with qtbot.waitSignal(page.import_finished, timeout=20000) as done:
        page.import_button.click()
    assert done.args[0].startswith("Graded 2 units: 1 passed → Available, 1 failed → Repair")
    assert status_and_grade(db, imei(1)) == ("Available", "A")
    assert status_and_grade(db, imei(2)) == ("Repair", "B")


def test_every_bad_row_is_listed_and_nothing_changes(qtbot, db, received, page, tmp_path) -> None:
    text = PHONECHECK.format(a=imei(1), b=imei(2)) + f"{imei(40)},iPhone 13,A,90,,,Jo\n{imei(2)},iPhone 13,Z,101,,,Jo\n"
    choose(qtbot, page, write(tmp_path / "bad.csv", text))
    page.set_column("failed_tests", "result failures")
    page.fail_status.setCurrentText("Processing")
    with qtbot.waitSignal(page.import_finished, timeout=20000) as done:
        page.import_button.click()
    assert done.args[0] == "2 bad rows — nothing was graded. Every bad row is listed above."
    problems = [(page.problems.data(page.problems.index(r, 0)), page.problems.data(page.problems.index(r, 1)))
                for r in range(page.problems.rowCount())]
    assert [line for line, _ in problems] == ["4", "5"]
    assert f"{imei(40)} is not in stock" in problems[0][1]
    assert "unknown grade “Z”" in problems[1][1] and "battery_health “101”" in problems[1][1]
    assert status_and_grade(db, imei(1)) == ("Incoming", "Ungraded")


def test_a_file_in_our_own_column_names_needs_no_mapping(qtbot, db, received, page, tmp_path) -> None:
    choose(qtbot, page, write(tmp_path / "ours.csv", f"imei,grade,conditions,battery_health,failed_tests\n"
                                                     f"{imei(1)},A,,95,\n"))
    assert page.missing() == [] and page.import_button.isEnabled()
    with qtbot.waitSignal(page.import_finished, timeout=20000) as done:
        page.import_button.click()
    assert done.args[0].startswith("Graded 1 units: 1 passed")
    assert status_and_grade(db, imei(1)) == ("Available", "A")
