"""Reading the pending-push table (filled by database triggers, see app/models/pending.py).

The process holding the sync lease calls `take` to learn which listings may have moved since the
last push, pushes them, then `forget`s exactly the rows it read — a row written meanwhile by another
station is kept for the next round, so no change is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, union
from sqlalchemy.orm import Session

from app.domain.quantities import Scope
from app.models import Listing, OrderLine, PendingPush, Variation
from app.models.pending import EVERYTHING, LISTING, ORDER, VARIATION

BATCH = 50_000


@dataclass(frozen=True)
class PendingChanges:
    row_ids: tuple[int, ...]
    named: frozenset[int] = frozenset()  # the listings the rows name (stock changes)
    everything_row_ids: tuple[int, ...] = ()  # the rows asking for every listing (a setting or a list changed)

    @property
    def empty(self) -> bool:
        return not self.row_ids

    @property
    def listing_ids(self) -> frozenset[int] | None:
        """The listings to push: None means every listing."""
        return None if self.everything else self.named

    @property
    def everything(self) -> bool:
        return bool(self.everything_row_ids)

    @property
    def named_row_ids(self) -> tuple[int, ...]:
        every = set(self.everything_row_ids)
        return tuple(i for i in self.row_ids if i not in every)


def count(session: Session) -> int:
    return session.scalar(select(func.count(PendingPush.id))) or 0


def take(session: Session, limit: int = BATCH) -> PendingChanges:
    """The oldest pending rows (at most `limit`) and the listings they touch.

    The row ids come back to Python (they are what `forget` deletes); the listings are worked out by
    the database from the rows between the first and the last id read. A row committed late inside
    that range is counted too: its listing is pushed once more, harmlessly, and the row itself stays
    for the next round. (Resolving 50,000 rows through Python sets and IN lists of as many values
    held the interpreter lock for a quarter of a second, every second, while a backlog waited.)"""
    ids = tuple(session.scalars(select(PendingPush.id).order_by(PendingPush.id).limit(limit)))
    if not ids:
        return PendingChanges(())
    in_batch = PendingPush.id.between(ids[0], ids[-1])
    taken = set(ids)
    every = tuple(row_id for row_id in session.scalars(select(PendingPush.id).where(in_batch, PendingPush.kind == EVERYTHING)
                                                       .order_by(PendingPush.id)) if row_id in taken)
    named = frozenset(session.scalars(_listings_of_batch(in_batch, Scope.load(session).mode)))
    return PendingChanges(ids, named, every)


def _refs(in_batch, kind: str):
    return select(PendingPush.ref_id).where(in_batch, PendingPush.kind == kind, PendingPush.ref_id.is_not(None))


def _listings_of_batch(in_batch, mode: str):
    """One SELECT: the listings the batch's rows touch — as `listings_touched` for its variations and
    orders, plus the listings the rows name themselves."""
    orders = _refs(in_batch, ORDER)
    vids = union(_refs(in_batch, VARIATION),
                 select(OrderLine.variation_id).where(OrderLine.order_id.in_(orders), OrderLine.variation_id.is_not(None)))
    skus = union(select(OrderLine.sku_norm).where(OrderLine.order_id.in_(orders), OrderLine.sku_norm.is_not(None)),
                 select(Variation.sku_norm).where(Variation.id.in_(vids), Variation.sku_norm.is_not(None)))
    if mode == "variation":
        # A line wanting a SKU can be filled from any variation that carries it.
        carrying = select(Variation.id).where(Variation.sku_norm.in_(skus))
        touched = select(Listing.id).where(or_(Listing.variation_id.in_(vids), Listing.variation_id.in_(carrying)))
    else:
        touched = select(Listing.id).where(Listing.sku_norm.in_(skus))
    return union(touched, _refs(in_batch, LISTING))


def listings_touched(session: Session, variation_ids: set[int], order_ids: set[int]) -> set[int]:
    """Listings whose match set contains one of these variations, or can fill a line of these orders."""
    scope = Scope.load(session)
    vids, skus = set(variation_ids), set()
    if order_ids:
        for vid, sku in session.execute(select(OrderLine.variation_id, OrderLine.sku_norm)
                                        .where(OrderLine.order_id.in_(sorted(order_ids)))):
            if vid is not None:
                vids.add(vid)
            if sku:
                skus.add(sku)
    if vids:
        skus |= set(session.scalars(select(Variation.sku_norm)
                                    .where(Variation.id.in_(sorted(vids)), Variation.sku_norm.is_not(None))))
    if scope.mode == "variation":
        # A line wanting a SKU can be filled from any variation that carries it.
        if skus:
            vids |= set(session.scalars(select(Variation.id).where(Variation.sku_norm.in_(sorted(skus)))))
        if not vids:
            return set()
        return set(session.scalars(select(Listing.id).where(Listing.variation_id.in_(sorted(vids)))))
    if not skus:
        return set()
    return set(session.scalars(select(Listing.id).where(Listing.sku_norm.in_(sorted(skus)))))


def forget(session: Session, row_ids: tuple[int, ...]) -> None:
    """Delete exactly the rows that were read (never by range: a row committed late by another
    station may carry a lower id and must survive)."""
    for start in range(0, len(row_ids), 1000):
        chunk = row_ids[start:start + 1000]
        session.execute(delete(PendingPush).where(PendingPush.id.in_(chunk)))
