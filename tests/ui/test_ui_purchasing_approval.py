"""A manager approves one over-receipt at a packer's receiving screen — name+PIN or a badge scan in
a strip under the banner (no dialog); a wrong PIN or a packer's PIN is refused in words and receives
nothing; the station stays the packer's."""

from __future__ import annotations

import pytest

from app.domain import returns
from app.domain.purchasing import views
from app.domain.station import current_operator
from app.ui.purchasing.receiving import ReceivingPage
from purchasing_helpers import FakeAsks, IPHONE_LINE, make_po, sign_in
from signin_helpers import MAX, PAT, add_operators
from ui_helpers import imei

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, ctx):
    widget = ReceivingPage(ctx, FakeAsks())
    widget.print_labels.setChecked(False)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.shutdown()


def verdict(qtbot, page, do) -> tuple[str, str]:
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as blocker:
        do()
    return tuple(blocker.args)


def received(db, number: str) -> list[bool]:
    with db.reads() as s:
        return [u.over_receipt for u in views.po_view(s, number).units]


@pytest.fixture
def full(qtbot, db, page):
    number = make_po(db, lines=(IPHONE_LINE.__class__("Apple", "iPhone 13", 1, IPHONE_LINE.unit_cost),))
    add_operators(db)
    sign_in(db, "Pat")
    with qtbot.waitSignal(page.po_loaded, timeout=10000):
        page.handle_scan(number)
    assert verdict(qtbot, page, lambda: page.handle_scan(imei(1)))[0] == "green"
    assert not page.approval.isVisible()
    color, text = verdict(qtbot, page, lambda: page.handle_scan(imei(2)))
    assert color == "red" and text.endswith("A manager approves it (Manager approves…) or signs in and scans it again.")
    assert page.approval.isVisible() and page.approval.offer_button.isVisible() and not page.approval.asking
    return number


def test_name_and_pin_approve_one_unit_and_wrong_ones_are_refused(qtbot, db, page, full) -> None:
    strip = page.approval
    strip.offer_button.click()
    assert strip.asking and strip.pin.echoMode() == strip.pin.EchoMode.Password
    strip.name.setText(MAX.name)
    strip.pin.setText("0000")
    color, text = verdict(qtbot, page, strip.approve_button.click)
    assert color == "red" and text == "Not approved: Wrong PIN for Max: 4 attempts left before the account locks."
    assert strip.refusal.text() == text and strip.pin.text() == "" and strip.asking
    strip.name.setText(PAT.name)
    strip.pin.setText(PAT.pin)
    color, text = verdict(qtbot, page, strip.pin.returnPressed.emit)
    assert text == "Not approved: Pat is a packer; only a manager or admin may approve an over-receipt."
    assert received(db, full) == [False]
    strip.grab().save("/tmp/vendoredit-approval-strip.png")
    page.grab().save("/tmp/vendoredit-approval.png")
    page.resize(1024, 700)
    page.grab().save("/tmp/vendoredit-approval-1024.png")

    strip.name.setText(MAX.name)
    strip.pin.setText(MAX.pin)
    color, text = verdict(qtbot, page, strip.approve_button.click)
    assert color == "green" and text.endswith("2/1 — over-receipt approved by Max")
    assert not strip.isVisible() and strip.code is None
    assert received(db, full) == [False, True]
    assert current_operator().name == "Pat"
    with db.reads() as s:
        assert returns.unit_report(s, imei(2))["history"][0]["detail"].endswith("over-receipt approved by Max")
    color, text = verdict(qtbot, page, lambda: page.handle_scan(imei(3)))  # one unit only
    assert color == "red" and strip.isVisible() and not strip.asking


def test_a_badge_scan_approves(qtbot, db, page, full) -> None:
    page.approval.offer_button.click()
    color, text = verdict(qtbot, page, lambda: page.handle_scan("NOT-A-BADGE"))
    assert color == "red" and text == "Not approved: Unknown badge: no operator has this badge code."
    assert received(db, full) == [False]
    color, text = verdict(qtbot, page, lambda: page.handle_scan(MAX.badge))
    assert color == "green" and text.endswith("over-receipt approved by Max")
    assert received(db, full) == [False, True]


def test_the_next_unit_or_cancel_drops_the_offer(qtbot, db, page, full) -> None:
    page.approval.offer_button.click()
    page.approval.cancel_button.click()
    assert not page.approval.isVisible()
    color, _text = verdict(qtbot, page, lambda: page.handle_scan(imei(3)))
    assert color == "red" and page.approval.code == imei(3)
    verdict(qtbot, page, lambda: page.handle_scan(imei(1)))  # a duplicate: the offer lapses
    assert not page.approval.isVisible() and received(db, full) == [False]
