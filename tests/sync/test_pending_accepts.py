"""A cycle asks only about its own paid lines' accepts, not every accept ever queued."""

from __future__ import annotations

from app.models import OutboxMessage
from app.sync.auto_accept import ACCEPT_LINE, pending_accepts
from tests.dbfixtures import db, empty_db_url, pg_cluster, pg_database_url, pg_template_name, sqlite_template_file  # noqa: F401


def test_only_the_asked_lines_are_looked_up(db):
    with db.sessions.begin() as s:
        s.add_all([OutboxMessage(kind=ACCEPT_LINE, payload="{}", line_ref=str(n)) for n in range(1, 1201)])
        s.add(OutboxMessage(kind="ship_order", payload="{}", line_ref="7777"))
    with db.reads() as s:
        assert pending_accepts(s, ["2", "1200", "9999", "7777", None]) == {"2", "1200"}
        assert pending_accepts(s, (str(n) for n in range(1, 1300))) == {str(n) for n in range(1, 1201)}
        assert pending_accepts(s, []) == set()
        assert len(pending_accepts(s)) == 1200
