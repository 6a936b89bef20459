"""Inventory tab: receiving by scanner keystrokes, look-up, move, returns desk, CSV import."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from app.domain import returns
from app.domain.catalog_view import catalog_rows
from app.ui.inventory import InventoryTab
from app.ui.scanner import WedgeScanFilter
from ui_helpers import PIXEL, ScannerKeys, bad_check_digit, imei, receive, sell

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx):
    widget = InventoryTab(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.reference_loaded):
        pass
    widget.resize(1200, 760)
    widget.show()
    return widget


@pytest.fixture
def wedge(qapp, tab):
    """The real app-wide keyboard-wedge filter, feeding the tab as the scan router would."""
    scanner = WedgeScanFilter()
    scanner.code_scanned.connect(tab.handle_scan)
    qapp.installEventFilter(scanner)
    yield scanner
    qapp.removeEventFilter(scanner)


def _verdicts(page):
    seen: list[tuple[str, str]] = []
    page.verdict_shown.connect(lambda kind, text: seen.append((kind, text)))
    return seen


def test_receive_by_scanner_keystrokes_with_refusals(qtbot, ctx, tab, wedge):
    page = tab.receive
    page.new_product.setChecked(True)
    for field, value in zip(page.new_fields.values(), ("Apple", "iPhone 12", "A2403", "Unlocked", "64GB", "Blue")):
        field.setText(value)
    page.grade_combo.setCurrentText("B")
    page.set_conditions({"SC"})
    page.sku_edit.setText("IP12-64-BLU-B")
    page.sku_edit.setFocus()  # focus anywhere: the scan still reaches the receipt, not the SKU box
    seen = _verdicts(page)
    keys = ScannerKeys()
    codes = [imei(1), imei(2), imei(1), bad_check_digit(imei(3))]
    for n, code in enumerate(codes, start=1):
        with qtbot.waitSignal(page.verdict_shown):
            keys.scan(page.sku_edit, code)
        assert len(seen) == n

    assert [kind for kind, _ in seen] == ["ok", "ok", "refusal", "refusal"]
    assert "Already received" in seen[2][1]
    assert "check digit is wrong" in seen[3][1]
    assert page.count_label.text() == "2 received this session"
    assert page.sku_edit.text() == "IP12-64-BLU-B"  # the scanned digits did not land in the SKU box
    assert page.banner.kind == "refusal" and page.log_model.rowCount() == 4
    assert page.last_verdict_ms is not None
    rows = catalog_rows(ctx.db.reads())
    assert rows == [{"id": rows[0]["id"], "product": "Apple iPhone 12 A2403 Unlocked 64GB Blue", "grade": "B",
                     "conditions": ["SC"], "sku": "IP12-64-BLU-B", "units": {"Available": 2}}]


def test_receive_needs_a_product_and_a_typed_code_works(qtbot, ctx, tab):
    receive(ctx.db, [imei(9)], product=PIXEL)
    tab.reload_reference()
    qtbot.waitUntil(lambda: tab.receive.product_combo.count() == 1)
    page = tab.receive
    page.product_combo.setCurrentIndex(-1)
    seen = _verdicts(page)
    with qtbot.waitSignal(page.verdict_shown):
        page.handle_scan(imei(10))
    assert seen[-1][0] == "refusal" and "Choose a product" in seen[-1][1]
    page.choose_product(page.product_combo.itemText(0))
    page.code_edit.setText(imei(10))
    with qtbot.waitSignal(page.verdict_shown):
        page.code_edit.returnPressed.emit()
    assert seen[-1][0] == "ok" and "Google Pixel 7" in seen[-1][1]


def test_lookup_shows_the_whole_history(qtbot, ctx, tab):
    receive(ctx.db, [imei(1)])
    number = sell(ctx.db, imei(1), customer="Jane Doe")
    tab.show_page(tab.lookup)
    with qtbot.waitSignal(tab.lookup.verdict_shown):
        assert tab.handle_scan(imei(1))
    html = tab.lookup.panel.toPlainText()
    for expected in (imei(1), "Apple iPhone 13", number, "Jane Doe", "received", "committed", "shipped", "Sold"):
        assert expected in html
    assert tab.lookup.reprint.isEnabled()
    with qtbot.waitSignal(tab.lookup.verdict_shown) as blocker:
        tab.handle_scan(imei(2))
    assert blocker.args[0] == "refusal" and "Unknown unit" in blocker.args[1]


def test_move_scans_units_to_a_status(qtbot, ctx, tab):
    receive(ctx.db, [imei(1), imei(2)])
    tab.show_page(tab.move)
    page = tab.move
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(1))
    assert blocker.args[0] == "refusal"  # nowhere chosen yet
    page.status_combo.setCurrentText("Repair")
    for code in (imei(1), imei(2)):
        with qtbot.waitSignal(page.verdict_shown) as blocker:
            tab.handle_scan(code)
        assert blocker.args[0] == "ok"
    assert catalog_rows(ctx.db.reads())[0]["units"] == {"Repair": 2}


def test_returns_desk_takes_a_shipped_unit_back(qtbot, ctx, tab):
    receive(ctx.db, [imei(1)])
    number = sell(ctx.db, imei(1), customer="Lucas Martin")
    tab.show_page(tab.returns)
    page = tab.returns
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(1))
    assert blocker.args[0] == "ok" and "Lucas Martin" in blocker.args[1] and number in blocker.args[1]
    assert "Bought by Lucas Martin" in page.panel.toPlainText()
    assert page.status_combo.currentText() == "Returned"
    page.grade_combo.setCurrentText("C")
    with qtbot.waitSignal(ctx.events.changes_applied):
        page.take_back.click()
    with ctx.db.reads() as s:
        report = returns.unit_report(s, imei(1))
    assert (report["status"], report["warehouse"], report["grade"]) == ("Returned", "Main", "C")
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        tab.handle_scan(imei(1))  # now Returned, not Sold: nothing to take back
    assert blocker.args[0] == "refusal" and not page.take_back.isEnabled()


HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse\n"


def test_csv_import_bad_file_shows_each_bad_row_and_imports_nothing(qtbot, ctx, tab, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER
                   + f"{imei(1)},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,,Available,Main\n"
                   + f"{bad_check_digit(imei(2))},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,,Available,Main\n"
                   + f"{imei(3)},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,Z,,Available,Main\n")
    with qtbot.waitSignal(tab.csv.finished):
        tab.csv.import_file(str(bad))
    dialog = tab.csv.problems_dialog
    assert dialog is not None and dialog.isVisible()
    problems = [(dialog.model.index(r, 0).data(), dialog.model.index(r, 1).data()) for r in range(dialog.model.rowCount())]
    assert [line for line, _ in problems] == ["3", "4"]
    assert "check digit" in problems[0][1]
    assert catalog_rows(ctx.db.reads()) == []
    dialog.close()

    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"{imei(1)},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,SC,Available,Main\n")
    with qtbot.waitSignal(tab.csv.finished) as blocker:
        tab.csv.import_file(str(good))
    assert blocker.args[0].startswith("Imported 1 unit from")
    assert tab.csv.progress_dialog is None and tab.csv.result_box.isVisible()
    tab.csv.result_box.close()
    assert catalog_rows(ctx.db.reads())[0]["units"] == {"Available": 1}


def test_csv_import_cancel_button_leaves_nothing_imported(qtbot, ctx, tab, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text(HEADER + "".join(f"{imei(5000 + i)},Apple,iPhone 13,A2633,Unlocked,128GB,Midnight,A,,Available,Main\n"
                                    for i in range(3000)))
    with qtbot.waitSignal(tab.csv.finished, timeout=60000) as blocker:
        tab.csv.import_file(str(big))
        dialog = tab.csv.progress_dialog
        assert dialog is not None and [b.text() for b in dialog.findChildren(QPushButton)] == ["Cancel import"]
        tab.csv.cancel_import()  # what the dialog's "Cancel import" button does
        assert tab.csv.cancel_token.cancelled and dialog.isVisible()
        assert not dialog.findChildren(QPushButton) or not any(b.isVisible() for b in dialog.findChildren(QPushButton))
    assert blocker.args[0] == "Import of big.csv cancelled; nothing was imported"
    assert tab.csv.progress_dialog is None and tab.csv.problems_dialog is None
    assert catalog_rows(ctx.db.reads()) == []
