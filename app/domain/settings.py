"""Settings every station shares, each declared once: name, type, default, meaning."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import permissions, setting_checks, settings_audit
from app.domain.errors import Conflict, InvalidInput
from app.models import InventoryStatus, Setting, Variation, Warehouse


@dataclass(frozen=True)
class SettingSpec:
    key: str
    kind: type
    default: Any
    help: str
    internal: bool = False  # kept by RefurbDesk itself: never typed in by a user


DEFAULT_ORDER_STATE_MAP = {
    "0": "Awaiting payment",
    "10": "Awaiting payment",
    "1": "New",
    "3": "Ready to ship",
    "9": "Shipped",
    "8": "Cancelled",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
}

SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("catalog.sku_unique", bool, True, "two variations may not share a SKU"),
        SettingSpec("security.idle_lock_minutes", int, 10, "minutes without a key or click before a station locks"),
        SettingSpec("inventory.sold_status", str, "Sold", "status a unit takes when shipped"),
        SettingSpec("inventory.returned_status", str, "Returned", "default status for a returned unit"),
        SettingSpec("orders.new_status", str, "New", "status of a new direct order"),
        SettingSpec("orders.shipped_status", str, "Shipped", "status of a shipped order"),
        SettingSpec("orders.cancelled_status", str, "Cancelled", "status of a cancelled order"),
        SettingSpec("orders.refunded_status", str, "Refunded", "status of a refunded order"),
        SettingSpec("backmarket.platform", str, "eu", "eu, us or ap"),
        SettingSpec("backmarket.preprod", bool, False, "use Back Market's pre-production copy"),
        SettingSpec("backmarket.api_url", str, "", "custom base URL (the local sandbox); overrides platform"),
        SettingSpec("backmarket.market", str, "", "Accept-Language market, e.g. fr-fr (default per platform)"),
        SettingSpec("backmarket.user_agent", str, "", "User-Agent, BM-Company-Integration;contact@example.com"),
        SettingSpec("backmarket.mapping", str, "sku", "listings map to 'variation' or 'sku'"),
        SettingSpec("backmarket.customer_name", str, "shipping", "customer is the 'shipping' name or the 'channel'"),
        SettingSpec("backmarket.statuses", list, ["Available"], "inventory statuses that count towards quantities"),
        SettingSpec("backmarket.warehouses", list, [], "warehouses that count; empty means every warehouse"),
        SettingSpec("backmarket.order_states", dict, DEFAULT_ORDER_STATE_MAP, "Back Market state -> local order status"),
        SettingSpec("backmarket.auto_accept", bool, False, "accept paid lines automatically when stock covers them"),
        SettingSpec("backmarket.since_days", int, 30, "how far back the first order import looks"),
        SettingSpec("backmarket.enabled", bool, True, "run the Back Market sync"),
        SettingSpec("backmarket.interval_seconds", int, 60, "seconds between full sync cycles"),
        SettingSpec("backmarket.orders_checkpoint", str, "", "date_modification of the newest imported order"),
        SettingSpec("backmarket.sku_budget", list, [], "timestamps of recent listing writes (2,000 SKU lines/hour)"),
        SettingSpec("sync.keep_sent_days", int, 30, "days a sent Back Market update is kept before it is deleted"),
        SettingSpec("sync.keep_runs_days", int, 90, "days a sync run's record is kept before it is deleted"),
        SettingSpec("sync.last_pruned", str, "", "when old sync records were last deleted (at most daily)",
                    internal=True),
        SettingSpec("shipstation.enabled", bool, False, "run the ShipStation steps after the Back Market ones"),
        SettingSpec("shipstation.api_url", str, "", "ShipStation API address (empty: https://ssapi.shipstation.com)"),
        SettingSpec("shipstation.store_id", int, 0, "ShipStation store for pushed orders (0: the account's manual store)"),
        SettingSpec("shipstation.push_statuses", list, ["New", "Ready to ship"], "local order statuses pushed to ShipStation"),
        SettingSpec("shipstation.backmarket_orders", str, "push", "'push' Back Market orders, or 'skip' (connected natively)"),
        SettingSpec("shipstation.shipments_checkpoint", str, "", "createDate of the newest ShipStation label read",
                    internal=True),
        SettingSpec("shipstation.fulfillments_checkpoint", str, "", "createDate of the newest ShipStation fulfillment read",
                    internal=True),
        SettingSpec("shipstation.last_run", dict, {}, "when the ShipStation steps last ran and what they did",
                    internal=True),
        SettingSpec("setup.lists_checked", bool, False, "a manager confirmed the warehouses and statuses (first-run list)"),
        SettingSpec("database.id", str, "", "this database's identity (a token is stored for it)", internal=True),
        SettingSpec("database.demo", bool, False, "a demo database: it only ever talks to the local sandbox",
                    internal=True),
        SettingSpec("backmarket.token_for", str, "", "which database copy and address the token was stored for",
                    internal=True),
    )
}


def _spec(key: str) -> SettingSpec:
    try:
        return SPECS[key]
    except KeyError:
        known = ", ".join(sorted(SPECS))
        raise InvalidInput(f"Unknown setting “{key}”. Known settings: {known}.") from None


def parse_value(key: str, text: str) -> Any:
    """Turn command-line text into the setting's type, or say why it can't be."""
    spec = _spec(key)
    if spec.internal:
        raise InvalidInput(f"{key} is kept by RefurbDesk itself and cannot be set by hand.")
    raw = text.strip()
    if spec.kind is bool:
        lowered = raw.lower()
        if lowered in ("true", "on", "yes", "1"):
            return True
        if lowered in ("false", "off", "no", "0"):
            return False
        raise InvalidInput(f"{key} takes true or false, not “{text}”.")
    if spec.kind is int:
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{key} takes a whole number, not “{text}”.") from None
    if spec.kind is list:
        if raw.startswith("["):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                raise InvalidInput(f"{key} takes names separated by commas, or a JSON list.") from None
            if not isinstance(value, list):
                raise InvalidInput(f"{key} takes a list.")
            return value
        return [part.strip() for part in raw.split(",") if part.strip()]
    if spec.kind is dict:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            raise InvalidInput(f"{key} takes a JSON object.") from None
        if not isinstance(value, dict):
            raise InvalidInput(f"{key} takes a JSON object.")
        return value
    return raw


def _as_read(key: str, value: Any) -> Any:
    """Choice words an older version stored unchecked (`Variation`, ` EU`) read as the checks write them."""
    if isinstance(value, str) and (key in setting_checks.CHOICES or key == "backmarket.market"):
        return value.strip().lower()
    return value


def get(session: Session, key: str) -> Any:
    spec = _spec(key)
    row = session.get(Setting, key)
    if row is None:
        return json.loads(json.dumps(spec.default))  # a copy: callers may mutate it
    return _as_read(key, json.loads(row.value))


def check(key: str, value: Any) -> Any:
    """The checks that need no database (type, choices, address, range): for a form before it is sent."""
    spec = _spec(key)
    if not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool)):
        raise InvalidInput(f"{key} takes a {spec.kind.__name__}, not {type(value).__name__}.")
    return setting_checks.check_shape(key, value)


def set_(session: Session, key: str, value: Any) -> None:
    """The one way a setting is written: checked (names against the lists) and stored canonically."""
    permissions.require_setting(session, key)
    check(key, value)
    value = setting_checks.clean(session, key, value)
    if key == "catalog.sku_unique" and value and not get(session, key):
        _refuse_shared_skus(session)
    settings_audit.record(session, key, json.dumps(value))
    row = session.get(Setting, key)
    encoded = json.dumps(value)
    if row is None:
        session.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
    session.flush()


def get_many(session: Session, keys: list[str]) -> dict[str, Any]:
    rows = {r.key: r for r in session.scalars(select(Setting).where(Setting.key.in_(keys)))}
    return {k: (_as_read(k, json.loads(rows[k].value)) if k in rows else get(session, k)) for k in keys}


def shared_skus(session: Session, limit: int = 20) -> list[tuple[str, int]]:
    """SKUs (as first written) carried by more than one variation, with how many carry each."""
    rows = session.execute(
        select(func.min(Variation.sku), func.count())
        .where(Variation.sku_norm.is_not(None))
        .group_by(Variation.sku_norm)
        .having(func.count() > 1)
        .order_by(func.count().desc(), func.min(Variation.sku))
        .limit(limit)
    )
    return [(sku, n) for sku, n in rows]


def _refuse_shared_skus(session: Session) -> None:
    """SKUs cannot become unique while variations share them: say which ones."""
    clashes = shared_skus(session)
    if clashes:
        listed = ", ".join(f"{sku} ({n} variations)" for sku, n in clashes)
        raise Conflict(f"SKUs cannot be made unique: these are shared by several variations — {listed}. "
                       "Give each variation its own SKU first.")


def database_id(session: Session) -> str:
    """This database's identity, made on first use: a copy keeps it, a new database gets its own."""
    row = session.get(Setting, "database.id")
    if row is not None and json.loads(row.value):
        return json.loads(row.value)
    ident = uuid.uuid4().hex
    # Internal, never typed by anyone: written directly (no role check — a packer's station may be the
    # first to need it — and no audit line).
    if row is None:
        session.add(Setting(key="database.id", value=json.dumps(ident)))
    else:
        row.value = json.dumps(ident)
    session.flush()
    return ident


@dataclass(frozen=True)
class CountedScope:
    """What counts towards the calculated quantities, resolved to ids.

    `problem` is a one-line reason when nothing can count (no status, or warehouses named that do
    not exist): a push with such a scope would write 0 everywhere and must be refused.
    """

    status_ids: tuple[int, ...]
    warehouse_ids: tuple[int, ...] | None  # None: every warehouse
    unknown: tuple[str, ...]  # names in the settings that no list item carries
    problem: str | None

    @property
    def empty(self) -> bool:
        return self.problem is not None


def _resolve(session: Session, model, wanted: list[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    lowered = {str(n).strip().lower(): str(n) for n in wanted if str(n).strip()}
    rows = session.execute(select(model.id, model.name).where(func.lower(model.name).in_(list(lowered)))).all() \
        if lowered else []
    found = {name.lower() for _, name in rows}
    return tuple(sorted(i for i, _ in rows)), tuple(n for low, n in lowered.items() if low not in found)


def counted_scope(session: Session) -> CountedScope:
    """The counted statuses and warehouses, matched case-insensitively (a database an older version
    wrote may hold `available`); a scope that resolves to nothing says so instead of counting 0."""
    values = get_many(session, ["backmarket.statuses", "backmarket.warehouses"])
    statuses, warehouses = list(values["backmarket.statuses"] or []), list(values["backmarket.warehouses"] or [])
    status_ids, unknown_statuses = _resolve(session, InventoryStatus, statuses)
    warehouse_ids, unknown_warehouses = _resolve(session, Warehouse, warehouses) if warehouses else (None, ())
    problem = None
    if not status_ids:
        named = ", ".join(statuses) or "none"
        problem = (f"No inventory status counts towards the Back Market quantities (backmarket.statuses names "
                   f"{named}); nothing is pushed until it names a status that exists.")
    elif warehouse_ids == ():
        problem = (f"No warehouse counts towards the Back Market quantities (backmarket.warehouses names "
                   f"{', '.join(warehouses)}); nothing is pushed until it names a warehouse that exists, or is empty.")
    return CountedScope(status_ids, warehouse_ids, unknown_statuses + unknown_warehouses, problem)
