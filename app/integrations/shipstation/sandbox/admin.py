"""The sandbox's admin interface under `/_admin/` (JSON, no auth, loopback callers only): what a seller
does in ShipStation's own screens — buy a label, void it, mark an order shipped — plus keys, stores,
faults and the request log. Each route wraps one SandboxStore method."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Callable

from app.integrations.shipstation.sandbox.store import SandboxStore
from app.sync.sandbox.wire import Refusal, Reply, Request, json_reply

AdminAction = Callable[[SandboxStore, dict[str, Any], dict[str, str]], Any]
ADMIN_ROUTES: list[tuple[str, re.Pattern[str], AdminAction]] = []


def admin_route(method: str, pattern: str) -> Callable[[AdminAction], AdminAction]:
    def register(action: AdminAction) -> AdminAction:
        ADMIN_ROUTES.append((method, re.compile(f"^/_admin{pattern}$"), action))
        return action
    return register


def handle_admin(store: SandboxStore, request: Request) -> Reply:
    body = request.json if isinstance(request.json, dict) else {}
    for method, pattern, action in ADMIN_ROUTES:
        match = pattern.match(request.path)
        if match and method == request.method:
            try:
                with store.lock:
                    result = action(store, body, match.groupdict())
            except Refusal as refusal:
                return json_reply(refusal.status, {"error": refusal.body})
            except KeyError as missing:
                return json_reply(404, {"error": str(missing.args[0]) if missing.args else "not found"})
            except (ValueError, TypeError) as problem:
                return json_reply(400, {"error": str(problem)})
            return json_reply(200, {"ok": True} if result is None else result)
    return json_reply(404, {"error": f"no admin action {request.method} {request.path}",
                            "actions": [f"{m} {p.pattern[1:-1]}" for m, p, _ in ADMIN_ROUTES]})


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None


@admin_route("POST", "/keys")
def _add_key(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.add_key(str(body["key"]))


@admin_route("POST", "/keys/revoke")
def _revoke_key(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.revoke_key(str(body["key"]))


@admin_route("POST", "/stores")
def _add_store(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.add_store(str(body["name"]), str(body.get("marketplace", "Back Market")))


@admin_route("GET", "/orders")
def _orders(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.list_orders()


@admin_route("POST", "/orders/(?P<number>[^/]+)/label")
def _buy_label(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.buy_label(
        args["number"], tracking_number=str(body["tracking_number"]),
        carrier_code=str(body.get("carrier_code", "stamps_com")),
        service_code=str(body.get("service_code", "usps_priority_mail")),
        cost=float(body.get("cost", 7.5)), created=_when(body.get("created")),
    )


@admin_route("POST", r"/shipments/(?P<shipment_id>\d+)/void")
def _void(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.void_label(int(args["shipment_id"]))


@admin_route("POST", "/orders/(?P<number>[^/]+)/mark_shipped")
def _mark_shipped(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    order = store.order_by_number(args["number"])
    return store.mark_as_shipped(
        {"orderId": order["orderId"], "carrierCode": body.get("carrier_code", "USPS"),
         "trackingNumber": body.get("tracking_number"), "shipDate": body.get("ship_date")},
        by_api=False,
    )


@admin_route("GET", "/shipments")
def _shipments(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.list_shipments()


@admin_route("GET", "/fulfillments")
def _fulfillments(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.list_fulfillments()


@admin_route("POST", "/clock")
def _clock(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.frozen_now = _when(body.get("now"))


@admin_route("GET", "/requests")
def _requests(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.request_log()


@admin_route("DELETE", "/requests")
def _clear_requests(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.clear_request_log()


@admin_route("POST", "/faults")
def _add_fault(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.faults.add(str(body["fault"]), method=body.get("method", "*"), path_prefix=body.get("path_prefix", "/"),
                     count=int(body.get("count", 1)), delay=float(body.get("delay", 2.0)),
                     reset=int(body.get("reset", 30)))


@admin_route("POST", "/faults/broken_order")
def _break_order(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.faults.broken_orders.add(str(body["order_number"]))


@admin_route("GET", "/faults")
def _faults(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return {"faults": store.faults.pending(), "broken_orders": sorted(store.faults.broken_orders)}


@admin_route("DELETE", "/faults")
def _clear_faults(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.faults.clear()


@admin_route("POST", "/limits/reset")
def _reset_limits(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.limits.reset()
