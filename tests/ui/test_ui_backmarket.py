"""The Back Market tab: token in the keyring, settings, listings, the mapping dialog in both modes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.domain import settings
from app.domain.changes import Changes
from app.models import Listing, Setting
from app.sync import secrets
from app.ui.backmarket.listings_model import ListingsFilter, ListingsModel
from app.ui.backmarket.queries import listing_rows
from app.ui.backmarket.tab import BackMarketTab
from app.ui.sync.controller import SyncController

from packing_helpers import add_listings, seed_stock

pytestmark = pytest.mark.gui

TOKEN = "c2VjcmV0LXRva2VuLWZvci10ZXN0cw=="


class BrokenKeyring(KeyringBackend):
    """A computer without a usable keyring backend."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.NoKeyringError("No recommended backend was available.")


@pytest.fixture
def stock(db):
    return seed_stock(db)


@pytest.fixture
def listings(db, stock):
    return add_listings(db)


@pytest.fixture
def sync(ctx) -> Iterator[SyncController]:
    controller = SyncController(ctx)
    yield controller
    controller.shutdown()


@pytest.fixture
def tab(qtbot, ctx, sync, listings) -> Iterator[BackMarketTab]:
    widget = BackMarketTab(ctx, sync)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.listings_model.rowCount() > 0, timeout=5000)
    yield widget
    widget.shutdown()
    ctx.runner.wait()


def test_listings_model_passes_the_model_tester(qtmodeltester, db, listings) -> None:
    with db.reads() as s:
        rows = listing_rows(s)
    model = ListingsModel()
    model.set_rows(rows)
    qtmodeltester.check(model)
    proxy = ListingsFilter()
    proxy.setSourceModel(model)
    proxy.set_text("iphone 13")
    assert proxy.rowCount() == 3
    qtmodeltester.check(proxy)


def test_listings_show_calculated_quantities_and_why_not(tab) -> None:
    model = tab.listings_model
    row = model.row_of_sku("IP13-128-MID-A")
    assert model.index(row, 5).data() == "6"  # six units received, no order
    unmatched = model.row_of_sku("OP11-256-GRN-A")
    assert model.index(unmatched, 5).data() == "— no variation carries this SKU"
    assert "Never written" in model.index(unmatched, 5).data(Qt.ItemDataRole.ToolTipRole)
    tab.filter_box.setText("galaxy")
    assert tab.listings_proxy.rowCount() == 2
    assert tab.handle_scan("PX7-128-OBS-A") and tab.listings_proxy.rowCount() == 1
    assert not tab.handle_scan("356938035643809")


def test_token_is_stored_in_the_keyring_and_never_shown_again(qtbot, tab, db, memory_keyring) -> None:
    panel = tab.settings_panel
    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(panel.token_edit.isVisible, timeout=5000)  # the keyring is read off the GUI thread
    assert not panel.replace_button.isVisible()
    panel.token_edit.setText(TOKEN)
    published: list = []
    tab._ctx.events.changes_applied.connect(published.append)
    panel.store_button.click()
    qtbot.waitUntil(lambda: panel.token_state.text() == "token stored ✓", timeout=5000)
    assert list(memory_keyring.secrets.values()) == [TOKEN]  # one entry, for this database and address
    assert panel.token_edit.text() == "" and not panel.token_edit.isVisible()
    assert panel.replace_button.isVisible()
    assert any(isinstance(c, Changes) and c.settings for c in published)
    with db.reads() as s:
        assert all(TOKEN not in row.value for row in s.scalars(select(Setting)))
    panel.replace_button.click()
    assert panel.token_edit.isVisible()


def test_without_a_keyring_the_token_is_refused_in_words_and_kept_nowhere(qtbot, tab, db, monkeypatch) -> None:
    panel = tab.settings_panel
    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(panel.token_edit.isVisible, timeout=5000)  # the password store answered at first
    keyring.set_keyring(BrokenKeyring())  # then goes away; the autouse memory_keyring fixture restores the real one
    panel.token_edit.setText(TOKEN)
    panel.store_button.click()
    qtbot.waitUntil(lambda: "keyring" in panel.message.text(), timeout=5000)
    assert "No secure password store" in panel.message.text() and secrets.ENV_VAR in panel.message.text()
    assert "pip" not in panel.message.text() and "recommended backend" not in panel.message.text()
    assert panel.token_edit.text() == ""  # not left on screen either
    qtbot.waitUntil(lambda: "No password store on this computer" in panel.token_state.text(), timeout=5000)
    assert not panel.store_button.isEnabled()
    with db.reads() as s:
        assert all(TOKEN not in row.value for row in s.scalars(select(Setting)))
    assert secrets.ENV_VAR not in os.environ


def test_settings_are_validated_then_saved(qtbot, tab, db) -> None:
    panel = tab.settings_panel
    qtbot.waitUntil(lambda: panel.state_combos["1"].count() > 0, timeout=5000)
    panel.api_url.setText("127.0.0.1:8765")
    panel.save_button.click()
    assert "https://" in panel.message.text()
    panel.api_url.setText("")
    panel.market.setCurrentText("en-us")  # a US market on the EU platform
    panel.save_button.click()
    assert "US platform" in panel.message.text()
    panel.market.setCurrentText("de-de")
    panel.mapping_mode.setCurrentIndex(panel.mapping_mode.findData("variation"))
    panel.state_combos["1"].setCurrentText("Ready to ship")
    panel.auto_accept.setChecked(True)
    panel.save_button.click()  # the mapping switch is asked first, in place
    qtbot.waitUntil(lambda: not panel.mapping_switch.isHidden(), timeout=5000)
    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.mapping_switch.switch_button.click()
    with db.reads() as s:
        assert settings.get(s, "backmarket.market") == "de-de"
        assert settings.get(s, "backmarket.mapping") == "variation"
        assert settings.get(s, "backmarket.order_states")["1"] == "Ready to ship"
        assert settings.get(s, "backmarket.auto_accept") is True


def _open_dialog(qtbot, tab, sku: str):
    with qtbot.waitSignal(tab.mapping_dialog_opened, timeout=5000) as opened:
        tab.open_mapping(tab.listings_model.row_at(tab.listings_model.row_of_sku(sku)).uuid)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: bool(dialog.preview.text()), timeout=5000)
    return dialog


def test_mapping_dialog_in_sku_mode_shows_who_carries_the_sku(qtbot, tab, db, listings) -> None:
    dialog = _open_dialog(qtbot, tab, "IP13-128-MID-B")
    assert "SKU recognised" in dialog.findChild(type(dialog.preview), "sku_state").text()
    assert "4 available" in dialog.preview.text() and "lists 4" in dialog.preview.text()
    dialog.reserve.setValue(1)
    dialog.max_listed.setValue(2)
    qtbot.waitUntil(lambda: "lists 2" in dialog.preview.text(), timeout=5000)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    with db.reads() as s:
        listing = s.scalar(select(Listing).where(Listing.sku == "IP13-128-MID-B"))
        assert (listing.reserve, listing.max_listed) == (1, 2)
    unknown = _open_dialog(qtbot, tab, "OP11-256-GRN-A")
    assert "not recognised" in unknown.findChild(type(unknown.preview), "sku_state").text()
    unknown.reject()


def test_mapping_dialog_in_variation_mode_maps_previews_and_clears(qtbot, tab, db, stock, ctx) -> None:
    with db.sessions.begin() as s:
        settings.set_(s, "backmarket.mapping", "variation")
    ctx.events.publish(Changes.of(settings=True))
    qtbot.waitUntil(lambda: tab.listings_model.index(0, 5).data().startswith("— not mapped"), timeout=5000)
    dialog = _open_dialog(qtbot, tab, "OP11-256-GRN-A")
    assert "Pick a product" in dialog.preview.text() and dialog.clear_button is not None
    assert not dialog.clear_button.isEnabled()
    dialog.product.setCurrentIndex(dialog.product.findText("Samsung Galaxy S22 SM-S901U Unlocked 128GB Phantom Black"))
    dialog.grade.setCurrentIndex(dialog.grade.findText("C"))
    qtbot.waitUntil(lambda: "No unit" in dialog.preview.text(), timeout=5000)  # C without CB: none received
    dialog.condition_boxes[next(c for c, b in dialog.condition_boxes.items() if b.text().startswith("CB"))].setChecked(True)
    qtbot.waitUntil(lambda: "2 available" in dialog.preview.text() and "lists 2" in dialog.preview.text(), timeout=5000)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    with db.reads() as s:
        listing = s.scalar(select(Listing).where(Listing.sku == "OP11-256-GRN-A"))
        assert listing.variation_id == stock.variation_by_sku["S22-128-BLK-C"]
    qtbot.waitUntil(lambda: tab.listings_model.index(tab.listings_model.row_of_sku("OP11-256-GRN-A"), 5).data() == "2",
                    timeout=5000)
    again = _open_dialog(qtbot, tab, "OP11-256-GRN-A")
    assert again.clear_button.isEnabled() and "lists 2" in again.preview.text()
    with qtbot.waitSignal(again.saved, timeout=5000):
        again.clear_button.click()
    with db.reads() as s:
        assert s.scalar(select(Listing.variation_id).where(Listing.sku == "OP11-256-GRN-A")) is None


def test_health_panel_sync_now_without_a_token_says_not_configured(qtbot, tab, sync) -> None:
    tab.health.sync_now.click()
    assert not sync.running
    qtbot.waitUntil(lambda: "not configured" in tab.health.state.text(), timeout=5000)
