"""The scan's statements, written out once as plain SQL and sent straight to the driver.

A scan is the packing station's hot path: building SQLAlchemy statements and their cache keys was
most of its Python time. These are fixed texts with named parameters (spelt for each driver once),
each answering as much as one round trip can: the unit row also brings its active commitment and
the sold-status setting; on SQLite the order's lines also bring their scanned counts.

PostgreSQL locks the bare order and unit rows first and reads afterwards (see app.db.lock_first):
a read that joins other tables would hand back those tables as they were before the lock wait.
SQLite needs no locks: the scan's transaction holds the write lock from its first statement.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from app.models.base import UTCDateTime

_STAMP = UTCDateTime()

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

LINES_COUNTED = """SELECT l.id, l.variation_id, l.sku_norm, l.quantity, l.closed, l.unmapped,
  (SELECT COUNT(*) FROM commitments c WHERE c.line_id = l.id AND (c.active OR c.shipped_at IS NOT NULL))
FROM order_lines l WHERE l.order_id = :order_id ORDER BY l.id"""
LINES_LOCKED = """SELECT l.id, l.variation_id, l.sku_norm, l.quantity, l.closed, l.unmapped
FROM order_lines l WHERE l.order_id = :order_id ORDER BY l.id FOR UPDATE"""
COUNTS = """SELECT line_id, COUNT(*) FROM commitments
WHERE order_id = :order_id AND (active OR shipped_at IS NOT NULL) GROUP BY line_id"""

COMMIT = """INSERT INTO commitments (unit_id, line_id, order_id, active, committed_at, shipped_at, released_at, station)
VALUES (:unit_id, :line_id, :order_id, :active, :at, NULL, NULL, :station)"""
EVENT = """INSERT INTO unit_events (unit_id, at, kind, detail, order_id, station, operator)
VALUES (:unit_id, :at, :kind, :detail, :order_id, :station, :operator)"""
SKU_VARIATIONS = "SELECT id FROM variations WHERE sku_norm = :sku_norm"


@lru_cache(maxsize=64)
def _spelt(sql: str, dialect: str) -> str:
    if dialect == "sqlite":
        return sql  # sqlite3 takes :name parameters with a dict
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", sql)  # psycopg: %(name)s


def run(session: Session, sql: str, **params):
    """Execute one of the statements above on the session's connection, in its transaction."""
    conn = session.connection()
    return conn.exec_driver_sql(_spelt(sql, conn.dialect.name), params)


def stamp(session: Session, when: datetime):
    """A timestamp as the driver stores it for UTCDateTime columns (SQLite keeps text)."""
    dialect = session.get_bind().dialect
    process = _STAMP.dialect_impl(dialect).bind_processor(dialect)
    return process(when) if process is not None else when
