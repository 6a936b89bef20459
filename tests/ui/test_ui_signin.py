"""Station sign-in: badge scan or name + PIN, lock-out, idle lock, switch user, actions by role."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from app.domain import reference
from app.domain.station import current_operator
from signin_helpers import ALICE, MAX, PAT, add_operators, open_window
from test_ui_main_window import _factories
from ui_helpers import ScannerKeys, imei

pytestmark = pytest.mark.gui


@pytest.fixture
def staffed(db):
    add_operators(db)
    return db


@pytest.fixture
def window(qtbot, qapp, ctx, tmp_path, staffed):
    win = open_window(qtbot, qapp, ctx, tmp_path, _factories())
    yield win
    win.close()
    win.scanners.stop()


@pytest.fixture
def no_users_window(qtbot, qapp, ctx, tmp_path):
    win = open_window(qtbot, qapp, ctx, tmp_path, _factories())
    yield win
    win.close()
    win.scanners.stop()


def _wait_names(qtbot, screen) -> None:
    qtbot.waitUntil(lambda: screen.names.count() == 3, timeout=5000)


def sign_in_with_pin(qtbot, window, who, pin: str | None = None) -> None:
    screen = window.signin_screen
    _wait_names(qtbot, screen)
    screen.pick(who.name)
    screen.pin.setText(pin or who.pin)
    screen.sign_in_button.click()


def signed_in_as(name: str):
    return lambda: current_operator() is not None and current_operator().name == name


def test_without_users_the_window_opens_straight_on_the_tabs(no_users_window) -> None:
    window = no_users_window
    assert window.stack.currentWidget() is window.work_area and window.tabs.isVisible()
    assert not window.signin_screen.isVisible()
    assert window.operator_label.text() == ""
    assert window.import_action.isVisible() and window.import_action.isEnabled()
    assert window.backmarket_settings_visible()


def test_with_users_it_opens_on_sign_in_and_nothing_behind_is_usable(qtbot, window) -> None:
    assert window.signin_screen.isVisible() and not window.tabs.isVisible()
    assert not window.import_action.isEnabled() and not window.export_action.isEnabled()
    assert not window.settings_action.isEnabled()
    _wait_names(qtbot, window.signin_screen)
    names = [window.signin_screen.names.item(i).text() for i in range(3)]
    assert names == ["Alice", "Max", "Pat"]


def test_sign_in_by_badge_scan_through_the_wedge_filter(qtbot, window) -> None:
    window.signin_screen.names.setFocus()
    ScannerKeys().scan(window.signin_screen.names, PAT.badge)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    qtbot.waitUntil(window.tabs.isVisible, timeout=5000)
    assert not window.signin_screen.isVisible()
    assert window.operator_label.text() == "Signed in as Pat (packer)"


def test_a_badge_scanned_into_the_pin_field_still_signs_in(qtbot, window) -> None:
    screen = window.signin_screen
    _wait_names(qtbot, screen)
    screen.pin.setFocus()  # a no-scan zone: the badge lands in the field, Enter submits it
    ScannerKeys().scan(screen.pin, MAX.badge)
    qtbot.waitUntil(signed_in_as("Max"), timeout=5000)
    assert screen.pin.text() == ""


def test_an_unknown_badge_says_so_and_reaches_nothing_behind(qtbot, window, ctx) -> None:
    routed: list = []
    window.router.routed.connect(lambda code, where: routed.append(where))
    ScannerKeys().scan(window.signin_screen.names, imei(1))  # an IMEI, not a badge
    qtbot.waitUntil(lambda: "Unknown badge" in window.signin_screen.message.text(), timeout=5000)
    assert current_operator() is None and routed == [] and not window.details.isVisible()
    assert window.status.message_label.text() == ""


def test_sign_in_by_name_and_pin(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, MAX)
    qtbot.waitUntil(signed_in_as("Max"), timeout=5000)
    assert window.tabs.isVisible()
    assert window.operator_label.text() == "Signed in as Max (manager)"
    assert window.signin_screen.pin.text() == ""  # never left in a field


def test_five_wrong_pins_lock_the_account_and_say_until_when(qtbot, window) -> None:
    screen = window.signin_screen
    for attempt in range(1, 6):
        sign_in_with_pin(qtbot, window, PAT, pin="0000")
        if attempt < 5:
            qtbot.waitUntil(lambda a=attempt: f"{5 - a} attempt" in screen.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: "locked until" in screen.message.text(), timeout=5000)
    assert re.search(r"locked until \d\d:\d\d", screen.message.text())
    sign_in_with_pin(qtbot, window, PAT)  # the right PIN no longer helps
    qtbot.waitUntil(lambda: "is locked until" in screen.message.text() and screen.message.text().startswith("✗"),
                    timeout=5000)
    assert current_operator() is None and window.signin_screen.isVisible()


def test_idle_lock_then_a_badge_unlocks_or_switches_user(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, PAT)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    assert window.idle.timer.isActive() and window.idle.timer.interval() == 10 * 60 * 1000  # the default
    window.idle.set_interval_ms(30)  # injectable: no test waits ten real minutes
    qtbot.waitUntil(window.signin_screen.isVisible, timeout=5000)
    assert current_operator() is None and not window.tabs.isVisible()
    assert "Locked" in window.signin_screen.title.text()
    window.idle.set_interval_ms(60_000)
    ScannerKeys().scan(window.signin_screen.names, PAT.badge)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    window.lock_action.trigger()
    assert window.signin_screen.isVisible()
    ScannerKeys().scan(window.signin_screen.names, ALICE.badge)  # another badge switches user
    qtbot.waitUntil(signed_in_as("Alice"), timeout=5000)
    assert window.operator_label.text() == "Signed in as Alice (admin)"


def test_any_key_or_click_resets_the_idle_timer(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, PAT)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    window.idle.timer.stop()
    QApplication.sendEvent(window.catalog.filter_edit, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                                                 Qt.KeyboardModifier.NoModifier, "a"))
    assert window.idle.timer.isActive()
    window.idle.timer.stop()
    click = QMouseEvent(QEvent.Type.MouseButtonPress, QPoint(5, 5), window.mapToGlobal(QPoint(5, 5)),
                        Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.tabs, click)
    assert window.idle.timer.isActive()


def test_switch_user_from_the_menu(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, MAX)
    qtbot.waitUntil(signed_in_as("Max"), timeout=5000)
    window.switch_user_action.trigger()
    assert current_operator() is None and window.signin_screen.isVisible()
    assert window.signin_screen.names.currentItem() is None  # nobody preselected: someone else signs in


def test_a_packer_does_not_see_manager_actions(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, PAT)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    assert not window.import_action.isVisible() and not window.export_action.isVisible()
    assert window.settings_action.isEnabled()  # this station's own settings (scanner, printer)
    assert not window.backmarket_settings_visible()
    assert not window.inventory.pages.cornerWidget().isVisible()  # Import CSV…
    assert not window.catalog.assign_button.isVisible()
    assert window.catalog.table.editTriggers() == window.catalog.table.EditTrigger.NoEditTriggers
    assert window.inventory.receive.cost_edit.isHidden()  # a packer reads everything but costs
    assert window.backmarket.attention.retry_button.isHidden()  # the outbox is a manager's
    assert window.backmarket.attention.retry_all_button.isHidden()
    window.lock_action.trigger()
    sign_in_with_pin(qtbot, window, MAX)
    qtbot.waitUntil(signed_in_as("Max"), timeout=5000)
    assert window.import_action.isVisible() and window.export_action.isVisible()
    assert window.backmarket_settings_visible()
    assert window.catalog.assign_button.isVisible()
    assert window.catalog.table.editTriggers() != window.catalog.table.EditTrigger.NoEditTriggers
    assert not window.inventory.receive.cost_edit.isHidden()
    assert not window.backmarket.attention.retry_button.isHidden()


def test_a_packer_refused_by_a_service_reads_which_role_may(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, PAT)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
    dialog = window.open_settings()
    qtbot.addWidget(dialog)
    assert "Users" not in [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    page = dialog.pages["warehouses"]
    assert not page.isEnabled()  # the lists are a manager's
    with qtbot.waitSignal(dialog.action_done, timeout=5000) as done:
        dialog.run_action(lambda s: reference.define_warehouse(s, "Annex"))  # what the page's Add does
    ok, text = done.args
    assert not ok and "manager" in text and "packer Pat" in text
    dialog.reject()


def test_a_long_name_is_elided_and_never_resizes_the_window(qtbot, window, db) -> None:
    from app.domain import users
    from app.domain.station import set_operator

    long_name = "Maximilian-Alexander Wolfeschlegelsteinhausenbergerdorff of the Night Shift"
    sign_in_with_pin(qtbot, window, ALICE)
    qtbot.waitUntil(signed_in_as("Alice"), timeout=5000)
    with db.sessions.begin() as s:
        users.add_user(s, long_name, "packer", "8642", badge="BADGE-LONG-001")
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=5000)
    window.lock_action.trigger()
    ScannerKeys().scan(window.signin_screen.names, "BADGE-LONG-001")
    qtbot.waitUntil(signed_in_as(long_name), timeout=5000)
    assert window.operator_label.text() == f"Signed in as {long_name} (packer)"
    assert window.operator_label.width() <= 320 and window.operator_label.toolTip().endswith("(packer)")
    assert window.width() == 900 and window.minimumSizeHint().width() <= 900
    set_operator(None)


def test_open_dialogs_close_when_the_station_locks(qtbot, window) -> None:
    sign_in_with_pin(qtbot, window, MAX)
    qtbot.waitUntil(signed_in_as("Max"), timeout=5000)
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    window.idle.idle.emit()  # what the timer's timeout does
    assert current_operator() is None and not dialog.isVisible()


def test_users_created_on_another_station_switch_sign_in_on_here(qtbot, no_users_window, db) -> None:
    window = no_users_window
    assert window.signin.first_user_watch.isActive()
    add_operators(db)  # the CLI or another station
    window.signin.check_for_users()  # what the timer does every 30 s
    qtbot.waitUntil(window.signin_screen.isVisible, timeout=5000)
    assert not window.tabs.isVisible() and window.lock_action is not None
    ScannerKeys().scan(window.signin_screen.names, PAT.badge)
    qtbot.waitUntil(signed_in_as("Pat"), timeout=5000)
