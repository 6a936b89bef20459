"""Back Market listings with their mapping, the sync's outbox, run log and lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class Listing(Base):
    """A Back Market listing as last imported, plus what we decided about it."""

    __tablename__ = "bm_listings"
    __table_args__ = (Index("ix_bm_listings_sku_norm", "sku_norm"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(64), unique=True)
    listing_id: Mapped[int | None] = mapped_column(unique=True, default=None)
    sku: Mapped[str] = mapped_column(String(120))
    sku_norm: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300), default="")
    grade: Mapped[str] = mapped_column(String(30), default="")
    price: Mapped[str | None] = mapped_column(String(30), default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    bm_quantity: Mapped[int] = mapped_column(default=0)
    publication_state: Mapped[int | None] = mapped_column(default=None)
    # Variation mode: the one variation the manager mapped this listing to.
    variation_id: Mapped[int | None] = mapped_column(ForeignKey("variations.id"), default=None, index=True)
    # Safety rules: keep `reserve` units back; never list more than `max_listed`.
    reserve: Mapped[int] = mapped_column(default=0)
    max_listed: Mapped[int | None] = mapped_column(default=None)
    last_pushed_quantity: Mapped[int | None] = mapped_column(default=None)
    last_pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxMessage(Base):
    """A remote write waiting to reach Back Market: persisted so nothing is lost offline or on a crash."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "done_at", "next_attempt_at"),
                      Index("ix_outbox_kind_line_ref", "kind", "line_ref"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # accept_line | ship_order | ...
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), default=None, index=True)
    payload: Mapped[str] = mapped_column(Text)  # JSON
    # The remote order line a message is about (accept_line): looked up by index, not by parsing payloads.
    line_ref: Mapped[str | None] = mapped_column(String(60), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    failed: Mapped[bool] = mapped_column(default=False)


class QuarantinedRecord(Base):
    """A Back Market order or listing that could not be read: set aside so it blocks nothing else,
    shown in sync health until it reads cleanly again."""

    __tablename__ = "bm_quarantine"
    __table_args__ = (UniqueConstraint("kind", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # order | listing
    external_id: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text, default="")  # the record as received, cut to 20,000 characters
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    times_seen: Mapped[int] = mapped_column(default=1)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class SyncRun(Base):
    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    station: Mapped[str] = mapped_column(String(80), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the cycle did
    error: Mapped[str | None] = mapped_column(Text, default=None)
    error_kind: Mapped[str | None] = mapped_column(String(40), default=None)


class SyncLease(Base):
    """Only the holder of an unexpired lease runs Back Market sync cycles."""

    __tablename__ = "sync_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
