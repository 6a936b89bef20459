"""The vendor's IMEI list: all rows or none, every bad row listed with its line number."""

from __future__ import annotations

import pytest

from app.domain.csv_import import CsvImportError
from app.domain.errors import DomainError
from app.domain.purchasing import common, manifest, orders
from app.models import ManifestRow
from tests.dbfixtures import receive
from tests.purchasing.helpers import LINE, call, imeis, receive_all, vendor_po

TWO_LINES = (LINE.format(qty=2), "manufacturer=Samsung,model=Galaxy S21,capacity=128GB,qty=2,cost=150")



def count(db):
    with db.reads() as s:
        return s.query(ManifestRow).count()


def test_rows_match_lines_by_model(db):
    po = vendor_po(db, lines=TWO_LINES)
    a, b, c = imeis(3)
    text = ("imei,manufacturer,model,capacity,color,grade,cost\n"
            f"{a},Apple,iPhone 12,64GB,Black,B,175.5\n{b},samsung,galaxy s21,,,,\n{c},,,,,,\n")
    result = call(db, manifest.import_manifest, po, text, filename="lot.csv")
    assert (result.rows, result.replaced) == (3, 0)
    with db.reads() as s:
        by_code = {r.code: r for r in s.query(ManifestRow)}
        lines = [l.id for l in common.get_po(s, po).lines]
    assert by_code[a].po_line_id == lines[0] and by_code[a].grade == "B" and str(by_code[a].cost) == "175.50"
    assert by_code[b].po_line_id == lines[1]
    assert by_code[c].po_line_id is None  # no product: whichever line has room when it arrives


def test_every_bad_row_is_listed_and_nothing_imported(db):
    po = vendor_po(db, lines=TWO_LINES)
    in_stock = imeis(1, 90)[0]
    receive(db, in_stock)
    a, b = imeis(2)
    text = ("imei,manufacturer,model,grade,cost\n"
            f"{a},Apple,iPhone 12,,\n"
            "490154203237519,,,,\n"  # bad check digit
            f"{a},,,,\n"  # twice
            f"{b},Google,Pixel 7,,\n"  # no such line
            f"{imeis(1, 7)[0]},,,Z,\n"  # unknown grade
            f"{imeis(1, 8)[0]},,,,lots\n"  # not an amount
            f"{in_stock},,,,\n"  # already in stock
            ",,,,\n")  # no code
    with pytest.raises(CsvImportError) as refused:
        call(db, manifest.import_manifest, po, text)
    problems = dict(refused.value.problems)
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "check digit is wrong" in problems[3]
    assert f"{a} is also on line 2" in problems[4]
    assert "Google Pixel 7 matches no line of " + po in problems[5]
    assert "unknown grade “Z”" in problems[6]
    assert "cost “lots” is not an amount" in problems[7]
    assert f"{in_stock} is already in stock" in problems[8]
    assert "no IMEI and no serial" in problems[9]
    assert count(db) == 0


@pytest.mark.parametrize("header, words", [
    ("code\n", "missing column: imei (or serial)"),
    ("imei,price\n", "unknown column(s): price"),
    ("imei,imei\n", "column “imei” appears more than once"),
    ("imei\n", "the file has no rows"),
])
def test_bad_headers(db, header, words):
    po = vendor_po(db)
    with pytest.raises(CsvImportError) as refused:
        call(db, manifest.import_manifest, po, header)
    assert words in str(refused.value)


def test_a_new_list_replaces_the_old_and_keeps_codes_received_on_this_po(db):
    po = vendor_po(db)
    a, b, c = imeis(3)
    call(db, manifest.import_manifest, po, f"imei\n{a}\n{b}\n")
    receive_all(db, po, [a])
    result = call(db, manifest.import_manifest, po, f"serial\n{a}\n{c}\n")  # an IMEI in a serial column is an IMEI
    assert (result.rows, result.replaced) == (2, 2)
    with db.reads() as s:
        assert sorted(r.code for r in s.query(ManifestRow)) == sorted([a, c])


def test_closed_po_manifest_refused(db):
    po = vendor_po(db)
    call(db, orders.cancel_po, po)
    with pytest.raises(DomainError, match="is cancelled: its manifest cannot change"):
        call(db, manifest.import_manifest, po, f"imei\n{imeis(1)[0]}\n")
