"""The people's revision in stripes, as the lists' already is: no row every writer shares.

Written by hand. `people_revisions` gets a row per stripe, each at 1; the one row of
`kept_revisions` goes. Workers keep their answers in memory, so numbers that start afresh
at a release mislead none of them: a worker started before the release is stopped by it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 10:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

STRIPES = 32  # models.kept.PEOPLE_STRIPES when this was written


def upgrade():
    table = op.create_table(
        'people_revisions',
        sa.Column('stripe', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision', sa.BigInteger(), server_default='1', nullable=False),
        sa.CheckConstraint(f'stripe >= 0 AND stripe < {STRIPES}',
                           name=op.f('ck_people_revisions_stripe_in_range')),
        sa.PrimaryKeyConstraint('stripe', name=op.f('pk_people_revisions')),
    )
    op.bulk_insert(table, [{'stripe': n, 'revision': 1} for n in range(STRIPES)])
    op.drop_table('kept_revisions')


def downgrade():
    op.create_table(
        'kept_revisions',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('people', sa.BigInteger(), server_default='1', nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_kept_revisions_one_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_revisions')),
    )
    op.execute("INSERT INTO kept_revisions (id, people) VALUES (1, 1)")
    op.drop_table('people_revisions')
