"""The JSON the purchasing commands print (README → "Purchasing, grading and vendor returns").
Amounts are strings with two decimals, times RFC 3339 UTC with a Z; costs are null for a role
that may not see them."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.models.base import iso_z


def plain(value: Any) -> Any:
    """A dataclass (or list/dict of them) as JSON-ready values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: plain(v) for k, v in asdict(value).items() if k != "changes"}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, datetime):
        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
