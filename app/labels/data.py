"""What the warehouse knows about a label or slip: plain frozen inputs for the layouts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitLabelData:
    """One serialized device: ``code`` is its IMEI or serial number."""

    code: str
    product: str
    grade: str
    conditions: tuple[str, ...] = ()
    sku: str | None = None


@dataclass(frozen=True)
class SkuLabelData:
    """A shelf/bin label for a SKU (model + storage + colour + grade)."""

    sku: str
    product: str
    grade: str
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlipLine:
    """One order line: what the customer wanted, how many, and the units packed for it."""

    wanted: str
    quantity: int
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackingSlipData:
    order_number: str
    customer: str
    channel: str
    created: str
    lines: tuple[SlipLine, ...]
    shipping_address: tuple[str, ...] = ()
