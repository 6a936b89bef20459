"""Settings dialog: the shared lists, SKU uniqueness refusal, this station's settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain import settings
from app.domain.catalog import assign_sku
from app.station_config import load_station_config
from app.ui.settings_dialog import SettingsDialog
from ui_helpers import PIXEL, imei, receive

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot, ctx, station_path):
    widget = SettingsDialog(ctx, station_path=station_path)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.lists_loaded):
        pass
    return widget


def _act(qtbot, dialog, do) -> tuple[bool, str]:
    with qtbot.waitSignal(dialog.lists_loaded):
        with qtbot.waitSignal(dialog.action_done) as blocker:
            do()
    return tuple(blocker.args)


def test_lists_for_every_user_managed_list(dialog):
    pages = dialog.pages
    assert [r[0] for r in pages["grades"].model.rows()] == ["A+", "A", "B", "C", "D", "Ungraded"]
    assert ("CG", "Cracked Glass") in pages["conditions"].model.rows()
    assert ("Available", True) in pages["statuses"].model.rows()
    assert pages["warehouses"].model.rows() == [("Main",)]
    assert ("New", True, True) in pages["order_statuses"].model.rows()
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Grades", "Conditions", "Inventory statuses", "Warehouses", "Order statuses", "SKUs", "This station",
        "Users"]  # no users yet: anyone may create the first admin here


def test_add_a_grade_and_move_it_up(qtbot, ctx, dialog):
    page = dialog.pages["grades"]
    page.new_values[0].setText("B+")
    ok, _ = _act(qtbot, dialog, page.add)
    assert ok and [r[0] for r in page.model.rows()][-2:] == ["B+", "Ungraded"]  # purchasing's Ungraded stays last
    page.table.selectRow(5)
    for _ in range(3):
        _act(qtbot, dialog, lambda: page.move_selected(-1))
    assert [r[0] for r in page.model.rows()] == ["A+", "A", "B+", "B", "C", "D", "Ungraded"]


def test_toggle_a_status_sellable_flag(qtbot, ctx, dialog, qtmodeltester):
    page = dialog.pages["statuses"]
    qtmodeltester.check(page.model)
    row = [r[0] for r in page.model.rows()].index("Returned")
    cell = page.model.index(row, 1)
    assert cell.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    ok, message = _act(qtbot, dialog, lambda: page.model.setData(cell, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole))
    assert ok
    assert page.model.index(row, 1).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    from app.domain import reference

    with ctx.db.reads() as s:
        assert reference.status(s, "Returned").sellable


def test_sku_uniqueness_refused_while_skus_are_shared(qtbot, ctx, dialog):
    with ctx.db.sessions.begin() as s:
        settings.set_(s, "catalog.sku_unique", False)
    receive(ctx.db, [imei(1)], grade="A")
    receive(ctx.db, [imei(2)], grade="B")
    receive(ctx.db, [imei(3)], product=PIXEL)
    with ctx.db.sessions.begin() as s:
        assign_sku(s, [1, 2], "SHARED-1")
    dialog.reload()
    qtbot.waitUntil(lambda: not dialog.sku_unique.isChecked())
    ok, message = _act(qtbot, dialog, lambda: dialog.sku_unique.click())
    assert not ok and "SHARED-1 (2 variations)" in message
    assert "SHARED-1" in dialog.message.text() and not dialog.sku_unique.isChecked()
    with ctx.db.reads() as s:
        assert settings.get(s, "catalog.sku_unique") is False


def test_station_settings_are_saved_and_announced(qtbot, ctx, dialog, station_path):
    page = dialog.station
    page.station_name.setText("Packing 2")
    page.prefix.setText("]C1")
    page.serial_port.setEditText("/dev/ttyACM7")
    page.baud.setCurrentText("115200")
    page.sounds.setChecked(False)
    with qtbot.waitSignal(dialog.station_saved) as blocker:
        dialog.save_station()
    saved = load_station_config(station_path)
    assert saved == blocker.args[0] == ctx.station
    assert (saved.station_name, saved.scanner_prefix, saved.serial_port, saved.serial_baud, saved.sounds) == (
        "Packing 2", "]C1", "/dev/ttyACM7", 115200, False)
