"""ShipStation v1 as the sandbox answers it: faults first, then the rate limit and Basic auth, then the
route. Paths are matched without regard to case (`/Orders/CreateOrder` works, as in production)."""

from __future__ import annotations

import base64
import binascii
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from app.integrations.shipstation.sandbox.faults import ASPNET_500, fault_reply
from app.integrations.shipstation.sandbox.store import SandboxStore, bad_request, created_after, created_before
from app.sync.sandbox.wire import Refusal, Reply, Request, json_reply

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 500
BULK_LIMIT = 100


@dataclass
class Call:
    store: SandboxStore
    request: Request
    args: dict[str, str]


Handler = Callable[[Call], Any]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, re.compile(f"^{pattern}$"), handler))
        return handler
    return register


def basic_credentials(request: Request) -> str | None:
    """`KEY:SECRET` from the Authorization header, or None."""
    token = request.token
    if not token:
        return None
    try:
        return base64.b64decode(token, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def handle_api(store: SandboxStore, request: Request) -> Reply:
    path = request.path.lower().rstrip("/") or "/"
    entry = {"time": datetime.now(timezone.utc).isoformat(), "method": request.method, "path": path,
             "query": dict(request.query), "json": request.json, "status": None}
    with store.lock:
        store.log_request(entry)
    reply = _answer(store, request, path)
    with store.lock:
        entry["status"] = reply.status
    return reply


def _answer(store: SandboxStore, request: Request, path: str) -> Reply:
    credentials = basic_credentials(request)
    with store.lock:
        admitted, rate = store.limits.admit(credentials or "(no key)")
        fault = store.faults.take(request.method, path)
    if fault is not None:
        canned = fault_reply(fault, rate)
        if canned is not None:
            return canned
        time.sleep(fault.delay)  # "slow" (and "drop", which the server turns into a closed socket)
        if fault.kind == "drop":
            return Reply(-1)
    if not admitted:
        return json_reply(429, {"message": "Too Many Requests"}, rate)
    with store.lock:
        if not store.key_active(credentials):
            return json_reply(401, {"message": "Unauthorized"}, rate)
        for method, pattern, handler in ROUTES:
            match = pattern.match(path)
            if match and method == request.method:
                try:
                    result = handler(Call(store, request, match.groupdict()))
                except Refusal as refusal:
                    return json_reply(refusal.status, refusal.body, rate)
                return json_reply(200, result, rate)
        if any(pattern.match(path) for _, pattern, _ in ROUTES):
            return json_reply(405, {"message": f"The requested resource does not support http method "
                                               f"'{request.method}'."}, rate)
        return json_reply(404, {"message": "No HTTP resource was found that matches the request URI."}, rate)


def _page(call: Call, items: list[dict[str, Any]], field: str) -> dict[str, Any]:
    page = _int(call, "page", 1)
    size = min(_int(call, "pageSize", 100), MAX_PAGE_SIZE)
    if page < 1 or size < 1:
        raise bad_request("page and pageSize must be at least 1")
    if (call.request.param("sortDir") or "").upper() == "DESC":
        items = list(reversed(items))
    chunk = items[(page - 1) * size: page * size]
    broken = call.store.faults.broken_orders
    if any(str(item.get("orderNumber")) in broken for item in chunk):
        raise Refusal(500, ASPNET_500)
    total = len(items)
    return {field: chunk, "total": total, "page": page, "pages": (total + size - 1) // size}


def _int(call: Call, name: str, default: int) -> int:
    value = call.request.param(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"The request is invalid: {name} must be a number.") from None


def _matches(call: Call, item: dict[str, Any], *names: str) -> bool:
    for name in names:
        wanted = call.request.param(name)
        if wanted not in (None, "") and str(item.get(name)) != wanted:
            return False
    return True


@route("GET", "/stores")
def list_stores(call: Call) -> Any:
    show_inactive = (call.request.param("showInactive") or "false").lower() == "true"
    return [s for s in call.store.stores if s["active"] or show_inactive]


@route("POST", "/orders/createorder")
def create_order(call: Call) -> Any:
    return call.store.upsert_order(call.request.json)


@route("POST", "/orders/createorders")
def create_orders(call: Call) -> Any:
    orders = call.request.json
    if not isinstance(orders, list) or not orders:
        raise bad_request("The request is invalid: a list of orders is required.")
    if len(orders) > BULK_LIMIT:
        raise bad_request(f"The request is invalid: at most {BULK_LIMIT} orders per request.")
    if any(isinstance(o, dict) and str(o.get("orderNumber")) in call.store.faults.broken_orders for o in orders):
        raise Refusal(500, ASPNET_500)
    results = []
    for body in orders:
        try:
            order = call.store.upsert_order(body)
            results.append({"orderId": order["orderId"], "orderNumber": order["orderNumber"],
                            "orderKey": order["orderKey"], "success": True, "errorMessage": None})
        except Refusal as refusal:
            body = body if isinstance(body, dict) else {}
            results.append({"orderId": None, "orderNumber": body.get("orderNumber"),
                            "orderKey": body.get("orderKey"), "success": False,
                            "errorMessage": (refusal.body or {}).get("message")})
    return {"hasErrors": not all(r["success"] for r in results), "results": results}


@route("GET", "/orders(?:/list)?")
def list_orders(call: Call) -> Any:
    number = call.request.param("orderNumber") or ""
    status = call.request.param("orderStatus") or ""
    store_id = call.request.param("storeId") or ""
    since = call.request.param("modifyDateStart")
    items = [o for o in call.store.list_orders()
             if o["orderNumber"].startswith(number) and (not status or o["orderStatus"] == status)
             and (not store_id or str(o["advancedOptions"]["storeId"]) == store_id)
             and created_after(o, since, "modifyDate")]
    return _page(call, items, "orders")


@route("GET", r"/orders/(?P<order_id>\d+)")
def get_order(call: Call) -> Any:
    return call.store.public_order(call.store.order(int(call.args["order_id"])))


@route("DELETE", r"/orders/(?P<order_id>\d+)")
def delete_order(call: Call) -> Any:
    return call.store.delete_order(int(call.args["order_id"]))


@route("POST", "/orders/markasshipped")
def mark_as_shipped(call: Call) -> Any:
    return call.store.mark_as_shipped(call.request.json)


@route("GET", "/shipments")
def list_shipments(call: Call) -> Any:
    start, end = call.request.param("createDateStart"), call.request.param("createDateEnd")
    items = [s for s in call.store.list_shipments()
             if _matches(call, s, "orderId", "orderNumber", "trackingNumber", "carrierCode")
             and created_after(s, start) and created_before(s, end)
             and created_after(s, call.request.param("voidDateStart"), "voidDate")]
    include_items = (call.request.param("includeShipmentItems") or "false").lower() == "true"
    page = _page(call, items, "shipments")
    if include_items:
        page["shipments"] = [{**s, "shipmentItems": call.store.orders[s["orderId"]]["items"]}
                             for s in page["shipments"]]
    return page


@route("GET", "/fulfillments")
def list_fulfillments(call: Call) -> Any:
    start = call.request.param("createDateStart")
    items = [f for f in call.store.list_fulfillments()
             if _matches(call, f, "orderId", "orderNumber", "trackingNumber") and created_after(f, start)]
    return _page(call, items, "fulfillments")
