"""The Users page of the settings dialog (admins only): list, add, role, PIN, badge, disable, unlock."""

from __future__ import annotations

import pytest

from app.domain import users
from app.domain.station import current_operator, set_operator
from app.ui.settings_dialog import SettingsDialog
from app.ui.settings_dialog.users import UsersModel
from signin_helpers import ALICE, PAT, add_operators, open_window
from test_ui_main_window import _factories
from ui_helpers import ScannerKeys

pytestmark = pytest.mark.gui


def _as(db, name: str) -> None:
    with db.reads() as s:
        set_operator(next(u for u in users.list_users(s) if u.name == name))


@pytest.fixture
def dialog(qtbot, ctx, db, tmp_path):
    add_operators(db)
    _as(db, ALICE.name)
    dlg = SettingsDialog(ctx, station_path=tmp_path / "station.json")
    qtbot.addWidget(dlg)
    dlg.show()
    page = dlg.users_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    yield dlg
    dlg.reject()


def _row(model: UsersModel, name: str) -> list[str]:
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_users_model_passes_the_model_tester(qtmodeltester, db) -> None:
    add_operators(db)
    model = UsersModel()
    with db.reads() as s:
        model.set_users(users.list_users(s))
    qtmodeltester.check(model)
    assert [model.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal)
            for c in range(model.columnCount())] == ["Name", "Role", "Badge", "Active", "Locked until"]
    assert _row(model, "Pat") == ["Pat", "packer", "yes", "yes", ""]


def test_an_admin_adds_a_user_with_a_scanned_badge(qtbot, dialog, db) -> None:
    page = dialog.users_page
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "Users"
    page.add_name.setText("Temp Tom")
    page.add_role.setCurrentText("packer")
    page.add_pin.setText("1357")
    page.add_pin_again.setText("1357")
    page.add_badge.setFocus()
    ScannerKeys().scan(page.add_badge, "BADGE-TOM-0042")  # a scan target: the code stays in the field
    assert page.add_badge.text() == "BADGE-TOM-0042"
    page.add_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)
    assert _row(page.model, "Temp Tom") == ["Temp Tom", "packer", "yes", "yes", ""]
    assert page.add_pin.text() == "" and page.add_pin_again.text() == ""
    with db.sessions.begin() as s:
        assert users.authenticate_badge(s, "BADGE-TOM-0042").name == "Temp Tom"


def test_pins_that_differ_are_refused_and_nothing_is_added(qtbot, dialog) -> None:
    page = dialog.users_page
    page.add_name.setText("Temp Tom")
    page.add_pin.setText("1357")
    page.add_pin_again.setText("1358")
    page.add_button.click()
    assert "PINs do not match" in page.message.text()
    assert page.model.rowCount() == 3


def test_an_admin_changes_role_disables_and_unlocks(qtbot, dialog, db) -> None:
    page = dialog.users_page
    for _ in range(5):  # Pat locks himself out
        try:
            with db.sessions.begin() as s:
                users.authenticate(s, PAT.name, "0000")
        except users.SignInRefused:
            pass
    page.reload()
    qtbot.waitUntil(lambda: _row(page.model, "Pat")[4] != "", timeout=5000)
    page.select(PAT.name)
    page.unlock_button.click()
    qtbot.waitUntil(lambda: _row(page.model, "Pat")[4] == "", timeout=5000)
    page.select(PAT.name)
    page.role_combo.setCurrentText("manager")
    page.change_role_button.click()
    qtbot.waitUntil(lambda: _row(page.model, "Pat")[1] == "manager", timeout=5000)
    page.select(PAT.name)
    page.disable_button.click()
    qtbot.waitUntil(lambda: _row(page.model, "Pat")[3] == "no", timeout=5000)
    page.select(PAT.name)
    page.new_pin.setText("9999")
    page.new_pin_again.setText("9999")
    page.reset_pin_button.click()
    qtbot.waitUntil(lambda: "New PIN" in page.message.text(), timeout=5000)
    assert page.new_pin.text() == ""


def test_the_last_admin_cannot_be_disabled_and_the_page_says_why(qtbot, dialog) -> None:
    page = dialog.users_page
    page.select(ALICE.name)
    page.disable_button.click()
    qtbot.waitUntil(lambda: "last active admin" in page.message.text(), timeout=5000)


def test_a_manager_gets_no_users_page(qtbot, ctx, db, tmp_path) -> None:
    add_operators(db)
    _as(db, "Max")
    dlg = SettingsDialog(ctx, station_path=tmp_path / "station.json")
    qtbot.addWidget(dlg)
    assert dlg.users_page is None
    assert "Users" not in [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]


def test_the_first_admin_added_in_the_gui_switches_sign_in_on(qtbot, qapp, ctx, tmp_path) -> None:
    window = open_window(qtbot, qapp, ctx, tmp_path, _factories())
    try:
        assert window.tabs.isVisible()
        dialog = window.open_settings()
        page = dialog.users_page
        assert page is not None  # no users yet: anyone may create the first admin
        qtbot.waitUntil(lambda: not page.first_hint.isHidden(), timeout=5000)
        assert page.add_role.currentText() == "admin" and not page.add_role.isEnabled()
        page.add_name.setText("Owner")
        page.add_pin.setText("24682468")
        page.add_pin_again.setText("24682468")
        page.add_button.click()
        qtbot.waitUntil(lambda: current_operator() is not None and current_operator().name == "Owner", timeout=5000)
        assert window.operator_label.text() == "Signed in as Owner (admin)"
        assert window.tabs.isVisible()  # the one who switched it on stays signed in
        assert window.lock_action is not None
        dialog.reject()
    finally:
        window.close()
        window.scanners.stop()
