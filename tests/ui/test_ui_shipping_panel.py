"""The Shipping panel (beside the Back Market settings): the ShipStation key into the keyring and never
shown, the stores asked of the sandbox off the GUI thread, settings checked then saved, the health of
the last run — and only a manager or admin sees it or may change anything."""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import SimpleNamespace

import keyring
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.domain import addresses, orders, settings
from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.station import set_operator
from app.domain import users
from app.integrations.shipstation import config, secrets
from app.integrations.shipstation.sandbox import SandboxServer
from app.integrations.shipstation.shipping_settings import ShippingForm, save_form
from app.integrations.shipstation.steps import run_shipstation_cycle
from app.models import Setting
from app.ui.shipping.panel import MANUAL_STORE, ShippingPanel
from app.ui.signin.gates import apply_role
from signin_helpers import MAX, PAT, add_operators
from test_ui_backmarket import BrokenKeyring, listings, stock, sync, tab  # noqa: F401

pytestmark = pytest.mark.gui

KEY = "panel-key:panel-secret"
PARIS = "name=Jeanne Martin,street1=12 rue de la Paix,city=Paris,postal_code=75002,country=FR"


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch):
    monkeypatch.delenv(secrets.ENV_VAR, raising=False)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    server.store.add_key(KEY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def panel(qtbot, ctx) -> ShippingPanel:
    widget = ShippingPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.statuses_view.model() is not None and widget.key_state.text() != "Checking the keyring…",
                    timeout=15000)
    return widget


def _point_at(qtbot, panel, url: str) -> None:
    panel.api_url.setText(url)
    with qtbot.waitSignal(panel.saved, timeout=15000):
        panel.save_button.click()
    qtbot.waitUntil(lambda: panel.key_state.text() != "Checking the keyring…", timeout=15000)


def test_the_key_goes_to_the_keyring_and_is_never_shown_again(qtbot, panel, db, memory_keyring) -> None:
    qtbot.waitUntil(panel.key_edit.isVisible, timeout=15000)  # the keyring is read off the GUI thread
    assert "No key" in panel.key_state.text() and not panel.replace_key_button.isVisible()
    panel.key_edit.setText(KEY)
    with qtbot.waitSignal(panel.key_changed, timeout=15000):
        panel.store_key_button.click()
    qtbot.waitUntil(lambda: panel.key_state.text().startswith("key stored ✓"), timeout=15000)
    assert list(memory_keyring.secrets.values()) == [KEY]
    assert panel.key_edit.text() == "" and not panel.key_edit.isVisible() and panel.replace_key_button.isVisible()
    assert config.read_key(db) == KEY
    with db.reads() as s:
        assert all("panel-secret" not in row.value for row in s.scalars(select(Setting)))
    panel.replace_key_button.click()
    assert panel.key_edit.isVisible()


def test_a_malformed_key_and_a_missing_keyring_are_refused_in_words(qtbot, panel, db) -> None:
    panel.key_edit.setText("no-colon-here")
    panel.store_key_button.click()
    qtbot.waitUntil(lambda: "KEY:SECRET" in panel.message.text(), timeout=15000)
    assert "no-colon-here" not in panel.message.text() and panel.key_edit.text() == ""
    keyring.set_keyring(BrokenKeyring())  # the autouse memory_keyring fixture restores the real one
    panel.key_edit.setText(KEY)
    panel.store_key_button.click()
    qtbot.waitUntil(lambda: "keyring" in panel.message.text(), timeout=15000)
    assert "No secure password store" in panel.message.text() and secrets.ENV_VAR in panel.message.text()
    assert "panel-secret" not in panel.message.text() and panel.key_edit.text() == ""
    qtbot.waitUntil(lambda: "No keyring" in panel.key_state.text(), timeout=15000)
    assert secrets.ENV_VAR not in os.environ


def test_the_environment_key_is_named_not_shown(qtbot, ctx, monkeypatch) -> None:
    monkeypatch.setenv(secrets.ENV_VAR, KEY)
    widget = ShippingPanel(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.key_state.text() == f"key from {secrets.ENV_VAR} ✓", timeout=15000)
    assert not widget.key_edit.isVisible() or widget.key_edit.isHidden()


def test_stores_from_shipstation_then_settings_checked_and_saved(qtbot, panel, db, sandbox) -> None:
    sandbox.store.add_store("Back Market FR", "Back Market")
    shop = sandbox.store.add_store("Direct sales", "Manual Store")
    _point_at(qtbot, panel, sandbox.url)
    with db.reads() as s:
        assert settings.get(s, "shipstation.api_url") == sandbox.url
    panel.key_edit.setText(KEY)
    with qtbot.waitSignal(panel.key_changed, timeout=15000):
        panel.store_key_button.click()

    with qtbot.waitSignal(panel.stores_loaded, timeout=15000):
        panel.load_stores_button.click()
    names = [panel.store.itemText(i) for i in range(panel.store.count())]
    assert names[0] == MANUAL_STORE and any("Direct sales" in n for n in names), names
    panel.store.setCurrentIndex(panel.store.findData(shop["storeId"]))
    panel.enabled.setChecked(True)
    panel.skip_mode.setChecked(True)
    model = panel.statuses_view.model()
    for i in range(model.rowCount()):
        model.item(i).setCheckState(Qt.CheckState.Checked if model.item(i).text() == "New" else Qt.CheckState.Unchecked)

    panel.api_url.setText("http://shipstation.example.com")  # the key would travel in clear: refused
    panel.save_button.click()
    assert "https://" in panel.message.text()
    with db.reads() as s:
        assert settings.get(s, "shipstation.enabled") is False  # nothing changed
    panel.api_url.setText(sandbox.url)
    for i in range(model.rowCount()):
        model.item(i).setCheckState(Qt.CheckState.Unchecked)
    panel.save_button.click()
    assert "at least one order status" in panel.message.text()
    model.item(0).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(panel.saved, timeout=15000):
        panel.save_button.click()
    with db.reads() as s:
        values = settings.get_many(s, ["shipstation.enabled", "shipstation.store_id", "shipstation.push_statuses",
                                       "shipstation.backmarket_orders"])
    assert values == {"shipstation.enabled": True, "shipstation.store_id": shop["storeId"],
                      "shipstation.push_statuses": [model.item(0).text()], "shipstation.backmarket_orders": "skip"}


def test_stores_without_a_key_say_so(qtbot, panel, sandbox) -> None:
    _point_at(qtbot, panel, sandbox.url)
    with qtbot.waitSignal(panel.stores_loaded, timeout=15000):
        panel.load_stores_button.click()
    assert "No ShipStation API key" in panel.message.text() and panel.load_stores_button.isEnabled()


def test_a_rejected_key_is_said_when_loading_stores(qtbot, panel, db, sandbox) -> None:
    _point_at(qtbot, panel, sandbox.url)
    config.store_key(db, "wrong-key:wrong-secret")
    with qtbot.waitSignal(panel.stores_loaded, timeout=15000):
        panel.load_stores_button.click()
    assert "did not accept the API key" in panel.message.text() and "wrong-secret" not in panel.message.text()


def test_health_shows_the_last_run_what_waits_and_what_is_not_sent(qtbot, panel, db, sandbox, monkeypatch) -> None:
    from tests.sync.sync_helpers import receive

    receive(db, "PX7-128", 2)
    with db.sessions.begin() as s:
        settings.set_(s, "shipstation.api_url", sandbox.url)
        sent, _ = orders.create_direct_order(s, "Jeanne Martin", [orders.parse_line("sku=PX7-128,qty=1")])
        addresses.set_address(s, sent.id, addresses.parse_ship_to(PARIS))
        orders.create_direct_order(s, "Walk-in", [orders.parse_line("sku=PX7-128,qty=1")])
    monkeypatch.setenv(secrets.ENV_VAR, KEY)
    with config.build_client(db) as client:
        result = run_shipstation_cycle(db, client=client)
    assert result.error is None, result.error
    panel.reload_health()
    qtbot.waitUntil(lambda: panel.health.last_run.text().startswith("Last run"), timeout=15000)
    assert "1 orders sent" in panel.health.last_run.text()
    assert panel.health.waiting.text() == "1 order in ShipStation waiting for a label"
    assert panel.health.problems.count() == 1 and "no shipping address" in panel.health.problems.item(0).text()
    assert panel.health.error.isHidden()


def test_only_a_manager_sees_the_panel_and_the_services_refuse_a_packer(qtbot, tab, db) -> None:
    add_operators(db)
    window = SimpleNamespace(backmarket=tab)
    pages, shipping = tab.pages, tab.shipping_panel
    pages.setCurrentWidget(shipping)
    with db.reads() as s:
        people = {u.name: u for u in users.list_users(s)}
    set_operator(people[PAT.name])
    try:
        apply_role(window, lambda perm: users_allowed(people[PAT.name], perm))
        assert not pages.isTabVisible(pages.indexOf(shipping)) and pages.currentWidget() is not shipping
        with pytest.raises(PermissionRefused), db.sessions.begin() as s:
            save_form(s, ShippingForm(True, "", 0, ("New",), "push"))
        with pytest.raises(DomainError, match="manager"):
            config.store_key(db, KEY)
        assert config.read_key(db) is None
        set_operator(people[MAX.name])
        apply_role(window, lambda perm: users_allowed(people[MAX.name], perm))
        assert pages.isTabVisible(pages.indexOf(shipping))
    finally:
        set_operator(None)


def users_allowed(operator, perm) -> bool:
    from app.domain.permissions import role_allows

    return role_allows(operator.role, perm)
