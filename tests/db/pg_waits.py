"""Helpers for PostgreSQL tests where one station waits on another's lock."""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from app.models import Commitment


def wait_until_blocked(db, timeout: float = 20.0) -> None:
    """Return once some session of this database waits for a lock; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                       "WHERE datname = current_database() AND wait_event_type = 'Lock'"))
            conn.rollback()  # pg_stat_activity is read once per transaction: a new one sees the waiter arrive
            if waiting:
                return
            time.sleep(0.02)
        seen = conn.execute(text("SELECT pid, state, wait_event_type, wait_event, left(query, 60) FROM pg_stat_activity "
                                 "WHERE datname = current_database()")).all()
    raise AssertionError(f"the second station never waited for a lock: {seen}")


def active_commitments(db, **where) -> int:
    with db.reads() as s:
        stmt = select(func.count(Commitment.id)).where(Commitment.active.is_(True))
        for key, value in where.items():
            stmt = stmt.where(getattr(Commitment, key) == value)
        return s.scalar(stmt)
