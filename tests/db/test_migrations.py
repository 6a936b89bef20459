"""Migrations: data written under revision 0001 survives `initialize` (upgrade to head); no drift."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine, open_database, sqlite_path
from app.domain import returns
from app.domain.setup import initialize
from app.models import migrate
from tests.dbfixtures import make_imei

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
IMEI1, IMEI2, IMEI3 = make_imei(1), make_imei(2), make_imei(3)

FILL = [
    ("INSERT INTO grades (id, name, position) VALUES (1, 'A', 1), (2, 'B', 2)", {}),
    ("INSERT INTO conditions (id, code, name) VALUES (1, 'CG', 'Cracked Glass')", {}),
    ("INSERT INTO warehouses (id, name) VALUES (1, 'Main')", {}),
    ("INSERT INTO inventory_statuses (id, name, sellable, position) VALUES (1, 'Available', true, 1), (2, 'Sold', false, 2)", {}),
    ("INSERT INTO order_statuses (id, name, is_open, allows_commit, position) VALUES (1, 'New', true, true, 1)", {}),
    ("INSERT INTO channels (id, name) VALUES (1, 'Direct')", {}),
    ("INSERT INTO customers (id, name) VALUES (1, 'Old Customer')", {}),
    ("INSERT INTO settings (key, value) VALUES ('catalog.sku_unique', 'false')", {}),
    ("INSERT INTO products (id, manufacturer, model, model_number, network, capacity, color) "
     "VALUES (1, 'Apple', 'iPhone X', 'A1901', '', '64GB', 'Silver')", {}),
    ("INSERT INTO variations (id, product_id, grade_id, condition_key, sku, sku_norm) VALUES "
     "(1, 1, 1, '', 'IPX-A', 'ipx-a'), (2, 1, 2, '1', NULL, NULL)", {}),
    ("INSERT INTO variation_conditions (variation_id, condition_id) VALUES (2, 1)", {}),
    ("INSERT INTO units (id, imei, imei2, serial, variation_id, status_id, warehouse_id, cost, received_at, updated_at) "
     "VALUES (1, :i1, :i3, NULL, 1, 1, 1, 123.45, :t, :t), (2, :i2, NULL, NULL, 2, 1, 1, NULL, :t, :t), "
     "(3, NULL, NULL, 'SER-1', 2, 2, 1, NULL, :t, :t)", {"i1": IMEI1, "i2": IMEI2, "i3": IMEI3, "t": WHEN}),
    ("INSERT INTO unit_codes (code, unit_id, kind) VALUES (:i1, 1, 'imei'), (:i3, 1, 'imei2'), (:i2, 2, 'imei'), "
     "('SER-1', 3, 'serial')", {"i1": IMEI1, "i2": IMEI2, "i3": IMEI3}),
    ("INSERT INTO orders (id, number, customer_id, channel_id, status_id, external_id, shipping_address, note, "
     "created_at, updated_at) VALUES (1, 'SO100001', 1, 1, 1, NULL, '1 Road', '', :t, :t)", {"t": WHEN}),
    ("INSERT INTO order_lines (id, order_id, variation_id, sku, sku_norm, quantity, price, unmapped, closed, title) "
     "VALUES (1, 1, NULL, 'IPX-A', 'ipx-a', 2, 300.00, false, false, '')", {}),
    ("INSERT INTO commitments (id, unit_id, line_id, order_id, active, committed_at, station) "
     "VALUES (1, 1, 1, 1, true, :t, 'bench-1')", {"t": WHEN}),
    ("INSERT INTO unit_events (id, unit_id, at, kind, detail, station, operator) VALUES "
     "(1, 1, :t, 'received', 'old', 'bench-1', 'ann'), (2, 1, :t, 'committed', 'order SO100001', 'bench-1', 'ann')",
     {"t": WHEN}),
]
COUNTS = {"grades": 3, "conditions": 1, "warehouses": 1, "products": 1, "variations": 2, "variation_conditions": 1,
          "units": 3, "unit_codes": 4, "orders": 1, "order_lines": 1, "commitments": 1, "unit_events": 2, "customers": 1}
NEW_TABLES = {"bm_listings", "outbox", "sync_runs", "sync_lease"}


def _at_0001(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        for sql, params in FILL:
            conn.execute(text(sql), params)
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in [*COUNTS, "channels", "inventory_statuses", "order_statuses"]:
                if "id" in {c["name"] for c in inspect(conn).get_columns(table)}:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT MAX(id) FROM {table}))"))
    assert migrate.current_revision(engine) == "0001"
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    engine.dispose()


def test_upgrade_from_0001_keeps_every_row(empty_db_url):
    _at_0001(empty_db_url)
    db = open_database(empty_db_url)
    try:
        backup = initialize(db)
        assert not migrate.needs_upgrade(db.engine)
        assert NEW_TABLES <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as conn:
            for table, n in COUNTS.items():
                assert conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) == n, table
            assert conn.scalar(text("SELECT value FROM settings WHERE key = 'catalog.sku_unique'")) == "false"
            # defaults fill in what is missing but never touch the lists the manager already has
            assert conn.scalar(text("SELECT COUNT(*) FROM grades")) == 3  # + Ungraded, which purchasing needs
            assert list(conn.execute(text("SELECT name FROM grades ORDER BY position"))) == [("A",), ("B",), ("Ungraded",)]
            assert {r[0] for r in conn.execute(text("SELECT name FROM inventory_statuses"))} == {
                "Available", "Sold", "Incoming", "Processing", "Repair", "Vendor RMA", "Returned to vendor", "Written off"}
            assert conn.scalar(text("SELECT COUNT(*) FROM channels")) == 2  # Back Market added
        with db.reads() as s:
            report = returns.unit_report(s, IMEI3)  # found through its second IMEI
            assert (report["imei"], report["imei2"], report["sku"], report["cost"]) == (IMEI1, IMEI3, "IPX-A", "123.45")
            assert report["received_at"] == "2024-01-02T03:04:05Z"
            assert [o["number"] for o in report["orders"]] == ["SO100001"]
            assert [(h["event"], h["operator"]) for h in report["history"]] == [("received", "ann"), ("committed", "ann")]
            assert returns.unit_report(s, "ser-1")["conditions"] == ["CG"]
        path = sqlite_path(empty_db_url)
        if path is None:
            assert backup is None
        else:
            assert backup is not None and backup != str(path)
            with sqlite3.connect(backup) as old:
                assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
                assert old.execute("SELECT COUNT(*) FROM units").fetchone() == (3,)
        # idempotent: a second run changes nothing and backs nothing up
        assert initialize(db) is None
        with db.engine.connect() as conn:
            for table, n in COUNTS.items():
                assert conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) == n, table
    finally:
        db.dispose()


def test_initialize_is_idempotent_on_a_new_database(empty_db_url):
    db = open_database(empty_db_url)
    try:
        assert initialize(db) is None  # nothing to back up: the database is new
        with db.engine.connect() as conn:
            counts = {t: conn.scalar(text(f"SELECT COUNT(*) FROM {t}"))
                      for t in ("grades", "conditions", "warehouses", "inventory_statuses", "order_statuses", "channels")}
        # 5 grades + Ungraded; 8 statuses + Returned to vendor and Written off (purchasing)
        assert counts == {"grades": 6, "conditions": 5, "warehouses": 1, "inventory_statuses": 10,
                          "order_statuses": 6, "channels": 2}
        assert initialize(db) is None
        with db.engine.connect() as conn:
            assert {t: conn.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in counts} == counts
        path = sqlite_path(empty_db_url)
        if path is not None:
            assert list(path.parent.glob("*.bak")) == []
    finally:
        db.dispose()


def test_models_and_migrations_do_not_drift(empty_db_url):
    db = open_database(empty_db_url)
    try:
        initialize(db)
        cfg = migrate.alembic_config(db.engine)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.check(cfg)  # raises AutoGenerateDiagnosticContainsChanges on any drift
    finally:
        db.dispose()


def test_cost_survives_exactly(empty_db_url):
    _at_0001(empty_db_url)
    db = open_database(empty_db_url)
    try:
        initialize(db)
        with db.reads() as s:
            from app.models import Unit
            assert s.get(Unit, 1).cost == Decimal("123.45")
    finally:
        db.dispose()
