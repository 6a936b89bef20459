"""Units on the shelf: warehouses, inventory statuses, units, their codes and their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.catalog import Variation


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class InventoryStatus(Base):
    __tablename__ = "inventory_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    # Only units in a sellable status may be committed to an order.
    sellable: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class Unit(Base):
    """One serialized device (an inventory item)."""

    __tablename__ = "units"
    __table_args__ = (
        # Matches the grouping of the calculated-quantity query: filter on status and
        # warehouse, group by variation, all from the index.
        Index("ix_units_status_warehouse_variation", "status_id", "warehouse_id", "variation_id"),
        Index("ix_units_variation", "variation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    imei: Mapped[str | None] = mapped_column(String(15), default=None)
    imei2: Mapped[str | None] = mapped_column(String(15), default=None)
    serial: Mapped[str | None] = mapped_column(String(50), default=None)
    variation_id: Mapped[int] = mapped_column(ForeignKey("variations.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("inventory_statuses.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    variation: Mapped[Variation] = relationship(lazy="joined")
    status: Mapped[InventoryStatus] = relationship(lazy="joined")
    warehouse: Mapped[Warehouse] = relationship(lazy="joined")

    @property
    def code(self) -> str:
        """What the packer scans: the IMEI, or the serial for devices without one."""
        return self.imei or self.serial or ""


class UnitCode(Base):
    """Every IMEI, second IMEI and serial of every unit, in one unique column.

    One table for all three makes the database itself refuse a code that already
    belongs to any unit, whichever slot it sits in. Serials are stored upper-cased.
    """

    __tablename__ = "unit_codes"

    code: Mapped[str] = mapped_column(String(50), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # imei | imei2 | serial


class UnitEvent(Base):
    """Append-only history of a unit: never updated, never deleted."""

    __tablename__ = "unit_events"
    __table_args__ = (Index("ix_unit_events_unit", "unit_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), default=None)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")
