"""The seller API as the sandbox answers it: edge faults and limits first, then auth, then the route."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urlencode

from app.sync.platforms import MARKET_CURRENCY
from app.sync.sandbox.faults import fault_reply
from app.sync.sandbox.limits import retry_after_header
from app.sync.sandbox.listings import parse_catalog
from app.sync.sandbox.store import SandboxStore
from app.sync.sandbox.wire import (
    Refusal, Reply, Request, error_v1, html_reply, json_reply, parse_filter_time, refuse, timestamp,
)

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 10
DEFAULT_MARKET = "fr-fr"
RATE_LIMIT_PAGE = "<html><head><title>Rate limited</title></head><body><h1>Error 1015</h1>" \
                  "<p>You are being rate limited.</p></body></html>"

@dataclass
class Call:
    """One authenticated API call as a route sees it."""

    store: SandboxStore
    request: Request
    args: dict[str, str]  # named groups from the route's path pattern
    market: str  # from Accept-Language
    token: str


Handler = Callable[[Call], Any]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(f"^{pattern}$"), handler))
        return handler
    return register


def handle_api(store: SandboxStore, request: Request) -> Reply:
    entry = _log_entry(request)
    store.log_request(entry)
    reply = _answer(store, request)
    with store.lock:
        entry["status"] = reply.status
    return reply


def _answer(store: SandboxStore, request: Request) -> Reply:
    with store.lock:
        fault = store.faults.take(request.method, request.path)
    if fault is not None:
        canned = fault_reply(fault)
        if canned is not None:
            return canned
        time.sleep(fault.delay)  # "slow": outside the lock, then answer normally
    with store.lock:
        token = request.token
        blocked_for = store.limits.admit(token or "(no token)")
        if blocked_for is not None:
            return _rate_limited(store, blocked_for)
        if not store.token_active(token):
            return json_reply(401, error_v1("unauthorized", "Invalid or missing authentication token"))
        store.settle_tasks()
        for method, pattern, handler in ROUTES:
            match = pattern.match(request.path)
            if match and method == request.method:
                try:
                    result = handler(Call(store, request, match.groupdict(), _market(request), token or ""))
                except Refusal as refusal:
                    return refusal.reply()
                return result if isinstance(result, Reply) else json_reply(200, result)
        if any(pattern.match(request.path) for _, pattern, _ in ROUTES):
            return json_reply(405, error_v1("method_not_allowed", f"{request.method} is not allowed here"))
        return json_reply(404, error_v1("not_found", "Webservices unavailable"))


def _log_entry(request: Request) -> dict[str, Any]:
    user_agent = request.headers.get("user-agent")
    if not user_agent:
        # Back Market says requests without one "might be refused"; we only warn.
        logger.warning("sandbox: %s %s arrived without a User-Agent", request.method, request.path)
    # Never the Authorization header: the log is readable over the admin interface.
    return {
        "time": timestamp(datetime.now(timezone.utc)),
        "method": request.method,
        "path": request.path,
        "query": dict(request.query),
        "json": request.json,
        "user_agent": user_agent,
        "accept_language": request.headers.get("accept-language"),
        "status": None,
    }


def _rate_limited(store: SandboxStore, seconds_left: float) -> Reply:
    headers = {"Retry-After": retry_after_header(seconds_left)} if store.rate_limit_retry_after else {}
    if store.rate_limit_body == "html":
        return html_reply(429, RATE_LIMIT_PAGE, headers)
    return json_reply(429, error_v1("too_many_requests", "Too many requests, slow down"), headers)


def _market(request: Request) -> str:
    raw = request.headers.get("accept-language", "")
    code = raw.split(",")[0].split(";")[0].strip().lower()
    if code in MARKET_CURRENCY:
        return code
    if raw:
        logger.warning("sandbox: unknown Accept-Language %r, answering for %s", raw, DEFAULT_MARKET)
    return DEFAULT_MARKET


def _int_param(request: Request, name: str, default: int | None = None, minimum: int = 0) -> int | None:
    value = request.param(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise refuse(400, f"{name} must be a whole number") from None
    if number < minimum:
        raise refuse(400, f"{name} must be at least {minimum}")
    return number


def paginate(store: SandboxStore, request: Request, items: list[Any]) -> dict[str, Any]:
    """`{count, next, previous, results}` with absolute links that keep every other parameter."""
    page = _int_param(request, "page", 1, minimum=1) or 1
    size = min(_int_param(request, "page-size", DEFAULT_PAGE_SIZE, minimum=1) or DEFAULT_PAGE_SIZE,
               store.page_size_cap)
    start = (page - 1) * size

    def link(number: int) -> str:
        query = [(k, v) for k, v in request.query if k != "page"] + [("page", str(number))]
        return f"{store.public_url}{request.path}?{urlencode(query)}"

    return {
        "count": len(items),
        "next": link(page + 1) if start + size < len(items) else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": items[start:start + size],
    }


def _order_id(raw: str) -> int:
    if not raw.isdigit():
        # The order-id validation envelope (api doc §2.5).
        raise Refusal(422, {"error": {"code": "E009", "message": "Validation error"},
                            "data": {"fields": {"orderId": ["An integer is needed."]}}})
    return int(raw)


# ---- listings ---------------------------------------------------------------------------------

@route("GET", "/ws/listings")
def list_listings(call: Call) -> Any:
    state = _int_param(call.request, "publication_state")
    low = _int_param(call.request, "min_quantity")
    high = _int_param(call.request, "max_quantity")
    chosen = [
        item.to_json(call.market) for item in call.store.listings.values()
        if (state is None or item.publication_state(call.market) == state)
        and (low is None or item.quantity >= low) and (high is None or item.quantity <= high)
    ]
    return paginate(call.store, call.request, chosen)


@route("GET", "/ws/listings/detail")
def listing_detail(call: Call) -> Any:
    if call.request.param("sku"):
        listing = call.store.find_listing_by_sku(call.request.param("sku") or "")
    elif call.request.param("listing_id") or call.request.param("id"):
        listing = call.store.find_listing(call.request.param("listing_id") or call.request.param("id") or "")
    else:
        raise refuse(400, "give sku, listing_id or id")
    return {**listing.to_json(call.market), "statuscode": 200}


@route("GET", "/ws/listings/(?P<ref>[^/]+)")
def get_listing(call: Call) -> Any:
    return {**call.store.find_listing(call.args["ref"]).to_json(call.market), "statuscode": 200}


@route("POST", "/ws/listings/(?P<ref>[^/]+)")
def update_listing(call: Call) -> Any:
    listing = call.store.find_listing(call.args["ref"])
    call.store.update_listing(listing, call.request.json, call.market, call.token)
    return {**listing.to_json(call.market), "statuscode": 200}


@route("POST", "/ws/listings")
def batch_listings(call: Call) -> Any:
    task = call.store.submit_batch(parse_catalog(call.request.json), call.market, call.token)
    return {"bodymessage": task.task_id, "statuscode": 200}


@route("GET", "/ws/tasks/(?P<task_id>[^/]+)")
def get_task(call: Call) -> Any:
    if not call.args["task_id"].isdigit():
        raise refuse(400, "the task id must be a whole number")
    return call.store.task_for(int(call.args["task_id"]), call.token).to_json()


# ---- orders -----------------------------------------------------------------------------------

@route("GET", "/ws/orders")
def list_orders(call: Call) -> Any:
    state = _int_param(call.request, "state")
    since_created = _since(call.request, "date_creation")
    since_modified = _since(call.request, "date_modification")
    country = call.request.param("country_code")
    orders = sorted(call.store.orders.values(), key=lambda o: (o.date_modification, o.order_id))
    chosen = [
        order.to_json() for order in orders
        # Without an explicit state, Back Market leaves out 0 (new) and 8 (not paid).
        if (order.state == state if state is not None else order.state not in (0, 8))
        and (since_created is None or order.date_creation >= since_created)
        and (since_modified is None or order.date_modification >= since_modified)
        and (not country or order.country_code == country.lower())
    ]
    return paginate(call.store, call.request, chosen)


def _since(request: Request, name: str) -> datetime | None:
    value = request.param(name)
    return parse_filter_time(value) if value else None


@route("GET", "/ws/orders/(?P<order_id>[^/]+)")
def get_order(call: Call) -> Any:
    order = call.store.orders.get(_order_id(call.args["order_id"]))
    if order is None:
        raise refuse(404, f"Order {call.args['order_id']} not found")
    return order.to_json()


@route("POST", "/ws/orders/(?P<order_id>[^/]+)")
def change_order(call: Call) -> Any:
    return call.store.seller_update_order(_order_id(call.args["order_id"]), call.request.json)


@route("POST", "/ws/orders/(?P<order_id>[^/]+)/invoice")
def upload_invoice(call: Call) -> Any:
    if _order_id(call.args["order_id"]) not in call.store.orders:
        raise refuse(404, f"Order {call.args['order_id']} not found")
    return {"statuscode": 200}  # accepted and ignored: the sandbox keeps no files


@route("PATCH", "/ws/orderlines/(?P<line_id>[^/]+)")
def set_line_identity(call: Call) -> Any:
    if not call.args["line_id"].isdigit():
        raise refuse(400, "the order line id must be a whole number")
    return call.store.set_line_identity(int(call.args["line_id"]), call.request.json)
