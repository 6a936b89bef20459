"""What each shared setting may hold, checked on every write (CLI, `backmarket configure`, GUI alike).

Names are matched against the user-managed lists case-insensitively and stored as the list spells
them, so a typed `available` counts the `Available` units instead of none: configuration must never
zero the Back Market account.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.domain import reference
from app.domain.bm_markets import MARKET_PLATFORM, ORDER_STATE_KEYS, PLATFORMS
from app.domain.errors import InvalidInput, NotFound
from app.models import InventoryStatus, OrderStatus, Warehouse

CHOICES = {
    "backmarket.platform": PLATFORMS,
    "backmarket.mapping": ("sku", "variation"),
    "backmarket.customer_name": ("shipping", "channel"),
}
MINIMUM = {"backmarket.since_days": 0, "backmarket.interval_seconds": 1, "sync.keep_sent_days": 1,
           "sync.keep_runs_days": 1}
INVENTORY_STATUS = (InventoryStatus, "inventory status")
ORDER_STATUS = (OrderStatus, "order status")
# Settings whose value names items of a user-managed list (a list of them, or a map onto them).
NAMED = {
    "backmarket.statuses": INVENTORY_STATUS,
    "backmarket.warehouses": (Warehouse, "warehouse"),
    "backmarket.order_states": ORDER_STATUS,
    "inventory.sold_status": INVENTORY_STATUS,
    "inventory.returned_status": INVENTORY_STATUS,
    "orders.new_status": ORDER_STATUS,
    "orders.shipped_status": ORDER_STATUS,
    "orders.cancelled_status": ORDER_STATUS,
    "orders.refunded_status": ORDER_STATUS,
}


def is_loopback(host: str) -> bool:
    """This computer only: localhost, 127.0.0.0/8 or ::1 (where the local sandbox runs)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def clean_api_url(key: str, text: str) -> str:
    """https:// anywhere; plain http:// only to this computer, since the token goes in every request."""
    url = (text or "").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 — raises on a port that is not a number
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidInput(f"{key} is an address starting with https:// (or http:// for the local sandbox), "
                           f"not “{text.strip()}”.")
    if parts.username or parts.password:
        raise InvalidInput(f"{key} must not carry a user name or password; the token is sent separately.")
    if parts.scheme.lower() == "http" and not is_loopback(host):
        raise InvalidInput(f"{key}: plain http:// is only for the local sandbox (localhost, 127.0.0.1, ::1); "
                           f"use https:// for {host} — over http the token would travel in clear.")
    return url


def check_shape(key: str, value: Any) -> Any:
    """The checks that need no database: choices, markets, addresses, ranges. Returns the canonical value."""
    if key in CHOICES:
        word = value.strip().lower()
        if word not in CHOICES[key]:
            raise InvalidInput(f"{key} takes {', '.join(CHOICES[key])}, not “{value}”.")
        return word
    if key == "backmarket.market":
        market = value.strip().lower()
        if market and market not in MARKET_PLATFORM:
            raise InvalidInput(f"{key}: unknown market “{value}”. Known: {', '.join(MARKET_PLATFORM)} "
                               "(or empty for the platform's default).")
        return market
    if key == "backmarket.api_url":
        return clean_api_url(key, value)
    if key in MINIMUM and value < MINIMUM[key]:
        raise InvalidInput(f"{key} takes a whole number, {MINIMUM[key]} or more, not {value}.")
    if key == "backmarket.order_states":
        cleaned = {}
        for state, status in value.items():
            state_key = str(state).strip().lower()
            if state_key not in ORDER_STATE_KEYS:
                raise InvalidInput(f"{key}: “{state}” is not a Back Market order state. "
                                   f"Known: {', '.join(ORDER_STATE_KEYS)}.")
            if not isinstance(status, str):
                raise InvalidInput(f"{key}: state {state_key} maps to an order status name, not {status!r}.")
            cleaned[state_key] = status
        return cleaned
    if key in NAMED and NAMED[key] is not ORDER_STATUS and isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise InvalidInput(f"{key} takes a list of names.")
    return value


def _spelled(session: Session, key: str, name: str) -> str:
    model, what = NAMED[key]
    try:
        return reference.spelled(session, model, name, what)
    except NotFound as exc:
        text = str(exc)
        raise InvalidInput(f"{key}: {text[:1].lower()}{text[1:]}") from None


def clean(session: Session, key: str, value: Any) -> Any:
    """Every check for one setting; names come back as their lists spell them."""
    value = check_shape(key, value)
    if key not in NAMED:
        return value
    if isinstance(value, dict):
        return {state: _spelled(session, key, name) for state, name in value.items()}
    if isinstance(value, list):
        spelled: list[str] = []
        for name in value:
            canonical = _spelled(session, key, name)
            if canonical not in spelled:
                spelled.append(canonical)
        if key == "backmarket.statuses" and not spelled:
            known = ", ".join(reference.names(session, InventoryStatus))
            raise InvalidInput(f"{key} needs at least one inventory status, or nothing counts and every listing "
                               f"goes to 0. Known: {known}.")
        return spelled
    return _spelled(session, key, value)
