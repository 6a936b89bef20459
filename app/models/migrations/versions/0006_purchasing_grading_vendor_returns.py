"""purchasing, grading and vendor returns: vendors, POs, manifests, receipts, landed costs,
diagnostic runs, vendor RMAs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:03:29

New tables only: every existing row is kept as it was (units keep their cost; a unit received
before purchasing existed simply has no receipt). The statuses and the grade purchasing needs
(Incoming, Processing, Repair, Vendor RMA, Returned to vendor, Written off; Ungraded, last) are
added by `initialize` right after the upgrade when missing (app/domain/defaults.py), so a new
database still gets the whole default lists.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('vendors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendors')),
    sa.UniqueConstraint('name', name=op.f('uq_vendors_name'))
    )
    op.create_table('purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_purchase_orders_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
    sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number'))
    )
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purchase_orders_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('vendor_rmas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('ra_number', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('tracking', sa.String(length=200), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approved_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=80), nullable=False),
    sa.Column('shipped_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_vendor_rmas_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_rmas')),
    sa.UniqueConstraint('number', name=op.f('uq_vendor_rmas_number'))
    )
    with op.batch_alter_table('vendor_rmas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_rmas_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('po_landed_costs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('operator', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_po_landed_costs_po_id_purchase_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_landed_costs'))
    )
    with op.batch_alter_table('po_landed_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_po_landed_costs_po_id'), ['po_id'], unique=False)

    op.create_table('po_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('manufacturer', sa.String(length=80), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=False),
    sa.Column('model_number', sa.String(length=60), nullable=False),
    sa.Column('network', sa.String(length=60), nullable=False),
    sa.Column('capacity', sa.String(length=30), nullable=False),
    sa.Column('color', sa.String(length=60), nullable=False),
    sa.Column('expected_grade_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['expected_grade_id'], ['grades.id'], name=op.f('fk_po_lines_expected_grade_id_grades')),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_po_lines_po_id_purchase_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_lines'))
    )
    with op.batch_alter_table('po_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_po_lines_po_id'), ['po_id'], unique=False)

    op.create_table('po_manifests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=260), nullable=False),
    sa.Column('imported_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('operator', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_po_manifests_po_id_purchase_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_manifests')),
    sa.UniqueConstraint('po_id', name=op.f('uq_po_manifests_po_id'))
    )
    op.create_table('diagnostic_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('tool', sa.String(length=80), nullable=False),
    sa.Column('tester', sa.String(length=80), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.Column('conditions', sa.String(length=200), nullable=False),
    sa.Column('battery_health', sa.Integer(), nullable=True),
    sa.Column('failed_tests', sa.Text(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('operator', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_diagnostic_runs_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnostic_runs'))
    )
    with op.batch_alter_table('diagnostic_runs', schema=None) as batch_op:
        batch_op.create_index('ix_diagnostic_runs_unit', ['unit_id', 'id'], unique=False)

    op.create_table('po_landed_cost_shares',
    sa.Column('landed_cost_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['landed_cost_id'], ['po_landed_costs.id'], name=op.f('fk_po_landed_cost_shares_landed_cost_id_po_landed_costs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_po_landed_cost_shares_unit_id_units')),
    sa.PrimaryKeyConstraint('landed_cost_id', 'unit_id', name=op.f('pk_po_landed_cost_shares'))
    )
    op.create_table('po_manifest_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('manifest_id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('po_line_id', sa.Integer(), nullable=True),
    sa.Column('manufacturer', sa.String(length=80), nullable=False),
    sa.Column('model', sa.String(length=120), nullable=False),
    sa.Column('model_number', sa.String(length=60), nullable=False),
    sa.Column('network', sa.String(length=60), nullable=False),
    sa.Column('capacity', sa.String(length=30), nullable=False),
    sa.Column('color', sa.String(length=60), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['manifest_id'], ['po_manifests.id'], name=op.f('fk_po_manifest_rows_manifest_id_po_manifests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_po_manifest_rows_po_id_purchase_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['po_line_id'], ['po_lines.id'], name=op.f('fk_po_manifest_rows_po_line_id_po_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_manifest_rows')),
    sa.UniqueConstraint('po_id', 'code', name=op.f('uq_po_manifest_rows_po_id_code'))
    )
    with op.batch_alter_table('po_manifest_rows', schema=None) as batch_op:
        batch_op.create_index('ix_po_manifest_rows_code', ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_po_manifest_rows_manifest_id'), ['manifest_id'], unique=False)

    op.create_table('po_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('po_id', sa.Integer(), nullable=False),
    sa.Column('po_line_id', sa.Integer(), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('unexpected', sa.Boolean(), nullable=False),
    sa.Column('over_receipt', sa.Boolean(), nullable=False),
    sa.Column('replaces_unit_id', sa.Integer(), nullable=True),
    sa.Column('received_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('operator', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['po_id'], ['purchase_orders.id'], name=op.f('fk_po_receipts_po_id_purchase_orders')),
    sa.ForeignKeyConstraint(['po_line_id'], ['po_lines.id'], name=op.f('fk_po_receipts_po_line_id_po_lines')),
    sa.ForeignKeyConstraint(['replaces_unit_id'], ['units.id'], name=op.f('fk_po_receipts_replaces_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_po_receipts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_po_receipts')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_po_receipts_unit_id'))
    )
    with op.batch_alter_table('po_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_po_receipts_po_id'), ['po_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_po_receipts_po_line_id'), ['po_line_id'], unique=False)

    op.create_table('vendor_rma_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rma_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('credit_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('replacement_unit_id', sa.Integer(), nullable=True),
    sa.Column('added_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['replacement_unit_id'], ['units.id'], name=op.f('fk_vendor_rma_lines_replacement_unit_id_units')),
    sa.ForeignKeyConstraint(['rma_id'], ['vendor_rmas.id'], name=op.f('fk_vendor_rma_lines_rma_id_vendor_rmas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_vendor_rma_lines_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_rma_lines'))
    )
    with op.batch_alter_table('vendor_rma_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_rma_lines_rma_id'), ['rma_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendor_rma_lines_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_vendor_rma_lines_open_unit', ['unit_id'], unique=True, sqlite_where=sa.text('open'), postgresql_where=sa.text('open'))



def downgrade() -> None:
    with op.batch_alter_table('vendor_rma_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_vendor_rma_lines_open_unit', sqlite_where=sa.text('open'), postgresql_where=sa.text('open'))
        batch_op.drop_index(batch_op.f('ix_vendor_rma_lines_unit_id'))
        batch_op.drop_index(batch_op.f('ix_vendor_rma_lines_rma_id'))

    op.drop_table('vendor_rma_lines')
    with op.batch_alter_table('po_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_po_receipts_po_line_id'))
        batch_op.drop_index(batch_op.f('ix_po_receipts_po_id'))

    op.drop_table('po_receipts')
    with op.batch_alter_table('po_manifest_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_po_manifest_rows_manifest_id'))
        batch_op.drop_index('ix_po_manifest_rows_code')

    op.drop_table('po_manifest_rows')
    op.drop_table('po_landed_cost_shares')
    with op.batch_alter_table('diagnostic_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_diagnostic_runs_unit')

    op.drop_table('diagnostic_runs')
    op.drop_table('po_manifests')
    with op.batch_alter_table('po_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_po_lines_po_id'))

    op.drop_table('po_lines')
    with op.batch_alter_table('po_landed_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_po_landed_costs_po_id'))

    op.drop_table('po_landed_costs')
    with op.batch_alter_table('vendor_rmas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_rmas_vendor_id'))

    op.drop_table('vendor_rmas')
    with op.batch_alter_table('purchase_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purchase_orders_vendor_id'))

    op.drop_table('purchase_orders')
    op.drop_table('vendors')
