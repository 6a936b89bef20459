"""Correcting a unit in stock: its grade, conditions, product, cost or warehouse, outside the returns desk.

A receiver who picked the wrong grade or product, a tester who found a scratch, a manager fixing a
cost: each fix goes through `correct_unit`, all of it or none, under the unit's lock, and is written
to the unit's history with the operator. A new grade, conditions or product move the unit to that
variation (created if needed, as receiving does); the database triggers then record which listings'
quantities moved (the pending pushes), exactly as for a received or moved unit.

The integrity rules (PRODUCT.md) hold: a unit on an open order keeps its grade, conditions and
product (uncommit it first); a shipped unit changes nothing but its cost until the returns desk takes
it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from app.domain import catalog, history, inventory, limits, reference
from app.domain.catalog import PRODUCT_FIELDS, ProductSpec
from app.domain.changes import Changes
from app.domain.errors import InvalidInput, NotFound
from app.domain.permissions import Permission, require
from app.domain.station import Actor
from app.models import Product, Unit, Variation

FIELDS = ("grade", "conditions", "product", "cost", "warehouse")


@dataclass(frozen=True)
class Correction:
    """What to change; None leaves a field as it is. `cost=""` clears the cost."""

    grade: str | None = None
    conditions: tuple[str, ...] | None = None
    product: str | None = None  # an existing product's full name, as the catalog shows it
    cost: str | None = None
    warehouse: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in FIELDS)


def split_conditions(text: str) -> tuple[str, ...]:
    """`CG;SC` (or `CG+SC`, `CG,SC`); empty or `none` means no conditions."""
    words = [w.strip() for w in text.replace("+", ";").replace(",", ";").split(";") if w.strip()]
    return () if [w.lower() for w in words] in ([], ["none"]) else tuple(words)


def parse_settings(pairs: list[str]) -> Correction:
    """`--set grade=B --set conditions=CG;SC --set cost=199.50` from the command line."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or key not in FIELDS:
            raise InvalidInput(f"“{pair}”: write FIELD=VALUE with FIELD one of {', '.join(FIELDS)} (e.g. grade=B).")
        if key in values:
            raise InvalidInput(f"{key} is set twice.")
        values[key] = value.strip()
    if "conditions" in values:
        values["conditions"] = split_conditions(values["conditions"])
    return Correction(**values)


def product_named(session: Session, name: str) -> Product:
    """The product whose full name (maker, model, number, network, capacity, colour) is `name`."""
    wanted = " ".join((name or "").split()).lower()
    if not wanted:
        raise InvalidInput("Say which product: its full name as the catalog shows it.")
    sep = literal(" ")
    text = func.lower(Product.manufacturer + sep + Product.model + sep + Product.model_number + sep + Product.network
                      + sep + Product.capacity + sep + Product.color)
    like = [text.like("%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", escape="\\")
            for w in wanted.split()]
    for product in session.scalars(select(Product).where(*like).limit(200)):
        if ProductSpec(*(getattr(product, f) for f in PRODUCT_FIELDS)).display_name.lower() == wanted:
            return product
    raise NotFound(f"Unknown product “{name}”: choose one the catalog has (receive the first unit of a new product "
                   "on the Receive page).", reason="unknown_product")


def _cost(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(f"The cost “{text}” is not a number.") from None
    limits.check_amount("cost", amount)
    return amount


def _product_name(product: Product) -> str:
    return ProductSpec(*(getattr(product, f) for f in PRODUCT_FIELDS)).display_name


def correct_unit(session: Session, raw_code: str, correction: Correction, *, actor: Actor | None = None) -> Changes:
    """Apply a correction to one unit, or refuse it whole with a one-line reason."""
    require(session, Permission.MOVE)
    if correction.is_empty():
        raise InvalidInput("Say what to correct: grade, conditions, product, cost or warehouse.")
    if correction.cost is not None:
        require(session, Permission.VIEW_COSTS)
    unit: Unit = inventory.find_unit(session, raw_code, lock=True)
    old: Variation = unit.variation
    # Read and check every new value before anything is written.
    grade = reference.grade(session, correction.grade) if correction.grade is not None else old.grade
    conditions = (reference.conditions(session, correction.conditions) if correction.conditions is not None
                  else sorted(old.conditions, key=lambda c: c.id))
    product = product_named(session, correction.product) if correction.product is not None else old.product
    warehouse = reference.warehouse(session, correction.warehouse) if correction.warehouse is not None else unit.warehouse
    cost = _cost(correction.cost) if correction.cost is not None else unit.cost

    key = catalog.condition_key(c.id for c in conditions)
    new_variation = (product.id, grade.id, key) != (old.product_id, old.grade_id, old.condition_key)
    new_warehouse = warehouse.id != unit.warehouse_id
    new_cost = cost != unit.cost
    if new_variation or new_warehouse:
        what = ("product" if product.id != old.product_id else "grade" if grade.id != old.grade_id else "conditions"
                ) if new_variation else "warehouse"
        inventory.refuse_if_sold(session, unit, what)
        if new_variation:
            inventory.refuse_if_committed(session, unit, what)
    if not (new_variation or new_warehouse or new_cost):
        return Changes.of(message=f"{unit.code} already is as asked: nothing changed.")

    changes = Changes.of(units={unit.id}, variations={old.id})
    if new_variation:
        variation, created = catalog.find_or_create_variation(session, product, grade, conditions)
        if product.id != old.product_id:
            history.record(session, unit.id, history.PRODUCT, f"{_product_name(old.product)} → {_product_name(product)}",
                           actor=actor)
        if grade.id != old.grade_id:
            history.record(session, unit.id, history.GRADE, f"{old.grade.name} → {grade.name}", actor=actor)
        if key != old.condition_key:
            before = "+".join(c.code for c in sorted(old.conditions, key=lambda c: c.code)) or "none"
            after = "+".join(c.code for c in sorted(conditions, key=lambda c: c.code)) or "none"
            history.record(session, unit.id, history.CONDITIONS, f"{before} → {after}", actor=actor)
        unit.variation_id = variation.id
        changes |= Changes.of(variations={variation.id}, catalog=created)
    if new_warehouse:
        history.record(session, unit.id, history.WAREHOUSE, f"{unit.warehouse.name} → {warehouse.name}", actor=actor)
        unit.warehouse_id = warehouse.id
    if new_cost:
        # The amounts stay out of the history: packers read it and may not see costs.
        history.record(session, unit.id, history.COST, "cost corrected" if cost is not None else "cost cleared",
                       actor=actor)
        unit.cost = cost
    session.flush()
    session.expire(unit)
    return changes | Changes.of(message=f"Corrected {unit.code}")
