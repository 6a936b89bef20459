"""What a scanned or typed code is: an IMEI (15 digits, Luhn-valid) or a device serial."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from app.domain.errors import InvalidCode

SERIAL_RE = re.compile(r"^[A-Za-z0-9\-/.]{4,50}$")


class CodeKind(str, Enum):
    IMEI = "imei"
    SERIAL = "serial"


@dataclass(frozen=True)
class UnitCode:
    kind: CodeKind
    value: str  # IMEI digits, or the serial upper-cased


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_check_digit(first14: str) -> str:
    """The digit that makes `first14 + digit` Luhn-valid (for tests and demo data)."""
    for d in "0123456789":
        if luhn_valid(first14 + d):
            return d
    raise AssertionError("unreachable")


def parse_imei(raw: str) -> str:
    code = raw.strip()
    if not code.isdigit() or not code.isascii():
        raise InvalidCode(f"“{code}” is not an IMEI: an IMEI is 15 digits.")
    if len(code) != 15:
        raise InvalidCode(f"“{code}” is not a valid IMEI: it has {len(code)} digits, an IMEI has 15.")
    if not luhn_valid(code):
        raise InvalidCode(f"“{code}” is not a valid IMEI: its check digit is wrong (mistyped or misread).")
    return code


def parse_serial(raw: str) -> str:
    code = raw.strip()
    if code.isdigit():
        raise InvalidCode(f"“{code}” is all digits, so it is read as an IMEI, not a serial.")
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
    if code.isdigit():
        return UnitCode(CodeKind.IMEI, parse_imei(code))
    return UnitCode(CodeKind.SERIAL, parse_serial(code))
