"""Editing a vendor: rename (refused if another vendor has the name, whatever its case) and contact;
a manager's job; each refusal one line and nothing changed; the POs follow the rename."""

from __future__ import annotations

import pytest

from app.domain.errors import DomainError
from app.domain.permissions import PermissionRefused
from app.domain.purchasing import vendors, views
from app.domain.station import set_operator
from tests.purchasing.helpers import call, read, sign_in_roles, vendor_po


def listed(db) -> list[tuple[str, str]]:
    return [(v.name, v.contact) for v in read(db, vendors.list_vendors)]


def test_rename_and_contact_and_the_po_follows(db):
    po = vendor_po(db, "PhoneLots")
    call(db, vendors.add_vendor, "OtherCo", "ann@other.example")
    info, changes = call(db, vendors.update_vendor, " phonelots ", new_name="  Phone  Lots EU ",
                         contact=" Bob, +44 20 1234 ")
    assert (info.name, info.contact) == ("Phone Lots EU", "Bob, +44 20 1234")
    assert changes.message == "Vendor PhoneLots renamed Phone Lots EU"
    assert listed(db) == [("OtherCo", "ann@other.example"), ("Phone Lots EU", "Bob, +44 20 1234")]
    assert read(db, views.po_view, po).vendor == "Phone Lots EU"
    info, _ = call(db, vendors.update_vendor, "phone lots eu", contact="")
    assert (info.name, info.contact) == ("Phone Lots EU", "")
    info, _ = call(db, vendors.update_vendor, "Phone Lots EU", new_name="PHONE LOTS EU")  # its own name, new case
    assert info.name == "PHONE LOTS EU"


@pytest.mark.parametrize("args, kw, words", [
    (("OtherCo",), {"new_name": "phonelots"}, "There is already a vendor named “PhoneLots”."),
    (("Nobody",), {"contact": "x"}, "Unknown vendor “Nobody”"),
    (("OtherCo",), {"new_name": "   "}, "A vendor needs a name."),
    (("OtherCo",), {}, "Nothing to change: give a new name or a contact."),
    (("OtherCo",), {"new_name": "x" * 121}, "vendor name"),
])
def test_refusals_are_one_line_and_change_nothing(db, args, kw, words):
    call(db, vendors.add_vendor, "PhoneLots")
    call(db, vendors.add_vendor, "OtherCo", "ann")
    before = listed(db)
    with pytest.raises(DomainError) as caught:
        call(db, vendors.update_vendor, *args, **kw)
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert listed(db) == before


def test_editing_a_vendor_is_a_managers_job(db):
    people = sign_in_roles(db)
    set_operator(people["manager"])
    call(db, vendors.add_vendor, "PhoneLots")
    set_operator(people["packer"])
    with pytest.raises(PermissionRefused, match="Only a manager or admin may do purchasing"):
        call(db, vendors.update_vendor, "PhoneLots", contact="x")
    set_operator(people["manager"])
    assert call(db, vendors.update_vendor, "PhoneLots", contact="Max")[0].contact == "Max"
    set_operator(None)
