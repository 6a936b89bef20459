"""The sandbox's admin interface over HTTP, under `/_admin/`: JSON, no auth, loopback callers only.

Each route is a thin wrapper over a SandboxStore method, so scripts and in-process tests drive the
sandbox the same way.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from app.sync.sandbox.store import SandboxStore
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


@admin_route("POST", "/tokens")
def _add_token(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.add_token(str(body["token"]))


@admin_route("POST", "/tokens/revoke")
def _revoke_token(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.revoke_token(str(body["token"]))


@admin_route("GET", "/listings")
def _listings(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.all_listings()


@admin_route("POST", "/listings")
def _add_listing(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.add_listing(
        body["sku"], body["title"], body.get("grade", "GOOD"), body.get("price", "100.00"),
        int(body.get("quantity", 0)), body.get("currency", "EUR"),
    )


@admin_route("GET", "/orders")
def _orders(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.all_orders()


@admin_route("POST", "/orders")
def _place_order(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.place_order(
        body["lines"], shipping_address=body.get("shipping_address"),
        billing_address=body.get("billing_address"), state=int(body.get("state", 1)),
        country_code=body.get("country_code", "fr-fr"),
    )


@admin_route("GET", r"/orders/(?P<order_id>\d+)")
def _order(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.order(int(args["order_id"]))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/validate_payment")
def _validate_payment(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.validate_payment(int(args["order_id"]))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/fail_payment")
def _fail_payment(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.fail_payment(int(args["order_id"]))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/cancel_line")
def _cancel_line(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.cancel_line(int(args["order_id"]), str(body["sku"]))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/refund_line")
def _refund_line(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.refund_line(int(args["order_id"]), str(body["sku"]), int(body.get("return_reason", 1)))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/touch")
def _touch(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.touch_order(int(args["order_id"]))


@admin_route("POST", r"/orders/(?P<order_id>\d+)/wire")
def _patch_order_wire(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.patch_order_wire(int(args["order_id"]), body)


@admin_route("POST", r"/listings/(?P<sku>[^/]+)/wire")
def _patch_listing_wire(store: SandboxStore, body: dict[str, Any], args: dict[str, str]) -> Any:
    return store.patch_listing_wire(args["sku"], body)


@admin_route("GET", "/requests")
def _requests(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    return store.request_log()


@admin_route("DELETE", "/requests")
def _clear_requests(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.clear_request_log()


@admin_route("GET", "/faults")
def _faults(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    with store.lock:
        return store.faults.pending()


@admin_route("POST", "/faults")
def _add_fault(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.add_fault(
        str(body["fault"]), method=body.get("method", "*"), path_prefix=body.get("path_prefix", "/ws/"),
        count=int(body.get("count", 1)), delay=float(body.get("delay", 2.0)),
        retry_after=body.get("retry_after"),
    )


@admin_route("DELETE", "/faults")
def _clear_faults(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.clear_faults()


@admin_route("POST", "/limits/reset")
def _reset_limits(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    store.reset_limits()


@admin_route("POST", "/config")
def _configure(store: SandboxStore, body: dict[str, Any], _: dict[str, str]) -> Any:
    if "page_size_cap" in body:
        store.set_page_size_cap(int(body.pop("page_size_cap")))
    store.configure(**body)
