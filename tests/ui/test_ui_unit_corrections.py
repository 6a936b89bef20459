"""Look up → correct a unit; returns desk conditions and fresh details; a reprint with no printer offers PDF."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.domain import returns
from app.ui.inventory import InventoryTab
from app.ui.inventory import labels
from ui_helpers import PIXEL, imei, receive, sell

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(qtbot, ctx):
    widget = InventoryTab(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.reference_loaded):
        pass
    widget.resize(1280, 760)
    widget.show()
    return widget


def _report(ctx, code):
    with ctx.db.reads() as s:
        return returns.unit_report(s, code)


def _look_up(qtbot, tab, code):
    tab.show_page(tab.lookup)
    with qtbot.waitSignal(tab.lookup.verdict_shown) as blocker:
        tab.handle_scan(code)
    return blocker.args


def test_lookup_corrects_grade_conditions_and_product_and_shows_the_new_history(qtbot, ctx, tab):
    receive(ctx.db, [imei(1)], grade="A")
    receive(ctx.db, [imei(2)], product=PIXEL)
    with qtbot.waitSignal(tab.reference_loaded):
        tab.reload_reference()
    page, box = tab.lookup, tab.lookup.correct
    assert not box.save.isEnabled()  # nothing looked up yet
    _look_up(qtbot, tab, imei(1))
    assert box.save.isEnabled() and box.grade_combo.currentText() == "A" and box.conditions.checked() == []

    with qtbot.waitSignal(page.verdict_shown) as blocker:
        box.save.click()
    assert blocker.args[0] == "refusal" and "nothing to save" in blocker.args[1]

    box.grade_combo.setCurrentText("B")
    box.conditions.check({"CG", "SC"})
    with qtbot.waitSignal(ctx.events.changes_applied) as changed:
        box.save.click()
    assert changed.args[0].catalog  # a new variation: the catalog reloads
    report = _report(ctx, imei(1))
    assert (report["grade"], report["conditions"]) == ("B", ["CG", "SC"])
    assert "B → " not in page.panel.toPlainText() and "A → B" in page.panel.toPlainText()  # fresh history on screen
    assert "none → CG+SC" in page.panel.toPlainText()

    # A product picked from the list: words typed in any order, completed to its full name.
    box.product_combo.lineEdit().clear()
    qtbot.keyClicks(box.product_combo.lineEdit(), "obsidian pixel")
    assert box.completer.completionCount() == 1 and box.completer.currentCompletion() == PIXEL.display_name
    popup = box.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(box.completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert box.product_combo.currentText() == PIXEL.display_name
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        box.save.click()
    assert blocker.args[0] == "ok" and PIXEL.display_name in blocker.args[1]
    assert _report(ctx, imei(1))["product"] == PIXEL.display_name


def test_lookup_correction_of_a_shipped_unit_is_refused_and_changes_nothing(qtbot, ctx, tab):
    receive(ctx.db, [imei(1)])
    sell(ctx.db, imei(1))
    before = _report(ctx, imei(1))
    _look_up(qtbot, tab, imei(1))
    box = tab.lookup.correct
    box.grade_combo.setCurrentText("C")
    with qtbot.waitSignal(tab.lookup.verdict_shown) as blocker:
        box.save.click()
    assert blocker.args[0] == "refusal" and "was shipped" in blocker.args[1] and "returns desk" in blocker.args[1]
    assert box.grade_combo.currentText() == "C"  # what was typed stays, to fix
    assert _report(ctx, imei(1)) == before


def test_reprint_without_a_printer_offers_a_pdf(qtbot, ctx, tab, tmp_path, monkeypatch):
    receive(ctx.db, [imei(1)])
    _look_up(qtbot, tab, imei(1))
    monkeypatch.setattr(labels, "no_printer", lambda ctx: True)
    target = tmp_path / "label.pdf"
    asked = []
    monkeypatch.setattr(labels.QFileDialog, "getSaveFileName",
                        lambda *a, **k: asked.append(a) or (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(tab.lookup.verdict_shown) as blocker:
        tab.lookup.reprint.click()
    assert asked and "No printer" in asked[0][1]
    assert blocker.args == ["info", f"{imei(1)}: label saved to {target}"]
    assert target.read_bytes().startswith(b"%PDF")


def test_returns_desk_takes_back_with_conditions_and_shows_the_unit_as_it_is_now(qtbot, ctx, tab, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setattr(labels, "no_printer", lambda ctx: True)
    target = tmp_path / "returned.pdf"
    monkeypatch.setattr(labels.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    receive(ctx.db, [imei(1)], conditions=("SC",))
    number = sell(ctx.db, imei(1), customer="Lucas Martin")
    page = tab.returns
    tab.show_page(page)
    with qtbot.waitSignal(page.verdict_shown):
        tab.handle_scan(imei(1))
    assert page.conditions.checked() == ["SC"]  # as it went out
    page.conditions.check({"SC", "CG"})
    page.grade_combo.setCurrentText("C")
    page.print_label.setChecked(True)
    with qtbot.waitSignal(page.verdict_shown) as blocker:
        page.take_back.click()
    assert blocker.args[0] == "ok" and "conditions CG+SC" in blocker.args[1]
    assert blocker.args[1].endswith(f"label saved to {target}") and target.read_bytes().startswith(b"%PDF")
    report = _report(ctx, imei(1))
    assert (report["status"], report["grade"], report["conditions"]) == ("Returned", "C", ["CG", "SC"])
    assert [(h["event"], h["detail"]) for h in report["history"][-3:]] == [
        ("returned", f"from order {number} → Returned · Main"), ("grade", "A → C"), ("conditions", "SC → CG+SC")]
    shown = page.panel.toPlainText()
    assert "Returned" in shown and f"from order {number}" in shown and "none" not in shown.split("Conditions")[1][:8]
    assert not page.take_back.isEnabled()


def test_a_packer_corrects_a_grade_but_the_cost_box_is_off(qtbot, ctx, db, tab):
    from app.domain import users
    from app.domain.station import set_operator
    from signin_helpers import PAT, add_operators

    receive(ctx.db, [imei(1)])
    add_operators(db)
    with db.reads() as s:
        set_operator(next(u for u in users.list_users(s) if u.name == PAT.name))
    _look_up(qtbot, tab, imei(1))
    box = tab.lookup.correct
    assert not box.cost_edit.isEnabled() and "may see costs" in box.cost_edit.toolTip()
    box.grade_combo.setCurrentText("B")
    with qtbot.waitSignal(tab.lookup.verdict_shown) as blocker:
        box.save.click()
    assert blocker.args[0] == "ok"
    history = _report(ctx, imei(1))["history"]
    assert (history[-1]["event"], history[-1]["operator"]) == ("grade", PAT.name)
