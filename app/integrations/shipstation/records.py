"""What crosses the ShipStationApi interface: frozen records in the app's words, not v1 JSON.

The v1 client translates these to and from ShipStation's wire shapes; a v2 adapter would translate
the same records to v2's (v1 Order = v2 shipment, v1 shipment = v2 label, orderKey = external_shipment_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.domain.addresses import Address  # one address type, in the app and on the interface


@dataclass(frozen=True)
class OutgoingItem:
    line_key: str  # stable per order line: ShipStation's lineItemKey
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    codes: tuple[str, ...] = ()  # IMEIs/serials committed to the line


@dataclass(frozen=True)
class OutgoingOrder:
    order_key: str  # stable across pushes: ShipStation upserts by it
    order_number: str
    order_date: datetime  # aware
    status: str  # awaiting_shipment | cancelled | on_hold ...
    ship_to: Address
    items: tuple[OutgoingItem, ...]
    customer_email: str = ""
    internal_notes: str = ""
    store_id: int | None = None  # honoured by ShipStation at creation only
    order_id: int | None = None  # ShipStation's id once known: avoids duplicate records on update


@dataclass(frozen=True)
class PushResult:
    order_key: str
    order_number: str
    order_id: int | None
    success: bool
    error: str | None = None


@dataclass(frozen=True)
class RemoteOrder:
    order_id: int
    order_key: str
    order_number: str
    status: str
    modified: datetime | None


@dataclass(frozen=True)
class Shipment:
    """A label bought in ShipStation. Voided labels stay in the list with `voided` set."""

    shipment_id: int
    order_id: int | None
    order_key: str
    order_number: str
    tracking_number: str
    carrier_code: str
    service_code: str
    cost: Decimal | None
    ship_date: datetime | None
    created: datetime | None
    voided: bool
    void_date: datetime | None


@dataclass(frozen=True)
class Fulfillment:
    """An order marked as shipped in ShipStation (or by a fulfilment partner): no cost, no label."""

    fulfillment_id: int
    order_id: int | None
    order_number: str
    tracking_number: str
    carrier_code: str
    ship_date: datetime | None
    created: datetime | None
    voided: bool


@dataclass(frozen=True)
class Store:
    store_id: int
    name: str
    marketplace: str
    active: bool


@dataclass
class PageTrouble:
    """Positions a list could not read because ShipStation failed on them (one broken record)."""

    skipped: list[str] = field(default_factory=list)
