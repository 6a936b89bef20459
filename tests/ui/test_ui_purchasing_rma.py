"""Vendor returns in the GUI: build an RMA by scanning (refusals in words), approve it, ship it
with tracking (its units leave sellable stock), resolve each line, see credit expected vs received,
save the packing list PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain import inventory
from app.domain.purchasing import receiving, views
from app.ui.purchasing.rma_page import RmaPage
from purchasing_helpers import FakeAsks, make_po
from ui_helpers import imei

pytestmark = pytest.mark.gui


@pytest.fixture
def stock(db):
    number = make_po(db)
    other = make_po(db, vendor="Other Vendor")
    with db.sessions.begin() as s:
        for n in (1, 2, 3):
            receiving.receive_scan(s, number, imei(n))
        receiving.receive_scan(s, other, imei(20))
    return number


@pytest.fixture
def page(qtbot, ctx, tmp_path):
    widget = RmaPage(ctx, FakeAsks(save_path=str(tmp_path / "rma.pdf")))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: widget.vendor.count() == 2, timeout=10000)
    yield widget
    widget.shutdown()


def act(qtbot, page, do) -> tuple[str, str]:
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as blocker:
        do()
    return tuple(blocker.args)


def shown(qtbot, page, do) -> None:
    with qtbot.waitSignal(page.rma_shown, timeout=10000):
        do()


def test_rma_built_by_scans_approved_shipped_resolved_and_closed(qtbot, db, stock, page, tmp_path,
                                                                 qtmodeltester) -> None:
    page.vendor.setCurrentText("Phone Lots Ltd")
    page.ra_number.setText("RA-5531")
    shown(qtbot, page, page.create_button.click)
    number = page.rma.number
    assert page.rma.status == "draft" and page.rma.ra_number == "RA-5531"

    kind, text = act(qtbot, page, lambda: page.handle_scan(imei(1)))
    assert kind == "refusal" and text.startswith("Say why the unit goes back")
    page.reason.setText("no power")
    assert act(qtbot, page, lambda: page.handle_scan(imei(1))) == ("ok", f"{imei(1)} added to {number}: no power.")
    page.reason.setText("Face ID fails")
    assert act(qtbot, page, lambda: page.handle_scan(imei(2)))[0] == "ok"
    kind, text = act(qtbot, page, lambda: page.handle_scan(imei(2)))
    assert (kind, text) == ("refusal", f"Unit {imei(2)} is already on this RMA.")
    kind, text = act(qtbot, page, lambda: page.handle_scan(imei(20)))
    assert kind == "refusal" and "came from another vendor" in text
    qtbot.waitUntil(lambda: page.lines.rowCount() == 2, timeout=10000)

    assert not page.buttons["ship"].isEnabled()
    shown(qtbot, page, page.buttons["approve"].click)
    assert page.rma.status == "approved" and page.buttons["ship"].isEnabled()
    kind, text = act(qtbot, page, page.buttons["ship"].click)  # no tracking number typed
    assert kind == "refusal" and text.startswith("Shipping an RMA needs the tracking number")
    page.tracking.setText("1Z999AA10123456784")
    shown(qtbot, page, page.buttons["ship"].click)
    assert page.rma.status == "shipped" and page.rma.tracking == "1Z999AA10123456784"
    with db.reads() as s:
        assert inventory.find_unit(s, imei(1)).status.name == "Vendor RMA"

    assert act(qtbot, page, lambda: page.handle_scan(imei(1)))[0] == "info"  # selects its line
    page.resolution.setCurrentIndex(page.resolution.findData("credited"))
    assert page.credit.isVisibleTo(page) and not page.replacement.isVisibleTo(page)
    page.credit.setText("150")
    kind, text = act(qtbot, page, page.resolve_button.click)
    assert (kind, text) == ("ok", f"{imei(1)} on {number}: credited 150.00")
    qtbot.waitUntil(lambda: page.rma.credit_received == Decimal("150.00"), timeout=10000)
    assert "credit expected 360.00 · received 150.00" in page.header.text()

    act(qtbot, page, lambda: page.handle_scan(imei(2)))
    page.resolution.setCurrentIndex(page.resolution.findData("replaced"))
    page.replacement.setText(imei(50))
    kind, text = act(qtbot, page, page.resolve_button.click)
    assert kind == "ok" and text.endswith(f"replaced by {imei(50)} — RMA closed")
    qtbot.waitUntil(lambda: page.rma.status == "closed", timeout=10000)
    with db.reads() as s:
        view = views.po_view(s, stock)
    assert [u.code for u in view.units if u.replaces] == [imei(50)]

    page.buttons["pdf"].click()
    qtbot.waitUntil(lambda: "saved" in page.message.text(), timeout=15000)
    assert (tmp_path / "rma.pdf").read_bytes().startswith(b"%PDF")
    for model in (page.list_model, page.lines):
        qtmodeltester.check(model)


def test_a_draft_unit_can_be_taken_off_and_an_empty_rma_is_not_approved(qtbot, db, stock, page) -> None:
    page.vendor.setCurrentText("Phone Lots Ltd")
    shown(qtbot, page, page.create_button.click)
    page.reason.setText("cracked back")
    assert act(qtbot, page, lambda: page.handle_scan(imei(3)))[0] == "ok"
    qtbot.waitUntil(lambda: page.lines.rowCount() == 1, timeout=10000)
    page.lines_view.selectRow(0)
    assert act(qtbot, page, page.buttons["remove"].click)[0] == "ok"
    qtbot.waitUntil(lambda: page.lines.rowCount() == 0, timeout=10000)
    kind, text = act(qtbot, page, page.buttons["approve"].click)
    assert kind == "refusal" and text.endswith("has no units: add some before approving it.")
