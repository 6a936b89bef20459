"""Products, variations and SKUs: find-or-create, and SKU assignment under the uniqueness rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import limits, reference, settings
from app.domain.changes import Changes
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.models import Condition, Grade, Listing, Product, Variation, VariationCondition
from app.domain.permissions import Permission, require
from app.domain.dates import counted

PRODUCT_FIELDS = ("manufacturer", "model", "model_number", "network", "capacity", "color")


@dataclass(frozen=True)
class ProductSpec:
    manufacturer: str
    model: str
    model_number: str = ""
    network: str = ""
    capacity: str = ""
    color: str = ""

    def cleaned(self) -> ProductSpec:
        values = {f: " ".join((getattr(self, f) or "").split()) for f in PRODUCT_FIELDS}
        if not values["manufacturer"] or not values["model"]:
            raise InvalidInput("A product needs at least a manufacturer and a model.")
        for f in PRODUCT_FIELDS:
            limits.check_length(f"product's {f.replace('_', ' ')}", values[f], getattr(Product, f))
        return ProductSpec(**values)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (getattr(self, f) for f in PRODUCT_FIELDS) if p)


def normalize_sku(sku: str | None) -> str | None:
    cleaned = (sku or "").strip()
    return cleaned.lower() if cleaned else None


def condition_key(condition_ids) -> str:
    return ",".join(str(i) for i in sorted(set(condition_ids)))


def find_or_create_product(session: Session, spec: ProductSpec) -> Product:
    spec = spec.cleaned()
    key = {f: getattr(spec, f) for f in PRODUCT_FIELDS}
    row = session.scalar(select(Product).filter_by(**key))
    if row is None:
        try:
            with session.begin_nested():
                row = Product(**key)
                session.add(row)
                session.flush()
        except IntegrityError:  # another station created it a moment ago: use theirs
            row = session.scalars(select(Product).filter_by(**key)).one()
    return row


def find_or_create_variation(
    session: Session, product: Product, grade: Grade, conditions: list[Condition]
) -> tuple[Variation, bool]:
    key = condition_key(c.id for c in conditions)
    row = session.scalar(
        select(Variation).where(
            Variation.product_id == product.id, Variation.grade_id == grade.id, Variation.condition_key == key
        )
    )
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            row = Variation(product_id=product.id, grade_id=grade.id, condition_key=key)
            session.add(row)
            session.flush()
            for c in conditions:
                session.add(VariationCondition(variation_id=row.id, condition_id=c.id))
            session.flush()
    except IntegrityError:  # another station created it a moment ago: use theirs
        row = session.scalars(select(Variation).where(
            Variation.product_id == product.id, Variation.grade_id == grade.id, Variation.condition_key == key)).one()
        return row, False
    session.refresh(row)
    return row, True


def variation_for(
    session: Session, spec: ProductSpec, grade_name: str, condition_codes
) -> tuple[Variation, bool]:
    grade = reference.grade(session, grade_name)
    conditions = reference.conditions(session, condition_codes)
    product = find_or_create_product(session, spec)
    return find_or_create_variation(session, product, grade, conditions)


def get_variation(session: Session, variation_id: int) -> Variation:
    row = session.get(Variation, variation_id)
    if row is None:
        raise NotFound(f"There is no variation with id {variation_id}.")
    return row


def variation_label(v: Variation) -> str:
    codes = "+".join(c.code for c in v.conditions)
    return f"{v.product.display_name} · {v.grade.name}" + (f" · {codes}" if codes else "")


def condition_codes(session: Session, variation_ids=None) -> dict[int, list[str]]:
    """Damage codes per variation, sorted; `variation_ids` (ids or a subquery) limits it."""
    stmt = (select(VariationCondition.variation_id, Condition.code)
            .join(Condition, Condition.id == VariationCondition.condition_id).order_by(Condition.code))
    if variation_ids is not None:
        stmt = stmt.where(VariationCondition.variation_id.in_(variation_ids))
    codes: dict[int, list[str]] = {}
    for vid, code in session.execute(stmt):
        codes.setdefault(vid, []).append(code)
    return codes


def variation_labels(session: Session, where) -> dict[int, tuple[str | None, str]]:
    """(sku_norm, label) of the variations matching `where`, read as plain rows.

    For lists of thousands of variations (listings, orders): no ORM objects, so a 100,000-variation
    catalog costs a few MB, not hundreds.
    """
    codes = condition_codes(session, select(Variation.id).where(where))
    result: dict[int, tuple[str | None, str]] = {}
    stmt = (select(Variation.id, Variation.sku_norm, Grade.name, *[getattr(Product, f) for f in PRODUCT_FIELDS])
            .join(Product, Product.id == Variation.product_id).join(Grade, Grade.id == Variation.grade_id)
            .where(where).order_by(Variation.id))
    for vid, sku_norm, grade, *parts in session.execute(stmt):
        label = " ".join(p for p in parts if p) + f" · {grade}"
        if vid in codes:
            label += " · " + "+".join(codes[vid])
        result[vid] = (sku_norm, label)
    return result


def sku_holders(session: Session, sku: str, exclude: set[int] = frozenset()) -> list[Variation]:
    norm = normalize_sku(sku)
    if norm is None:
        return []
    rows = session.scalars(select(Variation).where(Variation.sku_norm == norm).order_by(Variation.id))
    return [v for v in rows if v.id not in exclude]


def check_sku_free(session: Session, sku: str | None, variation_ids: set[int]) -> None:
    """With SKU uniqueness on, a SKU may sit on one variation only (compared case-insensitively)."""
    if normalize_sku(sku) is None or not settings.get(session, "catalog.sku_unique"):
        return
    if len(variation_ids) > 1:
        raise Conflict(
            f"SKU “{sku}” cannot go on {len(variation_ids)} variations: SKUs must be unique "
            "(turn off catalog.sku_unique to let several variations feed one SKU)."
        )
    holders = sku_holders(session, sku, exclude=variation_ids)
    if holders:
        raise Conflict(
            f"SKU “{sku}” is already used by {variation_label(holders[0])} (variation {holders[0].id}); "
            "SKUs must be unique."
        )


def assign_sku(session: Session, variation_ids, sku: str | None) -> Changes:
    """Give one SKU to one or several variations (None or "" clears it): a manager's catalog work."""
    require(session, Permission.CATALOG)
    return _set_sku(session, variation_ids, sku)


def first_sku(session: Session, variation: Variation, sku: str) -> Changes:
    """At receipt, a variation without a SKU takes the one given; one that has a SKU keeps it
    (as the CSV import refuses it) — changing a SKU re-points every unit of the variation."""
    if variation.sku_norm and variation.sku_norm != normalize_sku(sku):
        raise Conflict(f"{variation_label(variation)} already carries SKU “{variation.sku}”, not “{sku.strip()}”; "
                       "a manager changes SKUs in the catalog.", reason="sku_differs")
    return _set_sku(session, [variation.id], sku)


def _set_sku(session: Session, variation_ids, sku: str | None) -> Changes:
    ids = set(variation_ids)
    if not ids:
        raise InvalidInput("Choose at least one variation for the SKU.")
    cleaned = (sku or "").strip() or None
    if cleaned is not None and (len(cleaned) > limits.column_length(Variation.sku) or any(ch in cleaned for ch in "\t\r\n")):
        raise InvalidInput(f"A SKU is at most {limits.column_length(Variation.sku)} characters on one line.")
    rows = list(session.scalars(select(Variation).where(Variation.id.in_(ids)).with_for_update(of=Variation)))
    missing = ids - {v.id for v in rows}
    if missing:
        raise NotFound(f"There is no variation with id {min(missing)}.")
    check_sku_free(session, cleaned, ids)
    old = {v.sku_norm for v in rows if v.sku_norm}
    for v in rows:
        v.sku = cleaned
        v.sku_norm = normalize_sku(cleaned)
    session.flush()
    # Variations that share the old or new SKU see their SKU-line demand change too.
    touched = set(ids)
    norms = old | ({normalize_sku(cleaned)} if cleaned else set())
    if norms:
        touched |= set(session.scalars(select(Variation.id).where(Variation.sku_norm.in_(norms))))
    listings = set(session.scalars(select(Listing.id).where(Listing.sku_norm.in_(norms)))) if norms else set()
    return Changes.of(variations=touched, listings=listings, catalog=True,
                      message=f"SKU {cleaned or '(none)'} on {counted(len(ids), 'variation')}")


def count_variations(session: Session) -> int:
    return session.scalar(select(func.count(Variation.id))) or 0
