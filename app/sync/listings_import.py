"""Step 1 of a cycle: every Back Market listing upserted by UUID, a few hundred per short transaction.

Pages are fetched with no transaction open; each chunk is written and committed before the next
request, so the GUI and the packing station never wait on Back Market.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select, update

from app.db import Database
from app.models import Listing
from app.models.base import utcnow
from app.sync.client import BackMarketClient
from app.sync.mapping import LISTING_GONE

log = logging.getLogger(__name__)

CHUNK = 250

Tick = Callable[[str | None], None]


@dataclass
class ListingsResult:
    imported: int = 0
    created: int = 0
    gone: int = 0
    changed_ids: set[int] = field(default_factory=set)


def _fields(item: dict[str, Any]) -> dict[str, Any] | None:
    uuid, sku = item.get("id"), item.get("sku")
    if not uuid or not isinstance(sku, str) or not sku.strip():
        return None
    try:
        listing_id = int(item["listing_id"]) if item.get("listing_id") is not None else None
    except (TypeError, ValueError):
        listing_id = None
    try:
        quantity = int(item.get("quantity") or 0)
    except (TypeError, ValueError):
        quantity = 0
    state = item.get("publication_state")
    price = item.get("price")
    return {
        "uuid": str(uuid), "listing_id": listing_id, "sku": sku.strip()[:120], "sku_norm": sku.strip().lower()[:120],
        "title": str(item.get("title") or "")[:300], "grade": str(item.get("grade") or "")[:30],
        "price": None if price is None else str(price)[:30],
        "currency": (str(item["currency"])[:3] if item.get("currency") else None),
        "bm_quantity": quantity, "publication_state": int(state) if isinstance(state, int) else None,
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
    result.imported += len(items)


def import_listings(db: Database, client: BackMarketClient, tick: Tick) -> ListingsResult:
    started = utcnow()
    result = ListingsResult()
    chunk: list[dict[str, Any]] = []
    tick("Importing Back Market listings…")
    for item in client.iter_listings():
        values = _fields(item) if isinstance(item, dict) else None
        if values is None:
            log.warning("skipped a listing without id or SKU: %r", item if not isinstance(item, dict) else item.get("id"))
            continue
        chunk.append(values)
        if len(chunk) >= CHUNK:
            _write_chunk(db, chunk, started, result)
            chunk = []
            tick(f"Imported {result.imported} listings…")
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
    tick(f"Imported {result.imported} listings ({result.created} new, {result.gone} gone)")
    return result
