"""What customers and Back Market do to orders: buy, pay, fail to pay, cancel, get refunded.

Mixed into SandboxStore; these are the admin actions that make the seller's orders move.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.sync.sandbox.listings import GRADE_CONDITION, Listing
from app.sync.sandbox.orders import BEFORE_SHIPPING, Order, OrderLine, address
from app.sync.sandbox.wire import money

logger = logging.getLogger(__name__)


class CustomerSide:
    lock: threading.RLock
    orders: dict[int, Order]
    public_url: str

    if TYPE_CHECKING:  # provided by SandboxStore
        def stamp(self) -> datetime: ...
        def _next_id(self, kind: str) -> int: ...
        def _listing_by_sku(self, sku: str) -> Listing | None: ...
        def _order(self, order_id: int) -> Order: ...
        def _changed(self, order: Order) -> dict[str, Any]: ...
        def _restock(self, lines: list[OrderLine]) -> None: ...

    def place_order(
        self,
        lines: list[dict[str, Any]],
        *,
        shipping_address: dict[str, Any] | None = None,
        billing_address: dict[str, Any] | None = None,
        state: int = 1,
        country_code: str = "fr-fr",
        allow_oversell: bool = False,
    ) -> dict[str, Any]:
        """A customer buys: lines [{sku, quantity, price}]; state 0 waits for validate_payment."""
        if state not in (0, 1):
            raise ValueError("an order starts in state 0 (payment pending) or 1 (paid)")
        if not lines:
            raise ValueError("an order needs at least one line")
        with self.lock:
            wanted: dict[str, tuple[Listing, int]] = {}
            for spec in lines:
                listing = self._listing_by_sku(str(spec.get("sku", "")))
                if listing is None:
                    raise ValueError(f"no listing with SKU {spec.get('sku')}")
                key = listing.sku.lower()
                if key in wanted:
                    raise ValueError(f"SKU {listing.sku} appears twice; one line per SKU")
                quantity = int(spec.get("quantity", 1))
                if quantity < 1:
                    raise ValueError("a line quantity must be at least 1")
                if quantity > listing.quantity and not allow_oversell:
                    raise ValueError(f"only {listing.quantity} of {listing.sku} in stock, {quantity} ordered")
                wanted[key] = (listing, quantity)
            now = self.stamp()
            order_id = self._next_id("order")
            order_lines = []
            for spec, (listing, quantity) in zip(lines, wanted.values()):
                offer = listing.offer(country_code)
                listing.quantity = max(0, listing.quantity - quantity)  # Back Market takes the stock
                order_lines.append(OrderLine(
                    id=self._next_id("line"), sku=listing.sku, listing_id=listing.listing_id,
                    product_id=listing.backmarket_id, product=listing.title, brand=listing.brand,
                    quantity=quantity, price=money(spec.get("price") or offer.price or "0"),
                    currency=offer.currency, condition=GRADE_CONDITION.get(listing.grade, 11),
                    date_creation=now, state=state,
                ))
            shipping = address(shipping_address)
            order = Order(
                order_id=order_id, lines=order_lines, date_creation=now, date_modification=now,
                country_code=country_code, currency=order_lines[0].currency, shipping_address=shipping,
                billing_address=address(billing_address) if billing_address else dict(shipping),
                state=state, date_payment=now if state == 1 else None,
                delivery_note=f"{self.public_url}/dn/{order_id}.pdf",
            )
            self.orders[order_id] = order
            skus = ", ".join(line.sku for line in order_lines)
            logger.info("sandbox: order %s placed (%s)", order_id, skus)
            return order.to_json()

    def validate_payment(self, order_id: int) -> dict[str, Any]:
        with self.lock:
            order = self._order(order_id)
            if order.state != 0:
                raise ValueError(f"order {order_id} is not waiting for payment (state {order.state})")
            for line in order.lines:
                if line.state == 0:
                    line.state = 1
            order.date_payment = self.stamp()
            return self._changed(order)

    def fail_payment(self, order_id: int) -> dict[str, Any]:
        """The bank refuses: order 8, lines 7, units back on sale."""
        with self.lock:
            order = self._order(order_id)
            if order.state != 0:
                raise ValueError(f"order {order_id} is not waiting for payment (state {order.state})")
            for line in order.lines:
                line.state = 7
            self._restock(order.lines)
            order.payment_failed = True
            return self._changed(order)

    def cancel_line(self, order_id: int, sku: str) -> dict[str, Any]:
        """The customer (or Back Market) cancels a line before it ships; its units go back on sale."""
        with self.lock:
            order = self._order(order_id)
            line = order.line_for_sku(sku)
            if line.state not in BEFORE_SHIPPING:
                raise ValueError(f"line {sku} is in state {line.state} and cannot be cancelled")
            line.state = 4
            self._restock([line])
            return self._changed(order)

    def refund_line(self, order_id: int, sku: str, return_reason: int = 1) -> dict[str, Any]:
        """A refund: before shipping (5, units back on sale) or after shipping (6, units are gone)."""
        with self.lock:
            order = self._order(order_id)
            line = order.line_for_sku(sku)
            if line.state in (0, 1):
                line.state = 4  # Care's refund of a paid, unaccepted line is a cancellation
                self._restock([line])
            elif line.state == 2:
                line.state = 5
                self._restock([line])
            elif line.state == 3:
                line.state = 6
            else:
                raise ValueError(f"line {sku} is in state {line.state} and cannot be refunded")
            line.return_reason = return_reason
            return self._changed(order)

    def touch_order(self, order_id: int) -> dict[str, Any]:
        """Bump date_modification, as Back Market does for changes the seller never sees."""
        with self.lock:
            return self._changed(self._order(order_id))
