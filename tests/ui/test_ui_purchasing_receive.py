"""The receiving screen driven by scans: green on the manifest, amber for an unexpected unit
(accepted to a line or set aside), red for a duplicate, and over-receipt only for a manager."""

from __future__ import annotations

import pytest

from app.domain.purchasing import views
from app.ui.purchasing.banner import WARNING
from app.ui.purchasing.receiving import ReceivingPage
from purchasing_helpers import FakeAsks, IPHONE_LINE, make_po, sign_in
from signin_helpers import add_operators
from ui_helpers import imei

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, ctx):
    widget = ReceivingPage(ctx, FakeAsks())
    widget.print_labels.setChecked(False)  # no printer on the test machine: labels are saved as PDFs below
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    yield widget
    widget.shutdown()


def scan(qtbot, page, code: str) -> tuple[str, str]:
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as blocker:
        assert page.handle_scan(code)
    return tuple(blocker.args)


def open_po(qtbot, page, number: str) -> None:
    with qtbot.waitSignal(page.po_loaded, timeout=10000):
        page.handle_scan(number)  # the PO's barcode opens it


def line_received(page) -> str:
    return page.lines.data(page.lines.index(0, 3))


def test_receive_a_po_by_scans_green_amber_red(qtbot, ctx, db, page, tmp_path, qtmodeltester) -> None:
    number = make_po(db, manifest_codes=[imei(1), imei(2)])
    assert not page.handle_scan(imei(1)), "no PO open yet: the scan is not the receiving screen's"
    open_po(qtbot, page, number)
    assert page.po.number == number and page.banner.kind == "info"

    verdict, text = scan(qtbot, page, imei(1))
    assert verdict == "green" and page.banner.kind == "ok"
    assert text.startswith(f"Received {imei(1)} → {number} line 1") and "1/3" in text
    qtbot.waitUntil(lambda: line_received(page) == "1 / 3", timeout=10000)

    verdict, text = scan(qtbot, page, imei(7))  # not on the vendor's list
    assert verdict == "amber" and page.banner.kind == WARNING
    assert text == f"Unexpected — accept to a line or quarantine: {imei(7)} is not on {number}'s manifest."
    assert page.accept_button.isEnabled() and page.pending_code == imei(7)
    with qtbot.waitSignal(page.verdict_shown, timeout=10000) as accepted:
        page.accept_button.click()
    assert accepted.args[0] == "amber" and accepted.args[1].startswith(f"Unexpected unit accepted: {imei(7)}")
    assert not page.accept_button.isEnabled() and page.pending_code is None
    qtbot.waitUntil(lambda: line_received(page) == "2 / 3", timeout=10000)

    verdict, text = scan(qtbot, page, imei(1))  # the same phone scanned twice
    assert verdict == "red" and page.banner.kind == "refusal"
    assert text.startswith(f"Already received: {imei(1)} was received on {number}")
    verdict, text = scan(qtbot, page, "12345")
    assert verdict == "red"

    verdict, _ = scan(qtbot, page, imei(8))  # another stranger: set aside this time, with its key
    assert verdict == "amber"
    with qtbot.waitSignal(page.verdict_shown, timeout=10000):
        page.aside_key.activated.emit()
    assert page.set_aside == [imei(8)] and not page.accept_button.isEnabled()

    with db.reads() as s:
        view = views.po_view(s, number)
    assert [(u.code, u.unexpected, u.status, u.grade) for u in view.units] == [
        (imei(1), False, "Incoming", "Ungraded"), (imei(7), True, "Incoming", "Ungraded")]
    assert view.status == "partially_received" and view.manifest_missing == (imei(2),)
    assert [s.verdict for s in page.scans.rows] == ["set aside", "amber", "red", "red", "amber", "amber", "green"]
    for model in (page.scans, page.lines):
        qtmodeltester.check(model)


def test_the_keys_say_why_nothing_happens_when_no_unit_waits(qtbot, db, page) -> None:
    page.accept_key.activated.emit()
    assert page.banner.message() == "No unexpected unit is waiting: F7 and F8 answer an amber scan."
    with db.reads() as s:
        assert views.list_pos(s) == []


def test_an_amber_unit_left_waiting_is_set_aside_when_the_next_unit_is_scanned(qtbot, db, page) -> None:
    number = make_po(db, manifest_codes=[imei(1)])
    open_po(qtbot, page, number)
    assert scan(qtbot, page, imei(9))[0] == "amber"
    assert scan(qtbot, page, imei(1))[0] == "green"
    assert page.set_aside == [imei(9)] and page.pending_code is None and not page.accept_button.isEnabled()
    with db.reads() as s:
        assert [u.code for u in views.po_view(s, number).units] == [imei(1)]


def test_over_receipt_is_refused_for_a_packer_and_taken_from_a_manager(qtbot, db, page) -> None:
    number = make_po(db, lines=(IPHONE_LINE.__class__("Apple", "iPhone 13", 1, IPHONE_LINE.unit_cost),))
    add_operators(db)
    sign_in(db, "Pat")
    open_po(qtbot, page, number)
    assert scan(qtbot, page, imei(1))[0] == "green"
    verdict, text = scan(qtbot, page, imei(2))
    assert verdict == "red" and "is complete (1/1): receiving more needs a manager" in text
    assert text.endswith("A manager approves it (Manager approves…) or signs in and scans it again.")
    sign_in(db, "Max")
    verdict, text = scan(qtbot, page, imei(2))
    assert verdict == "green" and text.endswith("2/1 — over-receipt")
    with db.reads() as s:
        assert [u.over_receipt for u in views.po_view(s, number).units] == [False, True]


def test_a_closed_po_refuses_in_red(qtbot, db, page) -> None:
    from app.domain.purchasing import orders

    number = make_po(db)
    open_po(qtbot, page, number)
    assert scan(qtbot, page, imei(1))[0] == "green"
    with db.sessions.begin() as s:
        orders.close_po(s, number)
    verdict, text = scan(qtbot, page, imei(2))
    assert verdict == "red" and text == f"{number} is closed: nothing more can be received on it."


def test_the_last_units_receiving_label_saves_as_a_pdf(qtbot, db, page, tmp_path) -> None:
    number = make_po(db)
    page._asks.save_path = str(tmp_path / "label.pdf")
    page.reprint_button.click()
    assert page.banner.message() == "Nothing received at this station yet: no label to save."
    open_po(qtbot, page, number)
    assert scan(qtbot, page, imei(1))[0] == "green"
    with qtbot.waitSignal(page.verdict_shown, timeout=15000) as saved:
        page.reprint_button.click()
    assert saved.args == ["info", f"Label of {imei(1)} saved to {tmp_path / 'label.pdf'}."]
    assert (tmp_path / "label.pdf").read_bytes().startswith(b"%PDF")


def test_with_labels_on_a_station_without_a_printer_says_so_and_still_receives(qtbot, db, page) -> None:
    number = make_po(db)
    page.print_labels.setChecked(True)
    open_po(qtbot, page, number)
    assert scan(qtbot, page, imei(1))[0] == "green"
    qtbot.waitUntil(lambda: imei(1) in page.label_words, timeout=15000)
    words = page.label_words[imei(1)]
    assert words == "label printed" or "not printed" in words  # whatever this machine's printers are
    assert page.scans.rows[0].text.endswith(f" · {words}") and page.banner.kind == "ok"
