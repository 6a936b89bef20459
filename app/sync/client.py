"""The Back Market seller API client: synchronous httpx, paced, retried where repeating is safe.

Back Market has no idempotency keys (api doc §2.7), so only reads and absolute-value listing writes are
retried after an unclear failure. Order state changes and IMEI writes raise instead: the caller reads
the order back before deciding to send again.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from app.sync.abort import make_abortable
from app.sync.errors import (
    BackMarketError,
    MalformedResponse,
    Offline,
    RateLimited,
    ServerError,
    describe_error_body,
    error_for_refusal,
)
from app.sync.platforms import default_user_agent
from app.sync.ratelimit import RequestWindow

logger = logging.getLogger(__name__)

EDGE_BLOCK_SECONDS = 10.0  # Back Market's edge blocks for 10 s after too many requests
EDGE_BLOCK_JITTER = 2.0
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 30.0
RETRY_AFTER_CAP_SECONDS = 300.0
LISTING_PAGE_SIZE = 50  # the spec's maximum page size


class Interrupted(Offline):
    """The call was given up while it waited (pacing, backoff, Retry-After) because the sync is
    stopping. Nothing was sent during the wait, so it never counts against an outbox message."""

    kind = "cancelled"
    default_user_message = "The sync was stopped before it finished."

    def __init__(self, message: str) -> None:
        super().__init__(message, may_have_reached_server=False)


def rfc3339(moment: datetime) -> str:
    """UTC with a `Z`, the form the spec's filter example uses; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class BackMarketClient:
    """One seller account on one platform. Methods return the JSON Back Market sent, as dicts/lists."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        market: str = "fr-fr",
        user_agent: str | None = None,
        timeout: float = 20.0,
        max_retries: int = 4,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        request_budget: RequestWindow | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        token = token.strip()
        # A token with control or non-ASCII characters would make httpx raise with the header value
        # inside its message; refuse it here, in words that do not repeat it.
        if not token or not all(32 < ord(ch) < 127 for ch in token):
            raise ValueError("the Back Market token is empty or contains characters it cannot have")
        self._token = token
        self._base_url = _normalise_base_url(base_url)
        self.market = market
        self.max_retries = max_retries
        # Every wait is an Event.wait: setting `interrupt` (the engine shares its stop event) ends a
        # wait at once, and the call is given up with Interrupted. An injected `sleep` (tests) still
        # sees every wait.
        self.interrupt = threading.Event()
        self._sleep = sleep
        self._clock = clock
        self._timeout = timeout
        # Seconds one call may take, its retries and waits included (None: no cap). The engine sets
        # it below a third of the sync lease, so no call outlives the lease it started under.
        self.call_budget: float | None = None
        self._window = request_budget if request_budget is not None else RequestWindow(clock=clock)
        self.requests_made = 0
        self._http = httpx.Client(
            base_url=self._base_url,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,  # a redirect to another host would carry the token with it
            headers={
                "Authorization": f"Basic {token}",
                "Accept-Language": market,
                "User-Agent": user_agent or default_user_agent(),
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        # Any thread may cut off a request in flight (abort()): quitting never waits for a timeout.
        self._abortable = make_abortable(self._http) if transport is None else None

    def __repr__(self) -> str:
        return f"BackMarketClient({self._base_url!r}, market={self.market!r})"

    def __enter__(self) -> BackMarketClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """Any thread: every wait ends and a request in flight is cut off now (it fails as a dropped
        connection would: a read is given up as Interrupted, a write as "may have reached")."""
        self.interrupt.set()
        if self._abortable is not None:
            self._abortable.abort()

    def limit_calls_to(self, seconds: float) -> None:
        """Cap one call (its retries and waits included) at `seconds`; a single try gets half of it."""
        self.call_budget = seconds
        self._http.timeout = httpx.Timeout(min(self._timeout, seconds / 2))

    # ---- listings ---------------------------------------------------------------------------

    def iter_listings(self, page_size: int = LISTING_PAGE_SIZE, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every listing, following `next` page by page (filters: publication_state, min/max_quantity)."""
        params = {key: value for key, value in filters.items() if value is not None}
        params["page-size"] = page_size
        yield from self._iter_pages("/ws/listings", params)

    def get_listing(self, listing_ref: str | int) -> dict[str, Any]:
        return self._expect_dict(self._request("GET", f"/ws/listings/{_segment(listing_ref)}"), "listing")

    def get_listing_by_sku(self, sku: str) -> dict[str, Any]:
        data = self._request("GET", "/ws/listings/detail", params={"sku": sku})
        return self._expect_dict(data, "listing")

    def update_listing(self, listing_ref: str | int, fields: dict[str, Any]) -> dict[str, Any]:
        # Every listing field is an absolute value (quantity=3, not "minus one"), so sending it
        # twice leaves the same result: safe to retry after a timeout or a 5xx.
        path = f"/ws/listings/{_segment(listing_ref)}"
        data = self._request("POST", path, json_body=fields, repeatable=True)
        return self._expect_dict(data, "listing")

    def batch_update_listings(self, csv_text: str, delimiter: str = ";") -> int:
        """Queue a CSV catalogue update; returns the task id to poll with `get_task`."""
        payload = {"catalog": csv_text, "quotechar": '"', "delimiter": delimiter, "encoding": "utf-8"}
        # Not repeatable: a second POST would queue a second task. Poll the task instead.
        data = self._expect_dict(self._request("POST", "/ws/listings", json_body=payload), "task")
        try:
            return int(data["bodymessage"])
        except (KeyError, TypeError, ValueError):
            raise MalformedResponse("the batch update answer has no task id in 'bodymessage'") from None

    def get_task(self, task_id: int) -> dict[str, Any]:
        return self._expect_dict(self._request("GET", f"/ws/tasks/{int(task_id)}"), "task")

    # ---- orders -----------------------------------------------------------------------------

    def iter_orders(
        self,
        *,
        date_modification: datetime | str | None = None,
        date_creation: datetime | str | None = None,
        state: int | None = None,
        page_size: int = 50,
    ) -> Iterator[dict[str, Any]]:
        """Orders, following `next`. Both dates are lower bounds ("since"); the order is not documented."""
        params: dict[str, Any] = {"page-size": page_size}
        for name, value in (("date_modification", date_modification), ("date_creation", date_creation)):
            if value is not None:
                params[name] = rfc3339(value) if isinstance(value, datetime) else value
        if state is not None:
            params["state"] = int(state)
        yield from self._iter_pages("/ws/orders", params)

    def get_order(self, order_id: int) -> dict[str, Any]:
        return self._expect_dict(self._request("GET", f"/ws/orders/{int(order_id)}"), "order")

    def accept_line(self, order_id: int, sku: str) -> dict[str, Any]:
        return self._change_order(order_id, {"new_state": 2, "sku": sku})

    def cancel_line(self, order_id: int, sku: str) -> dict[str, Any]:
        return self._change_order(order_id, {"new_state": 4, "sku": sku})

    def ship_order(
        self,
        order_id: int,
        *,
        tracking_number: str,
        shipper: str | None = None,
        tracking_url: str | None = None,
        date_shipping: datetime | str | None = None,
        imei: str | None = None,
        serial_number: str | None = None,
    ) -> dict[str, Any]:
        """Ship the whole order. IMEI/serial here only count for one line of quantity 1 (§4.7)."""
        if not tracking_number:
            raise ValueError("a tracking number is required to ship a Back Market order")
        body: dict[str, Any] = {"new_state": 3, "tracking_number": tracking_number}
        if isinstance(date_shipping, datetime):
            date_shipping = rfc3339(date_shipping)
        optional = {
            "shipper": shipper, "tracking_url": tracking_url, "date_shipping": date_shipping,
            "imei": imei, "serial_number": serial_number,
        }
        body.update({key: value for key, value in optional.items() if value})
        return self._change_order(order_id, body)

    def set_orderline_identity(
        self, orderline_id: int, *, imei: str | None = None, serial_number: str | None = None
    ) -> dict[str, Any]:
        """Register a line's IMEI and/or serial. Back Market never lets it be corrected afterwards."""
        body = {key: value for key, value in (("imei", imei), ("serial_number", serial_number)) if value}
        if not body:
            raise ValueError("give an IMEI or a serial number")
        data = self._request("PATCH", f"/ws/orderlines/{int(orderline_id)}", json_body=body)
        return self._expect_dict(data, "order line")

    def _change_order(self, order_id: int, change: dict[str, Any]) -> dict[str, Any]:
        body = {"order_id": int(order_id), **change}
        data = self._request("POST", f"/ws/orders/{int(order_id)}", json_body=body)
        return self._expect_dict(data, "order")

    # ---- plumbing ---------------------------------------------------------------------------

    def _iter_pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        url: str = path
        page_params: dict[str, Any] | None = params
        seen: set[str] = set()
        while True:
            data = self._request("GET", url, params=page_params)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise MalformedResponse(f"the page from {_path_of(url)} has no 'results' list")
            yield from data["results"]
            next_url = data.get("next")
            if not next_url or not data["results"]:  # an empty page ends the walk whatever `next` says
                return
            url, page_params = self._on_our_host(str(next_url)), None
            if url in seen:  # a server looping on itself must not keep the sync busy forever
                logger.warning("Back Market returned the same next page twice (%s); stopping", _path_of(url))
                return
            seen.add(url)

    def _on_our_host(self, url: str) -> str:
        """Follow `next` verbatim, but never send the token to a host other than the configured one."""
        parts = urlsplit(url)
        if not parts.netloc:
            return url
        ours = urlsplit(self._base_url)
        if (parts.scheme, parts.netloc) == (ours.scheme, ours.netloc):
            return url
        logger.warning("Back Market's next page points at another host; asking ours for %s", parts.path)
        return urlunsplit((ours.scheme, ours.netloc, parts.path, parts.query, ""))

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        repeatable: bool | None = None,
    ) -> Any:
        repeatable = method == "GET" if repeatable is None else repeatable
        path = _path_of(url)
        retries = 0
        started = self._clock()
        while True:
            self._pace()
            if self.interrupt.is_set():
                raise Interrupted("the sync is stopping")
            self.requests_made += 1
            try:
                response = self._http.request(method, url, params=params, json=json_body)
            except httpx.TransportError as exc:
                # A refused connection never reached Back Market, so even a write may go again.
                never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
                reason = self._scrub(f"{type(exc).__name__}: {exc}")
                if (repeatable or never_sent) and retries < self.max_retries \
                        and self._may_wait(started, delay := self._backoff(retries + 1)):
                    retries += 1
                    self._wait(delay, f"{method} {path} failed ({reason})")
                    continue
                raise Offline(
                    f"{method} {path}: no answer from Back Market ({reason})",
                    may_have_reached_server=not never_sent,
                ) from exc
            status = response.status_code
            logger.debug("%s %s -> %s", method, path, status)
            if status == 429:
                retry_after = _retry_after_seconds(response)
                if retries >= self.max_retries:
                    raise RateLimited(
                        f"{method} {path}: still rate limited after {retries} retries",
                        retry_after=retry_after,
                    )
                # The edge refuses before the request is handled, so even writes may go again.
                wait = retry_after if retry_after is not None else (
                    EDGE_BLOCK_SECONDS + random.uniform(0, EDGE_BLOCK_JITTER)
                )
                if not self._may_wait(started, wait):
                    raise RateLimited(
                        f"{method} {path}: Back Market asks to wait {wait:.0f} s, longer than one call may take "
                        f"({self.call_budget:.0f} s); given up for now",
                        retry_after=retry_after,
                    )
                retries += 1
                self._wait(wait, f"{method} {path} rate limited")
                continue
            if status >= 500 or status == 408:
                if repeatable and retries < self.max_retries \
                        and self._may_wait(started, delay := self._backoff(retries + 1)):
                    retries += 1
                    self._wait(delay, f"{method} {path} answered HTTP {status}")
                    continue
                detail = describe_error_body(self._scrub(response.text))
                raise ServerError(f"{method} {path}: HTTP {status} ({detail})", status=status)
            if status >= 400:
                raise self._refusal(method, path, response)
            if status >= 300:
                raise MalformedResponse(
                    f"{method} {path}: unexpected redirect (HTTP {status})", status=status
                )
            return self._parse(method, path, response)

    def _pace(self) -> None:
        """Sleep until the client-side window lets one more request start, then count it."""
        with self._window.lock:
            now = self._clock()
            wait = self._window.wait_time(now)
            while wait > 0:
                self._nap(wait)
                now = max(self._clock(), now + wait)
                wait = self._window.wait_time(now)
            self._window.record(now)

    def _wait(self, seconds: float, why: str) -> None:
        logger.warning("%s; retrying in %.1f s", why, seconds)
        self._nap(seconds)

    def _nap(self, seconds: float) -> None:
        if self.interrupt.is_set():
            raise Interrupted("the sync is stopping")
        if self._sleep is not None:
            self._sleep(seconds)
        else:
            self.interrupt.wait(seconds)
        if self.interrupt.is_set():
            raise Interrupted("the sync is stopping")

    def _may_wait(self, started: float, seconds: float) -> bool:
        """Whether waiting `seconds` and trying once more still fits in this call's budget."""
        if self.call_budget is None:
            return True
        try_time = self._http.timeout.read or self._timeout
        return (self._clock() - started) + seconds + try_time <= self.call_budget

    @staticmethod
    def _backoff(retry: int) -> float:
        delay = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (retry - 1))
        return delay * random.uniform(0.75, 1.25)

    def _scrub(self, text: str) -> str:
        # Back Market's own text should never hold our token, but an echoing proxy might.
        return text.replace(self._token, "[token]")

    def _parse(self, method: str, path: str, response: httpx.Response) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            snippet = self._scrub(response.text[:80])
            raise MalformedResponse(
                f"{method} {path}: the answer is not valid JSON ({snippet!r}…)", status=response.status_code
            ) from None

    def _refusal(self, method: str, path: str, response: httpx.Response) -> BackMarketError:
        return error_for_refusal(
            f"{method} {path}", response.status_code, response.headers, self._scrub(response.text)
        )

    @staticmethod
    def _expect_dict(data: Any, what: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise MalformedResponse(f"expected a {what} object from Back Market, got {type(data).__name__}")
        return data


def _normalise_base_url(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    if url.endswith("/ws"):  # people paste the API root they see in the docs
        url = url[: -len("/ws")]
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"the Back Market address must start with http:// or https:// (got {base_url!r})")
    return url


def _segment(ref: str | int) -> str:
    return quote(str(ref), safe="")


def _path_of(url: str) -> str:
    return urlsplit(url).path or url


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP_SECONDS)
