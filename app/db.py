"""Where the database is and how to open it: engines, session factories, migrations."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.paths import data_dir

log = logging.getLogger(__name__)

DB_ENV = "REFURBDESK_DB"


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'refurbdesk.sqlite3'}"


def resolve_db_url(explicit: str | None = None) -> str:
    """--db wins, then REFURBDESK_DB, then the SQLite file in the user data folder."""
    return explicit or os.environ.get(DB_ENV) or default_db_url()


def display_url(url: str) -> str:
    """A database URL fit to print or log: the password, if any, shown as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: print nothing of it
        return "(database URL)"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///"))
    return None


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the GUI read while the sync worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)

        # pysqlite defers BEGIN on its own; take over so that a writing transaction takes
        # SQLite's write lock up front (BEGIN IMMEDIATE) and waits for it, instead of failing
        # when a read upgrades to a write while the sync worker is writing.
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            immediate = not conn.get_execution_options().get("read_only", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def lock_first(session: Session, ids, *, of=None) -> None:
    """Lock the rows `ids` (a SELECT of primary keys) before the caller reads them, fresh, with a
    plain statement.

    On PostgreSQL a locking read that also joins other tables re-checks only the locked table after
    waiting for the lock, and hands back the joined rows (an order's status) from before the wait;
    locking the bare rows first and reading afterwards sees the other station's change. SQLite has no
    row locks: a writing transaction already holds the whole database (BEGIN IMMEDIATE), so nothing
    is sent there.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(ids.with_for_update(of=of) if of is not None else ids.with_for_update())


@dataclass
class Database:
    """One open database: `sessions` for anything that may write, `reads` for screens and reports."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    reads: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None) -> Database:
    resolved = resolve_db_url(url)
    engine = make_engine(resolved)
    readonly = engine.execution_options(read_only=True)
    return Database(
        resolved,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(readonly, expire_on_commit=False),
    )
