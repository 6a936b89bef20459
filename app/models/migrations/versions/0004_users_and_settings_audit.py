"""users (operators, roles, badges, PIN hashes, lock-out) and the settings-change audit trail

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 07:10:00

A database with no rows in `users` keeps working as before (no sign-in); the first admin switches
sign-in on. `setting_changes` is append-only: one row per shared-setting write.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_norm', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('badge_code', sa.String(length=60), nullable=True),
    sa.Column('pin_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('badge_code', name=op.f('uq_users_badge_code')),
    sa.UniqueConstraint('name', name=op.f('uq_users_name')),
    sa.UniqueConstraint('name_norm', name=op.f('uq_users_name_norm'))
    )
    op.create_table('setting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('station', sa.String(length=80), nullable=False),
    sa.Column('operator', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setting_changes'))
    )
    op.create_index('ix_setting_changes_key', 'setting_changes', ['key', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_setting_changes_key', table_name='setting_changes')
    op.drop_table('setting_changes')
    op.drop_table('users')
