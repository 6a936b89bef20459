"""The scan's statements, written out once as plain SQL and sent straight to the driver.

A scan is the packing station's hot path: building SQLAlchemy statements and their cache keys was
most of its Python time. These are fixed texts with named parameters (spelt for each driver once),
each answering as much as one round trip can: the unit row also brings its active commitment and
the sold-status setting; on SQLite the order's lines also bring their scanned counts.

PostgreSQL locks the bare order and unit rows first and reads afterwards (see app.db.lock_first):
a read that joins other tables would hand back those tables as they were before the lock wait.
There the scan sends its statements in two round trips (psycopg's pipeline mode, `run_together`):
the locks and reads, then the writes. The server still runs them one after another, each with its
own snapshot, so every read comes after its lock and sees what the other station committed
(tests/db/test_scan_waits_pg.py). SQLite needs no locks: the scan's transaction holds the write
lock from its first statement.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.models.base import UTCDateTime

_STAMP = UTCDateTime()

USERS_EXIST = "SELECT EXISTS (SELECT 1 FROM users)"
ORDER = """SELECT o.id, o.number, s.name, s.allows_commit FROM orders o
JOIN order_statuses s ON s.id = o.status_id WHERE o.number = :number"""
LOCK_ORDER = "SELECT id FROM orders WHERE number = :number FOR UPDATE"

UNIT = """SELECT u.id, u.imei, u.serial, u.variation_id, v.sku_norm, g.name, st.name, st.sellable,
  p.manufacturer, p.model, p.model_number, p.network, p.capacity, p.color,
  (SELECT c.order_id FROM commitments c WHERE c.unit_id = u.id AND c.active LIMIT 1),
  (SELECT value FROM settings WHERE key = 'inventory.sold_status')
FROM unit_codes uc JOIN units u ON u.id = uc.unit_id JOIN variations v ON v.id = u.variation_id
JOIN products p ON p.id = v.product_id JOIN grades g ON g.id = v.grade_id
JOIN inventory_statuses st ON st.id = u.status_id WHERE uc.code = :code"""
LOCK_UNIT = """SELECT u.id FROM unit_codes uc JOIN units u ON u.id = uc.unit_id WHERE uc.code = :code
FOR UPDATE OF u"""

# The order's lines and counts by its number, so they go in the same round trip as the order's lock.
LINES_LOCKED_BY_NUMBER = """SELECT l.id, l.variation_id, l.sku_norm, l.quantity, l.closed, l.unmapped
FROM order_lines l WHERE l.order_id = (SELECT id FROM orders WHERE number = :number) ORDER BY l.id FOR UPDATE OF l"""
COUNTS_BY_NUMBER = """SELECT line_id, COUNT(*) FROM commitments
WHERE order_id = (SELECT id FROM orders WHERE number = :number) AND (active OR shipped_at IS NOT NULL)
GROUP BY line_id"""

LINES_COUNTED = """SELECT l.id, l.variation_id, l.sku_norm, l.quantity, l.closed, l.unmapped,
  (SELECT COUNT(*) FROM commitments c WHERE c.line_id = l.id AND (c.active OR c.shipped_at IS NOT NULL))
FROM order_lines l WHERE l.order_id = :order_id ORDER BY l.id"""
COMMIT = """INSERT INTO commitments (unit_id, line_id, order_id, active, committed_at, shipped_at, released_at, station)
VALUES (:unit_id, :line_id, :order_id, :active, :at, NULL, NULL, :station)"""
EVENT = """INSERT INTO unit_events (unit_id, at, kind, detail, order_id, station, operator)
VALUES (:unit_id, :at, :kind, :detail, :order_id, :station, :operator)"""
# PostgreSQL: the commitment and its history line in one statement. A unique violation (the unit
# committed a moment ago elsewhere) fails the whole statement, so no history is written for it.
COMMIT_WITH_EVENT = """WITH c AS (
INSERT INTO commitments (unit_id, line_id, order_id, active, committed_at, shipped_at, released_at, station)
VALUES (:unit_id, :line_id, :order_id, :active, :at, NULL, NULL, :station) RETURNING unit_id)
INSERT INTO unit_events (unit_id, at, kind, detail, order_id, station, operator)
SELECT unit_id, :at, :kind, :detail, :order_id, :station, :operator FROM c"""
SKU_VARIATIONS = "SELECT id FROM variations WHERE sku_norm = :sku_norm"


@lru_cache(maxsize=64)
def _spelt(sql: str, dialect: str) -> str:
    if dialect == "sqlite":
        return sql  # sqlite3 takes :name parameters with a dict
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)  # psycopg: %(name)s


class _Rows:
    """The few Result methods the scan uses, over a driver cursor."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def first(self):
        return self._cursor.fetchone()

    def all(self) -> list:
        return self._cursor.fetchall()

    def scalar(self):
        row = self._cursor.fetchone()
        return None if row is None else row[0]

    def __iter__(self):
        return iter(self._cursor)


def run(session: Session, sql: str, **params):
    """Execute one of the statements above on the session's connection, in its transaction.

    SQLite: straight on the driver's connection. SQLAlchemy's execution context (events, result
    metadata, type processing) cost ~0.1 ms a statement, about a third of a scan's time at 7
    statements; the texts are fixed and their rows are plain tuples, so none of it was used. A
    driver error is raised as SQLAlchemy's own (IntegrityError…), as exec_driver_sql would."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return conn.exec_driver_sql(_spelt(sql, conn.dialect.name), params)
    dbapi = conn.dialect.dbapi
    try:
        return _Rows(conn.connection.driver_connection.execute(sql, params))
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, params, exc, dbapi.Error) from exc


def run_together(session: Session, *statements: tuple[str, dict]) -> list[list[tuple]]:
    """PostgreSQL: send `statements` ((sql, params) pairs) in one round trip and return each one's
    rows. They run in turn, in the session's transaction; a failed one (a unique violation) raises
    SQLAlchemy's error for it, as `run` would, and the caller's transaction rolls back."""
    conn = session.connection()
    raw = conn.connection.driver_connection
    dbapi = conn.dialect.dbapi
    sent = [(_spelt(sql, "postgresql"), params) for sql, params in statements]
    try:
        with raw.pipeline():
            cursors = [raw.execute(sql, params) for sql, params in sent]
    except dbapi.Error as exc:  # as SQLAlchemy's own (IntegrityError, OperationalError…), like `run`
        raise DBAPIError.instance("; ".join(sql for sql, _ in sent), None, exc, dbapi.Error) from exc
    return [cursor.fetchall() if cursor.description is not None else [] for cursor in cursors]


def stamp(session: Session, when: datetime):
    """A timestamp as the driver stores it for UTCDateTime columns (SQLite keeps text)."""
    dialect = session.get_bind().dialect
    process = _STAMP.dialect_impl(dialect).bind_processor(dialect)
    return process(when) if process is not None else when
