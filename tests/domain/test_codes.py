"""IMEI and serial rules (pure, no database): what a scanned code is, and what it can never be."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.codes import CodeKind, is_imei_form, luhn_check_digit, luhn_valid, parse_imei, parse_serial, parse_unit_code
from app.domain.errors import InvalidCode
from tests.dbfixtures import make_imei

SERIAL_ALPHABET = string.ascii_letters + string.digits + "-/."
digits14 = st.text(alphabet=string.digits, min_size=14, max_size=14)


def test_known_imei_is_valid():
    assert parse_imei("490154203237518") == "490154203237518"  # the textbook Luhn example
    assert luhn_check_digit("49015420323751") == "8"


def test_make_imei_gives_valid_distinct_codes():
    codes = {make_imei(n) for n in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 15 and luhn_valid(c) for c in codes)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("49015420323751", "it has 14 digits"),
        ("4901542032375180", "it has 16 digits"),
        ("490154203237519", "check digit is wrong"),
        ("", "Nothing was scanned"),
        ("   ", "Nothing was scanned"),
        ("ab", "not a valid serial"),
        ("ABC DEF", "not a valid serial"),
        ("A" * 51, "not a valid serial"),
        ("SN_123", "not a valid serial"),
        ("４９０１５４２０３２３７５１８", "not"),  # full-width digits are not ASCII digits
    ],
)
def test_bad_codes_say_why(raw, words):
    with pytest.raises(InvalidCode) as info:
        parse_unit_code(raw)
    assert words in str(info.value)
    assert info.value.reason == "invalid_code"


def test_serial_rules_bounds():
    assert parse_unit_code("ab12").kind is CodeKind.SERIAL
    assert parse_unit_code("ab12").value == "AB12"  # serials are stored upper-cased
    assert parse_unit_code("A" * 50).value == "A" * 50
    assert parse_unit_code("c02x-1/2.3").value == "C02X-1/2.3"
    assert parse_unit_code("  F2LXK0ABJCLY \n").value == "F2LXK0ABJCLY"  # scanner whitespace trimmed


def test_all_digit_serial_is_refused_as_serial():
    with pytest.raises(InvalidCode, match="read as an IMEI"):
        parse_serial("123456")


@given(st.text(max_size=80))
@example("\x00")
@example("0" * 15)
@example("١٢٣٤٥٦٧٨٩٠١٢٣٤٥")  # Arabic-Indic digits: isdigit() but not ASCII
@settings(max_examples=400)
def test_parse_never_crashes_with_anything_but_invalid_code(raw):
    try:
        code = parse_unit_code(raw)
    except InvalidCode:
        return
    assert code.kind in (CodeKind.IMEI, CodeKind.SERIAL)
    if code.kind is CodeKind.IMEI:
        assert len(code.value) == 15 and code.value.isascii() and code.value.isdigit() and luhn_valid(code.value)
    else:
        assert 4 <= len(code.value) <= 50 and not code.value.isdigit()
        assert set(code.value) <= set(SERIAL_ALPHABET.upper())


@given(st.text(alphabet=string.digits, min_size=1, max_size=60))
def test_an_all_digit_string_is_never_a_serial(raw):
    try:
        code = parse_unit_code(raw)
    except InvalidCode:
        return
    assert code.kind is CodeKind.IMEI


@given(digits14)
def test_a_valid_imei_round_trips(first14):
    imei = first14 + luhn_check_digit(first14)
    code = parse_unit_code(f"  {imei}\t")
    assert code == parse_unit_code(code.value)
    assert code.kind is CodeKind.IMEI and code.value == imei


@given(digits14, st.integers(0, 14), st.integers(1, 9))
def test_changing_one_digit_breaks_the_check(first14, position, delta):
    imei = first14 + luhn_check_digit(first14)
    wrong = imei[:position] + str((int(imei[position]) + delta) % 10) + imei[position + 1 :]
    with pytest.raises(InvalidCode):
        parse_imei(wrong)


@given(st.text(alphabet=SERIAL_ALPHABET, min_size=4, max_size=50).filter(lambda s: not is_imei_form(s)))
def test_every_serial_within_the_rules_is_accepted(raw):
    # 15 digits with separators between them is an IMEI (test_codes_edges.py), not a serial
    code = parse_unit_code(raw)
    assert code.kind is CodeKind.SERIAL and code.value == raw.upper()
    assert parse_unit_code(code.value) == code


@given(st.text(alphabet=SERIAL_ALPHABET, min_size=0, max_size=3) | st.text(alphabet=SERIAL_ALPHABET, min_size=51, max_size=70))
def test_serials_outside_4_to_50_are_refused(raw):
    if raw.strip().isdigit() and len(raw.strip()) == 15:
        return
    with pytest.raises(InvalidCode):
        code = parse_unit_code(raw)
        if code.kind is CodeKind.IMEI:  # a 15-digit Luhn-valid run is an IMEI, not a serial
            raise InvalidCode("imei")


@given(st.text(alphabet=SERIAL_ALPHABET, min_size=2, max_size=20), st.sampled_from(list(" _+#@!é\u00a0*,;")))
def test_serials_with_other_characters_are_refused(base, bad):
    with pytest.raises(InvalidCode):
        parse_serial(base[:1] + bad + base[1:] + "X")
