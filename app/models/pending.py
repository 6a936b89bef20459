"""Pending quantity pushes: the durable, cross-process record that stock may have moved.

Database triggers (migration 0003) add a row in the same transaction as every change that can move
a calculated quantity — a unit received, moved or regraded, a commitment made or released, an order
line or an order's status changed, a SKU, a listing's mapping or rules, a counted setting — whichever
process, station or code path made it. The process holding the sync lease reads the rows, pushes the
listings they touch and deletes exactly the rows it read. No code path can forget to record a change.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# What a row points at: a variation, an order, a listing, or everything (a setting or a list changed).
VARIATION, ORDER, LISTING, EVERYTHING = "variation", "order", "listing", "all"


class PendingPush(Base):
    __tablename__ = "pending_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int | None] = mapped_column(default=None)
