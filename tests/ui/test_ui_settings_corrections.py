"""Settings can be corrected: Enter adds without closing the dialog; every list renames, merges,
deletes (refused with the reason while used) and the ordered ones reorder — all through the widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain import reference, settings
from app.models import Grade, InventoryStatus
from app.ui.settings_dialog import SettingsDialog
from ui_helpers import imei, receive

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, ctx, station_path):
    widget = SettingsDialog(ctx, station_path=station_path)
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    with qtbot.waitSignal(widget.lists_loaded):
        pass
    return widget


def _act(qtbot, dialog, do) -> tuple[bool, str]:
    with qtbot.waitSignal(dialog.lists_loaded, timeout=10000):
        with qtbot.waitSignal(dialog.action_done, timeout=10000) as blocker:
            do()
    return tuple(blocker.args)


def _select(page, name: str) -> None:
    names = [r[0] for r in page.model.rows()]
    page.table.selectRow(names.index(name))
    assert page.corrections.name == name


def _ask(qtbot, page, into: str | None) -> str:
    bar = page.corrections
    if into is None:
        bar.delete_button.click()
    else:
        bar.merge_combo.setCurrentText(into)
        bar.merge_button.click()
    qtbot.waitUntil(bar.confirm.isVisible, timeout=10000)
    return bar.confirm_text.text()


def test_enter_in_a_new_item_box_adds_it_and_keeps_the_dialog_open(qtbot, dialog):
    dialog.tabs.setCurrentWidget(dialog.pages["grades"])
    page = dialog.pages["grades"]
    page.new_values[0].setFocus()
    qtbot.keyClicks(page.new_values[0], "B+")
    with qtbot.waitSignal(dialog.lists_loaded, timeout=10000):
        qtbot.keyClick(page.new_values[0], Qt.Key.Key_Return)
    assert [r[0] for r in page.model.rows()][-2:] == ["B+", "Ungraded"]  # Ungraded stays last
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    _select(page, "B+")
    page.corrections.rename_edit.setText("A-")
    with qtbot.waitSignal(dialog.lists_loaded, timeout=10000):
        qtbot.keyClick(page.corrections.rename_edit, Qt.Key.Key_Return)
    assert [r[0] for r in page.model.rows()][-2] == "A-" and dialog.isVisible()
    assert page.corrections.name == "A-"  # still selected under its new name


@pytest.mark.parametrize("kind,first,second,extra", [
    ("grades", "Q1", "Q2", ()), ("conditions", "QA", "QB", ("Quirky",)), ("statuses", "Q1", "Q2", ()),
    ("warehouses", "Q1", "Q2", ()), ("order_statuses", "Q1", "Q2", ()),
])
def test_every_list_renames_merges_and_deletes(qtbot, dialog, kind, first, second, extra):
    page = dialog.pages[kind]
    dialog.tabs.setCurrentWidget(page)
    for name in (first, second):
        page.new_values[0].setText(name)
        for edit, value in zip(page.new_values[1:], extra):
            edit.setText(value)
        _act(qtbot, dialog, page.add)
    _select(page, first)
    page.corrections.rename_edit.setText(first + "X")
    ok, message = _act(qtbot, dialog, page.corrections.rename_button.click)
    assert ok and "renamed to" in message
    assert page.corrections.name == first + "X"
    text = _ask(qtbot, page, second)
    assert "will be merged into" in text and "cannot be undone" in text
    ok, message = _act(qtbot, dialog, page.corrections.confirm_button.click)
    assert ok and "merged into" in message
    names = [r[0] for r in page.model.rows()]
    assert first + "X" not in names and second in names and page.corrections.name == second
    assert "nothing uses it" in _ask(qtbot, page, None)
    _act(qtbot, dialog, page.corrections.confirm_button.click)
    assert second not in [r[0] for r in page.model.rows()]


def test_a_used_grade_cannot_be_deleted_and_the_reason_is_shown(qtbot, ctx, dialog):
    receive(ctx.db, [imei(1), imei(2)], grade="B", sku="IP8-B")
    page = dialog.pages["grades"]
    dialog.tabs.setCurrentWidget(page)
    _select(page, "B")
    text = _ask(qtbot, page, None)
    assert text == "Grade B is used by 2 units and 1 SKU — merge it into another grade instead."
    assert not page.corrections.confirm_button.isVisible()
    page.corrections.cancel_button.click()
    assert not page.corrections.confirm.isVisible()
    text = _ask(qtbot, page, "C")
    assert text.startswith("Grade B will be merged into C: 2 units will move")
    dialog.grab().save("/tmp/settings-merge-1024.png")
    page.corrections.cancel_button.click()  # nothing was changed by either question
    with ctx.db.reads() as s:
        assert "B" in reference.names(s, Grade)


def test_merging_a_counted_status_updates_the_back_market_setting(qtbot, ctx, dialog):
    with ctx.db.sessions.begin() as s:
        reference.define_status(s, "Avialable", False)
    receive(ctx.db, [imei(3)], status="Avialable")
    dialog.reload()
    page = dialog.pages["statuses"]
    qtbot.waitUntil(lambda: "Avialable" in [r[0] for r in page.model.rows()], timeout=10000)
    dialog.tabs.setCurrentWidget(page)
    _select(page, "Available")
    page.corrections.rename_edit.setText("Ready to sell")
    _act(qtbot, dialog, page.corrections.rename_button.click)
    _select(page, "Avialable")
    assert "1 unit will move" in _ask(qtbot, page, "Ready to sell")
    _act(qtbot, dialog, page.corrections.confirm_button.click)
    with ctx.db.reads() as s:
        assert settings.get(s, "backmarket.statuses") == ["Ready to sell"]
        assert "Avialable" not in reference.names(s, InventoryStatus)
    # statuses reorder too
    _select(page, "Returned")
    for _ in range(6):
        _act(qtbot, dialog, lambda: page.move_selected(-1))
    assert [r[0] for r in page.model.rows()][:2] == ["Ready to sell", "Returned"]
