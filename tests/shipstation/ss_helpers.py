"""Helpers shared by the ShipStation tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import threading

import httpx

from app.integrations.shipstation.client import ShipStationV1Client
from app.integrations.shipstation.pacing import HeaderPacer
from app.integrations.shipstation.sandbox import SandboxServer

KEY = "test-api-key:test-api-secret"


class FakeClock:
    """Monotonic seconds that only move when a client 'waits'; every wait is remembered."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def wait(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)
            self.now += max(0.0, seconds)


def make_client(sandbox: SandboxServer, clock: FakeClock, **options) -> ShipStationV1Client:
    """A client as a fresh process would have it: its own pacer, knowing nothing yet."""
    options.setdefault("pacer", HeaderPacer())
    options.setdefault("timeout", 5.0)
    return ShipStationV1Client(sandbox.url, options.pop("key", KEY), clock=clock, wait=clock.wait, **options)


def admin(sandbox: SandboxServer, method: str, path: str, body: dict | None = None):
    response = httpx.request(method, f"{sandbox.url}/_admin{path}", json=body, timeout=5.0)
    assert response.status_code == 200, response.text
    return response.json()


def outgoing(number: str, *, codes: tuple[str, ...] = (), status: str = "awaiting_shipment", **overrides):
    """A one-line order as the push step builds it."""
    from datetime import datetime, timezone
    from decimal import Decimal

    from app.domain.addresses import Address
    from app.integrations.shipstation.records import OutgoingItem, OutgoingOrder

    fields = dict(
        order_key=f"refurbdesk-test-{number}", order_number=number,
        order_date=datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc), status=status,
        ship_to=Address(name="Jeanne Martin", street1="12 rue de la Paix", city="Paris",
                        postal_code="75002", country="FR"),
        items=(OutgoingItem(line_key="1", sku="IP13-128-A", name="iPhone 13 128GB A", quantity=1,
                            unit_price=Decimal("399.00"), codes=codes),),
    )
    fields.update(overrides)
    return OutgoingOrder(**fields)


def enable(db, sandbox: SandboxServer, *, in_sync_cycle: bool = False, **values) -> None:
    """ShipStation pointed at the sandbox (plus any other shipstation.* values). The tests drive the
    steps with their own client, which runs them whatever the switch says; `in_sync_cycle` also
    switches them on inside the Back Market sync cycle (which then needs a key of its own)."""
    from app.domain import settings

    with db.sessions.begin() as s:
        settings.set_(s, "shipstation.enabled", in_sync_cycle)
        settings.set_(s, "shipstation.api_url", sandbox.url)
        for key, value in values.items():
            settings.set_(s, f"shipstation.{key}", value)


def steps(db, client):
    from app.integrations.shipstation.steps import run_shipstation_steps

    result = run_shipstation_steps(db, client, lambda _text: None)
    assert result.error is None, result.error
    return result


def remote_order(sandbox: SandboxServer, number: str) -> dict:
    return next(o for o in admin(sandbox, "GET", "/orders") if o["orderNumber"] == number)


PARIS = "name=Jeanne Martin,street1=12 rue de la Paix,city=Paris,postal_code=75002,country=fr,phone=+33100000000"
