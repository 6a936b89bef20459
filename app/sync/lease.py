"""Only one station runs the Back Market sync: a lease row in the database, taken and renewed atomically.

Every decision is one SQL statement whose row count says who won (a conditional UPDATE, or an INSERT
that does nothing on conflict), so two stations racing on PostgreSQL cannot both believe they hold it.
Times come from each station's clock: stations must agree within a fraction of the lease's life.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.db import Database
from app.models import SyncLease
from app.models.base import utcnow

log = logging.getLogger(__name__)

LEASE_NAME = "backmarket"
# How long a station's lease lasts without renewal: another station takes over after that.
# REFURBDESK_SYNC_LEASE_SECONDS shortens it (tests, a site that wants faster fail-over).
DEFAULT_TTL_SECONDS = float(os.environ.get("REFURBDESK_SYNC_LEASE_SECONDS") or 90)


def _insert(db: Database):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(SyncLease)


def acquire(db: Database, holder: str, ttl_seconds: float = DEFAULT_TTL_SECONDS, *, name: str = LEASE_NAME,
            now: datetime | None = None) -> bool:
    """Take the lease if nobody holds it, we already do, or the holder's lease ran out."""
    now = now or utcnow()
    expires = now + timedelta(seconds=ttl_seconds)
    with db.engine.begin() as conn:
        taken = conn.execute(
            update(SyncLease)
            .where(SyncLease.name == name, or_(SyncLease.holder == holder, SyncLease.expires_at < now))
            .values(holder=holder, expires_at=expires)
        ).rowcount
        if taken == 1:
            return True
        # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT DO NOTHING.
        inserted = conn.execute(
            _insert(db).values(name=name, holder=holder, expires_at=expires).on_conflict_do_nothing(
                index_elements=["name"]).returning(SyncLease.name)
        ).first() is not None
    if inserted:
        log.info("sync lease taken by %s", holder)
    return inserted


def renew(db: Database, holder: str, ttl_seconds: float = DEFAULT_TTL_SECONDS, *, name: str = LEASE_NAME,
          now: datetime | None = None) -> bool:
    """Extend our own lease; False when another station has taken it over meanwhile."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        return conn.execute(
            update(SyncLease).where(SyncLease.name == name, SyncLease.holder == holder)
            .values(expires_at=now + timedelta(seconds=ttl_seconds))
        ).rowcount == 1


def release(db: Database, holder: str, *, name: str = LEASE_NAME) -> None:
    with db.engine.begin() as conn:
        conn.execute(delete(SyncLease).where(SyncLease.name == name, SyncLease.holder == holder))


def current_holder(db: Database, *, name: str = LEASE_NAME, now: datetime | None = None) -> str | None:
    """Who holds an unexpired lease, for the "another station is syncing" message."""
    now = now or utcnow()
    with db.reads() as session:
        row = session.execute(select(SyncLease.holder, SyncLease.expires_at).where(SyncLease.name == name)).first()
    if row is None or row.expires_at < now:
        return None
    return row.holder


def take_over(db: Database, dead_holder: str, holder: str, ttl_seconds: float = DEFAULT_TTL_SECONDS, *,
              name: str = LEASE_NAME, now: datetime | None = None) -> bool:
    """Take the lease from a holder known to be gone (a crashed process of this station)."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        return conn.execute(
            update(SyncLease).where(SyncLease.name == name, SyncLease.holder == dead_holder)
            .values(holder=holder, expires_at=now + timedelta(seconds=ttl_seconds))
        ).rowcount == 1


def seconds_left(db: Database, holder: str, *, name: str = LEASE_NAME, now: datetime | None = None) -> float | None:
    """How long `holder`'s lease still runs (one indexed read, no write); None when another station
    holds it or nobody does. The fence before every remote write."""
    with db.reads() as session:  # a read transaction: never SQLite's write lock
        return seconds_left_in(session, holder, name=name, now=now)


def seconds_left_in(session, holder: str, *, name: str = LEASE_NAME, now: datetime | None = None) -> float | None:
    """seconds_left inside the caller's read transaction (the fence reads its switch in the same one)."""
    now = now or utcnow()
    row = session.execute(select(SyncLease.holder, SyncLease.expires_at).where(SyncLease.name == name)).first()
    if row is None or row.holder != holder:
        return None
    return (row.expires_at - now).total_seconds()


def is_free(db: Database, holder: str, *, name: str = LEASE_NAME, now: datetime | None = None) -> bool:
    """Nobody holds the lease, it ran out, or it is ours: acquire() would win. A read only, so a
    station that does not hold the lease can ask every second without taking the write lock."""
    now = now or utcnow()
    with db.reads() as session:  # a read transaction: never SQLite's write lock
        row = session.execute(select(SyncLease.holder, SyncLease.expires_at).where(SyncLease.name == name)).first()
    return row is None or row.holder == holder or row.expires_at < now
