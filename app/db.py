"""Where the database is and how to open it: engines, session factories, migrations."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app.db_errors import DatabaseRefused
from app.paths import data_dir

log = logging.getLogger(__name__)

DB_ENV = "REFURBDESK_DB"
BUSY_TIMEOUT_S = 15  # how long a writer waits for another station's write to finish


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'refurbdesk.sqlite3'}"


def resolve_db_url(explicit: str | None = None) -> str:
    """--db wins (even when empty: an unset shell variable is refused, not replaced), then
    REFURBDESK_DB, then the SQLite file in the user data folder."""
    if explicit is not None:
        return explicit
    return os.environ.get(DB_ENV) or default_db_url()


def display_url(url: str) -> str:
    """A database URL fit to print or log: the password, if any, shown as ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: print nothing of it
        return "(database URL)"


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and throwaway_reason(url) is None:
        return Path(url.removeprefix("sqlite:///"))
    return None


def throwaway_reason(url: str) -> str | None:
    """Why `url` names a database that vanishes when the command ends (so every write would be
    lost), or None. In-memory SQLite, an empty path, an empty URL all count."""
    if not url.strip():
        return "the database URL is empty (is a shell variable unset?)"
    if not url.lower().startswith("sqlite"):
        return None
    try:
        parsed = make_url(url)
    except Exception:
        return None  # not ours to judge here: check_url says it is not a URL
    path = (parsed.database or "").strip()
    query = {k.lower(): str(v).lower() for k, v in parsed.query.items()}
    if not path:
        return f"'{url}' names no file (an empty path is a throw-away in-memory database; is a shell variable unset?)"
    if path == ":memory:" or path.startswith("file::memory:") or query.get("mode") == "memory" \
            or "mode=memory" in path.lower():
        return f"'{url}' is a throw-away in-memory database: everything written to it would be lost"
    return None


def check_url(url: str) -> None:
    """Refuse a URL that is not a database URL or that names a throw-away database."""
    reason = throwaway_reason(url)
    if reason is not None:
        raise DatabaseRefused(f"{reason}; give --db sqlite:///PATH/TO/FILE.sqlite3 or a postgresql:// URL")
    try:
        make_url(url)
    except Exception:
        raise DatabaseRefused(f"'{url}' is not a database URL; give --db sqlite:///PATH/TO/FILE.sqlite3 "
                              "or a postgresql:// URL") from None


def is_new_sqlite_file(path: Path) -> bool:
    """No file yet, or an empty one: opening it would create a new database."""
    return not path.exists() or (path.is_file() and path.stat().st_size == 0)


def check_may_open(url: str, *, create: bool) -> None:
    """Refuse a throw-away URL always; unless `create`, refuse a SQLite file that is not there yet
    (a mistyped --db must not become a new, empty database)."""
    check_url(url)
    path = sqlite_path(url)
    if path is None:
        return
    if path.is_dir():
        raise DatabaseRefused(f"{path} is a folder, not a database file; give --db sqlite:///{path / 'refurbdesk.sqlite3'}")
    if not create and is_new_sqlite_file(path):
        raise DatabaseRefused(f"there is no database at {path}; check --db, or create one with "
                              f"`refurbdesk --db {url} init`")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the GUI read while the sync worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # After a big import the WAL file is cut back to 64 MB once copied back, not kept at 1 GB.
    cursor.execute("PRAGMA journal_size_limit=67108864")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


class WriteQueue:
    """How many writers of this process are waiting for a SQLite file's write lock right now.

    A long job that writes in steps (the CSV import) looks here between steps: with a writer waiting
    (a scan, the sync) it leaves the lock free until that writer has it; with none it goes straight
    on, pausing only now and then for writers in other processes, which it cannot see."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.waiting = 0

    def __enter__(self) -> "WriteQueue":
        with self._lock:
            self.waiting += 1
        return self

    def __exit__(self, *_exc) -> None:
        with self._lock:
            self.waiting -= 1
            self._changed.notify_all()

    def wait_until_served(self, timeout: float) -> bool:
        """Wait (at most `timeout`) until no writer of this process is waiting; True if none was."""
        with self._lock:
            had = self.waiting > 0
            self._changed.wait_for(lambda: self.waiting == 0, timeout)
        return not had


_queues: dict[str, WriteQueue] = {}
_queues_lock = threading.Lock()


def write_queue(url: str) -> WriteQueue:
    """The one WriteQueue of this process for the database at `url` (shared by every engine on it)."""
    key = str(sqlite_path(url) or url)
    with _queues_lock:
        return _queues.setdefault(key, WriteQueue())


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        queue = write_queue(url)

        # pysqlite defers BEGIN on its own; take over so that a writing transaction takes
        # SQLite's write lock up front (BEGIN IMMEDIATE) and waits for it, instead of failing
        # when a read upgrades to a write while the sync worker is writing.
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            if conn.get_execution_options().get("read_only", False):
                conn.exec_driver_sql("BEGIN")
                return
            with queue:  # counted while it waits for the lock, so a stepwise import lets it in
                conn.exec_driver_sql("BEGIN IMMEDIATE")

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
    read_engine: Engine  # what `reads` run on: `engine` itself on SQLite, a pool of its own on PostgreSQL

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def open_database(url: str | None = None, *, create: bool = True) -> Database:
    """Open the database named by `url` (see resolve_db_url). A throw-away URL is refused; a SQLite
    file that does not exist yet is created only when `create` (its folder too)."""
    resolved = resolve_db_url(url)
    check_may_open(resolved, create=create)
    path = sqlite_path(resolved)
    if create and path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(resolved)
    # PostgreSQL: reads get a pool of their own. Every read transaction ends in a rollback, and
    # psycopg forgets a connection's prepared statements at each rollback (and sends DEALLOCATE
    # ALL): on one shared pool the scan's statements were planned afresh at almost every scan, which
    # doubled its time (p50 2.2 -> 6-7 ms on the 1M bench database with a read between scans).
    # SQLite keeps one pool: its statement cache survives a rollback, and its write lock is per file.
    read_engine = engine if engine.dialect.name == "sqlite" else make_engine(resolved)
    readonly = read_engine.execution_options(read_only=True)
    return Database(
        resolved,
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(readonly, expire_on_commit=False),
        read_engine,
    )
