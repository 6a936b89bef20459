"""Folding variations together when a grade or a condition is merged into another.

Merging grade B into C turns every "iPhone 13 · B" variation into "iPhone 13 · C". Where that
variation already exists, the two become one: units, order lines and mapped listings move to the
survivor (the pending-push triggers see every moved unit, line and listing, so quantities follow),
and the survivor takes the SKU if it had none. Two different SKUs cannot become one variation's
without a marketplace listing losing its stock: that is refused, naming them, before anything moves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.domain import catalog
from app.domain.errors import Conflict
from app.domain.station import current_actor
from app.models import Condition, Grade, Listing, OrderLine, Unit, UnitEvent, Variation, VariationCondition
from app.models.base import utcnow

_Place = tuple[int, int, str]  # product, grade, condition key


@dataclass(frozen=True)
class Folded:
    variations: frozenset[int]  # every variation touched (survivors and the ones folded away)
    units: frozenset[int]
    joined: int  # how many variations were folded into another


def _conditions(session: Session, vid: int) -> set[int]:
    return set(session.scalars(select(VariationCondition.condition_id).where(VariationCondition.variation_id == vid)))


def _target(session: Session, v: Variation, old, new) -> _Place:
    if isinstance(old, Grade):
        return (v.product_id, new.id, v.condition_key)
    ids = (_conditions(session, v.id) - {old.id}) | {new.id}
    return (v.product_id, v.grade_id, catalog.condition_key(ids))


def _existing(session: Session, place: _Place, moving: set[int]) -> Variation | None:
    row = session.scalar(select(Variation).where(Variation.product_id == place[0], Variation.grade_id == place[1],
                                                 Variation.condition_key == place[2]))
    return row if row is not None and row.id not in moving else None


def fold(session: Session, old: Grade | Condition, new: Grade | Condition, what: str) -> Folded:
    """Every variation built from `old` is rebuilt from `new`; `what` names the merge in unit history."""
    if isinstance(old, Grade):
        moving = list(session.scalars(select(Variation).where(Variation.grade_id == old.id).order_by(Variation.id)))
    else:
        moving = list(session.scalars(select(Variation).join(VariationCondition, VariationCondition.variation_id ==
                                                             Variation.id).where(VariationCondition.condition_id ==
                                                                                 old.id).order_by(Variation.id)))
    ids = {v.id for v in moving}
    groups: dict[_Place, list[Variation]] = {}
    survivors: dict[_Place, Variation | None] = {}
    for v in moving:
        place = _target(session, v, old, new)
        if place not in survivors:
            survivors[place] = _existing(session, place, ids)
        groups.setdefault(place, []).append(v)
    _refuse_sku_clashes(groups, survivors, what)

    unit_ids = set(session.scalars(select(Unit.id).where(Unit.variation_id.in_(sorted(ids))))) if ids else set()
    touched: set[int] = set(ids)
    joined = 0
    for place, members in groups.items():
        survivor = survivors[place]
        if survivor is None:
            survivor = members.pop(0)
            _rebuild(session, survivor, old, new, place)
        touched.add(survivor.id)
        for v in members:
            _join(session, v, survivor)
            joined += 1
    _history(session, unit_ids, what)
    session.flush()
    session.expire_all()  # the rows above were changed with plain statements
    return Folded(frozenset(touched), frozenset(unit_ids), joined)


def _refuse_sku_clashes(groups, survivors, what: str) -> None:
    clashes = []
    for place, members in groups.items():
        everyone = ([survivors[place]] if survivors[place] is not None else []) + members
        skus = {v.sku_norm: v.sku for v in everyone if v.sku_norm}
        if len(skus) > 1:
            clashes.append(f"{catalog.variation_label(everyone[0])} would carry SKUs {' and '.join(sorted(skus.values()))}")
    if clashes:
        raise Conflict(f"Cannot merge {what}: two variations with different SKUs would become one — "
                       f"{'; '.join(clashes[:5])}. Give them the same SKU (or clear one) first.")


def _rebuild(session: Session, v: Variation, old, new, place: _Place) -> None:
    if isinstance(old, Grade):
        session.execute(update(Variation).where(Variation.id == v.id).values(grade_id=new.id))
        return
    session.execute(delete(VariationCondition).where(VariationCondition.variation_id == v.id,
                                                     VariationCondition.condition_id == old.id))
    if new.id not in _conditions(session, v.id):
        session.execute(insert(VariationCondition).values(variation_id=v.id, condition_id=new.id))
    session.execute(update(Variation).where(Variation.id == v.id).values(condition_key=place[2]))


def _join(session: Session, v: Variation, survivor: Variation) -> None:
    """`v` becomes `survivor`: every reference moves, then `v` goes."""
    sku, norm = v.sku, v.sku_norm
    if norm and not survivor.sku_norm:
        session.execute(update(Variation).where(Variation.id == v.id).values(sku=None, sku_norm=None))
        session.execute(update(Variation).where(Variation.id == survivor.id).values(sku=sku, sku_norm=norm))
    for model in (Unit, OrderLine, Listing):
        session.execute(update(model).where(model.variation_id == v.id).values(variation_id=survivor.id)
                        .execution_options(synchronize_session=False))
    session.execute(delete(VariationCondition).where(VariationCondition.variation_id == v.id))
    session.execute(delete(Variation).where(Variation.id == v.id).execution_options(synchronize_session=False))
    session.expunge(v)


def _history(session: Session, unit_ids: set[int], what: str) -> None:
    if not unit_ids:
        return
    actor, at = current_actor(), utcnow()
    session.execute(insert(UnitEvent.__table__), [
        {"unit_id": uid, "at": at, "kind": "grade", "detail": f"{what} (list merge)", "order_id": None,
         "station": actor.station, "operator": actor.operator} for uid in sorted(unit_ids)])
