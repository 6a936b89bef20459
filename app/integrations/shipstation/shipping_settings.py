"""The Shipping panel's side of the ShipStation settings (no Qt): what the form shows, its checks, the
save, and the stores the key can see. The same rules as `refurbdesk shipstation configure`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.domain import permissions, reference, settings
from app.domain.errors import DomainError, InvalidInput
from app.domain.setting_checks import clean_api_url
from app.integrations.shipstation.config import ShipStationSettings, build_client, check_mode
from app.integrations.shipstation.errors import ShipStationError
from app.integrations.shipstation.records import Store
from app.integrations.shipstation.status import ShippingHealth, health
from app.models import OrderStatus


@dataclass(frozen=True)
class ShippingForm:
    enabled: bool
    api_url: str  # as typed ("" for ShipStation's own address)
    store_id: int  # 0: the account's manual store
    push_statuses: tuple[str, ...]
    backmarket_orders: str  # push | skip


@dataclass(frozen=True)
class ShippingView:
    form: ShippingForm
    open_statuses: tuple[str, ...]  # what may be ticked as pushed
    health: ShippingHealth
    open_status_ids: tuple[int, ...] = ()  # the same rows' ids: an unsaved tick follows a rename


def load_view(session: Session) -> ShippingView:
    cfg = ShipStationSettings.load(session)
    raw_url = (settings.get(session, "shipstation.api_url") or "").strip()
    form = ShippingForm(cfg.enabled, raw_url, cfg.store_id or 0, cfg.push_statuses, cfg.backmarket_orders)
    rows = session.execute(select(OrderStatus.id, OrderStatus.name).where(OrderStatus.is_open.is_(True))
                           .order_by(OrderStatus.id)).all()
    return ShippingView(form, tuple(r.name for r in rows), health(session), tuple(r.id for r in rows))


def check_form(form: ShippingForm) -> str | None:
    """What is wrong with the form in words (None: it may be saved) — the checks that need no database."""
    try:
        clean_api_url("API address", form.api_url)
        check_mode(form.backmarket_orders)
    except InvalidInput as exc:
        return str(exc)
    if form.store_id < 0:
        return "The store is a ShipStation store number, or the account's manual store."
    if not form.push_statuses:
        return "Tick at least one order status to send to ShipStation."
    return None


def save_form(session: Session, form: ShippingForm) -> None:
    """Everything checked first, so a refusal changes nothing (the caller's transaction rolls back)."""
    permissions.require(session, permissions.Permission.INTEGRATIONS)
    problem = check_form(form)
    if problem:
        raise InvalidInput(problem)
    statuses = [reference.order_status(session, name) for name in form.push_statuses]
    closed = [s.name for s in statuses if not s.is_open]
    if closed:
        raise InvalidInput(f"Only open order statuses can be sent to ShipStation, not {', '.join(closed)}.")
    settings.set_(session, "shipstation.api_url", clean_api_url("API address", form.api_url))
    settings.set_(session, "shipstation.store_id", form.store_id)
    settings.set_(session, "shipstation.push_statuses", [s.name for s in statuses])
    settings.set_(session, "shipstation.backmarket_orders", check_mode(form.backmarket_orders))
    settings.set_(session, "shipstation.enabled", form.enabled)


def fetch_stores(db: Database) -> list[Store]:
    """The account's active stores, asked of ShipStation with the stored key (network: off the GUI thread)."""
    with build_client(db, max_retries=1, call_budget_seconds=20.0, timeout=10.0) as client:
        try:
            return client.list_stores()
        except ShipStationError as exc:
            raise DomainError(exc.user_message, reason=exc.kind) from None
