"""A new database opens with a getting-started list (each step ticked from the database, each with a
button to where it is done; gone when done, or hidden); the Help menu: guide, real keys, files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from app.domain import first_run, reference, users
from app.domain.changes import Changes
from app.domain.station import set_operator
from app.ui.main_window import MainWindow
from test_ui_main_window import _factories
from ui_helpers import imei, receive

pytestmark = pytest.mark.gui


@pytest.fixture
def settings_file(tmp_path):
    return tmp_path / "station.ini"


def _window(qtbot, ctx, tmp_path, settings_file) -> MainWindow:
    win = MainWindow(ctx, factories=_factories(), start_sync=False,
                     geometry=QSettings(str(settings_file), QSettings.Format.IniFormat),
                     station_path=tmp_path / "station.json")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _ticked(panel) -> dict[str, bool]:
    return {step.key: step.done for step in panel.steps}


def _window_with_stock_ticked(qtbot, ctx, tmp_path, settings_file) -> MainWindow:
    """The list on screen, then one unit received: the stock step ticks itself."""
    win = _window(qtbot, ctx, tmp_path, settings_file)
    qtbot.waitUntil(lambda: win.first_run.isVisible())
    receive(ctx.db, [imei(1)])
    ctx.events.publish(Changes.of(units=[1]))
    qtbot.waitUntil(lambda: _ticked(win.first_run)["stock"])
    return win


def test_an_empty_database_shows_four_open_steps_each_with_its_button(qtbot, ctx, tmp_path, settings_file):
    win = _window(qtbot, ctx, tmp_path, settings_file)
    panel = win.first_run
    qtbot.waitUntil(lambda: panel.isVisible())
    assert _ticked(panel) == {"lists": False, "stock": False, "backmarket": False, "users": False}
    assert all(mark.text() == "○" for mark in panel.marks.values())
    # each button goes to the place where the step is done
    qtbot.mouseClick(panel.buttons["stock"], Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.inventory and win.inventory.pages.currentWidget() is win.inventory.receive
    qtbot.mouseClick(panel.buttons["backmarket"], Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is win.backmarket
    if hasattr(win.backmarket, "settings_panel"):
        assert win.backmarket.pages.currentWidget() is win.backmarket.settings_panel
    win.first_run.buttons["users"].click()
    dialog = next(w for w in win.findChildren(type(win.open_settings())) if w.isVisible() and w.users_page)
    assert dialog.tabs.currentWidget() is dialog.users_page
    dialog.close()


def test_a_scan_does_not_read_the_list_again_once_stock_is_ticked(qtbot, qapp, ctx, tmp_path, settings_file,
                                                                  monkeypatch):
    """Every scan publishes its order and unit: none of that can tick a step once stock is in."""
    win = _window_with_stock_ticked(qtbot, ctx, tmp_path, settings_file)
    panel = win.first_run
    qtbot.waitUntil(lambda: not ctx.runner.busy)
    reads: list[int] = []
    real = first_run.checklist
    monkeypatch.setattr(first_run, "checklist", lambda *a, **k: reads.append(1) or real(*a, **k))
    for n in range(3):  # what a committed scan publishes
        ctx.events.publish(Changes.of(orders={n + 1}, units={1}, variations={1}))
    qapp.processEvents()
    qtbot.waitUntil(lambda: not ctx.runner.busy)
    assert reads == []
    with qtbot.waitSignal(ctx.events.changes_applied):
        ctx.events.publish(Changes.of(settings=True))
    qtbot.waitUntil(lambda: reads == [1])


def test_steps_tick_themselves_and_the_list_goes_when_all_are_done(qtbot, ctx, tmp_path, settings_file, monkeypatch):
    win = _window_with_stock_ticked(qtbot, ctx, tmp_path, settings_file)
    panel = win.first_run
    assert panel.marks["stock"].text() == "✓" and panel.marks["lists"].text() == "○"
    # keeping the default lists: one click
    assert panel.keep_lists.isVisible()
    qtbot.mouseClick(panel.keep_lists, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _ticked(panel)["lists"])
    assert not panel.keep_lists.isVisible()
    monkeypatch.setenv("REFURBDESK_BACKMARKET_TOKEN", "token-from-the-environment")
    with ctx.db.sessions.begin() as s:
        users.add_user(s, "Ana", "admin", "4821")
    try:
        win.tabs.setCurrentWidget(win.catalog)  # any tab change reads the list again
        win.tabs.setCurrentWidget(win.inventory)
        qtbot.waitUntil(lambda: panel.all_done)
        assert not panel.isVisible()
    finally:
        set_operator(None)


def test_hidden_stays_hidden_and_help_shows_it_again(qtbot, ctx, tmp_path, settings_file):
    win = _window(qtbot, ctx, tmp_path, settings_file)
    qtbot.waitUntil(lambda: win.first_run.isVisible())
    qtbot.mouseClick(win.first_run.hide_button, Qt.MouseButton.LeftButton)
    assert not win.first_run.isVisible()
    assert "hidden" in win.status.message_label.toolTip()
    win.close()
    again = _window(qtbot, ctx, tmp_path, settings_file)  # the next start on this station
    with ctx.db.sessions.begin() as s:
        reference.define_warehouse(s, "Shelf B")
    again.first_run.refresh()
    qtbot.waitUntil(lambda: _ticked(again.first_run).get("lists", False) or again.first_run.dismissed)
    assert not again.first_run.isVisible()
    again.getting_started_action.trigger()
    qtbot.waitUntil(lambda: again.first_run.isVisible())
    qtbot.waitUntil(lambda: _ticked(again.first_run).get("lists"))


def test_a_refused_confirmation_says_why_and_ticks_nothing(qtbot, ctx, tmp_path, settings_file):
    with ctx.db.sessions.begin() as s:
        set_operator(users.add_user(s, "Ana", "admin", "4821"))
        packer = users.add_user(s, "Pat", "packer", "1234")
    set_operator(packer)
    try:
        win = _window(qtbot, ctx, tmp_path, settings_file)
        panel = win.first_run
        qtbot.waitUntil(lambda: bool(panel.steps))
        assert not panel.isVisible()  # setting up is a manager's job: a packer sees the tabs only
        with qtbot.waitSignal(panel.said) as said:
            panel.confirm_lists()
        assert said.args[1] is True and " may " in said.args[0]
        with ctx.db.reads() as s:
            assert not {st.key: st.done for st in first_run.checklist(s)}["lists"]
    finally:
        set_operator(None)


def test_help_guide_lists_the_real_keys_and_where_the_files_are(qtbot, ctx, tmp_path, settings_file, monkeypatch):
    monkeypatch.setenv("REFURBDESK_DATA_DIR", str(tmp_path / "data"))
    win = _window(qtbot, ctx, tmp_path, settings_file)
    opened: list = []
    win.open_folder = lambda path: opened.append(path) or True
    assert win.guide_action.shortcut().toString() == "F1"
    win.guide_action.trigger()
    guide = win.guide
    assert guide is not None and guide.isVisible()
    assert [guide.tabs.tabText(i) for i in range(guide.tabs.count())] == list(guide.PAGES)
    assert "Scan the IMEI" in guide.tabs.widget(0).toPlainText()
    win.shortcuts_action.trigger()
    guide = win.guide
    assert guide.tabs.tabText(guide.tabs.currentIndex()) == "Keyboard"
    keys = guide.shortcuts_view.toPlainText()
    for key in ("Ctrl+Z", "Ctrl+P", "F9", "F1", "Ctrl+Q", "Ctrl+,"):
        assert key in keys, key
    win.files_action.trigger()
    guide = win.guide
    assert str(tmp_path / "data" / "logs" / "refurbdesk.log") in guide.log_label.text()
    assert "ui.sqlite3" in guide.database_label.text()
    qtbot.mouseClick(guide.open_log_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "data" / "logs"]
    win.open_log_action.trigger()
    assert opened[-1] == tmp_path / "data" / "logs"
    # an opener that fails: the message says what to do
    win.open_folder = lambda path: False
    win.open_log_action.trigger()
    assert "open it by hand" in win.status.message_label.toolTip()
