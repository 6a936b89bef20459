"""Correcting the user-managed lists: rename, delete, merge into another, reorder.

A manager's work (Permission.LISTS), each one transaction. Shared settings store list items by name
(counted statuses, the order-state map, the sold status, ShipStation's pushed statuses…): a rename or
a merge rewrites them in the same transaction, through `settings.set_` (checked and audited); a
delete is refused while a setting or any row still names the item, saying which and how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.db import lock_first
from app.domain import settings
from app.domain.changes import Changes
from app.domain.errors import Conflict, DomainError, InvalidInput
from app.domain.list_usage import (ListKind, describe_settings, find, kind_of, label, naming_settings, plural, replaced,
                                   required, setting_keys, usage)
from app.domain.permissions import Permission, require
from app.domain.station import current_actor
from app.domain.variation_fold import fold
from app.models import Commitment, Condition, Grade, InventoryStatus, Order, OrderStatus, Unit, UnitEvent
from app.models.base import utcnow


def _clean(kind: ListKind, text: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InvalidInput(f"A {kind.what} needs a name.")
    if kind.model is Condition:
        cleaned = cleaned.upper()
        if " " in cleaned or ";" in cleaned or "," in cleaned:
            raise InvalidInput(f"A condition code is one word without ';' or ',': “{cleaned}”.")
    limit = getattr(kind.model, kind.column).type.length
    if limit and len(cleaned) > limit:
        raise InvalidInput(f"A {kind.what} name is at most {limit} characters: “{cleaned[:40]}…”.")
    return cleaned


def _refuse_built_in(kind: ListKind, row, doing: str) -> None:
    """Purchasing moves units into these by name (app/domain/defaults.py): they keep their names."""
    from app.domain.defaults import PURCHASING_STATUSES, UNGRADED

    built_in = {Grade: (UNGRADED,), InventoryStatus: PURCHASING_STATUSES}.get(kind.model, ())
    name = label(kind, row)
    if name.lower() in {b.lower() for b in built_in}:
        raise Conflict(f"{kind.title} {name} is used by purchasing and vendor returns by its name; it cannot be {doing}.")


def _repoint(session: Session, kind: ListKind, old: str, new: str) -> list[str]:
    """Every setting naming `old` names `new` instead; returns the keys rewritten."""
    keys = setting_keys(kind)
    values = settings.get_many(session, list(keys)) if keys else {}
    changed = []
    for key in keys:
        value = replaced(values[key], old, new)
        if value != values[key]:
            settings.set_(session, key, value)
            changed.append(key)
    return changed


def _settings_note(keys: list[str]) -> str:
    return f"; {describe_settings(keys).removeprefix('the ')} now name it" if keys else ""


def rename(session: Session, kind_key: str, old: str, new: str) -> Changes:
    require(session, Permission.LISTS)
    kind = kind_of(kind_key)
    row = required(session, kind, old)
    was = label(kind, row)
    new = _clean(kind, new)
    if new.lower() != was.lower():
        _refuse_built_in(kind, row, "renamed")
    other = find(session, kind, new)
    if other is not None and other.id != row.id:
        raise Conflict(f"There is already a {kind.what} “{label(kind, other)}” (names compare whatever their case); "
                       f"merge {was} into it instead.")
    if new == was:
        return Changes.of(message=f"{kind.title} {was} unchanged")
    setattr(row, kind.column, new)
    session.flush()
    keys = _repoint(session, kind, was, new)
    return Changes.of(catalog=True, settings=bool(keys), message=f"{kind.title} {was} renamed to {new}{_settings_note(keys)}")


def _lock(session: Session, kind: ListKind, *rows) -> None:
    """Another station receiving a unit into the item (PostgreSQL) holds it until it commits: wait for
    it, so the units it added are counted or moved too, instead of the delete failing on its key."""
    ids = sorted({r.id for r in rows})
    lock_first(session, select(kind.model.id).where(kind.model.id.in_(ids)))


def delete(session: Session, kind_key: str, name: str) -> Changes:
    """Only an item nothing uses: otherwise the refusal says what uses it and offers the merge."""
    require(session, Permission.LISTS)
    kind = kind_of(kind_key)
    row = required(session, kind, name)
    _refuse_built_in(kind, row, "deleted")
    _lock(session, kind, row)
    name = label(kind, row)
    used = usage(session, kind, row)
    if used.in_use:
        raise Conflict(f"{kind.title} {name} is used by {used.words} — merge it into another {kind.what} instead.")
    keys = naming_settings(session, kind, name)
    if keys:
        raise Conflict(f"{kind.title} {name} is named by {describe_settings(keys)} — merge it into another "
                       f"{kind.what} (the settings follow), or change {'that setting' if len(keys) == 1 else 'them'} first.")
    if kind.model is not Condition and (session.scalar(select(func.count(kind.model.id))) or 0) <= 1:
        raise Conflict(f"{name} is the only {kind.what}; add another before deleting it.")
    session.delete(row)
    session.flush()
    return Changes.of(catalog=True, message=f"{kind.title} {name} deleted")


def merge(session: Session, kind_key: str, name: str, into: str) -> Changes:
    """Every reference to `name` (rows and settings) moves to `into`, then `name` goes: one transaction."""
    require(session, Permission.LISTS)
    kind = kind_of(kind_key)
    row, target = required(session, kind, name), required(session, kind, into)
    name, into = label(kind, row), label(kind, target)
    if row.id == target.id:
        raise InvalidInput(f"{kind.title} {name} cannot be merged into itself; choose another {kind.what}.")
    _refuse_built_in(kind, row, "merged away")
    _lock(session, kind, row, target)
    if kind.model is OrderStatus:
        _refuse_different_flags(session, row, target)
    _refuse_mixing(session, kind, row, target)
    what = f"{kind.what} {name} merged into {into}"
    variations: frozenset[int] = frozenset()
    order_ids: list[int] = []
    if kind.model in (Grade, Condition):
        folded = fold(session, row, target, what)
        units, variations = folded.units, folded.variations
        moved = plural(len(units), "unit") + " moved" + (f", {plural(folded.joined, 'variation')} joined" if folded.joined else "")
    elif kind.model is OrderStatus:
        order_ids = list(session.scalars(select(Order.id).where(Order.status_id == row.id)))
        session.execute(update(Order).where(Order.status_id == row.id).values(status_id=target.id))
        units, moved = frozenset(), plural(len(order_ids), "order") + " moved"
    else:
        units = _move_units(session, kind, row, target, what)
        moved = plural(len(units), "unit") + " moved"
    keys = _repoint(session, kind, name, into)
    session.delete(row)
    session.flush()
    return Changes.of(variations=variations, units=units, orders=order_ids, catalog=True, settings=bool(keys),
                      message=f"{kind.title} {name} merged into {into}: {moved}{_settings_note(keys)}")


def _refuse_different_flags(session: Session, row: OrderStatus, target: OrderStatus) -> None:
    """Orders keep their meaning: an open order must not silently stop reserving stock, or the reverse."""
    if (row.is_open, row.allows_commit) == (target.is_open, target.allows_commit):
        return
    orders = session.scalar(select(func.count(Order.id)).where(Order.status_id == row.id)) or 0
    if orders:
        flags = lambda s: f"{'open' if s.is_open else 'not open'}, {'allows' if s.allows_commit else 'no'} commit"  # noqa: E731
        raise Conflict(f"Order status {row.name} ({flags(row)}) and {target.name} ({flags(target)}) differ: the "
                       f"{plural(orders, 'order')} in {row.name} would change whether they reserve stock or take "
                       f"units. Give both the same ticks first, then merge.")


# A status with a rule of its own: only shipping puts a unit in Sold, only shipping ships an order.
_ROLES = {InventoryStatus: ("inventory.sold_status",), OrderStatus: ("orders.shipped_status",)}


def _in_use(session: Session, kind: ListKind, row) -> int:
    if kind.model is InventoryStatus:
        return session.scalar(select(func.count(Unit.id)).where(Unit.status_id == row.id)) or 0
    return session.scalar(select(func.count(Order.id)).where(Order.status_id == row.id)) or 0


def _refuse_mixing(session: Session, kind: ListKind, row, target) -> None:
    """A merge must not make units sold (or orders shipped) without shipping them, nor leave units on
    an open order in a status that cannot be committed."""
    roles = _ROLES.get(kind.model, ())
    values = settings.get_many(session, list(roles)) if roles else {}
    things = "units" if kind.model is InventoryStatus else "orders"
    for key in roles:
        special = next((r for r in (row, target) if str(values[key]).strip().lower() == r.name.lower()), None)
        other = target if special is row else row
        if special is not None and _in_use(session, kind, other):
            raise Conflict(f"{special.name} is the {settings.SPECS[key].help} ({key}): merging it with {other.name} "
                           f"would mix its {things} with the {plural(_in_use(session, kind, other), things[:-1])} "
                           f"of {other.name}. Rename it instead, or move those {things} first.")
    if kind.model is InventoryStatus and not target.sellable:
        committed = session.scalar(select(func.count(Commitment.id)).join(Unit, Unit.id == Commitment.unit_id)
                                   .where(Commitment.active.is_(True), Unit.status_id == row.id)) or 0
        if committed:
            raise Conflict(f"{plural(committed, 'unit')} in {row.name} {'is' if committed == 1 else 'are'} on open "
                           f"orders and {target.name} is not sellable: they could not be shipped. Tick Sellable for "
                           f"{target.name} first, or uncommit them.")


def _move_units(session: Session, kind: ListKind, row, target, what: str) -> frozenset[int]:
    column = Unit.status_id if kind.model is InventoryStatus else Unit.warehouse_id
    ids = sorted(session.scalars(select(Unit.id).where(column == row.id)))
    if not ids:
        return frozenset()
    session.execute(update(Unit).where(column == row.id).values({column.key: target.id}))
    actor, at = current_actor(), utcnow()
    event = "status" if kind.model is InventoryStatus else "warehouse"
    session.execute(insert(UnitEvent.__table__), [
        {"unit_id": uid, "at": at, "kind": event, "detail": f"{what} (list merge)", "order_id": None,
         "station": actor.station, "operator": actor.operator} for uid in ids])
    return frozenset(ids)


def move(session: Session, kind_key: str, name: str, position: int) -> Changes:
    """Put an item at `position` (1 = first) of an ordered list; the others keep their order."""
    require(session, Permission.LISTS)
    kind = kind_of(kind_key)
    if not kind.ordered:
        raise InvalidInput(f"{kind.title}s have no order to change: they are listed "
                           f"{'by code' if kind.model is Condition else 'in the order they were added'}.")
    row = required(session, kind, name)
    rows = list(session.scalars(select(kind.model).order_by(kind.model.position, kind.model.id)))
    if position < 1:
        raise InvalidInput(f"A position is 1 (first) to {len(rows)} (last), not {position}.")
    if kind.model is Grade:
        _refuse_built_in(kind, row, "moved: it stays last until diagnostics grade its units")
    rows.remove(row)
    rows.insert(min(position, len(rows) + 1) - 1, row)
    if kind.model is Grade:  # Ungraded stays last (PRODUCT.md)
        from app.domain.defaults import UNGRADED

        rows.sort(key=lambda item: item.name.lower() == UNGRADED.lower())
    for number, item in enumerate(rows, start=1):
        if item.position != number:
            item.position = number
    session.flush()
    return Changes.of(catalog=True, message=f"{kind.title} {label(kind, row)} is number {rows.index(row) + 1} of {len(rows)}")


def step(session: Session, kind_key: str, name: str, by: int) -> Changes:
    """Move up (-1) or down (+1) one place: the settings dialog's buttons."""
    kind = kind_of(kind_key)
    row = required(session, kind, name)
    order = list(session.scalars(select(kind.model.id).order_by(kind.model.position, kind.model.id))) if kind.ordered else []
    current = order.index(row.id) + 1 if row.id in order else 1
    return move(session, kind_key, name, max(1, current + by))



@dataclass(frozen=True)
class EditPreview:
    """What a delete or merge would do, in words, before the manager says yes."""

    text: str
    allowed: bool


def preview_delete(session: Session, kind_key: str, name: str) -> EditPreview:
    try:
        with session.begin_nested() as trial:  # the real checks, then nothing is kept
            changes = delete(session, kind_key, name)
            trial.rollback()
    except DomainError as exc:
        return EditPreview(str(exc), False)
    return EditPreview(f"{changes.message.removesuffix(' deleted')}: nothing uses it. Delete it?", True)


def preview_merge(session: Session, kind_key: str, name: str, into: str) -> EditPreview:
    """The merge is tried and rolled back, so the preview says exactly what it would move, or why not."""
    try:
        with session.begin_nested() as trial:
            changes = merge(session, kind_key, name, into)
            trial.rollback()
    except DomainError as exc:
        return EditPreview(str(exc), False)
    return EditPreview(changes.message.replace(" merged into ", " will be merged into ", 1)
                       .replace(" moved", " will move", 1).replace(" now name it", " will name it instead")
                       + ". This cannot be undone.", True)
