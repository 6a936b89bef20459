"""Buying stock: vendors, purchase orders and their lines, the vendor's IMEI list (manifest),
receipts (which PO line each received unit came in on, at what cost), landed costs and
diagnostic runs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Vendor(Base):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    contact: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PurchaseOrder(Base):
    """A lot bought from a vendor. `status`: draft, placed, partially_received, received, closed, cancelled."""

    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Letters first (PO100001), so a scanned PO number is never mistaken for an IMEI.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    reference: Mapped[str] = mapped_column(String(80), default="")
    expected_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    vendor: Mapped[Vendor] = relationship(lazy="joined")
    lines: Mapped[list[PurchaseOrderLine]] = relationship(order_by="PurchaseOrderLine.id", lazy="selectin")


class PurchaseOrderLine(Base):
    """What was bought, at model level, how many and at what unit cost."""

    __tablename__ = "po_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True)
    manufacturer: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(120))
    model_number: Mapped[str] = mapped_column(String(60), default="")
    network: Mapped[str] = mapped_column(String(60), default="")
    capacity: Mapped[str] = mapped_column(String(30), default="")
    color: Mapped[str] = mapped_column(String(60), default="")
    expected_grade_id: Mapped[int | None] = mapped_column(ForeignKey("grades.id"), default=None)
    quantity: Mapped[int] = mapped_column(default=1)
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))


class Manifest(Base):
    """The vendor's IMEI list for a PO (one per PO; a new file replaces the old list)."""

    __tablename__ = "po_manifests"

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"), unique=True)
    filename: Mapped[str] = mapped_column(String(260), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")


class ManifestRow(Base):
    """One device the vendor says is in the lot; `po_line_id` is the PO line it was matched to."""

    __tablename__ = "po_manifest_rows"
    __table_args__ = (UniqueConstraint("po_id", "code"), Index("ix_po_manifest_rows_code", "code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_id: Mapped[int] = mapped_column(ForeignKey("po_manifests.id", ondelete="CASCADE"), index=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(50))  # IMEI digits or the serial upper-cased
    kind: Mapped[str] = mapped_column(String(8))  # imei | serial
    po_line_id: Mapped[int | None] = mapped_column(ForeignKey("po_lines.id", ondelete="CASCADE"), default=None)
    manufacturer: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    model_number: Mapped[str] = mapped_column(String(60), default="")
    network: Mapped[str] = mapped_column(String(60), default="")
    capacity: Mapped[str] = mapped_column(String(30), default="")
    color: Mapped[str] = mapped_column(String(60), default="")
    grade: Mapped[str] = mapped_column(String(30), default="")
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)


class PoReceipt(Base):
    """A unit received against a PO line. One per unit: the database refuses a second."""

    __tablename__ = "po_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    po_line_id: Mapped[int] = mapped_column(ForeignKey("po_lines.id"), index=True)
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    unexpected: Mapped[bool] = mapped_column(default=False)  # not on the manifest
    over_receipt: Mapped[bool] = mapped_column(default=False)  # beyond the line's quantity (a manager let it in)
    # A vendor's replacement for a unit sent back on an RMA: not counted against the line's quantity.
    replaces_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")


class LandedCost(Base):
    """Freight or fees on a PO, spread over the units received so far (`method`: equal | by_cost)."""

    __tablename__ = "po_landed_costs"

    id: Mapped[int] = mapped_column(primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    method: Mapped[str] = mapped_column(String(10), default="equal")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")


class LandedCostShare(Base):
    """The part of a landed cost one unit carries (added to the unit's cost)."""

    __tablename__ = "po_landed_cost_shares"

    landed_cost_id: Mapped[int] = mapped_column(ForeignKey("po_landed_costs.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class DiagnosticRun(Base):
    """One run of a diagnostics tool on a unit, as imported from its export."""

    __tablename__ = "diagnostic_runs"
    __table_args__ = (Index("ix_diagnostic_runs_unit", "unit_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    tool: Mapped[str] = mapped_column(String(80), default="")
    tester: Mapped[str] = mapped_column(String(80), default="")
    grade: Mapped[str] = mapped_column(String(30), default="")
    conditions: Mapped[str] = mapped_column(String(200), default="")  # codes joined by ';'
    battery_health: Mapped[int | None] = mapped_column(default=None)  # percent
    failed_tests: Mapped[str] = mapped_column(Text, default="")  # joined by ';' ("" = passed)
    passed: Mapped[bool] = mapped_column(default=True)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")
