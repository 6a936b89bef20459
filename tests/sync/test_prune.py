"""Old sync records go: sent outbox messages after sync.keep_sent_days, finished sync runs after
sync.keep_runs_days; the sync does it at most once a day, whichever process holds the lease."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import open_database
from app.domain import settings
from app.domain.errors import InvalidInput
from app.models import OutboxMessage, SyncRun
from app.models.base import utcnow
from app.sync.prune import prune_if_due, prune_old
from tests.dbfixtures import db, empty_db_url, pg_cluster, pg_database_url, pg_template_name, sqlite_template_file  # noqa: F401


def _seed(db, now):
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    with db.sessions.begin() as s:
        s.add_all([
            OutboxMessage(kind="ship_order", payload="{}", done_at=days(11), created_at=days(12)),   # goes at 10
            OutboxMessage(kind="ship_order", payload="{}", done_at=days(9), created_at=days(12)),    # stays
            OutboxMessage(kind="ship_order", payload="{}", failed=True, created_at=days(40)),        # given up: stays
            OutboxMessage(kind="accept_line", payload="{}", created_at=days(40), next_attempt_at=now),  # waiting: stays
            SyncRun(station="a", started_at=days(21), finished_at=days(21)),  # goes at 20
            SyncRun(station="b", started_at=days(19), finished_at=days(19)),  # stays
            SyncRun(station="c", started_at=days(30), finished_at=None),      # never finished: stays
        ])


def test_records_past_their_settings_go_and_everything_else_stays(db):
    now = utcnow()
    _seed(db, now)
    with db.sessions.begin() as s:
        settings.set_(s, "sync.keep_sent_days", 10)
        settings.set_(s, "sync.keep_runs_days", 20)
    assert prune_old(db, now=now).__dict__ == {"outbox": 1, "runs": 1}
    with db.reads() as s:
        assert sorted(s.scalars(select(SyncRun.station))) == ["b", "c"]
        left = s.execute(select(OutboxMessage.kind, OutboxMessage.failed, OutboxMessage.done_at.is_(None))).all()
    assert sorted(map(tuple, left)) == [("accept_line", False, True), ("ship_order", False, False),
                                        ("ship_order", True, True)]
    assert prune_old(db, now=now).__dict__ == {"outbox": 0, "runs": 0}


def test_defaults_keep_thirty_and_ninety_days(db):
    now = utcnow()
    with db.sessions.begin() as s:
        s.add_all([OutboxMessage(kind="ship_order", payload="{}", done_at=now - timedelta(days=29), created_at=now),
                   SyncRun(station="x", started_at=now - timedelta(days=89), finished_at=now - timedelta(days=89)),
                   SyncRun(station="y", started_at=now - timedelta(days=91), finished_at=now - timedelta(days=91))])
    assert prune_old(db, now=now).__dict__ == {"outbox": 0, "runs": 1}


def test_at_most_daily_across_processes(db):
    now = utcnow()
    assert prune_if_due(db, now=now) is not None
    assert prune_if_due(db, now=now + timedelta(hours=23)) is None
    other = open_database(db.url)  # another station or process: it sees when the last clean-up was
    try:
        assert prune_if_due(other, now=now + timedelta(hours=23)) is None
        assert prune_if_due(other, now=now + timedelta(hours=25)) is not None
    finally:
        other.dispose()
    assert prune_if_due(db, now=now + timedelta(hours=26)) is None


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_keeping_times_refuse_nonsense(db, value):
    with pytest.raises(InvalidInput):
        with db.sessions.begin() as s:
            settings.set_(s, "sync.keep_sent_days", settings.parse_value("sync.keep_sent_days", value))
    with pytest.raises(InvalidInput):
        settings.parse_value("sync.last_pruned", "2026-01-01")  # kept by RefurbDesk itself
