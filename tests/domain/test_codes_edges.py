"""A code that is an IMEI once separators are removed is an IMEI (issue #9 finding 14).

The same phone must never be received twice because its IMEI was typed with dashes or spaces.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import inventory
from app.domain.codes import CodeKind, is_imei_form, parse_imei, parse_unit_code, unit_codes
from app.domain.csv_import import CsvImportError, import_inventory
from app.domain.errors import Conflict, DomainError, InvalidCode
from app.models import Unit
from tests.dbfixtures import IPHONE, make_imei, receive

IMEI = "352099001761481"
FORMS = ["35-209900-176148-1", "35 209900 176148 1", "352099/001761481", "35.209900.176148.1", " 35-2099-0017-6148-1 "]
HEADER = "imei,manufacturer,model,model_number,network,capacity,color,grade,conditions,status,warehouse,serial\n"


@pytest.mark.parametrize("raw", FORMS)
def test_separated_forms_are_the_imei(raw):
    assert is_imei_form(raw)
    assert parse_unit_code(raw) == parse_unit_code(IMEI)
    assert parse_unit_code(raw).kind is CodeKind.IMEI and parse_imei(raw) == IMEI
    assert unit_codes(None, raw, None) == [(IMEI, "imei")]  # given as a serial, it is still the IMEI


@pytest.mark.parametrize("raw", ["35-209900-176148-2", "35 209900 176148 0"])
def test_a_separated_form_with_a_wrong_check_digit_is_refused_as_an_imei(raw):
    with pytest.raises(InvalidCode, match="check digit is wrong"):
        parse_unit_code(raw)
    with pytest.raises(InvalidCode, match="check digit is wrong"):
        unit_codes(None, raw, None)


@pytest.mark.parametrize("raw", ["C02X-1/2.3", "2021-0001", "12-34", "SN-35-2099-00"])
def test_serials_with_fewer_digits_stay_serials(raw):
    assert parse_unit_code(raw).kind is CodeKind.SERIAL


def test_a_serial_that_is_another_imei_is_refused():
    with pytest.raises(InvalidCode, match="second IMEI"):
        unit_codes(make_imei(7), FORMS[0], None)
    assert unit_codes(IMEI, FORMS[0], None) == [(IMEI, "imei")]  # the same IMEI twice is one code


def test_the_dashed_form_of_a_received_imei_is_a_duplicate(db):
    receive(db, IMEI)
    for form in FORMS:
        with pytest.raises(Conflict, match="Already received"):
            receive(db, form)
        with pytest.raises(Conflict, match="Already received"):
            receive(db, serial=form)
    with db.reads() as s:
        assert len(s.scalars(select(Unit.id)).all()) == 1
        assert inventory.find_unit(s, FORMS[0]).imei == IMEI  # a scan of the dashed label finds the phone


def test_a_dashed_imei_given_as_serial_is_stored_as_the_imei(db):
    receive(db, serial=FORMS[1])
    with db.reads() as s:
        unit = inventory.find_unit(s, IMEI)
        assert (unit.imei, unit.serial) == (IMEI, None)
    with pytest.raises(DomainError, match="check digit"):
        receive(db, serial="35-209900-176148-2")


def test_csv_dashed_imei_of_a_received_unit_is_a_bad_row(db):
    receive(db, IMEI)
    text = HEADER + f",Apple,iPhone,,,,,A,,Available,Main,{FORMS[0]}\n" + f"{make_imei(2)},Apple,iPhone,,,,,A,,Available,Main,\n"
    with pytest.raises(CsvImportError) as info:
        with db.sessions.begin() as s:
            import_inventory(s, text)
    assert info.value.problems == [(2, f"{IMEI} was already received")]
    # within one file too: the plain and the dashed form are the same phone
    text = HEADER + f"{make_imei(3)},Apple,iPhone,,,,,A,,Available,Main,\n" + f",Apple,iPhone,,,,,A,,Available,Main,{make_imei(3)[:2]}-{make_imei(3)[2:]}\n"
    with pytest.raises(CsvImportError) as info:
        with db.sessions.begin() as s:
            import_inventory(s, text)
    assert info.value.problems == [(3, f"{make_imei(3)} is also on line 2")]
    with db.reads() as s:
        assert len(s.scalars(select(Unit.id)).all()) == 1
