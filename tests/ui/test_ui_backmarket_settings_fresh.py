"""The Back Market settings panel stays true while a manager works in it: lists edited elsewhere show
at once (keeping the unsaved ticks), "Settings saved ✓" never sits over unsaved changes, and leaving
with unsaved changes asks, in place, Save / Discard / Stay."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.domain import list_edits, reference, settings
from app.ui.backmarket.tab import BackMarketTab
from app.ui.sync.controller import SyncController

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx, db) -> Iterator[BackMarketTab]:
    sync = SyncController(ctx)
    widget = BackMarketTab(ctx, sync)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.pages.setCurrentWidget(widget.settings_panel)
    qtbot.waitUntil(lambda: widget.settings_panel.state_combos["1"].count() > 0, timeout=5000)
    yield widget
    widget.shutdown()
    sync.shutdown()
    ctx.runner.wait()


def _rows(view) -> dict[str, bool]:
    model = view.model()
    return {model.item(i).text(): model.item(i).checkState() == Qt.CheckState.Checked for i in range(model.rowCount())}


def _tick(view, name: str, on: bool = True) -> None:
    model = view.model()
    for i in range(model.rowCount()):
        if model.item(i).text() == name:
            model.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            return
    raise AssertionError(f"{name} not in {_rows(view)}")


def _elsewhere(ctx, db, *edits) -> None:
    """Another screen (or station) edits the lists, then its change arrives."""
    changes = None
    with db.sessions.begin() as s:
        for edit in edits:
            done = edit(s)
            changes = done if changes is None else changes | done
    ctx.events.publish(changes)


def test_lists_edited_elsewhere_show_at_once_keeping_the_unsaved_ticks(qtbot, tab, ctx, db) -> None:
    panel = tab.settings_panel
    _elsewhere(ctx, db, lambda s: reference.define_warehouse(s, "Shelf A"),
               lambda s: reference.define_warehouse(s, "Spare"))
    qtbot.waitUntil(lambda: "Spare" in _rows(panel.warehouses_view), timeout=5000)
    _tick(panel.warehouses_view, "Shelf A")  # unsaved
    _tick(panel.warehouses_view, "Spare")
    panel.auto_accept.setChecked(not panel.auto_accept.isChecked())
    panel.state_combos["1"].setCurrentText("Ready to ship")
    assert panel.message.text() == "Unsaved changes"
    saved_counted = _rows(panel.statuses_view)

    _elsewhere(ctx, db, lambda s: list_edits.rename(s, "warehouse", "Shelf A", "Shelf B"),
               lambda s: list_edits.delete(s, "warehouse", "Spare"),
               lambda s: reference.define_status(s, "Repairable"),
               lambda s: reference.define_order_status(s, "On hold"),
               lambda s: list_edits.rename(s, "order-status", "Ready to ship", "Ready to go"))
    qtbot.waitUntil(lambda: "Repairable" in _rows(panel.statuses_view), timeout=5000)
    warehouses = _rows(panel.warehouses_view)
    assert warehouses["Shelf B"] is True and "Shelf A" not in warehouses and "Spare" not in warehouses
    assert _rows(panel.statuses_view) == {**saved_counted, "Repairable": False}
    combo = panel.state_combos["1"]
    assert combo.currentText() == "Ready to go"  # the unsaved choice, under its new name
    assert combo.findText("On hold") >= 0
    assert panel.message.text() == "Unsaved changes"
    panel.grab().save("/tmp/bmpanel-fresh-lists-1280.png")

    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.save_button.click()
    with db.reads() as s:
        assert settings.get(s, "backmarket.warehouses") == ["Shelf B"]
        assert settings.get(s, "backmarket.order_states")["1"] == "Ready to go"


def test_a_counted_status_renamed_elsewhere_stays_ticked_and_the_form_stays_saved(qtbot, tab, ctx, db) -> None:
    panel = tab.settings_panel
    assert _rows(panel.statuses_view)["Available"] is True
    _elsewhere(ctx, db, lambda s: list_edits.rename(s, "status", "Available", "In stock"))
    qtbot.waitUntil(lambda: "In stock" in _rows(panel.statuses_view), timeout=5000)
    assert _rows(panel.statuses_view)["In stock"] is True and "Available" not in _rows(panel.statuses_view)
    assert panel.message.text() == ""  # the setting followed the rename: nothing unsaved


def test_saved_tick_gives_way_to_unsaved_changes_and_comes_back_to_nothing(qtbot, tab) -> None:
    panel = tab.settings_panel
    panel.since_days.setValue(panel.since_days.value() + 5)
    assert panel.message.text() == "Unsaved changes"
    with qtbot.waitSignal(panel.saved, timeout=5000):
        panel.save_button.click()
    assert panel.message.text() == "Settings saved ✓"
    panel.auto_accept.setChecked(not panel.auto_accept.isChecked())
    assert panel.message.text() == "Unsaved changes"
    panel.auto_accept.setChecked(not panel.auto_accept.isChecked())  # undone by hand
    assert panel.message.text() == ""
    _tick(panel.warehouses_view, "Main")
    assert panel.message.text() == "Unsaved changes"
    _tick(panel.warehouses_view, "Main", False)
    assert panel.message.text() == ""


def test_leaving_the_settings_page_with_unsaved_changes_asks_save_discard_or_stay(qtbot, tab, db) -> None:
    panel, strip = tab.settings_panel, tab.settings_panel.unsaved_strip
    before = panel.since_days.value()
    panel.since_days.setValue(before + 7)
    tab.pages.setCurrentIndex(0)  # to the listings
    assert tab.pages.currentWidget() is panel and strip.isVisible()
    assert "unsaved" in strip.text.text().lower()
    panel.grab().save("/tmp/bmpanel-leave-strip-1280.png")
    strip.stay_button.click()
    assert tab.pages.currentWidget() is panel and not strip.isVisible()
    assert panel.since_days.value() == before + 7

    tab.pages.setCurrentIndex(2)  # to Shipping
    assert strip.isVisible()
    with qtbot.waitSignal(panel.saved, timeout=5000):
        strip.save_button.click()
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 2, timeout=5000)
    with db.reads() as s:
        assert settings.get(s, "backmarket.since_days") == before + 7

    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.message.text() != "Unsaved changes", timeout=5000)
    panel.since_days.setValue(before)
    tab.pages.setCurrentIndex(0)
    assert strip.isVisible()
    strip.discard_button.click()
    assert tab.pages.currentIndex() == 0 and not strip.isVisible()
    assert panel.since_days.value() == before + 7  # back to what is saved
    with db.reads() as s:
        assert settings.get(s, "backmarket.since_days") == before + 7


def test_nothing_unsaved_leaves_without_asking(qtbot, tab) -> None:
    tab.pages.setCurrentIndex(0)
    assert tab.pages.currentIndex() == 0 and not tab.settings_panel.unsaved_strip.isVisible()


@pytest.fixture
def window(qtbot, qapp, ctx, tmp_path):
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    win = MainWindow(ctx, geometry=QSettings(str(tmp_path / "geometry.ini"), QSettings.Format.IniFormat),
                     station_path=tmp_path / "station.json")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_now()


def test_leaving_the_back_market_tab_or_closing_with_unsaved_settings_asks_first(qtbot, window, db) -> None:
    tab = window.backmarket
    panel, strip = tab.settings_panel, tab.settings_panel.unsaved_strip
    window.tabs.setCurrentWidget(tab)
    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.state_combos["1"].count() > 0, timeout=5000)
    panel.interval.setValue(panel.interval.value() + 30)

    window.tabs.setCurrentWidget(window.catalog)
    assert window.tabs.currentWidget() is tab and strip.isVisible()
    assert "going to Catalog" in strip.text.text()
    strip.stay_button.click()
    assert window.tabs.currentWidget() is tab and not strip.isVisible()

    window.close()  # Quit, or the window's close button
    assert window.isVisible() and strip.isVisible() and "closing RefurbDesk" in strip.text.text()
    assert tab.pages.currentWidget() is panel
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=5000)
    window.grab().save("/tmp/bmpanel-close-strip-1024.png")
    strip.discard_button.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    with db.reads() as s:
        assert settings.get(s, "backmarket.interval_seconds") == panel.interval.value()  # discarded: the saved value


def test_the_shipping_panel_keeps_unsaved_ticks_says_unsaved_and_asks_before_leaving(qtbot, tab, ctx, db) -> None:
    panel = tab.shipping_panel
    tab.pages.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.statuses_view.model() is not None and panel.statuses_view.model().rowCount() > 0,
                    timeout=5000)
    _elsewhere(ctx, db, lambda s: reference.define_order_status(s, "Waiting parts", is_open=True))
    qtbot.waitUntil(lambda: "Waiting parts" in _rows(panel.statuses_view), timeout=5000)
    _tick(panel.statuses_view, "Waiting parts")
    assert panel.message.text() == "Unsaved changes"
    _elsewhere(ctx, db, lambda s: list_edits.rename(s, "order-status", "Waiting parts", "Waiting for parts"),
               lambda s: reference.define_order_status(s, "Backorder", is_open=True))
    qtbot.waitUntil(lambda: "Backorder" in _rows(panel.statuses_view), timeout=5000)
    assert _rows(panel.statuses_view)["Waiting for parts"] is True and "Waiting parts" not in _rows(panel.statuses_view)
    assert panel.message.text() == "Unsaved changes"

    strip = panel.unsaved_strip
    tab.pages.setCurrentIndex(0)
    assert tab.pages.currentWidget() is panel and strip.isVisible() and "shipping settings" in strip.text.text()
    tab.resize(1024, 700)
    panel.grab().save("/tmp/bmpanel-shipping-strip-1024.png")
    with qtbot.waitSignal(panel.saved, timeout=5000):
        strip.save_button.click()
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 0, timeout=5000)
    with db.reads() as s:
        assert "Waiting for parts" in settings.get(s, "shipstation.push_statuses")
    tab.pages.setCurrentWidget(panel)
    assert panel.message.text() == "Shipping settings saved ✓"
    panel.enabled.setChecked(not panel.enabled.isChecked())
    assert panel.message.text() == "Unsaved changes"
    panel.enabled.setChecked(not panel.enabled.isChecked())
    assert panel.message.text() == ""


def test_both_forms_unsaved_asks_only_for_the_one_being_left(qtbot, tab) -> None:
    settings_panel, shipping = tab.settings_panel, tab.shipping_panel
    qtbot.waitUntil(lambda: shipping.statuses_view.model() is not None, timeout=5000)
    shipping.enabled.setChecked(not shipping.enabled.isChecked())  # both forms edited
    settings_panel.since_days.setValue(settings_panel.since_days.value() + 1)
    tab.pages.setCurrentWidget(shipping)  # leaving Settings: only Settings asks, and it stays shown
    assert tab.pages.currentWidget() is settings_panel and settings_panel.unsaved_strip.isVisible()
    assert not shipping.unsaved_strip.isVisible()
    settings_panel.unsaved_strip.discard_button.click()
    assert tab.pages.currentWidget() is shipping and not settings_panel.has_unsaved_changes()
    tab.pages.setCurrentIndex(0)
    assert tab.pages.currentWidget() is shipping and shipping.unsaved_strip.isVisible()
    shipping.unsaved_strip.discard_button.click()
    assert tab.pages.currentIndex() == 0 and not shipping.has_unsaved_changes()
