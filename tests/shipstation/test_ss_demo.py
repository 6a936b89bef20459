"""`refurbdesk demo` starts the ShipStation sandbox beside Back Market's and configures it: the demo's
orders go to ShipStation, a label "bought" there reaches the packer, and scanning the unit ships it
with that tracking. Offline, and on any other host, a demo database never talks to ShipStation."""

from __future__ import annotations

import pytest

from app.db import open_database
from app.domain import fulfilment, orders, settings
from app.domain.errors import DomainError
from app.integrations.shipstation import secrets
from app.integrations.shipstation.config import build_client
from app.integrations.shipstation.status import order_shipping
from app.sync import secrets as bm_secrets
from app.sync.engine import SyncEngine


@pytest.fixture
def demo_env(monkeypatch):
    # prepare_demo sets both; monkeypatch puts the environment back afterwards.
    monkeypatch.setenv(secrets.ENV_VAR, "")
    monkeypatch.setenv(bm_secrets.ENV_VAR, "")


def test_the_demo_shows_shipping_through_shipstation(tmp_path, demo_env):
    from app.cli.gui_cmds import prepare_demo
    from app.demo.seed import DEMO_LABEL

    url, servers = prepare_demo(tmp_path, sandbox=True)
    db = open_database(url)
    try:
        with db.reads() as s:
            assert settings.get(s, "shipstation.enabled") is True
            assert settings.get(s, "shipstation.api_url") == servers.shipstation.url
        remote = {o["orderNumber"]: o for o in servers.shipstation.store.list_orders()}
        assert len(remote) == 2  # the demo's two open direct orders, with their addresses
        jane = next(n for n, o in remote.items() if o["shipTo"]["name"] == "Jane Doe")
        assert remote[jane]["orderStatus"] == "shipped"  # the demo bought its label

        engine = SyncEngine(db, station="demo (pid 1)")
        try:
            report = engine.run_once()  # Back Market, then ShipStation: the label comes back
            assert report.error is None, report.error
            with db.reads() as s:
                order = orders.get_order(s, jane)
                shipping = order_shipping(s, order.id)
            assert (shipping.state, shipping.tracking, shipping.carrier) == ("not_packed", DEMO_LABEL, "USPS")

            code = _free_unit(7)  # Jane Doe's order is for the demo's eighth variation
            with db.sessions.begin() as s:
                fulfilment.commit_unit(s, jane, code)
            assert engine.run_once().error is None
            with db.reads() as s:
                order = orders.get_order(s, jane)
                assert (order.status.name, order.tracking_number, order.carrier) == ("Shipped", DEMO_LABEL, "USPS")
        finally:
            engine.close()
    finally:
        db.dispose()
        servers.stop()


def _free_unit(variation_index: int) -> str:
    """The first demo unit of that variation (the seed numbers them variation by variation)."""
    from app.demo.catalog import DEMO_VARIATIONS
    from app.demo.seed import demo_imei

    return demo_imei(sum(v.units for v in DEMO_VARIATIONS[:variation_index]) + 1)


def test_the_offline_demo_never_talks_to_shipstation(tmp_path, demo_env, monkeypatch):
    from app.cli.gui_cmds import prepare_demo

    monkeypatch.setenv(secrets.ENV_VAR, "live-key:live-secret")
    url, servers = prepare_demo(tmp_path, sandbox=False)
    assert servers is None
    assert not __import__("os").environ.get(secrets.ENV_VAR)
    db = open_database(url)
    try:
        with db.reads() as s:
            assert settings.get(s, "shipstation.enabled") is False
        for address in ("", "https://ssapi.shipstation.com"):
            with db.sessions.begin() as s:
                settings.set_(s, "shipstation.api_url", address)
            with pytest.raises(DomainError, match="demo"):
                build_client(db, key="live-key:live-secret")
    finally:
        db.dispose()
