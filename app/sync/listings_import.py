"""Step 1 of a cycle: every Back Market listing upserted by UUID, a few hundred per short transaction.

Pages are fetched with no transaction open; each chunk is written and committed before the next
request, so the GUI and the packing station never wait on Back Market. A listing that does not parse
(no id or SKU, a quantity that is not a whole number from 0 to 10,000…) is set aside in bm_quarantine
with its reason; the others are imported, and the row we already had for it is kept as last read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select, update

from app.db import Database
from app.domain.bm_orders import MAX_LINE_QUANTITY, MAX_SKU_LENGTH, UnreadableRecord, whole_number
from app.models import Listing
from app.models.base import utcnow
from app.sync import quarantine
from app.sync.client import BackMarketClient
from app.sync.mapping import LISTING_GONE
from app.domain.dates import counted

log = logging.getLogger(__name__)

CHUNK = 250

Tick = Callable[[str | None], None]


@dataclass
class ListingsResult:
    imported: int = 0
    created: int = 0
    gone: int = 0
    set_aside: int = 0
    changed_ids: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _fields(item: Any) -> dict[str, Any]:
    """The columns of one listing; raises UnreadableRecord when it does not parse."""
    if not isinstance(item, dict):
        raise UnreadableRecord(f"the listing is not a record ({type(item).__name__})")
    uuid, sku = item.get("id"), item.get("sku")
    if not isinstance(uuid, str) or not uuid.strip() or len(uuid) > 64:
        raise UnreadableRecord("the listing has no id")
    if not isinstance(sku, str) or not sku.strip():
        raise UnreadableRecord(f"listing {uuid} has no SKU")
    sku = sku.strip()
    if len(sku) > MAX_SKU_LENGTH:
        raise UnreadableRecord(f"listing {uuid}'s SKU is longer than {MAX_SKU_LENGTH} characters")
    listing_id = item.get("listing_id")
    if listing_id is not None and whole_number(listing_id, 1, 2**62) is None:
        raise UnreadableRecord(f"listing {sku} has listing id {listing_id!r}")
    quantity = item.get("quantity")
    if quantity is None:
        quantity = 0
    if whole_number(quantity, 0, MAX_LINE_QUANTITY) is None:
        raise UnreadableRecord(f"listing {sku} has quantity {quantity!r} (a whole number from 0 to {MAX_LINE_QUANTITY:,} expected)")
    state = item.get("publication_state")
    price = item.get("price")
    return {
        "uuid": uuid.strip(), "listing_id": None if listing_id is None else int(listing_id), "sku": sku,
        "sku_norm": sku.lower(), "title": str(item.get("title") or "")[:300], "grade": str(item.get("grade") or "")[:30],
        "price": None if price is None else str(price)[:30],
        "currency": (str(item["currency"])[:3] if item.get("currency") else None),
        "bm_quantity": int(quantity), "publication_state": int(state) if isinstance(state, int) and not isinstance(state, bool) else None,
    }


def _write_chunk(db: Database, items: list[dict[str, Any]], now: datetime, result: ListingsResult) -> None:
    with db.sessions.begin() as session:
        existing = {row.uuid: row for row in session.scalars(
            select(Listing).where(Listing.uuid.in_([i["uuid"] for i in items])))}
        created: list[Listing] = []
        for values in items:
            row = existing.get(values["uuid"])
            if row is None:
                row = Listing(imported_at=now, **values)
                session.add(row)
                created.append(row)
                existing[values["uuid"]] = row  # a page shift may repeat a listing within the chunk
                continue
            if row.sku_norm != values["sku_norm"] or row.publication_state == LISTING_GONE:
                result.changed_ids.add(row.id)
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
            row.imported_at = now
        session.flush()
        result.created += len(created)
        result.changed_ids.update(row.id for row in created)
        quarantine.resolve(session, quarantine.LISTING, {values["uuid"] for values in items})
    result.imported += len(items)


def _set_aside(db: Database, item: Any, problem: UnreadableRecord, now: datetime, result: ListingsResult) -> None:
    key = quarantine.record_key(item, "id")
    with db.sessions.begin() as session:
        quarantine.set_aside(session, quarantine.LISTING, key, problem.reason, item)
        # The row we had stays as last read cleanly: not "gone", not changed.
        session.execute(update(Listing).where(Listing.uuid == key).values(imported_at=now))
    result.set_aside += 1
    result.warnings.append(f"Back Market listing set aside: {problem.reason}. The other listings were imported.")
    log.warning("Back Market listing %s set aside: %s", key, problem.reason)


def import_listings(db: Database, client: BackMarketClient, tick: Tick) -> ListingsResult:
    started = utcnow()
    result = ListingsResult()
    chunk: list[dict[str, Any]] = []
    tick("Importing Back Market listings…")
    for item in client.iter_listings():
        try:
            values = _fields(item)
        except UnreadableRecord as problem:
            _set_aside(db, item, problem, started, result)
            continue
        chunk.append(values)
        if len(chunk) >= CHUNK:
            _write_chunk(db, chunk, started, result)
            chunk = []
            tick(f"Imported {counted(result.imported, 'listing')}…")
    if chunk:
        _write_chunk(db, chunk, started, result)
    # Only a complete pass may say what disappeared; the rows stay (mappings, history) but are never pushed.
    with db.sessions.begin() as session:
        gone_ids = list(session.scalars(select(Listing.id).where(
            Listing.imported_at < started, Listing.publication_state.is_distinct_from(LISTING_GONE))))
        if gone_ids:
            session.execute(update(Listing).where(Listing.id.in_(gone_ids)).values(publication_state=LISTING_GONE))
    result.gone = len(gone_ids)
    result.changed_ids |= set(gone_ids)
    tick(f"Imported {counted(result.imported, 'listing')} ({result.created} new, {result.gone} gone"
         + (f", {result.set_aside} set aside)" if result.set_aside else ")"))
    return result
