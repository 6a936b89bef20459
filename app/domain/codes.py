"""What a scanned or typed code is: an IMEI (15 digits, Luhn-valid) or a device serial.

The one definition: anything that is all digits, or 15 digits once separators are removed, is an IMEI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from app.domain.errors import InvalidCode

SERIAL_RE = re.compile(r"^[A-Za-z0-9\-/.]{4,50}$")
# What people and labels put between an IMEI's digits: "35-209900-176148-1", "35 209900 176148 1".
SEPARATORS_RE = re.compile(r"[ \-/.]")


class CodeKind(str, Enum):
    IMEI = "imei"
    SERIAL = "serial"


@dataclass(frozen=True)
class UnitCode:
    kind: CodeKind
    value: str  # IMEI digits, or the serial upper-cased


# Every second digit from the right is doubled, and a two-digit result counts as its digit sum.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """`digits`: ASCII digits only (parse_imei checks that first)."""
    backwards = digits[::-1]
    return sum(map(int, backwards[0::2] + backwards[1::2].translate(_DOUBLED))) % 10 == 0


def luhn_check_digit(first14: str) -> str:
    """The digit that makes `first14 + digit` Luhn-valid (for tests and demo data)."""
    for d in "0123456789":
        if luhn_valid(first14 + d):
            return d
    raise AssertionError("unreachable")


def _digits(code: str) -> str:
    return SEPARATORS_RE.sub("", code)


def is_imei_form(raw: str) -> bool:
    """All digits, or 15 digits once separators are removed: such a code is an IMEI, never a serial."""
    code = (raw or "").strip()
    digits = _digits(code)
    return code.isdigit() or (len(digits) == 15 and digits.isdigit() and digits.isascii())


def parse_imei(raw: str) -> str:
    """The 15 digits of an IMEI, separators (spaces, '-', '/', '.') removed; Luhn-checked."""
    code = raw.strip()
    digits = _digits(code)
    shown = code[:60]
    if not digits.isdigit() or not digits.isascii():
        raise InvalidCode(f"“{shown}” is not an IMEI: an IMEI is 15 digits.")
    if len(digits) != 15:
        raise InvalidCode(f"“{shown}” is not a valid IMEI: it has {len(digits)} digits, an IMEI has 15.")
    if not luhn_valid(digits):
        raise InvalidCode(f"“{shown}” is not a valid IMEI: its check digit is wrong (mistyped or misread).")
    return digits


def parse_serial(raw: str) -> str:
    code = raw.strip()
    if code.isdigit():
        raise InvalidCode(f"“{code[:60]}” is all digits, so it is read as an IMEI, not a serial.")
    if is_imei_form(code):
        raise InvalidCode(f"“{code}” is an IMEI written with separators, not a serial.")
    if not SERIAL_RE.match(code):
        raise InvalidCode(
            f"“{code[:60]}” is not a valid serial: use 4–50 letters, digits, '-', '/' or '.'."
        )
    return code.upper()


def parse_unit_code(raw: str) -> UnitCode:
    """An all-digit code is an IMEI; anything else must be a serial."""
    code = (raw or "").strip()
    if not code:
        raise InvalidCode("Nothing was scanned.")
    if is_imei_form(code):
        return UnitCode(CodeKind.IMEI, parse_imei(code))
    return UnitCode(CodeKind.SERIAL, parse_serial(code))


def unit_codes(imei: str | None, serial: str | None, imei2: str | None) -> list[tuple[str, str]]:
    """A unit's codes as (code, kind), kind being imei, serial or imei2.

    A "serial" that is an IMEI once separators are removed is the unit's IMEI, so the dashed form
    of an IMEI already received is a duplicate, not a new phone.
    """
    codes: list[tuple[str, str]] = []
    first = parse_imei(imei) if imei else None
    if serial and is_imei_form(serial):
        as_imei = parse_imei(serial)
        if first is None:
            first = as_imei
        elif as_imei != first:
            raise InvalidCode(f"The serial “{serial.strip()[:60]}” is an IMEI ({as_imei}), not a serial: give it as the "
                              "second IMEI if it is one.")
        serial = None
    if first:
        codes.append((first, "imei"))
    if serial:
        codes.append((parse_serial(serial), "serial"))
    if imei2:
        codes.append((parse_imei(imei2), "imei2"))
    return codes
