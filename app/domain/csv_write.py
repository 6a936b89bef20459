"""Writing a checked inventory CSV file: catalog rows first, then units with their codes and events.

SQLite has one writer at a time, so a 100,000-row import written in one transaction would make
every scan at every station wait seconds (and fail after the busy timeout). `write_in_steps` writes
short transactions of a few dozen milliseconds each, pausing between them so a waiting scan gets
the lock, and removes what it wrote if a later step fails or the import is cancelled: all or nothing.
PostgreSQL writes one transaction (scans never wait on new rows there) with COPY.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy import exists, insert, select, text, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import write_queue
from app.domain.cancel import CancelToken
from app.domain.catalog import PRODUCT_FIELDS, normalize_sku
from app.domain.station import Actor
from app.domain.sqlite_bulk import BulkWriter
from app.models import (Commitment, OrderLine, Product, Unit, UnitCode, UnitEvent, Variation, VariationCondition)
from app.models.backmarket import Listing

Progress = Callable[[int, int], None]
HOLD_S = 0.05  # aim for write transactions this long on SQLite …
HOLD_SHARED_S = 0.03  # … or this long while this station's own scans are waiting for them (a scan
SHARED_FOR_S = 2.0  # waits at most about one step; shorter steps cost the import ~10 %) …
SERVE_S = 0.5  # … after each, let this process's waiting writers (scans, the sync) have the lock first …
GAP_S = 0.03  # … and every OTHERS_EVERY steps leave it free this long for other processes' writers,
OTHERS_EVERY = 4  # which this process cannot see waiting
CATCH_UP_EVERY = 8  # steps between waits for the checkpoints to catch up (sqlite_bulk.py)
FIRST_BATCH, MIN_BATCH, MAX_BATCH = 500, 100, 5000
EVENT_DETAIL = "CSV import"


@dataclass
class Written:
    """What a stepwise import has committed so far (to remove it again if a later step fails)."""

    product_ids: list[int] = field(default_factory=list)
    variation_ids: list[int] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _products(session: Session, keys) -> dict[tuple, int]:
    cols = [getattr(Product, f) for f in PRODUCT_FIELDS]
    found: dict[tuple, int] = {}
    for chunk in _chunks(sorted(keys), 150):
        for row in session.execute(select(Product.id, *cols).where(tuple_(*cols).in_(chunk))):
            found[tuple(row[1:])] = row[0]
    return found


def write_catalog(session: Session, plan, written: Written) -> None:
    """New products, variations and their condition links; fills plan.products / plan.variations."""
    firsts = plan.by_variation
    new_products = sorted({key[0] for key in firsts} - set(plan.products))
    if new_products:
        session.execute(insert(Product), [dict(zip(PRODUCT_FIELDS, p)) for p in new_products])
        fresh = _products(session, new_products)
        plan.products.update(fresh)
        written.product_ids.extend(fresh.values())
    plan.new_products = len(new_products)
    new_keys: dict[tuple, object] = {}
    for row in firsts.values():
        key = plan.key_of(row)
        if key not in plan.variations:
            new_keys[key] = row
    plan.new_variations = len(new_keys)
    if not new_keys:
        return
    # No sort_by_parameter_order: on SQLite it makes SQLAlchemy insert row by row and splice the
    # results quadratically. The unique key maps each returned id back to its row instead.
    table = Variation.__table__
    result = session.execute(
        insert(table).returning(table.c.id, table.c.product_id, table.c.grade_id, table.c.condition_key),
        [{"product_id": k[0], "grade_id": k[1], "condition_key": k[2], "sku": None, "sku_norm": None} for k in new_keys],
    )
    links = []
    for vid, pid, gid, ck in result:
        plan.variations[(pid, gid, ck)] = (vid, None)
        written.variation_ids.append(vid)
        links.extend({"variation_id": vid, "condition_id": cid} for cid in new_keys[(pid, gid, ck)].condition_ids)
    if links:
        session.execute(insert(VariationCondition), links)


def write_skus(session: Session, plan) -> None:
    for key, sku in plan.skus.items():
        vid, current = plan.variations[(plan.products[key[0]], key[1], key[2])]
        if normalize_sku(current) != normalize_sku(sku):
            session.execute(Variation.__table__.update().where(Variation.id == vid)
                            .values(sku=sku, sku_norm=normalize_sku(sku)))


def _unit_values(plan, rows, ids, now: datetime):
    for row, uid in zip(rows, ids):
        by_kind = {k: c for c, k in row.codes}
        yield (uid, by_kind.get("imei"), by_kind.get("imei2"), by_kind.get("serial"), plan.variations[plan.key_of(row)][0],
               row.status_id, row.warehouse_id, row.cost, now, now)


UNIT_COLUMNS = ("id", "imei", "imei2", "serial", "variation_id", "status_id", "warehouse_id", "cost", "received_at",
                "updated_at")


def _next_ids(session: Session, n: int) -> list[int]:
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('units', 'id')) "
                                         "FROM generate_series(1, :n)"), {"n": n}))
    # SQLite: this transaction holds the write lock, so nobody else takes ids in between (the ids
    # SQLite itself would give: the table has no AUTOINCREMENT).
    top = session.scalar(select(Unit.id).order_by(Unit.id.desc()).limit(1)) or 0
    return list(range(top + 1, top + 1 + n))


def _bound(session: Session, column, value):
    """`value` as the driver gets it for `column` (SQLite keeps datetimes and decimals as text)."""
    dialect = session.get_bind().dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None and value is not None else value


def write_units(session: Session, plan, rows, now: datetime, actor: Actor) -> list[int]:
    """Units, their codes and 'received' events for `rows`, as three plain executemany inserts.

    The values go to the driver as they are (converted once here), not through SQLAlchemy's
    per-row type processing: that was three quarters of the time of a step."""
    ids = _next_ids(session, len(rows))
    table = Unit.__table__
    stamp = _bound(session, table.c.received_at, now)
    dialect = session.get_bind().dialect
    to_cost = table.c.cost.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
    conn = session.connection()
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"

    def values(n: int) -> str:
        return ", ".join([mark] * n)

    conn.exec_driver_sql(f"INSERT INTO units ({', '.join(UNIT_COLUMNS)}) VALUES ({values(10)})",
                         [(*v[:7], None if v[7] is None else to_cost(v[7]), stamp, stamp)
                          for v in _unit_values(plan, rows, ids, now)])
    conn.exec_driver_sql(f"INSERT INTO unit_codes (code, unit_id, kind) VALUES ({values(3)})",
                         [(c, uid, k) for row, uid in zip(rows, ids) for c, k in row.codes])
    conn.exec_driver_sql(f"INSERT INTO unit_events (unit_id, at, kind, detail, station, operator) VALUES ({values(6)})",
                         [(uid, stamp, "received", EVENT_DETAIL, actor.station, actor.operator) for uid in ids])
    return ids


def copy_units(session: Session, plan, now: datetime, actor: Actor, progress: Progress | None,
               cancel: CancelToken, cancelled: str) -> list[int]:
    """PostgreSQL: the same rows through COPY, in the caller's transaction."""
    rows = plan.rows
    ids = _next_ids(session, len(rows))
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()
    step = 10_000
    try:
        with cursor.copy(f"COPY units ({', '.join(UNIT_COLUMNS)}) FROM STDIN") as copy:
            for start in range(0, len(rows), step):
                cancel.check(cancelled)
                for values in _unit_values(plan, rows[start : start + step], ids[start : start + step], now):
                    copy.write_row(values)
                if progress:
                    progress(min(start + step, len(rows)) // 2, len(rows))
        with cursor.copy("COPY unit_codes (code, unit_id, kind) FROM STDIN") as copy:
            for row, uid in zip(rows, ids):
                for code, kind in row.codes:
                    copy.write_row((code, uid, kind))
        cancel.check(cancelled)
        with cursor.copy("COPY unit_events (unit_id, at, kind, detail, station, operator) FROM STDIN") as copy:
            for uid in ids:
                copy.write_row((uid, now, "received", EVENT_DETAIL, actor.station, actor.operator))
    except type(raw).IntegrityError as exc:  # psycopg's own: COPY bypasses SQLAlchemy's wrapping
        raise IntegrityError("COPY", None, exc) from exc
    finally:
        cursor.close()
    if progress:
        progress(len(rows), len(rows))
    return ids


def write_in_steps(db, plan, now: datetime, actor: Actor, progress: Progress | None, cancel: CancelToken,
                   cancelled: str, written: Written) -> None:
    """SQLite: the catalog rows, then units in batches sized to HOLD_S (HOLD_SHARED_S while this
    process's writers are waiting for them), SKUs with the last batch.
    Between batches, writers waiting in this process go first; others get a pause now and then.
    One connection writes every batch; set up for it (sqlite_bulk.py)."""
    queue = write_queue(db.url)
    _ = plan.by_variation  # a pass over every row (~0.1 s at 100,000): not while holding the write lock
    with db.engine.connect() as conn, BulkWriter(db.engine, conn.connection.driver_connection) as bulk:
        with Session(bind=conn) as session, session.begin():
            write_catalog(session, plan, written)
        bulk.committed()
        total, done, size, step = len(plan.rows), 0, FIRST_BATCH, 0
        last_shared = -SHARED_FOR_S
        while done < total:
            step += 1
            if step % CATCH_UP_EVERY == 0:
                bulk.catch_up()  # keeps the WAL file small
            if queue.wait_until_served(SERVE_S):
                if step % OTHERS_EVERY == 0:
                    cancel.wait(GAP_S)
            else:  # a scan (or the sync) of this process was waiting for the lock
                last_shared = time.monotonic()
            hold = HOLD_SHARED_S if time.monotonic() - last_shared < SHARED_FOR_S else HOLD_S
            cancel.check(cancelled)
            batch = plan.rows[done : done + size]
            t0 = time.perf_counter()
            with Session(bind=conn) as session, session.begin():
                ids = write_units(session, plan, batch, now, actor)
                if done + len(batch) >= total:
                    write_skus(session, plan)
            bulk.committed()
            written.unit_ids.extend(ids)
            took = time.perf_counter() - t0
            done += len(batch)
            # Grow at most twofold a step: one step far over HOLD_S is a scan kept waiting that long.
            size = max(MIN_BATCH, min(MAX_BATCH, 2 * size, int(size * hold / max(took, 1e-4))))
            if progress:
                progress(done, total)


def undo(db, written: Written, cancel_pause: Callable[[float], object] | None = None) -> list[int]:
    """Remove what a stepwise import committed, in short transactions. Units another station has
    committed to an order meanwhile are kept (their ids are returned); everything else goes."""
    kept: list[int] = []
    for chunk in _chunks(written.unit_ids, 2000):
        with db.sessions.begin() as session:
            used = set(session.scalars(select(Commitment.unit_id).where(Commitment.unit_id.in_(chunk))))
            gone = [uid for uid in chunk if uid not in used]
            if gone:
                session.execute(UnitEvent.__table__.delete().where(UnitEvent.unit_id.in_(gone)))
                session.execute(UnitCode.__table__.delete().where(UnitCode.unit_id.in_(gone)))
                session.execute(Unit.__table__.delete().where(Unit.id.in_(gone)))
            kept.extend(sorted(used))
        if cancel_pause is not None:
            cancel_pause(GAP_S)
    with db.sessions.begin() as session:
        for chunk in _chunks(written.variation_ids, 500):
            unused = list(session.scalars(select(Variation.id).where(
                Variation.id.in_(chunk),
                ~exists().where(Unit.variation_id == Variation.id),
                ~exists().where(OrderLine.variation_id == Variation.id),
                ~exists().where(Listing.variation_id == Variation.id))))
            if unused:
                session.execute(VariationCondition.__table__.delete().where(VariationCondition.variation_id.in_(unused)))
                session.execute(Variation.__table__.delete().where(Variation.id.in_(unused)))
        for chunk in _chunks(written.product_ids, 500):
            session.execute(Product.__table__.delete().where(
                Product.id.in_(chunk), ~exists().where(Variation.product_id == Product.id)))
    return kept
