"""pending_pushes: only the settings that move a calculated quantity ask for every listing

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00

Migration 0003 recorded "push every listing" for any `backmarket.*` or `catalog.*` setting written,
including the ones the sync keeps for itself on every cycle (`backmarket.sku_budget`,
`backmarket.orders_checkpoint`). Each push saving its budget asked for another push of every listing:
the lease holder recomputed every quantity each second, and spent the hour's SKU lines kept for live
stock changes on that reconciliation, so a sale made at another station waited for the next hour.
Now only the three settings the quantities read (counted statuses, counted warehouses, the mapping
mode) do it, and only when their value really changes.
"""
from __future__ import annotations

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

COUNTING = "NEW.key IN ('backmarket.statuses', 'backmarket.warehouses', 'backmarket.mapping')"
BEFORE = "NEW.key LIKE 'backmarket.%' OR NEW.key LIKE 'catalog.%'"
BODY = "INSERT INTO pending_pushes (kind, ref_id) SELECT 'all', NULL;"


def _replace(when_insert: str, when_update: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, event, when in (("pp_settings_ins", "INSERT", when_insert), ("pp_settings_upd", "UPDATE", when_update)):
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON settings")
            # CREATE OR REPLACE keeps the function's owner and grants as they are.
            op.execute(f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {BODY} RETURN NEW; END $$")
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON settings FOR EACH ROW WHEN ({when}) "
                       f"EXECUTE FUNCTION {name}_fn()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON settings FOR EACH ROW WHEN {when} BEGIN {BODY} END")


def upgrade() -> None:
    _replace(COUNTING, f"({COUNTING}) AND OLD.value <> NEW.value")


def downgrade() -> None:
    _replace(BEFORE, BEFORE)
