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


def list_vendors(session: Session) -> list[VendorInfo]:
    return [VendorInfo(v.id, v.name, v.contact) for v in session.scalars(select(Vendor).order_by(Vendor.name))]
