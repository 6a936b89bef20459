"""What needs a person: Back Market updates that are not sent (the outbox) and Back Market records set
aside because they could not be read (bm_quarantine). A read model for the Back Market tab and the
`refurbdesk backmarket outbox` command, plus Retry — plain data, no Qt, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import Conflict, NotFound
from app.models import Order, OutboxMessage, QuarantinedRecord
from app.models.base import utcnow
from app.sync.outbox import kind_words

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str  # accept_line | ship_order
    order: str | None  # the local order number
    state: str  # pending | sent | failed
    attempts: int
    last_error: str | None
    created_at: datetime

    @property
    def kind_words(self) -> str:
        return kind_words(self.kind)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "order": self.order, "state": self.state,
                "attempts": self.attempts, "last_error": self.last_error, "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class SetAsideRecord:
    kind: str  # order | listing
    external_id: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    times_seen: int

    @property
    def text(self) -> str:
        return f"Back Market {self.kind} {self.external_id} set aside: {self.reason}"


def _state(row: OutboxMessage) -> str:
    return SENT if row.done_at is not None else FAILED if row.failed else PENDING


def outbox_items(session: Session, *, include_sent: bool = False) -> list[OutboxItem]:
    """Updates not sent yet (waiting or given up), oldest first; with include_sent, every one kept."""
    query = select(OutboxMessage, Order.number).outerjoin(Order, Order.id == OutboxMessage.order_id)
    if not include_sent:
        query = query.where(OutboxMessage.done_at.is_(None))
    return [OutboxItem(row.id, row.kind, number, _state(row), row.attempts, row.last_error, row.created_at)
            for row, number in session.execute(query.order_by(OutboxMessage.id))]


def needs_attention(session: Session) -> list[OutboxItem]:
    """Given up, or still waiting after an error: what a manager should look at."""
    return [item for item in outbox_items(session) if item.state == FAILED or item.last_error]


def set_aside_records(session: Session) -> list[SetAsideRecord]:
    rows = session.scalars(select(QuarantinedRecord).where(QuarantinedRecord.resolved_at.is_(None))
                           .order_by(QuarantinedRecord.first_seen, QuarantinedRecord.id))
    return [SetAsideRecord(r.kind, r.external_id, r.reason, r.first_seen, r.last_seen, r.times_seen) for r in rows]


def retry(session: Session, ids: Iterable[int] | None) -> int:
    """Put messages back to pending with a fresh attempt budget, due now; None means every one not sent.
    Refuses (changing nothing) an unknown id or one already sent."""
    if ids is None:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.done_at.is_(None))))
    else:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found = {row.id: row for row in session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(wanted)))}
        for message_id in wanted:
            if message_id not in found:
                raise NotFound(f"There is no Back Market update {message_id}; "
                               "`refurbdesk backmarket outbox --all` lists them.")
            if found[message_id].done_at is not None:
                raise Conflict(f"Back Market update {message_id} was already sent; there is nothing to retry.")
        rows = [found[i] for i in wanted]
    now = utcnow()
    for row in rows:
        row.failed, row.attempts, row.next_attempt_at, row.last_error = False, 0, now, None
    session.flush()
    return len(rows)

