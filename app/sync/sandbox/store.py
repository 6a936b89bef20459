"""The sandbox's whole state behind one lock, with the admin actions tests call in-process.

The HTTP admin routes (admin.py) call the same methods, so both ways of driving the sandbox agree.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from app.sync.platforms import MARKET_CURRENCY
from app.sync.sandbox.customers import CustomerSide
from app.sync.sandbox.faults import FaultBook
from app.sync.sandbox.limits import Limits
from app.sync.sandbox.listings import GRADE_STATE, BatchTask, Listing, Offer, apply_update, row_fields
from app.sync.sandbox.orders import Order, OrderLine, check_imei, check_serial, seller_update
from app.sync.sandbox.wire import Refusal, money, refuse
from app.sync.sandbox.wire_patch import check_patch

logger = logging.getLogger(__name__)

REQUEST_LOG_SIZE = 10_000


class SandboxStore(CustomerSide):
    def __init__(
        self,
        *,
        limits: Limits | None = None,
        page_size_cap: int = 50,
        task_delay_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lock = threading.RLock()
        self.limits = limits or Limits(clock=clock)
        self.faults = FaultBook()
        self.page_size_cap = page_size_cap
        self.task_delay_seconds = task_delay_seconds
        self.rate_limit_retry_after = False  # Back Market documents no Retry-After; flip to test both
        self.rate_limit_body = "json"  # or "html", as an edge 429 may be
        self.luhn_check = True
        self.all_cancelled_order_state: int | None = None  # None: the order keeps its state
        self.public_url = ""
        self.clock = clock
        self.clock_offset_seconds = 0.0  # Back Market's clock is not ours: its timestamps may be hours off
        self.tokens: dict[str, bool] = {}
        self.listings: dict[str, Listing] = {}
        self.orders: dict[int, Order] = {}
        self.tasks: dict[int, BatchTask] = {}
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        self._ids = {"listing": 1_000_000, "product": 2_000_000, "order": 40_000, "line": 90_000,
                     "task": 1_011_012}
        self._last_stamp = datetime.now(timezone.utc) - timedelta(seconds=1)

    # ---- identities and time ---------------------------------------------------------------

    def _next_id(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def stamp(self) -> datetime:
        """Now, but strictly after the previous stamp, so date_modification always moves forward."""
        now = datetime.now(timezone.utc) + timedelta(seconds=self.clock_offset_seconds)
        self._last_stamp = max(now, self._last_stamp + timedelta(microseconds=1))
        return self._last_stamp

    # ---- tokens ----------------------------------------------------------------------------

    def add_token(self, token: str) -> None:
        with self.lock:
            self.tokens[token] = True

    def revoke_token(self, token: str) -> None:
        with self.lock:
            if token in self.tokens:
                self.tokens[token] = False

    def token_active(self, token: str | None) -> bool:
        with self.lock:
            return bool(token) and self.tokens.get(token or "", False)

    # ---- listings --------------------------------------------------------------------------

    def add_listing(
        self,
        sku: str,
        title: str,
        grade: str = "GOOD",
        price: str | None = "100.00",
        quantity: int = 0,
        currency: str = "EUR",
        *,
        markets: list[str] | None = None,
        brand: str | None = None,
        comment: str | None = None,
    ) -> dict[str, Any]:
        """A listing priced in every market that uses `currency` (or just the `markets` given)."""
        grade = grade.upper()
        if grade not in GRADE_STATE:
            raise ValueError(f"unknown grade {grade}; expected one of {', '.join(GRADE_STATE)}")
        with self.lock:
            if self._listing_by_sku(sku) is not None:
                raise ValueError(f"a listing with SKU {sku} already exists (SKUs are case-insensitive)")
            listing = Listing(
                sku=sku, title=title, grade=grade, quantity=int(quantity),
                listing_id=self._next_id("listing"), backmarket_id=self._next_id("product"),
                brand=brand or title.split(" ")[0],
            )
            chosen = markets or [m for m, c in MARKET_CURRENCY.items() if c == currency.upper()]
            for market in chosen:
                listing.offers[market] = Offer(
                    price=money(price) if price is not None else None,
                    currency=MARKET_CURRENCY.get(market, currency.upper()), comment=comment,
                )
            self.listings[listing.id] = listing
            return listing.to_json(chosen[0] if chosen else "fr-fr")

    def _listing_by_sku(self, sku: str) -> Listing | None:
        wanted = sku.lower()
        return next((item for item in self.listings.values() if item.sku.lower() == wanted), None)

    def find_listing(self, ref: str) -> Listing:
        listing = next((item for item in self.listings.values() if item.matches(ref)), None)
        if listing is None:
            raise refuse(404, "Listing not found, or it does not belong to the authenticated merchant")
        return listing

    def find_listing_by_sku(self, sku: str) -> Listing:
        listing = self._listing_by_sku(sku)
        if listing is None:
            raise refuse(404, "Listing not found, or it does not belong to the authenticated merchant")
        return listing

    def listing(self, sku: str, market: str = "fr-fr") -> dict[str, Any]:
        with self.lock:
            return self.find_listing_by_sku(sku).to_json(market)

    def all_listings(self, market: str = "fr-fr") -> list[dict[str, Any]]:
        with self.lock:
            return [item.to_json(market) for item in self.listings.values()]

    def update_listing(self, listing: Listing, fields: Any, market: str, token: str) -> None:
        self._spend_sku_lines(token, 1)
        apply_update(listing, fields, market)

    def _spend_sku_lines(self, token: str, lines: int) -> None:
        if not self.limits.spend_sku_lines(token, lines):
            raise refuse(429, f"Too many SKU lines: at most {self.limits.sku_lines_per_hour} per hour "
                              "across listing updates")

    def submit_batch(self, rows: list[dict[str, str]], market: str, token: str) -> BatchTask:
        self._spend_sku_lines(token, len(rows))
        task = BatchTask(self._next_id("task"), token, market, rows,
                         ready_at=self.clock() + self.task_delay_seconds)
        self.tasks[task.task_id] = task
        return task

    def settle_tasks(self) -> None:
        """Batch updates are not real time: rows are applied only once the task's delay has passed."""
        now = self.clock()
        for task in self.tasks.values():
            if not task.done and now >= task.ready_at:
                task.result = {row["sku"]: self._apply_row(row, task.market) for row in task.rows}
                task.done = True

    def _apply_row(self, row: dict[str, str], market: str) -> dict[str, Any]:
        listing = self._listing_by_sku(row["sku"])
        fields = row_fields(row)
        try:
            if listing is None:
                if not (row.get("product_id") or row.get("ean")):
                    return {"status": "KO", "errors": [f"no listing with sku {row['sku']}; give product_id "
                                                       "or ean to create one"]}
                self.add_listing(row["sku"], row.get("title") or row["sku"], row.get("grade") or "GOOD",
                                 price=None, quantity=0, markets=[market])
                listing = self._listing_by_sku(row["sku"])
                assert listing is not None
            if fields:
                apply_update(listing, fields, market)
        except (Refusal, ValueError) as problem:
            reason = problem.body if isinstance(problem, Refusal) else str(problem)
            return {"status": "KO", "errors": [str(reason)]}
        return {"status": "OK", "errors": []}

    def task_for(self, task_id: int, token: str) -> BatchTask:
        task = self.tasks.get(task_id)
        if task is None or task.token != token:
            raise refuse(404, "Task not found, or it does not belong to the authenticated merchant")
        return task

    def _order(self, order_id: int) -> Order:
        order = self.orders.get(int(order_id))
        if order is None:
            raise KeyError(f"no order {order_id}")
        return order

    def _changed(self, order: Order) -> dict[str, Any]:
        order.derive_state(self.all_cancelled_order_state)
        order.date_modification = self.stamp()
        return order.to_json()

    def _restock(self, lines: list[OrderLine]) -> None:
        for line in lines:
            listing = self._listing_by_sku(line.sku)
            if listing is not None:
                listing.quantity += line.quantity

    def patch_order_wire(self, order_id: int, patch: dict[str, Any] | None) -> dict[str, Any]:
        """Send this order malformed from now on (see wire_patch.py); None or {} restores it. Bumps
        date_modification, as a real change would."""
        with self.lock:
            order = self._order(order_id)
            order.wire_patch = check_patch(patch or {})
            return self._changed(order)

    def patch_listing_wire(self, sku: str, patch: dict[str, Any] | None) -> dict[str, Any]:
        with self.lock:
            listing = self.find_listing_by_sku(sku)
            listing.wire_patch = check_patch(patch or {})
            return listing.to_json("fr-fr")

    def order(self, order_id: int) -> dict[str, Any]:
        with self.lock:
            return self._order(order_id).to_json()

    def all_orders(self) -> list[dict[str, Any]]:
        with self.lock:
            return [order.to_json() for order in self.orders.values()]

    # ---- orders: the seller's side (called by the routes, lock held) ------------------------

    def seller_update_order(self, order_id: int, body: Any) -> dict[str, Any]:
        order = self.orders.get(order_id)
        if order is None:
            raise refuse(404, f"Order {order_id} not found")
        if order.state in (0, 8, 10):
            raise refuse(400, f"order {order_id} is not paid yet (state {order.state})")
        released = seller_update(order, body, now=self.stamp(), luhn=self.luhn_check)
        self._restock(released)
        return self._changed(order)

    def set_line_identity(self, line_id: int, body: Any) -> dict[str, Any]:
        found = [(order, line) for order in self.orders.values()
                 for line in order.lines if line.id == line_id]
        if not found:
            raise refuse(404, f"Order line {line_id} not found")
        order, line = found[0]
        if not isinstance(body, dict) or not (body.get("imei") or body.get("serial_number")):
            raise refuse(400, "give imei and/or serial_number")
        imei = check_imei(body["imei"], luhn=self.luhn_check) if body.get("imei") else None
        serial = check_serial(body["serial_number"]) if body.get("serial_number") else None
        if imei and line.quantity != 1:
            raise refuse(400, "an IMEI can only be set on an order line of quantity 1")
        line.set_identity(imei=imei, serial_number=serial)
        self._changed(order)
        return {"imei": line.imei, "serial_number": line.serial_number}

    # ---- request log, faults, limits, settings ---------------------------------------------

    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)

    def request_log(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(entry) for entry in self.requests]

    def clear_request_log(self) -> None:
        with self.lock:
            self.requests.clear()

    def add_fault(self, fault: str, *, method: str = "*", path_prefix: str = "/ws/", count: int = 1,
                  delay: float = 2.0, retry_after: int | None = None) -> None:
        with self.lock:
            self.faults.add(fault, method=method, path_prefix=path_prefix, count=count, delay=delay,
                            retry_after=retry_after)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def reset_limits(self) -> None:
        with self.lock:
            self.limits.reset()

    def set_page_size_cap(self, cap: int) -> None:
        if cap < 1:
            raise ValueError("the page size cap must be at least 1")
        with self.lock:
            self.page_size_cap = int(cap)

    def configure(self, **options: Any) -> None:
        """Change behaviour knobs: block_seconds, request_limit, window_seconds, sku_lines_per_hour,
        task_delay_seconds, rate_limit_retry_after, rate_limit_body, luhn_check, all_cancelled_order_state,
        clock_offset_seconds (Back Market's clock this far from ours)."""
        on_limits = {"block_seconds", "request_limit", "window_seconds", "sku_lines_per_hour"}
        on_store = {"task_delay_seconds", "rate_limit_retry_after", "rate_limit_body", "luhn_check",
                    "all_cancelled_order_state", "page_size_cap", "clock_offset_seconds"}
        with self.lock:
            for name, value in options.items():
                if name in on_limits:
                    setattr(self.limits, name, value)
                elif name in on_store:
                    setattr(self, name, value)
                    if name == "clock_offset_seconds":  # the clock was set: stamps follow it from now on
                        self._last_stamp = datetime.now(timezone.utc) + timedelta(seconds=value - 1)
                else:
                    raise ValueError(f"unknown sandbox setting {name}")
