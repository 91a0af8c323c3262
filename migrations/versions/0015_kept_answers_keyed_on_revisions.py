"""Kept answers filed under revisions: one per application, one row for the lists and people.

Written by hand. `applications.revision` starts at 1 for every existing file; the single
row of `kept_revisions` starts at 1 for both numbers. No other rows change.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 01:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), server_default='1',
                                   nullable=False))
    op.create_table(
        'kept_revisions',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('file_lists', sa.BigInteger(), server_default='1', nullable=False),
        sa.Column('people', sa.BigInteger(), server_default='1', nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_kept_revisions_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_revisions')),
    )
    op.execute("INSERT INTO kept_revisions (id, file_lists, people) VALUES (1, 1, 1)")


def downgrade():
    op.drop_table('kept_revisions')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('revision')
