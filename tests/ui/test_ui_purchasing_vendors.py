"""Editing a vendor in the GUI: in the same row of fields as adding (no dialog) — a taken name is
refused in words and nothing changes, a rename reaches the list and the PO form's vendor picker; a
packer cannot edit."""

from __future__ import annotations

import pytest

from app.domain.purchasing import vendors
from app.ui.purchasing.po_page import PoPage
from purchasing_helpers import VENDOR, FakeAsks, make_po, sign_in
from signin_helpers import add_operators

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, ctx):
    widget = PoPage(ctx, FakeAsks())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.pages.setCurrentWidget(widget.vendors)
    return widget


def said(qtbot, vendors_page, text: str) -> None:
    qtbot.waitUntil(lambda: text in vendors_page.message.text(), timeout=10000)


def pick(qtbot, vendors_page, name: str) -> None:
    qtbot.waitUntil(lambda: name in [vendors_page.model.row(r).name for r in range(vendors_page.model.rowCount())],
                    timeout=10000)
    row = next(r for r in range(vendors_page.model.rowCount()) if vendors_page.model.row(r).name == name)
    vendors_page.view.setCurrentIndex(vendors_page.model.index(row, 0))


def listed(db) -> list[tuple[str, str]]:
    with db.reads() as s:
        return [(v.name, v.contact) for v in vendors.list_vendors(s)]


def test_edit_a_vendor(qtbot, db, page) -> None:
    make_po(db)
    with db.sessions.begin() as s:
        vendors.add_vendor(s, "OtherCo")
    page.vendors.reload()
    v = page.vendors
    v.edit_button.click()
    said(qtbot, v, "Pick a vendor in the list to edit it.")
    pick(qtbot, v, VENDOR)
    v.edit_button.click()
    assert (v.name.text(), v.contact.text(), v.add_button.text()) == (VENDOR, "sales@phonelots.example", "Save vendor")
    v.name.setText("otherco")
    v.add_button.click()
    said(qtbot, v, "There is already a vendor named “OtherCo”.")
    assert listed(db) == [("OtherCo", ""), (VENDOR, "sales@phonelots.example")]
    assert v.editing == VENDOR  # still editing: the operator fixes the name
    v.name.setText("Phone Lots EU")
    v.contact.setText("Bob, +44 20 1234")
    page.grab().save("/tmp/vendoredit-edit.png")
    page.resize(1024, 700)
    page.grab().save("/tmp/vendoredit-edit-1024.png")
    v.add_button.click()
    said(qtbot, v, f"Vendor {VENDOR} is now Phone Lots EU.")
    assert listed(db) == [("OtherCo", ""), ("Phone Lots EU", "Bob, +44 20 1234")]
    assert v.add_button.text() == "Add vendor" and v.editing is None and v.name.text() == ""
    qtbot.waitUntil(lambda: "Phone Lots EU" in [page.form.vendor.itemText(i) for i in range(page.form.vendor.count())],
                    timeout=10000)
    pick(qtbot, v, "OtherCo")
    v.view.doubleClicked.emit(v.view.currentIndex())
    assert v.editing == "OtherCo"
    v.cancel_button.click()
    assert v.editing is None and v.add_button.text() == "Add vendor" and not v.cancel_button.isVisible()


def test_a_packer_cannot_edit_a_vendor(qtbot, db, page) -> None:
    make_po(db)
    add_operators(db)
    sign_in(db, "Pat")
    page.set_manager(False)
    assert not page.vendors.edit_button.isEnabled() and not page.vendors.add_button.isEnabled()
