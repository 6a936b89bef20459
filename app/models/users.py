"""Operators who sign in at a station, and the audit trail of shared-settings changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class User(Base):
    """A person who signs in: a role, an optional badge barcode and a PIN kept only as a slow hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # Casefolded name: "Sam" and "sam" are one person, the database refuses the second.
    name_norm: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    badge_code: Mapped[str | None] = mapped_column(String(60), unique=True, default=None)
    pin_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SettingChange(Base):
    """Append-only: one row per shared-setting write, with who made it and where."""

    __tablename__ = "setting_changes"
    __table_args__ = (Index("ix_setting_changes_key", "key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    old_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON, None when it was the default
    new_value: Mapped[str | None] = mapped_column(Text, default=None)  # JSON
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    station: Mapped[str] = mapped_column(String(80), default="")
    operator: Mapped[str] = mapped_column(String(80), default="")
