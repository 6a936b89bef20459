"""Orders: customers, channels, order statuses, lines and the units committed to them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Channel(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class OrderStatus(Base):
    __tablename__ = "order_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    # Lines of an open order reserve stock (they count as outstanding demand).
    is_open: Mapped[bool] = mapped_column(default=False)
    # Units may be scanned onto orders in this status.
    allows_commit: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("channel_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always starts with letters, so a scanned order number is never mistaken for an IMEI.
    number: Mapped[str] = mapped_column(String(30), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    status_id: Mapped[int] = mapped_column(ForeignKey("order_statuses.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(60), default=None)
    shipping_address: Mapped[str] = mapped_column(Text, default="")
    tracking_number: Mapped[str | None] = mapped_column(String(200), default=None)
    carrier: Mapped[str | None] = mapped_column(String(100), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    customer: Mapped[Customer] = relationship(lazy="joined")
    channel: Mapped[Channel] = relationship(lazy="joined")
    status: Mapped[OrderStatus] = relationship(lazy="joined")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """What an order wants: a variation, or a SKU that any variation carrying it can fill."""

    __tablename__ = "order_lines"
    __table_args__ = (
        Index("ix_order_lines_variation", "variation_id"),
        Index("ix_order_lines_sku_norm", "sku_norm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variation_id: Mapped[int | None] = mapped_column(ForeignKey("variations.id"), default=None)
    sku: Mapped[str | None] = mapped_column(String(120), default=None)
    sku_norm: Mapped[str | None] = mapped_column(String(120), default=None)
    quantity: Mapped[int] = mapped_column(default=1)
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), default=None)
    external_id: Mapped[str | None] = mapped_column(String(60), default=None)
    # The marketplace listing (its SKU) the line was bought from, kept even when unmapped.
    listing_sku: Mapped[str | None] = mapped_column(String(120), default=None)
    # Imported from a listing nobody mapped yet: cannot be committed until it is.
    unmapped: Mapped[bool] = mapped_column(default=False)
    # Cancelled or refunded on the marketplace: reserves nothing, accepts no units.
    closed: Mapped[bool] = mapped_column(default=False)
    remote_state: Mapped[int | None] = mapped_column(default=None)
    title: Mapped[str] = mapped_column(String(300), default="")

    order: Mapped[Order] = relationship(back_populates="lines")


class Commitment(Base):
    """A unit scanned onto an order line.

    `active` while the order is open; a shipped or released commitment stays as history.
    The partial unique index lets the database refuse a second active commitment of a unit,
    so two stations can never pack the same phone.
    """

    __tablename__ = "commitments"
    __table_args__ = (
        Index(
            "uq_commitments_active_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        Index("ix_commitments_line", "line_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    station: Mapped[str] = mapped_column(String(80), default="")
