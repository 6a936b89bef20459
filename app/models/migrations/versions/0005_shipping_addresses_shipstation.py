"""structured shipping addresses on orders; what ShipStation knows about each order

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:00:00

Existing data is kept: the free-text `orders.shipping_address` stays as it was (it is what the
packing slip has always printed); the structured address lives beside it in `order_addresses`.
Back Market orders get theirs on their next import; direct orders when someone adds one.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'order_addresses',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('company', sa.String(length=200), nullable=False),
        sa.Column('street1', sa.String(length=200), nullable=False),
        sa.Column('street2', sa.String(length=200), nullable=False),
        sa.Column('street3', sa.String(length=200), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('state', sa.String(length=100), nullable=False),
        sa.Column('postal_code', sa.String(length=30), nullable=False),
        sa.Column('country', sa.String(length=2), nullable=False),
        sa.Column('phone', sa.String(length=50), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_addresses_order_id_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_addresses')),
    )
    op.create_table(
        'shipstation_orders',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('order_key', sa.String(length=80), nullable=False),
        sa.Column('remote_id', sa.BigInteger(), nullable=True),
        sa.Column('remote_status', sa.String(length=30), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('pushed_at', app.models.base.UTCDateTime(), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        sa.Column('label_shipment_id', sa.BigInteger(), nullable=True),
        sa.Column('label_tracking', sa.String(length=200), nullable=True),
        sa.Column('label_carrier', sa.String(length=100), nullable=True),
        sa.Column('label_cost', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('label_at', app.models.base.UTCDateTime(), nullable=True),
        sa.Column('waiting_for_packing', sa.Boolean(), nullable=False),
        sa.Column('marked_shipped_at', app.models.base.UTCDateTime(), nullable=True),
        sa.Column('updated_at', app.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipstation_orders_order_id_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_shipstation_orders')),
        sa.UniqueConstraint('order_key', name=op.f('uq_shipstation_orders_order_key')),
    )
    op.create_index(op.f('ix_shipstation_orders_remote_id'), 'shipstation_orders', ['remote_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_shipstation_orders_remote_id'), table_name='shipstation_orders')
    op.drop_table('shipstation_orders')
    op.drop_table('order_addresses')
