"""shipstation_orders.leave_open: the packer chose not to mark an order shipped in ShipStation

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:10:00

An order shipped at the packing station while ShipStation still had it waiting for a label is
marked shipped there by the next sync, unless the packer answered "no" (`leave_open`). Existing
rows keep today's behaviour (false: mark it shipped).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shipstation_orders') as batch:
        batch.add_column(sa.Column('leave_open', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('shipstation_orders') as batch:
        batch.drop_column('leave_open')
