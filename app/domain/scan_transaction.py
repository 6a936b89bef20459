"""The write transaction of one scan at the packing station.

`commit_unit` judges a scan from reads and row locks alone and writes only once every check has
passed, so a refused scan has written nothing. On PostgreSQL such a transaction ends with COMMIT,
which changes nothing and releases the locks as a ROLLBACK would: psycopg forgets every statement
it prepared on a connection at each ROLLBACK (and sends DEALLOCATE ALL), and the scans after a
refusal were then planned afresh — about 4 ms more each on the 1M-unit database. A refusal raised
after a failed write (the unit committed at another station a moment ago) leaves the transaction
aborted: that one, and any other error, rolls back. SQLite always rolls back (its statement cache
survives a rollback).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.errors import DomainError


@contextmanager
def scanning(db: Database) -> Iterator[Session]:
    """`with scanning(db) as session:` — like `db.sessions.begin()`, but a refusal that wrote
    nothing ends with COMMIT on PostgreSQL (see the module's text)."""
    session = db.sessions()
    try:
        session.begin()
        try:
            yield session
        except DomainError:
            if _nothing_written(session):
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()
    finally:
        session.close()


def note_written(session: Session) -> None:
    """Say that this transaction writes (statements sent past the ORM leave no trace in the
    session): a refusal raised after this rolls back."""
    session.info["wrote"] = True


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context) -> None:
    """Every session that flushed has written (once, at import: not a listener per scan)."""
    note_written(session)


def _nothing_written(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql" or session.info.get("wrote"):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    from psycopg.pq import TransactionStatus

    # Not INERROR: after a failed statement the server would turn a COMMIT into a ROLLBACK anyway.
    raw = session.connection().connection.driver_connection
    return raw.info.transaction_status == TransactionStatus.INTRANS
