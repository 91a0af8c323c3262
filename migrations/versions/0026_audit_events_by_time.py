"""The audit events by the moment they occurred: an export of a date range finds its first
and last event in the index instead of reading the whole chain.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 14:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_occurred_at', 'audit_events', ['occurred_at', 'seq'])


def downgrade():
    op.drop_index('ix_audit_events_occurred_at', table_name='audit_events')
