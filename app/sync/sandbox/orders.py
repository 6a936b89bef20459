"""Simulated orders and their state machines (api doc §4.2, §4.3, §4.7, §4.8).

Sellers act on order lines; the order state is derived from them. Stock effects are left to the
store, which gets back the lines whose units went back on sale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.domain.codes import luhn_valid
from app.sync.sandbox.wire import parse_filter_time, refuse, timestamp
from app.sync.sandbox.wire_patch import apply_patch

ADDRESS_FIELDS = (
    "first_name", "last_name", "company", "street", "street2", "postal_code", "city", "country",
    "phone", "email",
)
CANCELLED_LINE_STATES = {4, 5, 6, 7}
BEFORE_SHIPPING = {0, 1, 2, 8, 9}  # line states whose units have not left the seller


def address(fields: dict[str, Any] | None) -> dict[str, Any]:
    """Snake_case, with "" rather than null for anything empty, as live responses do."""
    fields = fields or {}
    result: dict[str, Any] = {name: str(fields.get(name) or "") for name in ADDRESS_FIELDS}
    result["gender"] = int(fields.get("gender", 1) or 0)
    return result


def check_imei(imei: Any, *, luhn: bool = True) -> str:
    if not isinstance(imei, str) or not imei.strip():
        raise refuse(400, "imei must be a non-empty string")
    imei = imei.strip()
    if len(imei) > 15:
        raise refuse(400, "imei must be at most 15 characters")
    if luhn and (not imei.isdigit() or len(imei) != 15 or not luhn_valid(imei)):
        raise refuse(400, f"{imei} is not a valid IMEI (15 digits with a correct check digit)")
    return imei


def check_serial(serial: Any) -> str:
    if not isinstance(serial, str) or not serial.strip() or len(serial.strip()) > 50:
        raise refuse(400, "serial_number must be text of 1 to 50 characters")
    return serial.strip()


@dataclass
class OrderLine:
    id: int
    sku: str
    listing_id: int
    product_id: int
    product: str
    brand: str
    quantity: int
    price: str
    currency: str
    condition: int
    date_creation: datetime
    state: int
    return_reason: int = 0
    return_message: str = ""
    imei: str = ""
    serial_number: str = ""

    def fee(self, rate: str) -> str:
        return str((Decimal(self.price) * self.quantity * Decimal(rate)).quantize(Decimal("0.01")))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "date_creation": timestamp(self.date_creation), "state": self.state,
            "listing": self.sku, "listing_id": self.listing_id, "product_id": self.product_id,
            "product": self.product, "brand": self.brand, "quantity": self.quantity,
            "price": self.price, "shipping_price": "0.00", "shipping_delay": 48,
            "currency": self.currency, "orderline_fee": self.fee("0.10"),
            "sales_taxes": self.fee(str(Decimal(1) / Decimal(6))),  # 20% VAT included in the price
            "backcare": False, "backcare_price": 0, "return_reason": self.return_reason,
            "return_message": self.return_message, "imei": self.imei,
            "serial_number": self.serial_number, "condition": self.condition,
        }

    def set_identity(self, *, imei: str | None, serial_number: str | None) -> None:
        """Write-once: the same value again is fine, a different one is refused."""
        for name, value in (("imei", imei), ("serial_number", serial_number)):
            if value is None:
                continue
            current = getattr(self, name)
            if current and current != value:
                raise refuse(400, f"{name} is already registered for order line {self.id} "
                                  "and cannot be corrected")
        if imei is not None:
            self.imei = imei
        if serial_number is not None:
            self.serial_number = serial_number


@dataclass
class Order:
    order_id: int
    lines: list[OrderLine]
    date_creation: datetime
    date_modification: datetime
    country_code: str
    currency: str
    shipping_address: dict[str, Any]
    billing_address: dict[str, Any]
    state: int = 1
    date_payment: datetime | None = None
    date_shipping: datetime | None = None
    shipper: str = ""
    shipper_display: str = ""
    tracking_number: str = ""
    tracking_url: str = ""
    delivery_note: str = ""
    payment_failed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    wire_patch: dict[str, Any] = field(default_factory=dict)  # a malformed shape, for tests (wire_patch.py)

    def line_for_sku(self, sku: Any) -> OrderLine:
        if not isinstance(sku, str) or not sku:
            raise refuse(400, "sku is required to change an order line")
        for line in self.lines:
            if line.sku.lower() == sku.lower():
                return line
        raise refuse(404, f"The listing doesn't exist: no line with sku {sku} in order {self.order_id}")

    def derive_state(self, all_cancelled_state: int | None) -> None:
        if self.payment_failed:
            self.state = 8
        elif self.date_shipping is not None:
            self.state = 9
        elif any(line.state in (0, 8, 9) for line in self.lines):
            self.state = 0
        else:
            live = [line for line in self.lines if line.state not in CANCELLED_LINE_STATES]
            if not live:
                # Undocumented (api doc §9.9): by default the order keeps the state it had.
                if all_cancelled_state is not None:
                    self.state = all_cancelled_state
            elif all(line.state == 2 for line in live):
                self.state = 3
            else:
                self.state = 1

    def to_json(self) -> dict[str, Any]:
        total = sum((Decimal(line.price) * line.quantity for line in self.lines), Decimal(0))
        taxes = (total / 6).quantize(Decimal("0.01"))
        data: dict[str, Any] = {
            "order_id": self.order_id, "state": self.state,
            "date_creation": timestamp(self.date_creation),
            "date_modification": timestamp(self.date_modification),
            "date_payment": timestamp(self.date_payment),
            "date_shipping": timestamp(self.date_shipping),
            "price": str(total.quantize(Decimal("0.01"))), "shipping_price": "0.00",
            "currency": self.currency, "country_code": self.country_code,
            "shipper": self.shipper, "shipper_display": self.shipper_display,
            "tracking_number": self.tracking_number, "tracking_url": self.tracking_url,
            "is_backship": False, "delivery_note": self.delivery_note,
            "paypal_reference": None, "installment_payment": False, "payment_method": "CARD",
            "sales_taxes": str(taxes),
            "shipping_address": dict(self.shipping_address),
            "billing_address": dict(self.billing_address),
            "orderlines": [line.to_json() for line in self.lines],
        }
        if self.date_shipping is None and self.date_payment is not None:
            # Only for orders not yet sent, and famously without a zone (api doc §2.2).
            dispatch = self.date_payment + timedelta(days=2)
            data["expected_dispatch_date"] = dispatch.strftime("%Y-%m-%dT%H:%M:%S")
        return apply_patch(data, self.wire_patch)


def seller_update(order: Order, body: Any, *, now: datetime, luhn: bool = True) -> list[OrderLine]:
    """Apply `POST /ws/orders/{id}`. Returns the lines whose units go back on sale."""
    if not isinstance(body, dict):
        raise refuse(400, "the body must be a JSON object with order_id and new_state")
    if "order_id" not in body or "new_state" not in body:
        raise refuse(400, "order_id and new_state are required")
    if str(body["order_id"]) != str(order.order_id):
        raise refuse(400, f"order_id {body['order_id']} does not match the order in the address "
                          f"({order.order_id})")
    new_state = body["new_state"]
    if new_state in (2, 4):
        line = order.line_for_sku(body.get("sku"))
        if line.state != 1:
            raise refuse(400, f"line {line.sku} is in state {line.state}; only a paid line (state 1) can be "
                              f"{'accepted' if new_state == 2 else 'cancelled'}")
        line.state = new_state
        return [line] if new_state == 4 else []
    if new_state == 3:
        _ship(order, body, now=now, luhn=luhn)
        return []
    if new_state in (5, 6):
        line = order.line_for_sku(body.get("sku"))
        needed = 2 if new_state == 5 else 3
        if line.state != needed:
            raise refuse(400, f"line {line.sku} is in state {line.state}; "
                              f"new_state {new_state} needs state {needed}")
        line.state = new_state
        line.return_reason = int(body.get("return_reason") or 0)
        if new_state == 6:
            line.return_message = str(body.get("return_message") or "")[:500]
        return [line] if new_state == 5 else []
    raise refuse(400, f"new_state {new_state!r} is not one of 2, 3, 4, 5, 6")


def _ship(order: Order, body: dict[str, Any], *, now: datetime, luhn: bool) -> None:
    tracking = body.get("tracking_number")
    if not isinstance(tracking, str) or not tracking.strip():
        raise refuse(400, "tracking_number is required to ship (new_state 3)")
    if order.date_shipping is not None:
        raise refuse(400, f"order {order.order_id} is already shipped")
    live = [line for line in order.lines if line.state not in CANCELLED_LINE_STATES]
    waiting = [line.sku for line in live if line.state != 2]
    if not live or waiting:
        detail = f"lines not accepted yet: {', '.join(waiting)}" if waiting else "every line is cancelled"
        raise refuse(400, f"order {order.order_id} cannot ship: {detail}")
    imei, serial = body.get("imei"), body.get("serial_number")
    if imei or serial:
        if len(order.lines) != 1 or order.lines[0].quantity != 1:
            raise refuse(400, "imei/serial_number on the ship call only work for an order with exactly one "
                              "line of quantity 1; set them per line with PATCH /ws/orderlines/{id}")
        order.lines[0].set_identity(
            imei=check_imei(imei, luhn=luhn) if imei else None,
            serial_number=check_serial(serial) if serial else None,
        )
    shipped_at = parse_filter_time(body["date_shipping"]) if body.get("date_shipping") else now
    for line in live:
        line.state = 3
    order.tracking_number = tracking.strip()[:200]
    order.tracking_url = str(body.get("tracking_url") or "")[:300]
    if body.get("shipper"):
        order.shipper = order.shipper_display = str(body["shipper"])[:200]
    order.date_shipping = shipped_at
