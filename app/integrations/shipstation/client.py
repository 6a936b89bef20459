"""The ShipStation client: the small interface the sync steps use, and its API v1 implementation.

v1 is Basic auth (API key as user, secret as password), 40 requests per minute per key pair, and
dates in Pacific time without an offset (shipstation-api.md §1, §2, §7). Reads and upserts by
orderKey are safe to repeat after a timeout or a 5xx; `markasshipped` is not (the caller reads the
order back first).
"""

from __future__ import annotations

import base64
import logging
import random
import threading
import time
from datetime import datetime
from typing import Any, Callable, Iterator, Protocol
from urllib.parse import urlsplit

import httpx

from app.integrations.shipstation import wire
from app.integrations.shipstation.errors import (
    Interrupted, KeyRejected, MalformedResponse, NotFound, Offline, RateLimited, RequestRejected,
    ServerError, ShipStationError, describe_error_body,
)
from app.integrations.shipstation.pacing import HeaderPacer
from app.integrations.shipstation.records import (
    Fulfillment, OutgoingOrder, PageTrouble, PushResult, RemoteOrder, Shipment, Store,
)
from app.sync.abort import make_abortable

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://ssapi.shipstation.com"
BULK_LIMIT = 100  # createorders takes at most 100 orders
PAGE_SIZE = 500  # the largest page ShipStation serves
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0


class ShipStationApi(Protocol):
    """What the sync steps need from ShipStation, in the app's records (v1 today; v2 could follow)."""

    def list_stores(self) -> list[Store]: ...
    def push_orders(self, orders: list[OutgoingOrder]) -> list[PushResult]: ...
    def find_order(self, order_key: str, order_number: str) -> RemoteOrder | None: ...
    def iter_shipments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Shipment]: ...
    def iter_voided_shipments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Shipment]: ...
    def iter_fulfillments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Fulfillment]: ...
    def mark_as_shipped(self, order_id: int, *, carrier_code: str, tracking_number: str,
                        ship_date: datetime) -> None: ...
    def close(self) -> None: ...


def parse_key(key_and_secret: str) -> tuple[str, str]:
    """`KEY:SECRET` (as `shipstation key set` reads it) split in two; refuses in words that never echo it."""
    key, sep, secret = (key_and_secret or "").strip().partition(":")
    key, secret = key.strip(), secret.strip()
    if not sep or not key or not secret:
        raise ValueError("the ShipStation key must be given as KEY:SECRET (the API key, a colon, the API secret)")
    if not all(32 < ord(ch) < 127 for ch in key + secret):
        raise ValueError("the ShipStation key or secret contains characters it cannot have")
    return key, secret


# One pacer per key pair and host in this process: the GUI worker, the daemon and a fast push that
# build their own clients still share the 40 requests a minute.
_pacers: dict[tuple[str, str], HeaderPacer] = {}
_pacers_lock = threading.Lock()


def shared_pacer(base_url: str, key: str) -> HeaderPacer:
    with _pacers_lock:
        return _pacers.setdefault((base_url, key), HeaderPacer())


class ShipStationV1Client:
    """`ShipStationV1Client(url, "KEY:SECRET")`; `stop` (a threading.Event) interrupts every wait."""

    def __init__(
        self,
        base_url: str,
        key_and_secret: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        call_budget_seconds: float = 300.0,
        stop: threading.Event | None = None,
        pacer: HeaderPacer | None = None,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        on_open: Callable[[ShipStationV1Client], None] | None = None,
    ) -> None:
        key, secret = parse_key(key_and_secret)
        self._base_url = _normalise_base_url(base_url)
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self._hidden = [s for s in (key, secret, token, key_and_secret.strip()) if s]
        self.max_retries = max_retries
        self.call_budget_seconds = call_budget_seconds
        self._stop = stop or threading.Event()
        self._clock = clock
        self._wait_fn = wait
        self._pacer = pacer or shared_pacer(self._base_url, key)
        self.requests_made = 0
        self.page_size = PAGE_SIZE
        self._http = httpx.Client(
            base_url=self._base_url, timeout=timeout, transport=transport,
            follow_redirects=False,  # a redirect elsewhere would carry the key with it
            headers={"Authorization": f"Basic {token}", "Accept": "application/json",
                     "Content-Type": "application/json"},
        )
        # Any thread may cut off a request in flight (abort()): stopping never waits for a timeout.
        self._abortable = make_abortable(self._http) if transport is None else None
        if on_open is not None:
            on_open(self)  # the sync engine keeps it, to abort it when the sync stops

    def __repr__(self) -> str:
        return f"ShipStationV1Client({self._base_url!r})"

    def __enter__(self) -> ShipStationV1Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """Any thread: every wait ends and a request in flight is cut off now (it fails as a dropped
        connection would); no request starts afterwards."""
        self._stop.set()
        if self._abortable is not None:
            self._abortable.abort()

    # ---- the interface ------------------------------------------------------------------------

    def list_stores(self) -> list[Store]:
        data = self._request("GET", "/stores", params={"showInactive": "false"})
        if not isinstance(data, list):
            raise MalformedResponse("the store list from ShipStation is not a list")
        return [wire.store_from(item) for item in data if isinstance(item, dict)]

    def push_orders(self, orders: list[OutgoingOrder]) -> list[PushResult]:
        """Upsert by orderKey, 100 at a time. A batch ShipStation fails on as a whole (one broken
        order can do that) is sent again one order at a time, so only that order fails."""
        results: list[PushResult] = []
        for start in range(0, len(orders), BULK_LIMIT):
            batch = orders[start:start + BULK_LIMIT]
            try:
                data = self._request("POST", "/orders/createorders",
                                     json_body=[wire.order_body(o) for o in batch], repeatable=True)
            except ServerError:
                if len(batch) == 1:
                    raise
                results.extend(self._push_one_by_one(batch))
                continue
            results.extend(wire.push_results(batch, data))
        return results

    def _push_one_by_one(self, batch: list[OutgoingOrder]) -> list[PushResult]:
        results = []
        for order in batch:
            try:
                data = self._request("POST", "/orders/createorder", json_body=wire.order_body(order),
                                     repeatable=True)
            except (ServerError, RequestRejected) as exc:
                detail = getattr(exc, "detail", exc.message)
                results.append(PushResult(order.order_key, order.order_number, order.order_id, False, detail))
                continue
            remote = wire.remote_order_from(data)
            results.append(PushResult(order.order_key, order.order_number, remote.order_id, True))
        return results

    def find_order(self, order_key: str, order_number: str) -> RemoteOrder | None:
        """The ShipStation order with this orderKey (orderNumber narrows the search: it is a prefix filter)."""
        params = {"orderNumber": order_number, "pageSize": self.page_size}
        for item in self._iter_pages("/orders", "orders", params, None):
            if item.get("orderKey") == order_key:
                return wire.remote_order_from(item)
        return None

    def iter_shipments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Shipment]:
        params = {"createDateStart": wire.to_pacific(since), "sortBy": "CreateDate", "sortDir": "ASC",
                  "includeShipmentItems": "false"}
        for item in self._iter_pages("/shipments", "shipments", params, trouble):
            yield wire.shipment_from(item)

    def iter_voided_shipments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Shipment]:
        """Labels voided since then, whenever they were bought (a void does not move createDate)."""
        params = {"voidDateStart": wire.to_pacific(since), "sortBy": "CreateDate", "sortDir": "ASC",
                  "includeShipmentItems": "false"}
        for item in self._iter_pages("/shipments", "shipments", params, trouble):
            shipment = wire.shipment_from(item)
            if shipment.voided:
                yield shipment

    def iter_fulfillments(self, since: datetime, trouble: PageTrouble | None = None) -> Iterator[Fulfillment]:
        params = {"createDateStart": wire.to_pacific(since), "sortBy": "CreateDate", "sortDir": "ASC"}
        for item in self._iter_pages("/fulfillments", "fulfillments", params, trouble):
            yield wire.fulfillment_from(item)

    def mark_as_shipped(self, order_id: int, *, carrier_code: str, tracking_number: str,
                        ship_date: datetime) -> None:
        # notifySalesChannel stays false: the app tells Back Market itself, through its outbox.
        body = {"orderId": int(order_id), "carrierCode": carrier_code or "other",
                "trackingNumber": tracking_number, "shipDate": wire.to_pacific(ship_date)[:10],
                "notifyCustomer": False, "notifySalesChannel": False}
        self._request("POST", "/orders/markasshipped", json_body=body)

    def delete_order(self, order_id: int) -> None:
        self._request("DELETE", f"/orders/{int(order_id)}", repeatable=True)

    # ---- paging -------------------------------------------------------------------------------

    def _iter_pages(self, path: str, field: str, params: dict[str, Any],
                    trouble: PageTrouble | None) -> Iterator[dict[str, Any]]:
        """Walk by position so a page ShipStation keeps failing on can be halved down to the one record
        that breaks it, which is then skipped and reported (§7: one broken order fails a whole page)."""
        full = int(params.pop("pageSize", self.page_size))
        size, offset = full, 0
        while True:
            query = {**params, "page": offset // size + 1, "pageSize": size}
            try:
                # While narrowing down a broken record, one try per size is enough.
                data = self._request("GET", path, params=query, retries_allowed=None if size == full else 0)
            except ServerError as exc:
                if size > 1:
                    size = _aligned(offset, size // 2)
                    continue
                logger.warning("ShipStation %s: skipped the record at position %d (%s)", path, offset + 1, exc.detail)
                if trouble is not None:
                    trouble.skipped.append(f"{path} position {offset + 1}: {exc.detail}")
                offset += 1
                continue
            items = data.get(field) if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise MalformedResponse(f"the page from {path} has no '{field}' list")
            yield from (item for item in items if isinstance(item, dict))
            offset += len(items)
            if len(items) < size:  # `pages` is not to be trusted (examples show 0); a short page ends it
                return
            while size < full and offset % min(full, size * 2) == 0:
                size = min(full, size * 2)  # past the broken record: back up to full pages

    # ---- plumbing -----------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                 json_body: Any = None, repeatable: bool | None = None,
                 retries_allowed: int | None = None) -> Any:
        repeatable = method == "GET" if repeatable is None else repeatable
        max_retries = self.max_retries if retries_allowed is None else retries_allowed
        deadline = self._clock() + self.call_budget_seconds
        retries = 0
        while True:
            self._pace(deadline, f"{method} {path}")
            if self._stop.is_set():
                raise Interrupted("stopped before asking ShipStation")
            try:
                response = self._http.request(method, path, params=params, json=json_body)
            except httpx.TransportError as exc:
                never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                reason = self._scrub(f"{type(exc).__name__}: {exc}")
                error = Offline(f"{method} {path}: no answer from ShipStation ({reason})",
                                may_have_reached_server=not never_sent)
                if (repeatable or never_sent) and retries < self.max_retries:
                    retries += 1
                    self._sleep(self._backoff(retries), deadline, error)
                    continue
                raise error from None
            status = response.status_code
            logger.debug("ShipStation %s %s -> %s", method, path, status)
            with self._pacer.lock:
                pause = self._pacer.observe(response.headers, self._clock(), throttled=status == 429)
            if status == 429:
                error = RateLimited(f"{method} {path}: rate limited by ShipStation", retry_after=pause)
                if retries >= self.max_retries:
                    raise error
                retries += 1  # refused before it was handled: even a write may go again
                continue  # _pace waits out the Reset the pacer just learnt
            if status >= 500 or status == 408:
                detail = describe_error_body(self._scrub(response.text))
                error = ServerError(f"{method} {path}: HTTP {status} ({detail})", detail=detail, status=status)
                if repeatable and retries < max_retries:
                    retries += 1
                    self._sleep(self._backoff(retries), deadline, error)
                    continue
                raise error
            if status >= 400:
                raise self._refusal(method, path, status, response.text)
            if status >= 300:
                raise MalformedResponse(f"{method} {path}: unexpected redirect (HTTP {status})", status=status)
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise MalformedResponse(f"{method} {path}: the answer is not JSON", status=status) from None

    def _refusal(self, method: str, path: str, status: int, text: str) -> ShipStationError:
        detail = describe_error_body(self._scrub(text))
        where = f"{method} {path}: HTTP {status} ({detail})"
        if status == 401:
            return KeyRejected(where, status=status)
        if status == 404:
            return NotFound(where, detail=detail, status=status)
        return RequestRejected(where, detail=detail, status=status)

    def _pace(self, deadline: float, what: str) -> None:
        with self._pacer.lock:
            while True:
                now = self._clock()
                wait = self._pacer.wait_time(now)
                if wait <= 0:
                    self._pacer.started(now)
                    self.requests_made += 1
                    return
                if now + wait > deadline:
                    raise RateLimited(f"{what}: ShipStation's request limit would hold it past its time",
                                      retry_after=wait)
                self._block(wait)

    def _sleep(self, seconds: float, deadline: float, error: ShipStationError) -> None:
        if self._clock() + seconds > deadline:
            raise error
        logger.warning("%s; retrying in %.1f s", error.message, seconds)
        self._block(seconds)

    def _block(self, seconds: float) -> None:
        if self._wait_fn is not None:
            self._wait_fn(seconds)
            if self._stop.is_set():
                raise Interrupted("stopped while waiting for ShipStation")
            return
        if self._stop.wait(seconds):
            raise Interrupted("stopped while waiting for ShipStation")

    @staticmethod
    def _backoff(retry: int) -> float:
        delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (retry - 1))
        return delay * (0.5 + random.random() / 2)

    def _scrub(self, text: str) -> str:
        for secret in self._hidden:
            text = text.replace(secret, "***")
        return text


def _aligned(offset: int, at_most: int) -> int:
    """The largest page size up to `at_most` whose pages start exactly at `offset` (pages are numbered)."""
    size = max(1, at_most)
    while offset % size:
        size -= 1
    return size


def _normalise_base_url(base_url: str) -> str:
    url = (base_url or "").strip().rstrip("/") or DEFAULT_API_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the ShipStation address must start with http:// or https:// (got {base_url!r})")
    host = parts.hostname or ""
    local = host in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and not local:
        raise ValueError("the ShipStation address must use https:// (plain http only for the local sandbox)")
    return url
