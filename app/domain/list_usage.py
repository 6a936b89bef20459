"""Which rows and settings use an item of a user-managed list: what a delete refusal names.

Every list has a `ListKind` (its table, the column that names an item, the words for it). Usage counts
come from the tables that point at the item; settings naming it are found by their effective value
(a setting never written still names its default, e.g. inventory.sold_status names Sold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import setting_checks, settings
from app.domain.errors import NotFound
from app.models import (Condition, Grade, InventoryStatus, Listing, Order, OrderLine, OrderStatus, Unit, Variation,
                        VariationCondition, Warehouse)


@dataclass(frozen=True)
class ListKind:
    key: str  # the command line's word: grade, status, warehouse, condition, order-status
    model: type
    what: str  # in a sentence: "grade", "inventory status"
    title: str  # at the start of one: "Grade", "Status"
    column: str = "name"  # what names an item (a condition is named by its code)

    @property
    def ordered(self) -> bool:
        """Only lists with a position can be reordered."""
        return hasattr(self.model, "position")


KINDS: dict[str, ListKind] = {k.key: k for k in (
    ListKind("grade", Grade, "grade", "Grade"),
    ListKind("status", InventoryStatus, "inventory status", "Status"),
    ListKind("warehouse", Warehouse, "warehouse", "Warehouse"),
    ListKind("condition", Condition, "condition", "Condition", column="code"),
    ListKind("order-status", OrderStatus, "order status", "Order status"),
)}
# Settings that name order statuses without being checked against the list (ShipStation's own).
_EXTRA_NAMED = {OrderStatus: ("shipstation.push_statuses",)}


def kind_of(key: str) -> ListKind:
    try:
        return KINDS[key]
    except KeyError:
        raise NotFound(f"Unknown list “{key}”. Known: {', '.join(KINDS)}.") from None


def find(session: Session, kind: ListKind, name: str):
    column = getattr(kind.model, kind.column)
    return session.scalar(select(kind.model).where(func.lower(column) == (name or "").strip().lower()))


def required(session: Session, kind: ListKind, name: str):
    row = find(session, kind, name)
    if row is None:
        column = getattr(kind.model, kind.column)
        order = (kind.model.position, kind.model.id) if kind.ordered else (column,)
        known = ", ".join(session.scalars(select(column).order_by(*order)))
        raise NotFound(f"Unknown {kind.what} “{(name or '').strip()}”. Known: {known or 'none'}.")
    return row


def label(kind: ListKind, row) -> str:
    return getattr(row, kind.column)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True)
class Usage:
    units: int = 0
    skus: int = 0
    variations: int = 0
    order_lines: int = 0
    listings: int = 0
    orders: int = 0

    @property
    def in_use(self) -> bool:
        return any((self.units, self.skus, self.variations, self.order_lines, self.listings, self.orders))

    @property
    def words(self) -> str:
        parts = [plural(n, w) for n, w in ((self.units, "unit"), (self.skus, "SKU"), (self.orders, "order"),
                                           (self.order_lines, "order line"), (self.listings, "mapped listing")) if n]
        if not parts and self.variations:
            parts = [plural(self.variations, "variation")]
        return joined(parts) if parts else "nothing"


def variation_ids(session: Session, kind: ListKind, row) -> list[int]:
    """The variations built from a grade or a condition."""
    if kind.model is Grade:
        stmt = select(Variation.id).where(Variation.grade_id == row.id)
    else:
        stmt = select(VariationCondition.variation_id).where(VariationCondition.condition_id == row.id)
    return sorted(session.scalars(stmt))


def usage(session: Session, kind: ListKind, row) -> Usage:
    count = lambda stmt: session.scalar(stmt) or 0  # noqa: E731
    if kind.model in (Grade, Condition):
        vids = variation_ids(session, kind, row)
        if not vids:
            return Usage()
        return Usage(
            units=count(select(func.count(Unit.id)).where(Unit.variation_id.in_(vids))),
            skus=count(select(func.count(func.distinct(Variation.sku_norm))).where(Variation.id.in_(vids))),
            variations=len(vids),
            order_lines=count(select(func.count(OrderLine.id)).where(OrderLine.variation_id.in_(vids))),
            listings=count(select(func.count(Listing.id)).where(Listing.variation_id.in_(vids))),
        )
    if kind.model is InventoryStatus:
        return Usage(units=count(select(func.count(Unit.id)).where(Unit.status_id == row.id)))
    if kind.model is Warehouse:
        return Usage(units=count(select(func.count(Unit.id)).where(Unit.warehouse_id == row.id)))
    return Usage(orders=count(select(func.count(Order.id)).where(Order.status_id == row.id)))


def setting_keys(kind: ListKind) -> tuple[str, ...]:
    """Every shared setting whose value names items of this list."""
    named = tuple(key for key, (model, _) in setting_checks.NAMED.items() if model is kind.model)
    return named + _EXTRA_NAMED.get(kind.model, ())


def _same(value: Any, name: str) -> bool:
    return isinstance(value, str) and value.strip().lower() == name.strip().lower()


def names_it(value: Any, name: str) -> bool:
    if isinstance(value, dict):
        return any(_same(v, name) for v in value.values())
    if isinstance(value, list):
        return any(_same(v, name) for v in value)
    return _same(value, name)


def replaced(value: Any, old: str, new: str) -> Any:
    """The setting's value with `old` named `new` instead (a list keeps each name once, in order)."""
    if isinstance(value, dict):
        return {k: (new if _same(v, old) else v) for k, v in value.items()}
    if isinstance(value, list):
        out: list = []
        for item in value:
            item = new if _same(item, old) else item
            if not any(_same(o, item) for o in out if isinstance(item, str)):
                out.append(item)
        return out
    return new if _same(value, old) else value


def naming_settings(session: Session, kind: ListKind, name: str) -> list[str]:
    keys = setting_keys(kind)
    values = settings.get_many(session, list(keys)) if keys else {}
    return [key for key in keys if names_it(values[key], name)]


def describe_settings(keys: list[str]) -> str:
    """'the setting inventory.sold_status (status a unit takes when shipped)' for one or several."""
    described = [f"{key} ({settings.SPECS[key].help})" for key in keys]
    return ("the setting " if len(keys) == 1 else "the settings ") + joined(described)
