"""Vendors: who lots are bought from and who defects go back to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import limits
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput
from app.domain.permissions import Permission, require
from app.domain.purchasing import common
from app.models import Vendor


@dataclass(frozen=True)
class VendorInfo:
    id: int
    name: str
    contact: str


def add_vendor(session: Session, name: str, contact: str = "") -> tuple[VendorInfo, Changes]:
    """Add a vendor (manager). Names are unique whatever their case; adding an existing name is refused."""
    require(session, Permission.PURCHASING)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("A vendor needs a name.")
    limits.check_length("vendor name", name, Vendor.name)
    if session.scalar(select(Vendor.id).where(func.lower(Vendor.name) == name.lower())) is not None:
        raise Conflict(f"There is already a vendor named “{name}”.", reason="duplicate_vendor")
    row = Vendor(name=name, contact=(contact or "").strip())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(f"There is already a vendor named “{name}”.", reason="duplicate_vendor") from None
    return VendorInfo(row.id, row.name, row.contact), Changes.of(catalog=True, message=f"Vendor {name}")


def update_vendor(session: Session, name: str, *, new_name: str | None = None,
                  contact: str | None = None) -> tuple[VendorInfo, Changes]:
    """Rename a vendor and/or change its contact (manager). POs and RMAs follow the vendor by id, so
    a rename shows everywhere; a new name another vendor has (whatever its case) is refused."""
    require(session, Permission.PURCHASING)
    if new_name is None and contact is None:
        raise InvalidInput("Nothing to change: give a new name or a contact.")
    row = common.vendor_named(session, name)
    old = row.name
    if new_name is not None:
        new_name = " ".join(new_name.split())
        if not new_name:
            raise InvalidInput("A vendor needs a name.")
        limits.check_length("vendor name", new_name, Vendor.name)
        other = session.scalar(select(Vendor.name).where(func.lower(Vendor.name) == new_name.lower(),
                                                         Vendor.id != row.id))
        if other is not None:
            raise Conflict(f"There is already a vendor named “{other}”.", reason="duplicate_vendor")
    try:
        with session.begin_nested():
            if new_name is not None:
                row.name = new_name
            if contact is not None:
                row.contact = contact.strip()
            session.flush()
    except IntegrityError:  # another station took the name just now
        raise Conflict(f"There is already a vendor named “{new_name}”.", reason="duplicate_vendor") from None
    said = f"Vendor {old}" + (f" renamed {row.name}" if row.name != old else " updated")
    return VendorInfo(row.id, row.name, row.contact), Changes.of(catalog=True, message=said)


def list_vendors(session: Session) -> list[VendorInfo]:
    return [VendorInfo(v.id, v.name, v.contact) for v in session.scalars(select(Vendor).order_by(Vendor.name))]
