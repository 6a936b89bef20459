"""Vendor returns (RMAs): defective units sent back to the vendor they came from, for credit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.purchasing import Vendor


class VendorRma(Base):
    """`status`: draft → approved (manager) → shipped (tracking) → closed (every line resolved)."""

    __tablename__ = "vendor_rmas"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # RMA100001
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    ra_number: Mapped[str] = mapped_column(String(80), default="")  # the vendor's return authorisation
    status: Mapped[str] = mapped_column(String(20), default="draft")
    tracking: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    approved_by: Mapped[str] = mapped_column(String(80), default="")
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    vendor: Mapped[Vendor] = relationship(lazy="joined")


class VendorRmaLine(Base):
    """One unit on an RMA. `open` until the line is resolved; the partial unique index lets the
    database refuse a unit on two open RMAs at once."""

    __tablename__ = "vendor_rma_lines"
    __table_args__ = (
        Index("uq_vendor_rma_lines_open_unit", "unit_id", unique=True,
              sqlite_where=text("open"), postgresql_where=text("open")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_id: Mapped[int] = mapped_column(ForeignKey("vendor_rmas.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    open: Mapped[bool] = mapped_column(default=True)
    # credited | replaced | repaired_returned | rejected_returned | written_off
    resolution: Mapped[str | None] = mapped_column(String(20), default=None)
    credit_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    replacement_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
