"""Back Market records that could not be read, set aside (bm_quarantine) so they block nothing else.

A record is quarantined with its reason in words and the payload as received; each time it is seen
again the row is refreshed; once it reads cleanly the row is resolved (kept, for the history).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import QuarantinedRecord
from app.models.base import utcnow

ORDER, LISTING = "order", "listing"
PAYLOAD_LIMIT = 20_000


def record_key(record: Any, id_field: str) -> str:
    """The record's own id, or (when it has none) a stable fingerprint of what was received."""
    value = record.get(id_field) if isinstance(record, dict) else None
    if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()[:80]
    digest = hashlib.sha1(_dump(record).encode()).hexdigest()[:16]
    return f"no-id:{digest}"


def _dump(record: Any) -> str:
    return json.dumps(record, sort_keys=True, default=str, ensure_ascii=False)


def set_aside(session: Session, kind: str, external_id: str, reason: str, record: Any) -> bool:
    """Quarantine (or refresh) a record; True when it was not already set aside for this reason."""
    row = session.scalar(select(QuarantinedRecord).where(QuarantinedRecord.kind == kind,
                                                         QuarantinedRecord.external_id == external_id))
    now = utcnow()
    payload = _dump(record)[:PAYLOAD_LIMIT]
    if row is None:
        session.add(QuarantinedRecord(kind=kind, external_id=external_id, reason=reason, payload=payload,
                                      first_seen=now, last_seen=now, times_seen=1))
        session.flush()
        return True
    fresh = row.resolved_at is not None or row.reason != reason
    if row.resolved_at is not None:
        row.first_seen, row.times_seen, row.resolved_at = now, 0, None
    row.reason, row.payload, row.last_seen = reason, payload, now
    row.times_seen += 1
    session.flush()
    return fresh


def resolve(session: Session, kind: str, external_ids: set[str]) -> int:
    """Mark these records as read cleanly again; returns how many were waiting."""
    if not external_ids:
        return 0
    rows = session.scalars(select(QuarantinedRecord).where(
        QuarantinedRecord.kind == kind, QuarantinedRecord.external_id.in_(list(external_ids)),
        QuarantinedRecord.resolved_at.is_(None))).all()
    now = utcnow()
    for row in rows:
        row.resolved_at = now
    return len(rows)


def waiting_ids(session: Session, kind: str) -> set[str]:
    return set(session.scalars(select(QuarantinedRecord.external_id).where(
        QuarantinedRecord.kind == kind, QuarantinedRecord.resolved_at.is_(None))))
