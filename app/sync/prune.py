"""Keeping the sync's own records from growing for ever: sent Back Market updates (the outbox) and
sync run records older than their settings (sync.keep_sent_days, default 30; sync.keep_runs_days,
default 90). The sync runs it at most once a day, whichever station or process holds the lease;
the deletes go in short transactions so no scan waits behind a large first clean-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.db import Database
from app.domain import settings
from app.models import OutboxMessage, SyncRun
from app.models.base import utcnow

EVERY = timedelta(days=1)
LAST_PRUNED = "sync.last_pruned"
STEP = 2000  # rows per delete transaction


@dataclass(frozen=True)
class Pruned:
    outbox: int
    runs: int


def _delete_in_steps(db: Database, model, where) -> int:
    gone = 0
    while True:
        with db.sessions.begin() as session:
            ids = list(session.scalars(select(model.id).where(*where).order_by(model.id).limit(STEP)))
            if ids:
                session.execute(delete(model).where(model.id.in_(ids)))
        gone += len(ids)
        if len(ids) < STEP:
            return gone


def prune_old(db: Database, *, now: datetime | None = None) -> Pruned:
    """Delete sent outbox messages and finished sync runs older than their settings. Messages not
    sent yet (waiting, or given up until a manager retries them) and a running cycle always stay."""
    now = now or utcnow()
    with db.reads() as session:
        keep = settings.get_many(session, ["sync.keep_sent_days", "sync.keep_runs_days"])
    sent_before = now - timedelta(days=keep["sync.keep_sent_days"])
    runs_before = now - timedelta(days=keep["sync.keep_runs_days"])
    outbox = _delete_in_steps(db, OutboxMessage, (OutboxMessage.done_at.is_not(None), OutboxMessage.done_at < sent_before))
    runs = _delete_in_steps(db, SyncRun, (SyncRun.finished_at.is_not(None), SyncRun.started_at < runs_before))
    return Pruned(outbox, runs)


def prune_if_due(db: Database, *, now: datetime | None = None) -> Pruned | None:
    """prune_old unless it ran less than a day ago (here or in any other process); None if not due."""
    now = now or utcnow()
    with db.sessions.begin() as session:
        last = settings.get(session, LAST_PRUNED)
        if last and datetime.fromisoformat(last) > now - EVERY:
            return None
        settings.set_(session, LAST_PRUNED, now.isoformat())
    return prune_old(db, now=now)
