"""Simulated listings: per-market offers, the derived publication_state, updates and CSV batch tasks."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.sync.platforms import MARKET_CURRENCY, MARKET_PLATFORM
from app.sync.sandbox.wire import money, refuse_plain, whole_number
from app.sync.sandbox.wire_patch import apply_patch

GRADE_STATE = {"PREMIUM": 9, "EXCELLENT": 0, "VERY_GOOD": 1, "GOOD": 2, "FAIR": 3, "STALLONE": 4}
# Orderline `condition` is a different code space from the listing grade (api doc §5.2).
GRADE_CONDITION = {"PREMIUM": 9, "EXCELLENT": 10, "VERY_GOOD": 10, "GOOD": 11, "FAIR": 12, "STALLONE": 12}
# When a price update leaves out `currency`, Back Market assumes the platform's home currency.
PLATFORM_DEFAULT_CURRENCY = {"eu": "EUR", "us": "USD"}
BATCH_LINE_LIMIT = 15_000
MARKET_FIELDS = ("price", "min_price", "max_price", "comment", "warranty_delay")
WRITABLE_FIELDS = {"quantity", "currency", "new_battery", "sku", *MARKET_FIELDS}


@dataclass
class Offer:
    """What one market (Accept-Language) sees: price, comment and warranty differ per country."""

    price: str | None
    currency: str
    comment: str | None = None
    warranty_delay: int = 12
    min_price: str | None = None
    max_price: str | None = None


@dataclass
class Listing:
    sku: str
    title: str
    grade: str
    quantity: int
    listing_id: int
    backmarket_id: int
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    product_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    brand: str = ""
    offers: dict[str, Offer] = field(default_factory=dict)
    deactivated: bool = False  # state 4 is only ever set by hand, never derived
    new_battery: bool = False
    wire_patch: dict[str, Any] = field(default_factory=dict)  # a malformed shape, for tests (wire_patch.py)

    def offer(self, market: str) -> Offer:
        return self.offers.get(market) or Offer(price=None, currency=MARKET_CURRENCY.get(market, "EUR"))

    def publication_state(self, market: str) -> int:
        if self.deactivated:
            return 4
        if self.offer(market).price is None:
            return 0  # missing price
        return 2 if self.quantity > 0 else 3

    def to_json(self, market: str) -> dict[str, Any]:
        return apply_patch(self._json(market), self.wire_patch)

    def _json(self, market: str) -> dict[str, Any]:
        offer = self.offer(market)
        return {
            "id": self.id,
            "listing_id": self.listing_id,
            "product_id": self.product_id,
            "backmarket_id": self.backmarket_id,
            "sku": self.sku,
            "title": self.title,
            "quantity": self.quantity,
            "price": offer.price,
            "currency": offer.currency,
            "min_price": offer.min_price,
            "max_price": offer.max_price or (offer.price and money(float(offer.price) * 1.5)),
            "state": GRADE_STATE.get(self.grade, 0),
            "grade": self.grade,
            "publication_state": self.publication_state(market),
            "warranty_delay": offer.warranty_delay,
            "comment": offer.comment,
            "shippings": [{
                "shipping_price": "0.00", "shipping_delay": 48, "shipper": "UPS",
                "shipper_display": "UPS", "country_code": market,
            }],
            "new_battery": self.new_battery,
        }

    def matches(self, ref: str) -> bool:
        return ref == self.id or ref == str(self.listing_id)


def apply_update(listing: Listing, fields: Any, market: str) -> None:
    """A partial update as `POST /ws/listings/{id}` does it: validate everything, then change."""
    if not isinstance(fields, dict) or not fields:
        raise refuse_plain("the body must be a JSON object with the fields to change")
    unknown = sorted(set(fields) - WRITABLE_FIELDS)
    if unknown:
        raise refuse_plain(f"unknown or read-only field(s): {', '.join(unknown)}")
    if "sku" in fields and str(fields["sku"]).lower() != listing.sku.lower():
        raise refuse_plain("sku cannot be changed")
    offer = listing.offer(market)
    changes: dict[str, Any] = {}
    if "quantity" in fields:
        changes["quantity"] = whole_number(fields["quantity"], "quantity")
    if "price" in fields:
        changes["price"] = money(fields["price"])
        changes["currency"] = _price_currency(fields.get("currency"), market)
    elif "currency" in fields and fields["currency"] != offer.currency:
        raise refuse_plain("currency can only change together with a price")
    for name in ("min_price", "max_price"):
        if name in fields:
            changes[name] = None if fields[name] in (None, "") else money(fields[name], name)
    if "comment" in fields:
        comment = fields["comment"]
        if comment is not None and (not isinstance(comment, str) or len(comment) > 500):
            raise refuse_plain("comment must be text of at most 500 characters")
        changes["comment"] = comment
    if "warranty_delay" in fields:
        changes["warranty_delay"] = whole_number(fields["warranty_delay"], "warranty_delay", minimum=12)
    if "new_battery" in fields:
        if not isinstance(fields["new_battery"], bool):
            raise refuse_plain("new_battery must be true or false")
        listing.new_battery = fields["new_battery"]
    if "quantity" in changes:
        listing.quantity = changes.pop("quantity")
    if changes:
        updated = Offer(**{**offer.__dict__, **changes})
        listing.offers[market] = updated


def _price_currency(given: Any, market: str) -> str:
    expected = MARKET_CURRENCY.get(market, "EUR")
    currency = given or PLATFORM_DEFAULT_CURRENCY.get(MARKET_PLATFORM.get(market, "eu"))
    if currency is None:
        raise refuse_plain(f"currency is required for market {market} (expected {expected})")
    if str(currency).upper() != expected:
        raise refuse_plain(f"currency {currency} does not match market {market}, which uses {expected}")
    return expected


@dataclass
class BatchTask:
    task_id: int
    token: str
    market: str
    rows: list[dict[str, str]]
    ready_at: float  # monotonic seconds
    done: bool = False
    result: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "action_status": 9 if self.done else 0,
            "last_action_error": None,
            "result": self.result if self.done else {},
            "statuscode": 200,
        }


def parse_catalog(body: Any) -> list[dict[str, str]]:
    """The `POST /ws/listings` body: all four fields required, one row per SKU line."""
    if not isinstance(body, dict):
        raise refuse_plain("parameter catalog not found")
    missing = [name for name in ("catalog", "quotechar", "delimiter", "encoding") if name not in body]
    if missing:
        raise refuse_plain(f"parameter {missing[0]} not found")
    text, delimiter, quotechar = body["catalog"], body["delimiter"], body["quotechar"]
    if not isinstance(text, str) or not text.strip():
        raise refuse_plain("parameter catalog is empty")
    single = [isinstance(mark, str) and len(mark) == 1 for mark in (delimiter, quotechar)]
    if not all(single):
        raise refuse_plain("delimiter and quotechar must be single characters")
    lines = text.strip("\n").split("\n")
    if len(lines) > BATCH_LINE_LIMIT:
        raise refuse_plain(f"the catalog may not exceed {BATCH_LINE_LIMIT} lines")
    reader = csv.DictReader(io.StringIO(text.strip("\n")), delimiter=delimiter, quotechar=quotechar)
    if not reader.fieldnames or "sku" not in [name.strip().lower() for name in reader.fieldnames]:
        raise refuse_plain("column sku not found in catalog")
    rows = []
    for raw in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if row.get("sku"):
            rows.append(row)
    if not rows:
        raise refuse_plain("the catalog has no rows")
    return rows


def row_fields(row: dict[str, str]) -> dict[str, Any]:
    """The columns of a batch row that map onto a listing update; the rest are creation-only."""
    fields: dict[str, Any] = {}
    for name in ("quantity", "price", "currency", "comment", "warranty_delay", "min_price", "max_price"):
        if row.get(name):
            fields[name] = row[name]
    return fields
