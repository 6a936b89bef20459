"""Changing "Listings map by" asks first (in place, never a modal box), says how many listings are
matched now and which stop being pushed, and switching back restores the hand mappings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.domain import settings
from app.models import Listing
from app.sync import mapping
from app.ui.backmarket.tab import BackMarketTab
from app.ui.sync.controller import SyncController

from packing_helpers import add_listings, seed_stock

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx, db) -> Iterator[BackMarketTab]:
    seed_stock(db)
    add_listings(db)
    sync = SyncController(ctx)
    widget = BackMarketTab(ctx, sync)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    widget.pages.setCurrentWidget(widget.settings_panel)
    qtbot.waitUntil(lambda: widget.settings_panel.state_combos["1"].count() > 0, timeout=5000)
    yield widget
    widget.shutdown()
    sync.shutdown()
    ctx.runner.wait()


def _choose(qtbot, panel, mode: str) -> str:
    panel.mapping_mode.setCurrentIndex(panel.mapping_mode.findData(mode))
    panel.mapping_mode.activated.emit(panel.mapping_mode.currentIndex())  # as a click on the list does
    qtbot.waitUntil(panel.mapping_switch.isVisible, timeout=5000)
    return panel.mapping_switch.text.text()


def _mode(db) -> str:
    with db.reads() as s:
        return settings.get(s, "backmarket.mapping")


def test_switching_asks_first_and_switching_back_restores_the_mappings(qtbot, tab, db) -> None:
    panel = tab.settings_panel
    with db.reads() as s:
        total = s.scalar(select(Listing.id).order_by(Listing.id.desc()).limit(1))
    text = _choose(qtbot, panel, "variation")
    assert text.startswith("Switch listings to map by variation? Now ")
    assert f"of {total} listings match a variation carrying their SKU" in text
    assert "would stop having their quantity pushed until each is mapped by hand" in text
    panel.mapping_switch.keep_button.click()  # nothing saved, the choice put back
    assert panel.mapping_mode.currentData() == "sku" and not panel.mapping_switch.isVisible()
    assert _mode(db) == "sku"

    _choose(qtbot, panel, "variation")
    panel.grab().save("/tmp/settings-mapping-switch-1024.png")
    with qtbot.waitSignals([panel.saved, panel.loaded], timeout=5000):  # saved, then shown as saved
        panel.mapping_switch.switch_button.click()
    assert _mode(db) == "variation"
    with db.sessions.begin() as s:
        listing = s.scalar(select(Listing).where(Listing.sku == "IP13-128-MID-A"))
        from app.models import Variation

        vid = s.scalar(select(Variation.id).where(Variation.sku_norm == "ip13-128-mid-a"))
        mapping.map_listing(s, listing.uuid, vid)

    text = _choose(qtbot, panel, "sku")
    assert "Now 1 of" in text and "The 1 hand mapping is kept and come back if you switch back to variation" in text
    with qtbot.waitSignals([panel.saved, panel.loaded], timeout=5000):  # saved, then shown as saved
        panel.mapping_switch.switch_button.click()
    assert panel.mapping_mode.currentData() == "sku"
    _choose(qtbot, panel, "variation")
    with qtbot.waitSignals([panel.saved, panel.loaded], timeout=5000):  # saved, then shown as saved
        panel.mapping_switch.switch_button.click()
    with db.reads() as s:
        rows = {r["sku"]: r for r in mapping.listings_rows(s)}
    assert rows["IP13-128-MID-A"]["mapped_to"]["variation_id"] == vid  # restored


def test_save_with_an_unconfirmed_switch_saves_nothing_until_yes(qtbot, tab, db) -> None:
    panel = tab.settings_panel
    panel.mapping_mode.setCurrentIndex(panel.mapping_mode.findData("variation"))
    panel.auto_accept.setChecked(True)
    panel.save_button.click()
    qtbot.waitUntil(panel.mapping_switch.isVisible, timeout=5000)
    with db.reads() as s:
        assert settings.get(s, "backmarket.auto_accept") is False
    with qtbot.waitSignals([panel.saved, panel.loaded], timeout=5000):  # saved, then shown as saved
        panel.mapping_switch.switch_button.click()
    assert _mode(db) == "variation" and not panel.mapping_switch.isVisible()
    with db.reads() as s:
        assert settings.get(s, "backmarket.auto_accept") is True
    panel.save_button.click()  # no switch now: saved at once
    qtbot.waitUntil(lambda: panel.message.text() == "Settings saved ✓", timeout=5000)
