"""Records the sandbox sends in a shape Back Market should never send: for tests of what the app does
with a malformed order or listing (a line without a listing, a quantity of 0, a missing id).

A patch is `{"fields": {...}, "lines": {"0": {...}}}`: fields replace the record's own (or the
line's, by position); the value ABSENT drops the key altogether. An empty patch restores the record.
"""

from __future__ import annotations

from typing import Any

ABSENT = "<absent>"


def _apply(data: dict[str, Any], fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value == ABSENT:
            data.pop(name, None)
        else:
            data[name] = value


def apply_patch(data: dict[str, Any], patch: dict[str, Any] | None) -> dict[str, Any]:
    if not patch:
        return data
    lines = data.get("orderlines")
    for index, fields in (patch.get("lines") or {}).items():
        if isinstance(lines, list) and 0 <= int(index) < len(lines) and isinstance(lines[int(index)], dict):
            _apply(lines[int(index)], fields)
    _apply(data, patch.get("fields") or {})
    return data


def check_patch(patch: Any) -> dict[str, Any]:
    if not isinstance(patch, dict) or set(patch) - {"fields", "lines"}:
        raise ValueError('a wire patch is {"fields": {...}, "lines": {"0": {...}}}')
    return patch
