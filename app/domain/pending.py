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


def count_through(session: Session, last_id: int) -> int:
    """How many pending rows have an id up to `last_id` (an index range, counted by the database)."""
    return session.scalar(select(func.count()).select_from(PendingPush).where(PendingPush.id <= last_id)) or 0


def take(session: Session, limit: int = BATCH, after_id: int | None = None) -> PendingChanges:
    """The oldest pending rows (at most `limit`) and the listings they touch.

    The row ids come back to Python (they are what `forget` deletes); the listings are worked out by
    the database from the rows between the first and the last id read. A row committed late inside
    that range is counted too: its listing is pushed once more, harmlessly, and the row itself stays
    for the next round. (Resolving 50,000 rows through Python sets and IN lists of as many values
    held the interpreter lock for a quarter of a second, every second, while a backlog waited.)"""
    oldest = select(PendingPush.id).order_by(PendingPush.id).limit(limit)
    if after_id is not None:  # the rows up to it were tried a moment ago (app/sync/tried.py)
        oldest = oldest.where(PendingPush.id > after_id)
    ids = tuple(session.scalars(oldest))
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


def head(session: Session) -> tuple[int | None, int]:
    """(the highest row id, how many rows) — in one statement, so both describe the same rows."""
    last_id, rows = session.execute(select(func.max(PendingPush.id), func.count(PendingPush.id))).one()
    return last_id, rows or 0


class _Changed(Exception):
    pass


FORGET_STEP = 5_000  # SQLite: rows deleted per write transaction (~10 ms: a scan waits for one step at most)


def forget_through(db, last_id: int, rows: int) -> bool:
    """After a push that compared every listing: delete every row up to `last_id`, if exactly `rows`
    of them are there — the rows `head` saw, none committed late since (a long import on PostgreSQL
    numbers its rows first and commits them at its end; those must stay). False, deleting nothing,
    otherwise. On SQLite writers take turns, so no row can appear below `last_id` later: the range
    goes in steps. On PostgreSQL it is one DELETE, undone if it counts another number."""
    if db.is_sqlite:
        with db.reads() as session:
            if count_through(session, last_id) != rows:
                return False
        while True:
            with db.sessions.begin() as session:
                step = select(PendingPush.id).where(PendingPush.id <= last_id).order_by(PendingPush.id).limit(FORGET_STEP)
                gone = session.execute(delete(PendingPush).where(PendingPush.id.in_(step))
                                       .execution_options(synchronize_session=False)).rowcount
            if gone < FORGET_STEP:
                return True
    try:
        with db.sessions.begin() as session:
            gone = session.execute(delete(PendingPush).where(PendingPush.id <= last_id)
                                   .execution_options(synchronize_session=False)).rowcount
            if gone != rows:
                raise _Changed()
    except _Changed:
        return False
    return True


def forget(session: Session, row_ids: tuple[int, ...]) -> None:
    """Delete exactly the rows that were read (never by range: a row committed late by another
    station may carry a lower id and must survive)."""
    for start in range(0, len(row_ids), 1000):
        chunk = row_ids[start:start + 1000]
        session.execute(delete(PendingPush).where(PendingPush.id.in_(chunk)))
