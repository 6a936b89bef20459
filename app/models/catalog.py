"""What a device is: products, grades, damage conditions and the variations built from them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("manufacturer", "model", "model_number", "network", "capacity", "color"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Absent parts are stored as "" (never NULL) so the unique constraint sees them as equal.
    manufacturer: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(120))
    model_number: Mapped[str] = mapped_column(String(60), default="")
    network: Mapped[str] = mapped_column(String(60), default="")
    capacity: Mapped[str] = mapped_column(String(30), default="")
    color: Mapped[str] = mapped_column(String(60), default="")

    @property
    def display_name(self) -> str:
        parts = (self.manufacturer, self.model, self.model_number, self.network, self.capacity, self.color)
        return " ".join(p for p in parts if p)


class Grade(Base):
    __tablename__ = "grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class Condition(Base):
    """A damage code such as CG (Cracked Glass)."""

    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class VariationCondition(Base):
    __tablename__ = "variation_conditions"

    variation_id: Mapped[int] = mapped_column(ForeignKey("variations.id", ondelete="CASCADE"), primary_key=True)
    condition_id: Mapped[int] = mapped_column(ForeignKey("conditions.id"), primary_key=True)


class Variation(Base):
    """Product + grade + a set of conditions: the thing stock is counted and sold by."""

    __tablename__ = "variations"
    __table_args__ = (
        UniqueConstraint("product_id", "grade_id", "condition_key"),
        Index("ix_variations_sku_norm", "sku_norm"),
        # The catalog filter walks variations in this order and tests each SKU from the index alone
        # (migration 0009).
        Index("ix_variations_catalog_order_sku", "product_id", "grade_id", "condition_key", "sku_norm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    grade_id: Mapped[int] = mapped_column(ForeignKey("grades.id"))
    # Sorted condition ids joined by "," ("" for none): lets the database enforce one
    # variation per (product, grade, condition set).
    condition_key: Mapped[str] = mapped_column(String(200), default="")
    sku: Mapped[str | None] = mapped_column(String(120), default=None)
    # SKUs compare case-insensitively (Back Market does): lookups go through this column.
    sku_norm: Mapped[str | None] = mapped_column(String(120), default=None)

    product: Mapped[Product] = relationship(lazy="joined")
    grade: Mapped[Grade] = relationship(lazy="joined")
    conditions: Mapped[list[Condition]] = relationship(
        secondary="variation_conditions", lazy="selectin", order_by="Condition.code"
    )
