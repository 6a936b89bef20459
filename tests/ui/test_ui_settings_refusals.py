"""The Back Market settings panel refuses what `settings set` refuses, in the form's words, and says
when the token must be set again for this database and address."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from app.domain import settings
from app.models import InventoryStatus, Setting
from app.sync import config
from app.ui.backmarket.settings_panel import BackMarketSettingsPanel

pytestmark = pytest.mark.gui

TOKEN = "panel-token-Zq81"


@pytest.fixture
def panel(qtbot, ctx) -> Iterator[BackMarketSettingsPanel]:
    widget = BackMarketSettingsPanel(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.state_combos["1"].count() > 0, timeout=5000)
    yield widget
    ctx.runner.wait()


def stored(db, key):
    with db.reads() as s:
        return settings.get(s, key)


def tick(view, name: str, checked: bool = True) -> None:
    model = view.model()
    for row in range(model.rowCount()):
        if model.item(row).text() == name:
            model.item(row).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def test_plain_http_to_another_host_is_refused_in_the_forms_words(panel, db):
    panel.api_url.setText("http://192.168.1.20:8765")
    panel.save_button.click()
    text = panel.message.text()
    assert text.startswith("Custom address") and "clear" in text and "backmarket." not in text
    assert stored(db, "backmarket.api_url") == ""


def test_a_status_renamed_at_another_station_is_refused_at_save_and_nothing_changes(qtbot, panel, db):
    tick(panel.statuses_view, "Repair")
    panel.mapping_mode.setCurrentIndex(panel.mapping_mode.findData("variation"))
    with db.sessions.begin() as s:  # another station renames the list item after the panel loaded
        s.execute(update(InventoryStatus).where(InventoryStatus.name == "Repair").values(name="In repair"))
    panel.save_button.click()
    qtbot.waitUntil(panel.mapping_switch.isVisible, timeout=5000)  # the mode switch is asked first
    panel.mapping_switch.switch_button.click()
    qtbot.waitUntil(lambda: panel.message.text().startswith("Not saved"), timeout=5000)
    text = panel.message.text()
    assert "Repair" in text and "In repair" in text and "\n" not in text
    assert stored(db, "backmarket.statuses") == ["Available"]
    assert stored(db, "backmarket.mapping") == "sku"  # the whole save was refused


def test_an_old_lower_case_setting_still_shows_ticked_and_is_saved_canonically(qtbot, ctx, db):
    with db.sessions.begin() as s:
        s.get(Setting, "backmarket.statuses") or s.add(Setting(key="backmarket.statuses", value="[]"))
    with db.sessions.begin() as s:
        s.get(Setting, "backmarket.statuses").value = json.dumps(["available"])
    widget = BackMarketSettingsPanel(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.statuses_view.model() is not None, timeout=5000)
    assert widget.values()["backmarket.statuses"] == ["Available"]
    with qtbot.waitSignal(widget.saved, timeout=5000):
        widget.save_button.click()
    assert stored(db, "backmarket.statuses") == ["Available"]
    ctx.runner.wait()


def test_a_changed_address_asks_for_the_token_again(qtbot, panel, db):
    panel.api_url.setText("http://127.0.0.1:8765")
    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.save_button.click()
    panel.token_edit.setText(TOKEN)
    panel.store_button.click()
    qtbot.waitUntil(lambda: panel.token_state.text() == "token stored ✓", timeout=5000)
    panel.api_url.setText("http://localhost:8765")
    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.save_button.click()
    # The keyring is read off the GUI thread: the answer arrives a moment after the save.
    qtbot.waitUntil(lambda: "set again for this database and address" in panel.token_state.text(), timeout=5000)
    assert panel.token_edit.isVisible() and panel.store_button.isVisible()
    assert config.token_state(db) == "set_again"
    panel.api_url.setText("http://127.0.0.1:8765")
    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.save_button.click()
    qtbot.waitUntil(lambda: panel.token_state.text() == "token stored ✓", timeout=5000)
