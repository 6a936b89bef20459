"""pending pushes (written by triggers), quarantined Back Market records, accepted-line index

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 07:00:00

Every change that can move a calculated quantity adds a `pending_pushes` row in the same
transaction, through triggers, so no process, station or code path can forget to tell the sync.
"""
from __future__ import annotations

import json

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (trigger name, table, event, WHEN condition or None, rows to add as (kind, SQL expression for ref_id))
# Each row is `INSERT INTO pending_pushes (kind, ref_id) SELECT '<kind>', <expression>`; NEW./OLD. are
# spelt the same in SQLite and PostgreSQL.
_UNIT_VARIATION = "(SELECT u.variation_id FROM units u WHERE u.id = {row}.unit_id)"
TRIGGERS = [
    ("pp_units_ins", "units", "INSERT", None, [("variation", "NEW.variation_id")]),
    ("pp_units_upd", "units", "UPDATE", "OLD.status_id <> NEW.status_id OR OLD.warehouse_id <> NEW.warehouse_id "
     "OR OLD.variation_id <> NEW.variation_id",
     [("variation", "NEW.variation_id"), ("variation", "OLD.variation_id WHERE OLD.variation_id <> NEW.variation_id")]),
    ("pp_units_del", "units", "DELETE", None, [("variation", "OLD.variation_id")]),
    ("pp_commit_ins", "commitments", "INSERT", None,
     [("order", "NEW.order_id"), ("variation", _UNIT_VARIATION.format(row="NEW"))]),
    ("pp_commit_upd", "commitments", "UPDATE", "OLD.active <> NEW.active OR OLD.line_id <> NEW.line_id",
     [("order", "NEW.order_id"), ("variation", _UNIT_VARIATION.format(row="NEW"))]),
    ("pp_commit_del", "commitments", "DELETE", None,
     [("order", "OLD.order_id"), ("variation", _UNIT_VARIATION.format(row="OLD"))]),
    ("pp_lines_ins", "order_lines", "INSERT", None, [("order", "NEW.order_id")]),
    ("pp_lines_upd", "order_lines", "UPDATE",
     "OLD.quantity <> NEW.quantity OR OLD.closed <> NEW.closed OR OLD.unmapped <> NEW.unmapped "
     "OR COALESCE(OLD.variation_id, -1) <> COALESCE(NEW.variation_id, -1) "
     "OR COALESCE(OLD.sku_norm, '') <> COALESCE(NEW.sku_norm, '')", [("order", "NEW.order_id")]),
    ("pp_lines_del", "order_lines", "DELETE", None, [("order", "OLD.order_id")]),
    ("pp_orders_upd", "orders", "UPDATE", "OLD.status_id <> NEW.status_id", [("order", "NEW.id")]),
    ("pp_variations_upd", "variations", "UPDATE", "COALESCE(OLD.sku_norm, '') <> COALESCE(NEW.sku_norm, '')",
     [("variation", "NEW.id"), ("listing", "L.id FROM bm_listings L WHERE L.sku_norm = OLD.sku_norm")]),
    ("pp_listings_upd", "bm_listings", "UPDATE",
     "COALESCE(OLD.variation_id, -1) <> COALESCE(NEW.variation_id, -1) OR OLD.reserve <> NEW.reserve "
     "OR COALESCE(OLD.max_listed, -1) <> COALESCE(NEW.max_listed, -1)", [("listing", "NEW.id")]),
    ("pp_settings_ins", "settings", "INSERT", "NEW.key LIKE 'backmarket.%' OR NEW.key LIKE 'catalog.%'",
     [("all", "NULL")]),
    ("pp_settings_upd", "settings", "UPDATE", "NEW.key LIKE 'backmarket.%' OR NEW.key LIKE 'catalog.%'",
     [("all", "NULL")]),
    ("pp_statuses_upd", "inventory_statuses", "UPDATE", None, [("all", "NULL")]),
    ("pp_warehouses_upd", "warehouses", "UPDATE", None, [("all", "NULL")]),
    ("pp_order_statuses_upd", "order_statuses", "UPDATE", None, [("all", "NULL")]),
]


def _inserts(rows) -> str:
    return " ".join(f"INSERT INTO pending_pushes (kind, ref_id) SELECT '{kind}', {expr};" for kind, expr in rows)


def create_triggers(bind) -> None:
    postgres = bind.dialect.name == "postgresql"
    for name, table, event, when, rows in TRIGGERS:
        body = _inserts(rows)
        if postgres:
            ret = "OLD" if event == "DELETE" else "NEW"
            op.execute(f"CREATE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} RETURN {ret}; END $$")
            cond = f" WHEN ({when})" if when else ""
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{cond} "
                       f"EXECUTE FUNCTION {name}_fn()")
        else:
            cond = f" WHEN {when}" if when else ""
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{cond} BEGIN {body} END")


def drop_triggers(bind) -> None:
    postgres = bind.dialect.name == "postgresql"
    for name, table, *_ in TRIGGERS:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}_fn()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    op.create_table('pending_pushes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_pushes'))
    )
    op.create_table('bm_quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('first_seen', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('times_seen', sa.Integer(), nullable=False),
    sa.Column('resolved_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bm_quarantine')),
    sa.UniqueConstraint('kind', 'external_id', name=op.f('uq_bm_quarantine_kind_external_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_ref', sa.String(length=60), nullable=True))
        batch_op.create_index('ix_outbox_kind_line_ref', ['kind', 'line_ref'], unique=False)

    bind = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                      sa.column('payload', sa.Text), sa.column('line_ref', sa.String))
    for row_id, payload in bind.execute(sa.select(outbox.c.id, outbox.c.payload)
                                        .where(outbox.c.kind == 'accept_line')).all():
        try:
            line = json.loads(payload).get("line_id")
        except (ValueError, AttributeError):
            line = None
        if line is not None:
            bind.execute(outbox.update().where(outbox.c.id == row_id).values(line_ref=str(line)))
    create_triggers(bind)


def downgrade() -> None:
    drop_triggers(op.get_bind())
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_kind_line_ref')
        batch_op.drop_column('line_ref')
    op.drop_table('bm_quarantine')
    op.drop_table('pending_pushes')
