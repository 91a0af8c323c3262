"""The audit and ledger tables refuse TRUNCATE, as they refuse UPDATE and DELETE.

Written by hand. PostgreSQL's row triggers (0002, 0003) never see a TRUNCATE: it
empties the table without visiting a row. A statement-level BEFORE TRUNCATE trigger on
each table refuses it, also when another table's TRUNCATE … CASCADE reaches them.

SQLite has no TRUNCATE: its `DELETE FROM table` without a WHERE is the same thing, and
the row triggers already refuse it (a table with a DELETE trigger is never emptied by
SQLite's truncate shortcut). Nothing to do there. No rows change.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:00:00

"""
from alembic import op

from models import append_only


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# The append-only tables as of this revision (a later one adds its own tables' triggers).
TABLES = ('audit_events', 'ledger_entries')


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(append_only.NO_TRUNCATE_FUNCTION)
    for table in TABLES:
        op.execute(append_only.postgres_truncate_trigger(table))


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(append_only.postgres_truncate_trigger_dropped(table))
    op.execute(append_only.NO_TRUNCATE_FUNCTION_DROPPED)
