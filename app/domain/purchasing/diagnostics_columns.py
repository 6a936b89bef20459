"""The columns of a diagnostics export, and a first guess at mapping another tool's headers
(a Phonecheck-style export) onto them, so nobody edits the file by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.catalog import PRODUCT_FIELDS
from app.domain.csv_import import read_rows

REQUIRED = ("imei", "grade", "failed_tests")  # `serial` may stand in for `imei`
OPTIONAL = ("serial", "conditions", "battery_health", "tool", "tester", *PRODUCT_FIELDS)
COLUMNS = (*REQUIRED, *OPTIONAL)

# Header spellings seen in diagnostics exports, compared without case, spaces, '_', '-' or '/'.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "imei": ("imei", "imei1", "imeimeid", "imeinumber", "deviceimei"),
    "serial": ("serial", "serialnumber", "sn", "deviceserial"),
    "grade": ("grade", "cosmeticgrade", "finalgrade", "devicegrade"),
    "conditions": ("conditions", "condition", "damage", "damagecodes", "cosmetics"),
    "battery_health": ("batteryhealth", "battery", "batteryhealthpercent", "batteryhealthpercentage", "bh"),
    "failed_tests": ("failedtests", "failed", "failures", "failedtest", "faileditems"),
    "tool": ("tool", "software", "diagnostictool", "application"),
    "tester": ("tester", "testername", "testedby", "operator", "user"),
    "manufacturer": ("manufacturer", "make", "brand", "oem"),
    "model": ("model", "modelname"),
    "model_number": ("modelnumber", "modelno", "partnumber"),
    "network": ("network", "carrier"),
    "capacity": ("capacity", "storage", "memory"),
    "color": ("color", "colour"),
}


def _squash(header: str) -> str:
    return re.sub(r"[\s_\-/]", "", header.lower())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Our column → the file's header that looks like it (None when nothing does)."""
    squashed = {_squash(h): h for h in headers if h}
    return {column: next((squashed[s] for s in SYNONYMS.get(column, (column,)) if s in squashed), None)
            for column in COLUMNS}


@dataclass(frozen=True)
class DiagnosticsPreview:
    """What the GUI shows before an import: the file's headers, the guessed mapping, the first
    rows (as in the file), and the required columns nothing maps to yet."""

    headers: tuple[str, ...]
    mapping: dict[str, str | None]
    rows: tuple[tuple[str, ...], ...]
    missing: tuple[str, ...]


def diagnostics_preview(text: str, columns: dict[str, str | None] | None = None, limit: int = 10) -> DiagnosticsPreview:
    problems: list[tuple[int, str]] = []
    headers, rows = read_rows(text, problems)
    mapping = suggest_mapping(headers)
    if columns:
        mapping.update({k: (v.strip().lower() if v else None) for k, v in columns.items() if k in COLUMNS})
    missing = tuple(c for c in REQUIRED if not mapping.get(c) and not (c == "imei" and mapping.get("serial")))
    shown = tuple(tuple(raw.get(h, "") for h in headers) for _, raw in rows[:limit])
    return DiagnosticsPreview(tuple(headers), mapping, shown, missing)


def apply_mapping(headers: list[str], rows: list[tuple[int, dict[str, str]]],
                  columns: dict[str, str | None] | None) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """Rename the file's columns to ours. Without a mapping the file must use our names (unknown
    columns are refused); with one, columns it does not name are ignored. Returns the header in
    our names, the rows, and the problems with the mapping itself."""
    if not columns:
        unknown = [h for h in headers if h and h not in COLUMNS]
        return headers, rows, ([f"unknown column(s): {', '.join(unknown)} (map them, or use "
                                f"{', '.join(COLUMNS)})"] if unknown else [])
    problems = []
    wanted = {k: v.strip().lower() for k, v in columns.items() if v}
    for ours, theirs in wanted.items():
        if ours not in COLUMNS:
            problems.append(f"“{ours}” is not a diagnostics column")
        elif theirs not in headers:
            problems.append(f"the file has no column “{theirs}” (for {ours})")
    renamed = [(line, {ours: raw.get(theirs, "") for ours, theirs in wanted.items()}) for line, raw in rows]
    return list(wanted), renamed, problems
