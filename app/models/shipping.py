"""Shipping: an order's structured ship-to address, and what ShipStation knows about the order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ShippingAddress(Base):
    """Where an order goes, field by field (the older free-text `orders.shipping_address` stays as it was)."""

    __tablename__ = "order_addresses"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200), default="")
    street1: Mapped[str] = mapped_column(String(200))
    street2: Mapped[str] = mapped_column(String(200), default="")
    street3: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, upper case
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ShipStationOrder(Base):
    """One local order as ShipStation has it: the key it was pushed under, the label bought for it."""

    __tablename__ = "shipstation_orders"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    order_key: Mapped[str] = mapped_column(String(80), unique=True)
    remote_id: Mapped[int | None] = mapped_column(BigInteger, default=None, index=True)  # ids are past 2^31
    remote_status: Mapped[str] = mapped_column(String(30), default="")  # awaiting_shipment, shipped, cancelled
    fingerprint: Mapped[str] = mapped_column(String(64), default="")  # of the order as last pushed
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    problem: Mapped[str | None] = mapped_column(Text, default=None)  # why it is not (or not fully) in ShipStation
    label_shipment_id: Mapped[int | None] = mapped_column(BigInteger, default=None)  # the live label, if any
    label_tracking: Mapped[str | None] = mapped_column(String(200), default=None)
    label_carrier: Mapped[str | None] = mapped_column(String(100), default=None)  # display name
    label_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    label_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    waiting_for_packing: Mapped[bool] = mapped_column(default=False)  # "label bought, not packed"
    marked_shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # Shipped at the packing station, and the packer answered "no" to marking it shipped in ShipStation.
    leave_open: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
